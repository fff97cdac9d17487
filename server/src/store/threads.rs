//! Comment threads and their comments (issue 23). Anchors are stored where their passage is
//! in the current body; every save moves them in its own transaction (`sql/threads.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use app::{domain::anchor::Anchor, protocol::UserRef};

/// A thread as stored: its anchor in bytes of the current body.
#[derive(Debug, Clone)]
pub struct ThreadRecord {
    pub id: String,
    pub doc_id: String,
    pub author: UserRef,
    pub created_at: DateTime<Utc>,
    pub made_on_rev: i64,
    /// The passage's text as commented on, and where the passage is now.
    pub anchor: Option<(String, Anchor)>,
    pub resolved: bool,
    pub version: i64,
    pub comments: Vec<CommentRecord>,
}

#[derive(Debug, Clone)]
pub struct CommentRecord {
    pub id: String,
    pub author: UserRef,
    pub text: String,
    pub created_at: DateTime<Utc>,
}

/// A new thread with its first comment.
pub struct NewThreadRecord<'a> {
    pub id: &'a str,
    pub comment_id: &'a str,
    pub doc_id: &'a str,
    pub author: &'a UserRef,
    pub at: DateTime<Utc>,
    /// The revision its anchor is placed in (the current one).
    pub rev: i64,
    pub made_on_rev: i64,
    pub anchor: Option<(&'a str, &'a Anchor)>,
    pub text: &'a str,
}

#[async_trait]
pub trait Threads: Send + Sync + 'static {
    /// The document's threads, oldest first, each with its comments oldest first.
    async fn threads(&self, doc_id: &str) -> StoreResult<Vec<ThreadRecord>>;
    /// Stores a thread whose anchor was placed in revision `rev` of the body; refused as
    /// stale if the document has moved on meanwhile (the anchor would be out of place).
    async fn start_thread(&self, thread: NewThreadRecord<'_>) -> StoreResult<()>;
    /// Adds a comment to a thread of a live document; `NotFound` if there is no such thread
    /// on that document.
    async fn reply(
        &self,
        doc_id: &str,
        thread_id: &str,
        comment: &CommentRecord,
    ) -> StoreResult<()>;
    /// Resolves or reopens a thread of a live document if its version is still `expected`
    /// (`Stale` if not, `NotFound` if there is no such thread there); the new version.
    async fn set_resolved(
        &self,
        doc_id: &str,
        thread_id: &str,
        resolved: Option<(&UserRef, DateTime<Utc>)>,
        expected: i64,
    ) -> StoreResult<i64>;
}
