//! Wire types shared by the server and the browser: REST bodies and problem details.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{
    merge::{FieldComparison, MergeSummary},
    Field, FieldError, Role, Status,
};

/// A user as shown next to their work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    pub id: String,
    pub name: String,
}

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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocPage {
    pub items: Vec<DocSummary>,
    /// Pass back as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Query of `GET /api/docs`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    pub q: Option<String>,
    pub status: Option<String>,
    pub tag: Option<String>,
    pub limit: Option<String>,
    pub cursor: Option<String>,
}

/// `POST /api/docs`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateDoc {
    pub title: String,
    pub slug: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub body: String,
}

impl PutDoc {
    pub fn from_fields(fields: crate::domain::Fields) -> PutDoc {
        PutDoc { title: fields.title, slug: fields.slug, tags: fields.tags, body: fields.body, base_rev: None }
    }
}

/// `PUT /api/docs/{id}`: every editable field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PutDoc {
    pub title: String,
    pub slug: String,
    pub tags: Vec<String>,
    pub body: String,
    /// For clients that cannot set `If-Match`; a stale value gives 409 instead of 412.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_rev: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    pub name: String,
    pub password: String,
}

/// One revision between the editor's base and the current one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangedBy {
    pub rev: i64,
    pub by: UserRef,
    pub at: DateTime<Utc>,
    pub fields: Vec<Field>,
}

/// `POST /api/docs/{id}/transitions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    pub to: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_rev: Option<i64>,
}

/// `POST /api/docs/{id}/revisions/{rev}/restore`, for clients that cannot set `If-Match`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RestoreRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_rev: Option<i64>,
}

/// `POST /api/docs/{id}/members`: add somebody, or change their role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberRequest {
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub user: UserRef,
    pub role: Role,
}

/// `GET /api/docs/{id}/members`: who has access, and the asking user's own role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Members {
    pub owner: UserRef,
    pub members: Vec<Member>,
    pub your_role: Role,
}

/// `POST /api/preview`: Markdown to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    pub body: String,
}

/// Sanitised HTML: safe to insert into a page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preview {
    pub html: String,
}

/// One entry of a document's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionSummary {
    pub rev: i64,
    pub by: UserRef,
    pub at: DateTime<Utc>,
    /// What this revision changed; `status` for transitions.
    pub fields: Vec<Field>,
    /// The status after this revision.
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionList {
    /// Newest first.
    pub items: Vec<RevisionSummary>,
}

/// One revision with its full values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revision {
    pub rev: i64,
    pub by: UserRef,
    pub at: DateTime<Utc>,
    pub fields: Vec<Field>,
    pub status: Status,
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocDiff {
    pub from: i64,
    pub to: i64,
    pub fields: Vec<crate::domain::diff::FieldDiff>,
}

/// An RFC 9457 problem as the browser reads it; extension members it does not know are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    pub fn new(status: u16, kind: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: kind.to_owned(),
            title: title.to_owned(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
            extra: serde_json::Map::new(),
        }
    }

    /// The error message for one field, if the server named it.
    pub fn error_for(&self, field: &str) -> Option<String> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
    }

    /// Free slugs offered with `/problems/slug-taken`.
    pub fn suggestions(&self) -> Vec<String> {
        self.extra
            .get("suggestions")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    /// The stale-revision members, when this is a 412 or stale 409.
    pub fn stale(&self) -> Option<StaleRevision> {
        if self.kind != problem::STALE_REVISION {
            return None;
        }
        serde_json::from_value(serde_json::Value::Object(self.extra.clone())).ok()
    }
}

/// Extension members of `/problems/stale-revision`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaleRevision {
    pub your_base_rev: i64,
    pub current_rev: i64,
    pub current_etag: String,
    pub changed_by: Vec<ChangedBy>,
    pub self_conflict: bool,
    pub current: Document,
    /// Field by field: base, theirs and mine. Absent when the base revision is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldComparison>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge: Option<MergeSummary>,
}

/// Problem `type` URIs (relative), one per row of the status-code table.
pub mod problem {
    pub const PRECONDITION_REQUIRED: &str = "/problems/precondition-required";
    pub const STALE_REVISION: &str = "/problems/stale-revision";
    pub const SLUG_TAKEN: &str = "/problems/slug-taken";
    pub const INVALID_STATE: &str = "/problems/invalid-state";
    pub const VALIDATION: &str = "/problems/validation";
    pub const BAD_REQUEST: &str = "/problems/bad-request";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "/problems/unsupported-media-type";
    pub const TOO_LARGE: &str = "/problems/too-large";
    pub const UNAUTHORIZED: &str = "/problems/unauthorized";
    pub const NOT_FOUND: &str = "/problems/not-found";
    pub const NAME_TAKEN: &str = "/problems/name-taken";
    pub const IDEMPOTENCY_MISMATCH: &str = "/problems/idempotency-mismatch";
    pub const IDEMPOTENCY_IN_FLIGHT: &str = "/problems/idempotency-in-flight";
    pub const FORBIDDEN: &str = "/problems/forbidden";
    pub const CROSS_ORIGIN: &str = "/problems/cross-origin";
    pub const TOO_MANY_REQUESTS: &str = "/problems/too-many-requests";
    pub const INTERNAL: &str = "/problems/internal";
    pub const NETWORK: &str = "/problems/network";
}

/// How a request failed, as a page shows it: the HTTP status and the problem body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiFailure {
    pub status: u16,
    pub problem: Problem,
}

impl ApiFailure {
    pub fn network(message: impl Into<String>) -> ApiFailure {
        ApiFailure {
            status: 0,
            problem: Problem::new(0, problem::NETWORK, "Network error", message),
        }
    }
}

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

    #[test]
    fn a_stale_problem_exposes_its_members() {
        let json = serde_json::json!({
            "type": "/problems/stale-revision", "title": "t", "status": 412, "detail": "d",
            "your_base_rev": 1, "current_rev": 2, "current_etag": "\"2\"", "self_conflict": false,
            "changed_by": [{"rev": 2, "by": {"id": "u", "name": "Bob"}, "at": "2026-01-01T00:00:00Z", "fields": ["body"]}],
            "current": {"id": "d", "title": "T", "slug": "t", "tags": [], "body": "", "status": "draft", "rev": 2,
                "created_at": "2026-01-01T00:00:00Z", "created_by": {"id": "u", "name": "Bob"},
                "updated_at": "2026-01-01T00:00:00Z", "updated_by": {"id": "u", "name": "Bob"}}
        });
        let problem: Problem = serde_json::from_value(json).unwrap();
        let stale = problem.stale().unwrap();
        assert_eq!(stale.current_rev, 2);
        assert_eq!(stale.changed_by[0].fields, vec![Field::Body]);
    }
}
