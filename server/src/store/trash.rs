//! The trash: documents moved there keep their history until restored.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use app::protocol::{DocSummary, Document, UserRef};

#[async_trait]
pub trait Trash: Send + Sync + 'static {
    /// Soft-deletes with the same compare-and-set; history is kept.
    async fn delete_doc(
        &self,
        id: &str,
        expected_rev: i64,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The owner's documents in the trash, most recently deleted first.
    async fn trashed(&self, owner_id: &str) -> StoreResult<Vec<DocSummary>>;
    /// A document in the trash, with its owner's id.
    async fn trashed_doc(&self, id: &str) -> StoreResult<Option<(Document, String)>>;
    /// Out of the trash under `slug`, on the revision it was deleted at (else `Stale`).
    async fn restore_doc(
        &self,
        id: &str,
        expected_rev: i64,
        slug: &str,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<Document>;
}
