//! A document's revisions: what each changed, and each in full.

use async_trait::async_trait;

use super::StoreResult;
use app::{
    domain::Fields,
    protocol::{ChangedBy, Revision, RevisionSummary},
};

#[async_trait]
pub trait History: Send + Sync + 'static {
    /// A live document's history, newest first.
    async fn revisions(&self, id: &str) -> StoreResult<Vec<RevisionSummary>>;
    async fn revision(&self, id: &str, rev: i64) -> StoreResult<Option<Revision>>;
    /// The field values of one revision of a live document.
    async fn revision_fields(&self, id: &str, rev: i64) -> StoreResult<Option<Fields>>;
    /// Who changed what in each revision after `after_rev`, oldest first.
    async fn changes_since(&self, id: &str, after_rev: i64) -> StoreResult<Vec<ChangedBy>>;
}
