//! Wire types shared by the server and the browser: REST bodies and problem details.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

mod flash;
mod inbox;
mod problems;
mod reviews;
mod suggestions;
mod threads;

pub use flash::Flash;
pub use inbox::{Inbox, Notification, NotificationKind};
pub use problems::{problem, ApiFailure, Problem, StaleRevision};
pub use reviews::{approves, NewReview, Review, ReviewSetup, Reviews, Verdict};
pub use suggestions::{
    Decided, Decisions, HunkState, NewSuggestion, SuggestedHunk, SuggestedValues, Suggestion,
    SuggestionList, SuggestionState,
};
pub use threads::{
    check_passages, comments_heading, highlighted, in_bytes, in_text_order, passages,
    unreached_note, Comment, NewAnchor, NewComment, NewThread, Resolution, Thread, ThreadAnchor,
    ThreadList,
};

use crate::domain::{Field, Role, Status};

/// A user as shown next to their work.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: String,
    pub name: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub title: String,
    pub slug: String,
    pub tags: Vec<String>,
    pub body: String,
    pub status: Status,
    pub rev: i64,
    pub created_at: DateTime<Utc>,
    pub created_by: UserRef,
    pub updated_at: DateTime<Utc>,
    pub updated_by: UserRef,
}

impl Document {
    /// The strong validator of this revision, as sent in `ETag` and expected in `If-Match`.
    pub fn etag(&self) -> String {
        etag(self.rev)
    }

    pub fn fields(&self) -> crate::domain::Fields {
        crate::domain::Fields {
            title: self.title.clone(),
            slug: self.slug.clone(),
            tags: self.tags.clone(),
            body: self.body.clone(),
        }
    }
}

pub fn etag(rev: i64) -> String {
    format!("\"{rev}\"")
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocSummary {
    pub id: String,
    pub title: String,
    pub slug: String,
    pub tags: Vec<String>,
    pub status: Status,
    pub rev: i64,
    pub updated_at: DateTime<Utc>,
    pub updated_by: UserRef,
    pub owner: UserRef,
    /// The asking user's role on this document.
    pub your_role: Role,
    /// With a search: the words around the first hit in the text, if the text has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<crate::domain::snippet::Snippet>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocPage {
    pub items: Vec<DocSummary>,
    /// Pass back as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
    /// Pass back as `cursor` for the page before; absent on the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev_cursor: Option<String>,
    /// How many documents match, on every page together.
    pub total: i64,
}

/// Query of `GET /api/docs`. Values stay text so a bad one gets a problem naming it; the
/// patterns say exactly what the server takes (an empty value means "any").
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// Words to find in the title, slug, tags or body.
    #[cfg_attr(feature = "ssr", param(max_length = 200))]
    pub q: Option<String>,
    #[cfg_attr(feature = "ssr", param(pattern = "^(draft|published|archived)?$"))]
    pub status: Option<String>,
    /// One tag, in any case.
    pub tag: Option<String>,
    /// `me`: documents I own; `others`: documents shared with me.
    #[serde(default)]
    #[cfg_attr(feature = "ssr", param(pattern = "^(me|others)?$"))]
    pub owner: Option<String>,
    /// 1 to 100; 20 when left out.
    #[cfg_attr(feature = "ssr", param(pattern = "^(\\+?0*([1-9][0-9]?|100))?$"))]
    pub limit: Option<String>,
    /// `updated` (newest change first, the default) or `title` (A to Z, ignoring case).
    #[cfg_attr(feature = "ssr", param(pattern = "^(updated|title)?$"))]
    pub sort: Option<String>,
    /// `next_cursor` or `prev_cursor` of another page, of the same sort.
    pub cursor: Option<String>,
}

/// `POST /api/docs`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateDoc {
    #[cfg_attr(feature = "ssr", schema(
        // After trimming, not empty and no control characters. (The 200-character limit is
        // on the trimmed title, which a pattern cannot say.)
        pattern = "^\\s*[^\\s\\x00-\\x1f\\x7f-\\x9f]([^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f])?\\s*$"
    ))]
    pub title: String,
    /// Left out or empty: made from the title, the first free one of "plan", "plan-2" ….
    #[serde(default)]
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$", max_length = 80)
    )]
    pub slug: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub body: String,
}

impl PutDoc {
    pub fn from_fields(fields: crate::domain::Fields) -> PutDoc {
        PutDoc {
            title: fields.title,
            slug: fields.slug,
            tags: fields.tags,
            body: fields.body,
            base_rev: None,
        }
    }
}

/// `PUT /api/docs/{id}`: every editable field.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutDoc {
    #[cfg_attr(feature = "ssr", schema(
        // After trimming, not empty and no control characters. (The 200-character limit is
        // on the trimmed title, which a pattern cannot say.)
        pattern = "^\\s*[^\\s\\x00-\\x1f\\x7f-\\x9f]([^\\x00-\\x1f\\x7f-\\x9f]*[^\\s\\x00-\\x1f\\x7f-\\x9f])?\\s*$"
    ))]
    pub title: String,
    #[cfg_attr(
        feature = "ssr",
        schema(pattern = "^[a-z0-9]+(-[a-z0-9]+)*$", max_length = 80)
    )]
    pub slug: String,
    pub tags: Vec<String>,
    pub body: String,
    /// For clients that cannot set `If-Match`; a stale value gives 409 instead of 412.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_rev: Option<i64>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub name: String,
    pub password: String,
}

/// One revision between the editor's base and the current one.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedBy {
    pub rev: i64,
    pub by: UserRef,
    pub at: DateTime<Utc>,
    pub fields: Vec<Field>,
}

/// `POST /api/docs/{id}/transitions`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_rev: Option<i64>,
}

/// `POST /api/docs/{id}/revisions/{rev}/restore`, for clients that cannot set `If-Match`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_rev: Option<i64>,
}

/// `POST /api/trash/{id}/restore`: out of the trash, under a new slug if another live
/// document took its own meanwhile.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreFromTrash {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slug: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_rev: Option<i64>,
}

/// `POST /api/docs/{id}/members`: add somebody, or change their role.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub name: String,
    pub role: Role,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: UserRef,
    pub role: Role,
}

/// `GET /api/docs/{id}/members`: who has access, and the asking user's own role.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    pub owner: UserRef,
    pub members: Vec<Member>,
    pub your_role: Role,
}

/// `GET /api/users?prefix=`: people whose names start with what was typed, to share with.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct People {
    pub items: Vec<UserRef>,
}

/// `POST /api/preview`: Markdown to render.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub body: String,
    /// Passages to highlight, each a thread's (the read view of the editor shows them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub passages: Vec<Highlighted>,
}

/// A thread's passage to highlight: where it is in the body, in characters.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Highlighted {
    pub start: usize,
    pub end: usize,
    /// The thread's id: letters, digits and `-`, at most 64.
    pub thread: String,
}

/// Sanitised HTML: safe to insert into a page.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub html: String,
}

/// One entry of a document's history.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionSummary {
    pub rev: i64,
    pub by: UserRef,
    pub at: DateTime<Utc>,
    /// What this revision changed; `status` for transitions.
    pub fields: Vec<Field>,
    /// The status after this revision.
    pub status: Status,
    /// Set when the server merged this save (`Prefer: merge=auto`): the revision the saved
    /// change was made on. The revisions after it, up to this one, were merged over.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_base: Option<i64>,
    /// Set when this revision accepted changes someone suggested (`by` accepted them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suggested_by: Option<UserRef>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionList {
    /// Newest first.
    pub items: Vec<RevisionSummary>,
}

/// One revision with its full values.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub rev: i64,
    pub by: UserRef,
    pub at: DateTime<Utc>,
    pub fields: Vec<Field>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_base: Option<i64>,
    pub title: String,
    pub slug: String,
    pub tags: Vec<String>,
    pub body: String,
}

impl Revision {
    pub fn values(&self) -> crate::domain::Fields {
        crate::domain::Fields {
            title: self.title.clone(),
            slug: self.slug.clone(),
            tags: self.tags.clone(),
            body: self.body.clone(),
        }
    }
}

/// `GET /api/docs/{id}/diff?from=A&to=B`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocDiff {
    pub from: i64,
    pub to: i64,
    pub fields: Vec<crate::domain::diff::FieldDiff>,
}

/// Who saved, as a sentence starts: "Bob and Ann", "Somebody", or for a person's own
/// other tabs and devices "You (in another tab or window)".
pub fn who_saved<'a>(yourself: bool, names: impl IntoIterator<Item = &'a str>) -> String {
    if yourself {
        return YOU_ELSEWHERE.to_owned();
    }
    match join_names(names) {
        names if names.is_empty() => "Somebody".to_owned(),
        names => names,
    }
}

/// The cookie that carries a signed-in session (HTTP-only: the client never reads it).
pub const SESSION_COOKIE: &str = "concord_session";

/// This person in another tab, window or device.
pub const YOU_ELSEWHERE: &str = "You (in another tab or window)";

/// Names a list of people once each, e.g. "Bob and Ann".
pub fn join_names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut unique: Vec<&str> = Vec::new();
    for name in names {
        if !unique.contains(&name) {
            unique.push(name);
        }
    }
    match unique.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_joined_once_each() {
        assert_eq!(join_names(["Bob", "Ann", "Bob"]), "Bob and Ann");
        assert_eq!(join_names(["Bob", "Ann", "Cy"]), "Bob, Ann and Cy");
        assert_eq!(join_names(["Bob"]), "Bob");
    }
}
