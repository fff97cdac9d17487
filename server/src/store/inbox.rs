//! Notifications (issue 23): who is told of what, kept until read. A comment's are written
//! in the comment's own transaction (`sql/threads.rs`); a share's right after it.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreResult;
use app::protocol::{NotificationKind, UserRef};

/// A notification to store.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub id: String,
    pub user_id: String,
    pub kind: NotificationKind,
    pub doc_id: String,
    pub thread_id: Option<String>,
    pub comment_id: Option<String>,
    pub actor_id: String,
    pub at: DateTime<Utc>,
}

/// A notification as stored, with what showing it needs.
#[derive(Debug, Clone)]
pub struct NoticeRecord {
    pub id: String,
    pub kind: NotificationKind,
    pub doc_id: String,
    pub doc_title: String,
    pub thread_id: Option<String>,
    /// The comment's text (not for a share).
    pub comment: Option<String>,
    pub by: UserRef,
    pub at: DateTime<Utc>,
    pub read: bool,
}

#[async_trait]
pub trait Inbox: Send + Sync + 'static {
    /// The user's unread count and newest `limit` notifications, of documents they may still
    /// read and comments still there.
    async fn notices(&self, user_id: &str, limit: u32) -> StoreResult<(u64, Vec<NoticeRecord>)>;
    /// Marks one of the user's notifications read (`NotFound` if it is not theirs), or all
    /// of them (`id` None); how many were unread.
    async fn mark_read(
        &self,
        user_id: &str,
        id: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64>;
    /// Stores notifications in one transaction and announces whom they are for, so their
    /// open pages on every instance update their inbox count.
    async fn notify(&self, notices: &[NewNotice]) -> StoreResult<()>;
}
