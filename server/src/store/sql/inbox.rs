//! Notifications: listed only while their document may still be read by the person.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::{dialect::commit_announcing, Db};
use crate::store::changes::Change;
use crate::store::inbox::{NewNotice, NoticeRecord};
use crate::store::rows::{parse_time, timestamp};
use crate::store::{StoreError, StoreResult};
use app::protocol::{NotificationKind, UserRef};

/// What a person may see of their notifications: of live documents they own or are a
/// member of, about comments not deleted.
const VISIBLE: &str = "FROM notifications n \
     JOIN documents d ON d.id = n.doc_id AND d.deleted_at IS NULL \
     JOIN users u ON u.id = n.actor_id \
     LEFT JOIN comments c ON c.id = n.comment_id \
     WHERE n.user_id = $1 AND (n.comment_id IS NULL OR c.deleted_at IS NULL) \
     AND (d.owner_id = $1 OR EXISTS (SELECT 1 FROM memberships m WHERE m.doc_id = d.id AND m.user_id = $1))";

/// Stores notifications in the transaction that made them.
pub async fn insert_notices(
    tx: &mut sqlx::Transaction<'_, Db>,
    notices: &[NewNotice],
) -> StoreResult<()> {
    for notice in notices {
        sqlx::query(
            "INSERT INTO notifications (id, user_id, kind, doc_id, thread_id, comment_id, actor_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&notice.id)
        .bind(&notice.user_id)
        .bind(notice.kind.as_str())
        .bind(&notice.doc_id)
        .bind(&notice.thread_id)
        .bind(&notice.comment_id)
        .bind(&notice.actor_id)
        .bind(timestamp(notice.at))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl crate::store::Inbox for super::This {
    async fn notices(&self, user_id: &str, limit: u32) -> StoreResult<(u64, Vec<NoticeRecord>)> {
        let unread: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) {VISIBLE} AND n.read_at IS NULL"))
                .bind(user_id)
                .fetch_one(&self.pool)
                .await?;
        let rows = sqlx::query(&format!(
            "SELECT n.id, n.kind, n.doc_id, d.title, n.thread_id, c.body AS comment, n.actor_id, \
             u.name AS actor_name, n.created_at, n.read_at \
             {VISIBLE} ORDER BY n.created_at DESC, n.id DESC LIMIT $2"
        ))
        .bind(user_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let kind: String = row.try_get("kind")?;
            items.push(NoticeRecord {
                id: row.try_get("id")?,
                kind: NotificationKind::parse(&kind)
                    .ok_or(StoreError::Unsupported("unknown notification kind"))?,
                doc_id: row.try_get("doc_id")?,
                doc_title: row.try_get("title")?,
                thread_id: row.try_get("thread_id")?,
                comment: row.try_get("comment")?,
                by: UserRef {
                    id: row.try_get("actor_id")?,
                    name: row.try_get("actor_name")?,
                },
                at: parse_time(row.try_get("created_at")?)?,
                read: row.try_get::<Option<String>, _>("read_at")?.is_some(),
            });
        }
        Ok((u64::try_from(unread).unwrap_or_default(), items))
    }

    async fn mark_read(
        &self,
        user_id: &str,
        id: Option<&str>,
        at: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let at = timestamp(at);
        let Some(id) = id else {
            let marked = sqlx::query(
                "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL",
            )
            .bind(&at)
            .bind(user_id)
            .execute(&self.writer)
            .await?;
            return Ok(marked.rows_affected());
        };
        let mut tx = self.writer.begin().await?;
        let theirs: Option<Option<String>> =
            sqlx::query_scalar("SELECT read_at FROM notifications WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(user_id)
                .fetch_optional(&mut *tx)
                .await?;
        match theirs {
            None => Err(StoreError::NotFound),
            Some(Some(_)) => Ok(0),
            Some(None) => {
                sqlx::query("UPDATE notifications SET read_at = $1 WHERE id = $2")
                    .bind(&at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(1)
            }
        }
    }

    async fn notify(&self, notices: &[NewNotice]) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        insert_notices(&mut tx, notices).await?;
        let told = notices.iter().map(|n| n.user_id.clone()).collect();
        commit_announcing(tx, &self.feed, Change::Told { told }).await
    }
}
