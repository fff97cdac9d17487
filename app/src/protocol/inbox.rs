//! A person's notifications (issue 23): `/api/notifications`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::UserRef;

/// Why a person is told.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Somebody wrote `@you` in a comment.
    Mention,
    /// A reply in a thread you started or took part in.
    Reply,
    /// A comment on a document you own.
    Comment,
    /// A document was shared with you.
    Shared,
    /// Somebody suggested changes to a document you own or edit.
    Suggestion,
    /// Changes you suggested were accepted or rejected.
    Decided,
    /// The owner named you a reviewer of a document.
    ReviewRequested,
    /// A reviewer approved your document or asked for changes.
    Reviewed,
}

impl NotificationKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::Mention => "mention",
            NotificationKind::Reply => "reply",
            NotificationKind::Comment => "comment",
            NotificationKind::Shared => "shared",
            NotificationKind::Suggestion => "suggestion",
            NotificationKind::Decided => "decided",
            NotificationKind::ReviewRequested => "review_requested",
            NotificationKind::Reviewed => "reviewed",
        }
    }

    pub fn parse(name: &str) -> Option<NotificationKind> {
        [
            NotificationKind::Mention,
            NotificationKind::Reply,
            NotificationKind::Comment,
            NotificationKind::Shared,
            NotificationKind::Suggestion,
            NotificationKind::Decided,
            NotificationKind::ReviewRequested,
            NotificationKind::Reviewed,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    pub doc_id: String,
    /// The document's title now.
    pub doc_title: String,
    /// The thread it is about (not for `shared`).
    pub thread_id: Option<String>,
    /// The start of the comment it is about (not for `shared`).
    pub excerpt: Option<String>,
    /// Who did it.
    pub by: UserRef,
    pub at: DateTime<Utc>,
    pub read: bool,
    /// Where it happened: the document, at the thread.
    pub link: String,
}

/// `GET /api/notifications`: newest first; only of documents the person may still read.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    /// How many are unread, of all (not only those listed).
    pub unread: u64,
    pub items: Vec<Notification>,
}
