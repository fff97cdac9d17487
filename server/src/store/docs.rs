//! Documents: their current revision, the list, the trash.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{ClaimedKey, ListQuery, MergeChange, Merged, SaveChange, StoreResult};
use app::{
    domain::{Role, Status, ValidFields},
    protocol::{DocPage, Document, UserRef},
};

/// What one query read for a request in a live session.
pub struct InSession {
    pub asker: UserRef,
    /// The live document and the asker's role on it (`None`: no access).
    pub doc: Option<(Document, Option<Role>)>,
}

#[async_trait]
pub trait Docs: Send + Sync + 'static {
    /// Inserts the document at revision 1 and its first revision row, in one transaction
    /// that also completes the request's claimed idempotency key.
    async fn create_doc(
        &self,
        id: &str,
        fields: &ValidFields,
        by: &UserRef,
        at: DateTime<Utc>,
        key: Option<ClaimedKey<'_>>,
    ) -> StoreResult<Document>;
    async fn get_doc(&self, id: &str) -> StoreResult<Option<Document>>;
    /// A live document and the user's role on it (`None`: no access), read together.
    async fn doc_for(
        &self,
        id: &str,
        user_id: &str,
    ) -> StoreResult<Option<(Document, Option<Role>)>>;
    /// The live session's user with the document and their role on it, in one query:
    /// `None` when the session is not live (whatever the document), `doc: None` when there
    /// is no such live document.
    async fn doc_in_session(
        &self,
        id: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<InSession>>;
    async fn list_docs(&self, query: &ListQuery) -> StoreResult<DocPage>;
    /// One transaction: compare-and-set on `rev`, insert the revision row, bump the document.
    /// `Stale` when the document is no longer at `expected_rev`.
    async fn save_doc(&self, change: SaveChange<'_>) -> StoreResult<Document>;
    /// One transaction holding the document from its read to its save: the change merged
    /// over the current revision, marked as a merge in its revision row.
    async fn merge_save_doc(&self, change: MergeChange<'_>) -> StoreResult<Merged>;
    /// Moves the document to `to` with the same compare-and-set as a save.
    async fn transition_doc(
        &self,
        id: &str,
        expected_rev: i64,
        to: Status,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<Document>;
    /// Those of `candidates` that no live document uses as its slug.
    async fn free_slugs(&self, candidates: &[String]) -> StoreResult<Vec<String>>;
}
