//! Comment threads and their comments (issue 23). Anchors are stored where their passage is
//! in the current body; every save moves them in its own transaction (`sql/threads.rs`).

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{inbox::NewNotice, StoreResult};
use app::{
    domain::anchor::{Anchor, AnchorState},
    protocol::UserRef,
};

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

/// Where a thread's passage was in some revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastAnchor {
    pub thread_id: String,
    pub start: usize,
    pub end: usize,
    pub state: AnchorState,
}

#[derive(Debug, Clone)]
pub struct CommentRecord {
    pub id: String,
    pub author: UserRef,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub version: i64,
}

/// Where a comment is: its document, its thread, itself.
#[derive(Debug, Clone, Copy)]
pub struct CommentPlace<'a> {
    pub doc_id: &'a str,
    pub thread_id: &'a str,
    pub comment_id: &'a str,
}

/// What becomes of a comment.
pub enum CommentChange<'a> {
    Edit(&'a str),
    Delete,
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
    /// Where the passage was in revision `made_on_rev`, when that is older than `rev`: kept
    /// as that revision's, so its view shows the thread where the person commented.
    pub named: Option<&'a Anchor>,
    pub text: &'a str,
    /// Stored with the thread, in its transaction.
    pub notices: &'a [NewNotice],
}

#[async_trait]
pub trait Threads: Send + Sync + 'static {
    /// The document's threads, oldest first, each with its comments oldest first; a thread
    /// whose every comment was deleted is gone.
    async fn threads(&self, doc_id: &str) -> StoreResult<Vec<ThreadRecord>>;
    /// Where each anchored thread's passage was in revision `rev` (bytes of that revision's
    /// body), by thread id; threads started after it have none.
    async fn anchors_at(&self, doc_id: &str, rev: i64) -> StoreResult<Vec<PastAnchor>>;
    /// Stores a thread whose anchor was placed in revision `rev` of the body; refused as
    /// stale if the document has moved on meanwhile (the anchor would be out of place).
    async fn start_thread(&self, thread: NewThreadRecord<'_>) -> StoreResult<()>;
    /// Adds a comment (and its notifications) to a thread of a live document; `NotFound` if
    /// there is no such thread on that document.
    async fn reply(
        &self,
        doc_id: &str,
        thread_id: &str,
        comment: &CommentRecord,
        notices: &[NewNotice],
    ) -> StoreResult<()>;
    /// Edits or deletes a comment of a thread of a live document if its version is still
    /// `expected` (`Stale` if not, `NotFound` if there is no such comment there); the new
    /// version.
    async fn change_comment(
        &self,
        comment: CommentPlace<'_>,
        change: CommentChange<'_>,
        by: (&UserRef, DateTime<Utc>),
        expected: i64,
    ) -> StoreResult<i64>;
    /// Resolves (at the time given) or reopens a thread of a live document if its version is
    /// still `expected` (`Stale` if not, `NotFound` if there is no such thread there); the new version.
    async fn set_resolved(
        &self,
        doc_id: &str,
        thread_id: &str,
        by: &UserRef,
        resolved: Option<DateTime<Utc>>,
        expected: i64,
    ) -> StoreResult<i64>;
}
