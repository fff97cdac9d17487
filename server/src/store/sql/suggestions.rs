//! Suggestions and the decisions on their hunks (issue 24).

use sqlx::Row;

// The dialect's own commit, not `docs::commit_announcing`: the documents' SQL calls into this
// file (accepting hunks is a save), so this file must not call back into it.
use super::{dialect::commit_announcing, Db};
use crate::store::changes::Change;
use crate::store::rows::{parse_tags, parse_time, tags_json, timestamp};
use crate::store::suggestions::{
    DecisionBatch, DecisionRecord, NewSuggestionRecord, SuggestionRecord,
};
use crate::store::{StoreError, StoreResult};
use app::protocol::{SuggestionState, UserRef};

fn state_name(state: SuggestionState) -> &'static str {
    match state {
        SuggestionState::Open => "open",
        SuggestionState::Closed => "closed",
        SuggestionState::Withdrawn => "withdrawn",
    }
}

fn state_of(name: &str) -> StoreResult<SuggestionState> {
    match name {
        "open" => Ok(SuggestionState::Open),
        "closed" => Ok(SuggestionState::Closed),
        "withdrawn" => Ok(SuggestionState::Withdrawn),
        _ => Err(StoreError::Unsupported("unknown suggestion state")),
    }
}

/// Records a batch of decisions in the caller's transaction, on an open suggestion of
/// `doc_id` (`Stale` if it is not open any more, `AlreadyDecided` if a hunk was decided
/// meanwhile); `rev` is the revision accepting made, named after the suggestion's author.
pub async fn record(
    tx: &mut sqlx::Transaction<'_, Db>,
    doc_id: &str,
    rev: Option<i64>,
    batch: DecisionBatch<'_>,
) -> StoreResult<()> {
    let next = if batch.closes { "closed" } else { "open" };
    // Taking the row first: two deciding at once queue here, and the second sees the first.
    let updated = sqlx::query(
        "UPDATE suggestions SET state = $1 WHERE id = $2 AND doc_id = $3 AND state = 'open'",
    )
    .bind(next)
    .bind(batch.suggestion_id)
    .bind(doc_id)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(StoreError::Stale);
    }
    let at = timestamp(batch.at);
    let decided = batch
        .accepted
        .iter()
        .map(|&h| (h, true))
        .chain(batch.rejected.iter().map(|&h| (h, false)));
    for (hunk, accepted) in decided {
        sqlx::query(
            "INSERT INTO suggestion_decisions (suggestion_id, hunk, accepted, decided_by, decided_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(batch.suggestion_id)
        .bind(hunk as i64)
        .bind(accepted)
        .bind(&batch.by.id)
        .bind(&at)
        .execute(&mut **tx)
        .await
        .map_err(super::on_constraint)?;
    }
    if let Some(rev) = rev {
        sqlx::query("UPDATE revisions SET suggested_by = $1 WHERE doc_id = $2 AND rev = $3")
            .bind(&batch.suggested_by.id)
            .bind(doc_id)
            .bind(rev)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

fn suggested(doc_id: &str, id: &str, by: &UserRef) -> Change {
    Change::Suggested {
        doc_id: doc_id.to_owned(),
        suggestion_id: id.to_owned(),
        by: by.clone(),
    }
}

#[async_trait::async_trait]
impl crate::store::Suggestions for super::This {
    async fn suggestions(&self, doc_id: &str) -> StoreResult<Vec<SuggestionRecord>> {
        let rows = sqlx::query(
            "SELECT s.id, s.doc_id, s.author_id, u.name AS author_name, s.base_rev, s.title, s.tags, \
             s.body, s.note, s.created_at, s.state FROM suggestions s JOIN users u ON u.id = s.author_id \
             WHERE s.doc_id = $1 ORDER BY s.created_at DESC, s.id DESC",
        )
        .bind(doc_id)
        .fetch_all(&self.pool)
        .await?;
        let decisions = sqlx::query(
            "SELECT d.suggestion_id, d.hunk, d.accepted, d.decided_by, u.name AS decided_name, d.decided_at \
             FROM suggestion_decisions d JOIN suggestions s ON s.id = d.suggestion_id \
             JOIN users u ON u.id = d.decided_by WHERE s.doc_id = $1 ORDER BY d.hunk",
        )
        .bind(doc_id)
        .fetch_all(&self.pool)
        .await?;
        let mut records = rows
            .iter()
            .map(|row| {
                Ok(SuggestionRecord {
                    id: row.try_get("id")?,
                    doc_id: row.try_get("doc_id")?,
                    author: UserRef {
                        id: row.try_get("author_id")?,
                        name: row.try_get("author_name")?,
                    },
                    base_rev: row.try_get("base_rev")?,
                    title: row.try_get("title")?,
                    tags: parse_tags(row.try_get("tags")?)?,
                    body: row.try_get("body")?,
                    note: row.try_get("note")?,
                    created_at: parse_time(row.try_get("created_at")?)?,
                    state: state_of(row.try_get("state")?)?,
                    decisions: Vec::new(),
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        for row in &decisions {
            let id: String = row.try_get("suggestion_id")?;
            let hunk: i64 = row.try_get("hunk")?;
            let decision = DecisionRecord {
                hunk: usize::try_from(hunk).unwrap_or_default(),
                accepted: row.try_get("accepted")?,
                by: UserRef {
                    id: row.try_get("decided_by")?,
                    name: row.try_get("decided_name")?,
                },
                at: parse_time(row.try_get("decided_at")?)?,
            };
            if let Some(record) = records.iter_mut().find(|r| r.id == id) {
                record.decisions.push(decision);
            }
        }
        Ok(records)
    }

    async fn suggest(&self, new: NewSuggestionRecord<'_>) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let live: Option<i64> =
            sqlx::query_scalar("SELECT rev FROM documents WHERE id = $1 AND deleted_at IS NULL")
                .bind(new.doc_id)
                .fetch_optional(&mut *tx)
                .await?;
        if live.is_none() {
            return Err(StoreError::NotFound);
        }
        if let Some(old) = new.replaces {
            let replaced = sqlx::query(
                "UPDATE suggestions SET state = 'withdrawn' \
                 WHERE id = $1 AND doc_id = $2 AND author_id = $3 AND state = 'open'",
            )
            .bind(old)
            .bind(new.doc_id)
            .bind(&new.author.id)
            .execute(&mut *tx)
            .await?;
            if replaced.rows_affected() == 0 {
                return Err(StoreError::Stale);
            }
        }
        sqlx::query(
            "INSERT INTO suggestions (id, doc_id, author_id, base_rev, title, tags, body, note, created_at, state) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(new.id)
        .bind(new.doc_id)
        .bind(&new.author.id)
        .bind(new.base_rev)
        .bind(new.title)
        .bind(tags_json(new.tags))
        .bind(new.body)
        .bind(new.note)
        .bind(timestamp(new.at))
        .bind(state_name(SuggestionState::Open))
        .execute(&mut *tx)
        .await?;
        commit_announcing(tx, &self.feed, suggested(new.doc_id, new.id, new.author)).await
    }

    async fn reject(&self, doc_id: &str, batch: DecisionBatch<'_>) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        record(&mut tx, doc_id, None, batch).await?;
        commit_announcing(
            tx,
            &self.feed,
            suggested(doc_id, batch.suggestion_id, batch.by),
        )
        .await
    }

    async fn withdraw(&self, doc_id: &str, id: &str, by: &UserRef) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query(
            "UPDATE suggestions SET state = 'withdrawn' WHERE id = $1 AND doc_id = $2 AND state = 'open'",
        )
        .bind(id)
        .bind(doc_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::Stale);
        }
        commit_announcing(tx, &self.feed, suggested(doc_id, id, by)).await
    }
}
