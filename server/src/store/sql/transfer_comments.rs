//! Threads, comments and notifications in `concord export` / `import`, rows as stored.

use sqlx::Row;

use super::super::Db;
use crate::store::{transfer::Record, StoreResult};

pub async fn export(pool: &super::super::Pool, records: &mut Vec<Record>) -> StoreResult<()> {
    for row in sqlx::query(
        "SELECT id, doc_id, author_id, created_at, made_on_rev, quote, anchor_start, anchor_end, \
         anchor_text, anchor_before, anchor_after, anchor_state, resolved_at, resolved_by, version \
         FROM threads ORDER BY created_at, id",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::Thread {
            id: row.try_get("id")?,
            doc_id: row.try_get("doc_id")?,
            author_id: row.try_get("author_id")?,
            created_at: row.try_get("created_at")?,
            made_on_rev: row.try_get("made_on_rev")?,
            quote: row.try_get("quote")?,
            anchor_start: row.try_get("anchor_start")?,
            anchor_end: row.try_get("anchor_end")?,
            anchor_text: row.try_get("anchor_text")?,
            anchor_before: row.try_get("anchor_before")?,
            anchor_after: row.try_get("anchor_after")?,
            anchor_state: row.try_get("anchor_state")?,
            resolved_at: row.try_get("resolved_at")?,
            resolved_by: row.try_get("resolved_by")?,
            version: row.try_get("version")?,
        });
    }
    for row in sqlx::query(
        "SELECT a.thread_id, a.rev, a.anchor_start, a.anchor_end, a.anchor_state \
         FROM thread_anchors a JOIN threads t ON t.id = a.thread_id \
         ORDER BY t.created_at, t.id, a.rev",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::ThreadAnchor {
            thread_id: row.try_get("thread_id")?,
            rev: row.try_get("rev")?,
            anchor_start: row.try_get("anchor_start")?,
            anchor_end: row.try_get("anchor_end")?,
            anchor_state: row.try_get("anchor_state")?,
        });
    }
    for row in sqlx::query(
        "SELECT id, thread_id, author_id, body, created_at, edited_at, deleted_at, version \
         FROM comments ORDER BY created_at, id",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::Comment {
            id: row.try_get("id")?,
            thread_id: row.try_get("thread_id")?,
            author_id: row.try_get("author_id")?,
            body: row.try_get("body")?,
            created_at: row.try_get("created_at")?,
            edited_at: row.try_get("edited_at")?,
            deleted_at: row.try_get("deleted_at")?,
            version: row.try_get("version")?,
        });
    }
    for row in sqlx::query(
        "SELECT id, user_id, kind, doc_id, thread_id, comment_id, actor_id, created_at, read_at \
         FROM notifications ORDER BY created_at, id",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::Notification {
            id: row.try_get("id")?,
            user_id: row.try_get("user_id")?,
            kind: row.try_get("kind")?,
            doc_id: row.try_get("doc_id")?,
            thread_id: row.try_get("thread_id")?,
            comment_id: row.try_get("comment_id")?,
            actor_id: row.try_get("actor_id")?,
            created_at: row.try_get("created_at")?,
            read_at: row.try_get("read_at")?,
        });
    }
    Ok(())
}

/// Writes one thread, passage, comment or notification record (others are not this file's).
pub async fn insert(tx: &mut sqlx::Transaction<'_, Db>, record: &Record) -> StoreResult<()> {
    match record {
        Record::Thread {
            id,
            doc_id,
            author_id,
            created_at,
            made_on_rev,
            quote,
            anchor_start,
            anchor_end,
            anchor_text,
            anchor_before,
            anchor_after,
            anchor_state,
            resolved_at,
            resolved_by,
            version,
        } => {
            sqlx::query(
                "INSERT INTO threads (id, doc_id, author_id, created_at, made_on_rev, quote, anchor_start, \
                 anchor_end, anchor_text, anchor_before, anchor_after, anchor_state, resolved_at, \
                 resolved_by, version) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(id)
            .bind(doc_id)
            .bind(author_id)
            .bind(created_at)
            .bind(made_on_rev)
            .bind(quote)
            .bind(anchor_start)
            .bind(anchor_end)
            .bind(anchor_text)
            .bind(anchor_before)
            .bind(anchor_after)
            .bind(anchor_state)
            .bind(resolved_at)
            .bind(resolved_by)
            .bind(version)
            .execute(&mut **tx)
            .await?;
        }
        Record::ThreadAnchor {
            thread_id,
            rev,
            anchor_start,
            anchor_end,
            anchor_state,
        } => {
            sqlx::query(
                "INSERT INTO thread_anchors (thread_id, rev, anchor_start, anchor_end, anchor_state) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(thread_id)
            .bind(rev)
            .bind(anchor_start)
            .bind(anchor_end)
            .bind(anchor_state)
            .execute(&mut **tx)
            .await?;
        }
        Record::Comment {
            id,
            thread_id,
            author_id,
            body,
            created_at,
            edited_at,
            deleted_at,
            version,
        } => {
            sqlx::query(
                "INSERT INTO comments (id, thread_id, author_id, body, created_at, edited_at, deleted_at, \
                 version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(id)
            .bind(thread_id)
            .bind(author_id)
            .bind(body)
            .bind(created_at)
            .bind(edited_at)
            .bind(deleted_at)
            .bind(version)
            .execute(&mut **tx)
            .await?;
        }
        Record::Notification {
            id,
            user_id,
            kind,
            doc_id,
            thread_id,
            comment_id,
            actor_id,
            created_at,
            read_at,
        } => {
            sqlx::query(
                "INSERT INTO notifications (id, user_id, kind, doc_id, thread_id, comment_id, actor_id, \
                 created_at, read_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            )
            .bind(id)
            .bind(user_id)
            .bind(kind)
            .bind(doc_id)
            .bind(thread_id)
            .bind(comment_id)
            .bind(actor_id)
            .bind(created_at)
            .bind(read_at)
            .execute(&mut **tx)
            .await?;
        }
        _ => {}
    }
    Ok(())
}

/// After the records: a thread from a file of version 2 (before passages were kept per
/// revision) has its passage as it is now, from the current revision on.
pub async fn finish(tx: &mut sqlx::Transaction<'_, Db>) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO thread_anchors (thread_id, rev, anchor_start, anchor_end, anchor_state) \
         SELECT t.id, d.rev, t.anchor_start, t.anchor_end, t.anchor_state \
         FROM threads t JOIN documents d ON d.id = t.doc_id \
         WHERE t.anchor_state IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM thread_anchors a WHERE a.thread_id = t.id)",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
