//! Suggestions (issue 24): proposed values on a revision and the decisions on their hunks.
//! Rejections are stored alone; acceptances with the revision they make, in the save's
//! transaction (`sql/suggestions.rs`, called from the one write every save goes through).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use app::protocol::{SuggestionState, UserRef};

/// A suggestion as stored: the values it proposes and the decisions taken so far.
#[derive(Debug, Clone)]
pub struct SuggestionRecord {
    pub id: String,
    pub doc_id: String,
    pub author: UserRef,
    pub base_rev: i64,
    pub title: String,
    pub tags: Vec<String>,
    pub body: String,
    pub note: String,
    pub created_at: DateTime<Utc>,
    pub state: SuggestionState,
    pub decisions: Vec<DecisionRecord>,
}

/// A hunk accepted or rejected.
#[derive(Debug, Clone)]
pub struct DecisionRecord {
    pub hunk: usize,
    pub accepted: bool,
    pub by: UserRef,
    pub at: DateTime<Utc>,
}

pub struct NewSuggestionRecord<'a> {
    pub id: &'a str,
    pub doc_id: &'a str,
    pub author: &'a UserRef,
    pub base_rev: i64,
    pub title: &'a str,
    pub tags: &'a [String],
    pub body: &'a str,
    pub note: &'a str,
    pub at: DateTime<Utc>,
    /// The author's own open suggestion this one updates: withdrawn in the same transaction.
    pub replaces: Option<&'a str>,
}

/// Decisions on some hunks of one suggestion, by one person at one time.
#[derive(Debug, Clone, Copy)]
pub struct DecisionBatch<'a> {
    pub suggestion_id: &'a str,
    /// Whose suggestion it is: a revision made by accepting names them.
    pub suggested_by: &'a UserRef,
    pub accepted: &'a [usize],
    pub rejected: &'a [usize],
    pub by: &'a UserRef,
    pub at: DateTime<Utc>,
    /// Whether these decide the last undecided hunks: the suggestion closes.
    pub closes: bool,
}

#[async_trait]
pub trait Suggestions: Send + Sync + 'static {
    /// The document's suggestions, newest first, each with its decisions.
    async fn suggestions(&self, doc_id: &str) -> StoreResult<Vec<SuggestionRecord>>;
    /// Stores a new, open suggestion on a live document, withdrawing the one it replaces
    /// (`Stale` if that one is no longer its author's and open).
    async fn suggest(&self, suggestion: NewSuggestionRecord<'_>) -> StoreResult<()>;
    /// Stores rejections alone (nothing accepted): `AlreadyDecided` if a hunk was decided
    /// meanwhile, `Stale` if the suggestion is no longer open.
    async fn reject(&self, doc_id: &str, batch: DecisionBatch<'_>) -> StoreResult<()>;
    /// Withdraws an open suggestion (`Stale` if it is no longer open).
    async fn withdraw(&self, doc_id: &str, id: &str, by: &UserRef) -> StoreResult<()>;
}
