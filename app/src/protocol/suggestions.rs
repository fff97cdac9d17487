//! Suggestions on a document (issue 24): `/api/docs/{id}/suggestions`. A suggestion is a
//! revision and proposed field values; it changes nothing until its hunks are accepted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::UserRef;
use crate::domain::{Field, Fields};

/// `POST /api/docs/{id}/suggestions`: values proposed on revision `base_rev`; a field left
/// out stays as that revision had it. At least one must differ from it.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSuggestion {
    pub base_rev: i64,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub body: Option<String>,
    /// Why, in a few words (at most 10,000 characters); may be empty.
    #[serde(default)]
    pub note: String,
    /// The id of the author's own open suggestion this one updates: that one is withdrawn
    /// as this one is stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<String>,
}

/// `GET /api/docs/{id}/suggestions/{suggestion}/values`: what a suggestion proposes, and the
/// revision it was made on, whole (its author updates it from these).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedValues {
    pub base_rev: i64,
    pub base: Fields,
    pub proposed: Fields,
}

/// Where a hunk stands.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HunkState {
    /// Undecided, and it still applies to the current document.
    Open,
    /// Undecided, but the current document changed the same words since: it cannot be
    /// accepted as it is.
    Outdated,
    Accepted,
    Rejected,
}

/// One change of a suggestion: in `field`, `removed` gives way to `inserted` (the body's
/// words with a little of the text around them, `before` and `after`).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestedHunk {
    pub index: usize,
    pub field: Field,
    pub removed: String,
    pub inserted: String,
    pub before: String,
    pub after: String,
    pub state: HunkState,
    /// Who accepted or rejected it.
    pub decided_by: Option<UserRef>,
}

/// Where a suggestion stands: open while a hunk is undecided, closed once every one is
/// decided, withdrawn by its author.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuggestionState {
    Open,
    Closed,
    Withdrawn,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: String,
    pub doc_id: String,
    pub author: UserRef,
    pub base_rev: i64,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub state: SuggestionState,
    pub hunks: Vec<SuggestedHunk>,
}

/// `GET /api/docs/{id}/suggestions`: every suggestion, newest first.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuggestionList {
    pub items: Vec<Suggestion>,
}

/// `POST /api/docs/{id}/suggestions/{suggestion}/decisions`: hunks to accept and to reject
/// (their `index`), at least one.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    #[serde(default)]
    pub accept: Vec<usize>,
    #[serde(default)]
    pub reject: Vec<usize>,
}

/// What deciding did: the suggestion as it is now, and the document's revision (a new one
/// when hunks were accepted).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decided {
    pub suggestion: Suggestion,
    pub rev: i64,
}
