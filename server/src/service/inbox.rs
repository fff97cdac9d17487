//! A person's notifications (issue 23): listed newest first, only of documents they may
//! still read, each linking to its place.

use super::{DocError, Documents};
use crate::store::inbox::{NewNotice, NoticeRecord};
use app::protocol::{Inbox, Notification, NotificationKind, UserRef};

/// The most notifications one answer lists.
const LISTED: u32 = 100;
/// How much of a comment a notification quotes, in characters.
const EXCERPT: usize = 140;

impl Documents<'_> {
    pub async fn inbox(&self, user: &UserRef) -> Result<Inbox, DocError> {
        let (unread, records) = self.stores.inbox.notices(&user.id, LISTED).await?;
        Ok(Inbox {
            unread,
            items: records.into_iter().map(notification).collect(),
        })
    }

    /// Marks one notification read, or all (`None`); another person's is not found.
    pub async fn mark_read(&self, user: &UserRef, id: Option<&str>) -> Result<(), DocError> {
        let marked = self
            .stores
            .inbox
            .mark_read(&user.id, id, self.clock.now())
            .await?;
        tracing::debug!(by = %user.name, marked, "notifications read");
        Ok(())
    }

    /// Tells `member` that `by` shared the document with them. Told after the share
    /// committed: a failure here is logged, and the share stands.
    pub(super) async fn tell_shared(&self, id: &str, member: &UserRef, by: &UserRef) {
        self.tell(
            id,
            std::slice::from_ref(&member.id),
            NotificationKind::Shared,
            by,
        )
        .await;
    }

    /// Tells each of `people` (user ids; never `by` itself) what `by` did on the document,
    /// after it committed: a failure here is logged, and what was done stands.
    pub(super) async fn tell(
        &self,
        id: &str,
        people: &[String],
        kind: NotificationKind,
        by: &UserRef,
    ) {
        let notices: Vec<NewNotice> = people
            .iter()
            .filter(|u| **u != by.id)
            .map(|user_id| NewNotice {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user_id.clone(),
                kind,
                doc_id: id.to_owned(),
                thread_id: None,
                comment_id: None,
                actor_id: by.id.clone(),
                at: self.clock.now(),
            })
            .collect();
        if notices.is_empty() {
            return;
        }
        if let Err(error) = self.stores.inbox.notify(&notices).await {
            tracing::warn!(%error, doc = %id, kind = kind.as_str(), "could not store notifications");
        }
    }
}

fn notification(record: NoticeRecord) -> Notification {
    let link = match &record.thread_id {
        Some(thread) => format!("/docs/{}#thread-{thread}", record.doc_id),
        None => format!("/docs/{}", record.doc_id),
    };
    Notification {
        excerpt: record.comment.map(|text| excerpt(&text)),
        id: record.id,
        kind: record.kind,
        doc_id: record.doc_id,
        doc_title: record.doc_title,
        thread_id: record.thread_id,
        by: record.by,
        at: record.at,
        read: record.read,
        link,
    }
}

/// The start of a comment, cut at a character boundary with an ellipsis.
fn excerpt(text: &str) -> String {
    match text.char_indices().nth(EXCERPT) {
        Some((at, _)) => format!("{}…", text[..at].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn an_excerpt_cuts_long_comments_between_characters() {
        assert_eq!(excerpt("short"), "short");
        let long = "é".repeat(200);
        let cut = excerpt(&long);
        assert_eq!(cut.chars().count(), 141);
        assert!(cut.ends_with('…'));
    }
}
