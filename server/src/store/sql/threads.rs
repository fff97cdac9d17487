//! Comment threads: stored per document, their anchors moved by every save of the body.

use chrono::{DateTime, Utc};
use sqlx::Row;

// The dialect's own commit, not `docs::commit_announcing`: the documents' SQL calls into this
// file (a save moves the anchors), so this file must not call back into it.
use super::{
    dialect::{commit_announcing, shift_anchors},
    inbox::insert_notices,
    Db,
};
use crate::store::changes::Change;
use crate::store::inbox::NewNotice;
use crate::store::rows::{anchor_state_name, anchor_state_of, parse_time, timestamp};
use crate::store::threads::{
    CommentChange, CommentPlace, CommentRecord, NewThreadRecord, PastAnchor, ThreadRecord,
};
use crate::store::{StoreError, StoreResult};
use app::{
    domain::anchor::{Anchor, Edits},
    protocol::UserRef,
};

/// Moves the open anchors of a document through a save of its body from `old_body` to
/// `new_body` (revision `rev`), inside the save's transaction; each moved anchor is also
/// kept as where its passage is in the new revision.
pub async fn move_anchors(
    tx: &mut sqlx::Transaction<'_, Db>,
    doc_id: &str,
    (rev, old_body): (i64, &str),
    new_body: &str,
) -> StoreResult<()> {
    let rows = sqlx::query(
        "SELECT id, anchor_start, anchor_end, anchor_text, anchor_before, anchor_after, anchor_state \
         FROM threads WHERE doc_id = $1 AND anchor_state IN ('intact', 'changed')",
    )
    .bind(doc_id)
    .fetch_all(&mut **tx)
    .await?;
    if rows.is_empty() {
        // None left to move: later saves need not look (until a thread starts again).
        sqlx::query("UPDATE documents SET anchored = $1 WHERE id = $2")
            .bind(false)
            .bind(doc_id)
            .execute(&mut **tx)
            .await?;
        return Ok(());
    }
    let edits = Edits::between(old_body, new_body);
    let mut moved = Vec::new();
    for row in rows {
        let anchor = anchor_from(&row)?;
        let now = anchor.follow(&edits, new_body);
        if now != anchor {
            moved.push((row.try_get::<String, _>("id")?, now));
        }
    }
    if moved.is_empty() {
        return Ok(());
    }
    shift_anchors(tx, rev, &moved).await
}

/// Records where a new thread's passage is in revision `rev` (`thread_anchors`).
async fn keep_anchor(
    tx: &mut sqlx::Transaction<'_, Db>,
    thread_id: &str,
    rev: i64,
    anchor: &Anchor,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO thread_anchors (thread_id, rev, anchor_start, anchor_end, anchor_state) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(thread_id)
    .bind(rev)
    .bind(anchor.start as i64)
    .bind(anchor.end as i64)
    .bind(anchor_state_name(anchor.state))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

fn anchor_from(row: &<Db as sqlx::Database>::Row) -> StoreResult<Anchor> {
    let start: i64 = row.try_get("anchor_start")?;
    let end: i64 = row.try_get("anchor_end")?;
    Ok(Anchor {
        start: usize::try_from(start).unwrap_or_default(),
        end: usize::try_from(end).unwrap_or_default(),
        text: row.try_get("anchor_text")?,
        before: row.try_get("anchor_before")?,
        after: row.try_get("anchor_after")?,
        state: anchor_state_of(row.try_get("anchor_state")?)?,
    })
}

/// Why a compare-and-set on a version changed nothing: the row is there on another
/// version, or is not there at all.
fn refusal(there: bool) -> StoreError {
    if there {
        StoreError::Stale
    } else {
        StoreError::NotFound
    }
}

fn discussed(doc_id: &str, thread_id: &str, by: &UserRef, notices: &[NewNotice]) -> Change {
    Change::Discussed {
        doc_id: doc_id.to_owned(),
        thread_id: thread_id.to_owned(),
        by: by.clone(),
        told: notices.iter().map(|n| n.user_id.clone()).collect(),
    }
}

#[async_trait::async_trait]
impl crate::store::Threads for super::This {
    async fn anchors_at(&self, doc_id: &str, rev: i64) -> StoreResult<Vec<PastAnchor>> {
        let rows = sqlx::query(
            "SELECT a.thread_id, a.anchor_start, a.anchor_end, a.anchor_state \
             FROM thread_anchors a JOIN threads t ON t.id = a.thread_id \
             WHERE t.doc_id = $1 AND a.rev = (SELECT MAX(b.rev) FROM thread_anchors b \
             WHERE b.thread_id = a.thread_id AND b.rev <= $2)",
        )
        .bind(doc_id)
        .bind(rev)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let start: i64 = row.try_get("anchor_start")?;
                let end: i64 = row.try_get("anchor_end")?;
                Ok(PastAnchor {
                    thread_id: row.try_get("thread_id")?,
                    start: usize::try_from(start).unwrap_or_default(),
                    end: usize::try_from(end).unwrap_or_default(),
                    state: anchor_state_of(row.try_get("anchor_state")?)?,
                })
            })
            .collect()
    }

    async fn threads(&self, doc_id: &str) -> StoreResult<Vec<ThreadRecord>> {
        let threads = sqlx::query(
            "SELECT t.id, t.doc_id, t.author_id, u.name AS author_name, t.created_at, t.made_on_rev, \
             t.quote, t.anchor_start, t.anchor_end, t.anchor_text, t.anchor_before, t.anchor_after, \
             t.anchor_state, t.resolved_at, t.version \
             FROM threads t JOIN users u ON u.id = t.author_id WHERE t.doc_id = $1 \
             AND EXISTS (SELECT 1 FROM comments c WHERE c.thread_id = t.id AND c.deleted_at IS NULL) \
             ORDER BY t.created_at, t.id",
        )
        .bind(doc_id)
        .fetch_all(&self.pool)
        .await?;
        let comments = sqlx::query(
            "SELECT c.id, c.thread_id, c.author_id, u.name AS author_name, c.body, c.created_at, \
             c.edited_at, c.version \
             FROM comments c JOIN threads t ON t.id = c.thread_id JOIN users u ON u.id = c.author_id \
             WHERE t.doc_id = $1 AND c.deleted_at IS NULL ORDER BY c.created_at, c.id",
        )
        .bind(doc_id)
        .fetch_all(&self.pool)
        .await?;
        let mut records = Vec::with_capacity(threads.len());
        for row in &threads {
            let quote: Option<String> = row.try_get("quote")?;
            let anchor = match quote {
                Some(quote) => Some((quote, anchor_from(row)?)),
                None => None,
            };
            records.push(ThreadRecord {
                id: row.try_get("id")?,
                doc_id: row.try_get("doc_id")?,
                author: UserRef {
                    id: row.try_get("author_id")?,
                    name: row.try_get("author_name")?,
                },
                created_at: parse_time(row.try_get("created_at")?)?,
                made_on_rev: row.try_get("made_on_rev")?,
                anchor,
                resolved: row.try_get::<Option<String>, _>("resolved_at")?.is_some(),
                version: row.try_get("version")?,
                comments: Vec::new(),
            });
        }
        // Each comment to its thread by id: one pass, however many threads.
        let index: std::collections::HashMap<String, usize> = records
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.clone(), i))
            .collect();
        for row in &comments {
            let thread_id: String = row.try_get("thread_id")?;
            if let Some(thread) = index.get(&thread_id).map(|&i| &mut records[i]) {
                thread.comments.push(CommentRecord {
                    id: row.try_get("id")?,
                    author: UserRef {
                        id: row.try_get("author_id")?,
                        name: row.try_get("author_name")?,
                    },
                    text: row.try_get("body")?,
                    created_at: parse_time(row.try_get("created_at")?)?,
                    edited_at: row
                        .try_get::<Option<String>, _>("edited_at")?
                        .map(|at| parse_time(&at))
                        .transpose()?,
                    version: row.try_get("version")?,
                });
            }
        }
        Ok(records)
    }

    async fn start_thread(&self, thread: NewThreadRecord<'_>) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        // The anchor was placed in this revision's body: a save since would have moved it.
        // The document's row is held (as a save holds it) until this commits: a plain read
        // let a save committing meanwhile on PostgreSQL miss the new thread when it moved
        // the passages, leaving this one at the old text's place. (Inserting a passage
        // marks the document for its saves to move, by a trigger: migration 0015 / 0013.)
        let current: Option<i64> = sqlx::query_scalar(
            "UPDATE documents SET rev = rev WHERE id = $1 AND deleted_at IS NULL RETURNING rev",
        )
        .bind(thread.doc_id)
        .fetch_optional(&mut *tx)
        .await?;
        match current {
            None => return Err(StoreError::NotFound),
            Some(rev) if rev != thread.rev => return Err(StoreError::Stale),
            Some(_) => {}
        }
        let at = timestamp(thread.at);
        let (quote, anchor) = thread.anchor.unzip();
        sqlx::query(
            "INSERT INTO threads (id, doc_id, author_id, created_at, made_on_rev, quote, anchor_start, \
             anchor_end, anchor_text, anchor_before, anchor_after, anchor_state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(thread.id)
        .bind(thread.doc_id)
        .bind(&thread.author.id)
        .bind(&at)
        .bind(thread.made_on_rev)
        .bind(quote)
        .bind(anchor.map(|a| a.start as i64))
        .bind(anchor.map(|a| a.end as i64))
        .bind(anchor.map(|a| a.text.as_str()))
        .bind(anchor.map(|a| a.before.as_str()))
        .bind(anchor.map(|a| a.after.as_str()))
        .bind(anchor.map(|a| anchor_state_name(a.state)))
        .execute(&mut *tx)
        .await?;
        if let Some(anchor) = anchor {
            keep_anchor(&mut tx, thread.id, thread.rev, anchor).await?;
        }
        if let Some(named) = thread.named.filter(|_| thread.made_on_rev < thread.rev) {
            keep_anchor(&mut tx, thread.id, thread.made_on_rev, named).await?;
        }
        sqlx::query(
            "INSERT INTO comments (id, thread_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(thread.comment_id)
        .bind(thread.id)
        .bind(&thread.author.id)
        .bind(thread.text)
        .bind(&at)
        .execute(&mut *tx)
        .await?;
        insert_notices(&mut tx, thread.notices).await?;
        let change = discussed(thread.doc_id, thread.id, thread.author, thread.notices);
        commit_announcing(tx, &self.feed, change).await
    }

    async fn reply(
        &self,
        doc_id: &str,
        thread_id: &str,
        comment: &CommentRecord,
        notices: &[NewNotice],
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        // Only a thread of this very document, while it is not in the trash and not deleted.
        let added = sqlx::query(
            "INSERT INTO comments (id, thread_id, author_id, body, created_at) \
             SELECT $1, t.id, $2, $3, $4 FROM threads t JOIN documents d ON d.id = t.doc_id \
             WHERE t.id = $5 AND t.doc_id = $6 AND d.deleted_at IS NULL \
             AND EXISTS (SELECT 1 FROM comments c WHERE c.thread_id = t.id AND c.deleted_at IS NULL)",
        )
        .bind(&comment.id)
        .bind(&comment.author.id)
        .bind(&comment.text)
        .bind(timestamp(comment.created_at))
        .bind(thread_id)
        .bind(doc_id)
        .execute(&mut *tx)
        .await?;
        if added.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        insert_notices(&mut tx, notices).await?;
        commit_announcing(
            tx,
            &self.feed,
            discussed(doc_id, thread_id, &comment.author, notices),
        )
        .await
    }

    async fn change_comment(
        &self,
        comment: CommentPlace<'_>,
        change: CommentChange<'_>,
        (by, at): (&UserRef, DateTime<Utc>),
        expected: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.writer.begin().await?;
        let at = timestamp(at);
        let (text, deleted_at, edited_at) = match change {
            CommentChange::Edit(text) => (Some(text), None, Some(at)),
            CommentChange::Delete => (None, Some(at), None),
        };
        let version: Option<i64> = sqlx::query_scalar(
            "UPDATE comments SET body = COALESCE($1, body), deleted_at = $2, \
             edited_at = COALESCE($3, edited_at), version = version + 1 \
             WHERE id = $4 AND thread_id = $5 AND version = $6 AND deleted_at IS NULL \
             AND EXISTS (SELECT 1 FROM threads t JOIN documents d ON d.id = t.doc_id \
                         WHERE t.id = $5 AND t.doc_id = $7 AND d.deleted_at IS NULL) \
             RETURNING version",
        )
        .bind(text)
        .bind(deleted_at)
        .bind(edited_at)
        .bind(comment.comment_id)
        .bind(comment.thread_id)
        .bind(expected)
        .bind(comment.doc_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(version) = version {
            let change = discussed(comment.doc_id, comment.thread_id, by, &[]);
            commit_announcing(tx, &self.feed, change).await?;
            return Ok(version);
        }
        let there: Option<i64> = sqlx::query_scalar(
            "SELECT c.version FROM comments c JOIN threads t ON t.id = c.thread_id \
             JOIN documents d ON d.id = t.doc_id \
             WHERE c.id = $1 AND t.id = $2 AND t.doc_id = $3 AND c.deleted_at IS NULL AND d.deleted_at IS NULL",
        )
        .bind(comment.comment_id)
        .bind(comment.thread_id)
        .bind(comment.doc_id)
        .fetch_optional(&mut *tx)
        .await?;
        Err(refusal(there.is_some()))
    }

    async fn set_resolved(
        &self,
        doc_id: &str,
        thread_id: &str,
        by: &UserRef,
        resolved: Option<DateTime<Utc>>,
        expected: i64,
    ) -> StoreResult<i64> {
        let mut tx = self.writer.begin().await?;
        let at = resolved.map(timestamp);
        let resolver = resolved.map(|_| by.id.as_str());
        let version: Option<i64> = sqlx::query_scalar(
            "UPDATE threads SET resolved_at = $1, resolved_by = $2, version = version + 1 \
             WHERE id = $3 AND doc_id = $4 AND version = $5 \
             AND EXISTS (SELECT 1 FROM documents d WHERE d.id = $4 AND d.deleted_at IS NULL) \
             RETURNING version",
        )
        .bind(at)
        .bind(resolver)
        .bind(thread_id)
        .bind(doc_id)
        .bind(expected)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(version) = version {
            commit_announcing(tx, &self.feed, discussed(doc_id, thread_id, by, &[])).await?;
            return Ok(version);
        }
        let there: Option<i64> = sqlx::query_scalar(
            "SELECT t.version FROM threads t JOIN documents d ON d.id = t.doc_id \
             WHERE t.id = $1 AND t.doc_id = $2 AND d.deleted_at IS NULL",
        )
        .bind(thread_id)
        .bind(doc_id)
        .fetch_optional(&mut *tx)
        .await?;
        Err(refusal(there.is_some()))
    }
}
