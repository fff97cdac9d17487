//! Suggestions with their decisions, review settings and reviews in `concord export` /
//! `import`, rows as stored.

use sqlx::Row;

use super::super::Db;
use crate::store::{
    rows::{parse_tags, tags_json},
    transfer::Record,
    StoreResult,
};

pub async fn export(pool: &super::super::Pool, records: &mut Vec<Record>) -> StoreResult<()> {
    for row in sqlx::query(
        "SELECT id, doc_id, author_id, base_rev, title, tags, body, note, created_at, state \
         FROM suggestions ORDER BY created_at, id",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::Suggestion {
            id: row.try_get("id")?,
            doc_id: row.try_get("doc_id")?,
            author_id: row.try_get("author_id")?,
            base_rev: row.try_get("base_rev")?,
            title: row.try_get("title")?,
            tags: parse_tags(row.try_get("tags")?)?,
            body: row.try_get("body")?,
            note: row.try_get("note")?,
            created_at: row.try_get("created_at")?,
            state: row.try_get("state")?,
        });
    }
    for row in sqlx::query(
        "SELECT suggestion_id, hunk, accepted, decided_by, decided_at FROM suggestion_decisions \
         ORDER BY decided_at, suggestion_id, hunk",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::SuggestionDecision {
            suggestion_id: row.try_get("suggestion_id")?,
            hunk: row.try_get("hunk")?,
            accepted: row.try_get("accepted")?,
            decided_by: row.try_get("decided_by")?,
            decided_at: row.try_get("decided_at")?,
        });
    }
    for row in sqlx::query(
        "SELECT doc_id, required, changed_by, changed_at FROM review_settings ORDER BY changed_at, doc_id",
    )
    .fetch_all(pool)
    .await?
    {
        let doc_id: String = row.try_get("doc_id")?;
        let reviewers: Vec<String> = sqlx::query_scalar(
            "SELECT user_id FROM review_reviewers WHERE doc_id = $1 ORDER BY user_id",
        )
        .bind(&doc_id)
        .fetch_all(pool)
        .await?;
        records.push(Record::ReviewSettings {
            doc_id,
            required: row.try_get("required")?,
            reviewers,
            changed_by: row.try_get("changed_by")?,
            changed_at: row.try_get("changed_at")?,
        });
    }
    for row in sqlx::query(
        "SELECT id, doc_id, reviewer_id, rev, verdict, comment, created_at FROM reviews \
         ORDER BY created_at, id",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::Review {
            id: row.try_get("id")?,
            doc_id: row.try_get("doc_id")?,
            reviewer_id: row.try_get("reviewer_id")?,
            rev: row.try_get("rev")?,
            verdict: row.try_get("verdict")?,
            comment: row.try_get("comment")?,
            created_at: row.try_get("created_at")?,
        });
    }
    Ok(())
}

/// Writes one suggestion, decision, review settings or review record (others are not this
/// file's).
pub async fn insert(tx: &mut sqlx::Transaction<'_, Db>, record: &Record) -> StoreResult<()> {
    match record {
        Record::Suggestion {
            id,
            doc_id,
            author_id,
            base_rev,
            title,
            tags,
            body,
            note,
            created_at,
            state,
        } => {
            sqlx::query(
                "INSERT INTO suggestions (id, doc_id, author_id, base_rev, title, tags, body, note, \
                 created_at, state) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(id)
            .bind(doc_id)
            .bind(author_id)
            .bind(base_rev)
            .bind(title)
            .bind(tags_json(tags))
            .bind(body)
            .bind(note)
            .bind(created_at)
            .bind(state)
            .execute(&mut **tx)
            .await?;
        }
        Record::SuggestionDecision {
            suggestion_id,
            hunk,
            accepted,
            decided_by,
            decided_at,
        } => {
            sqlx::query(
                "INSERT INTO suggestion_decisions (suggestion_id, hunk, accepted, decided_by, decided_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(suggestion_id)
            .bind(hunk)
            .bind(accepted)
            .bind(decided_by)
            .bind(decided_at)
            .execute(&mut **tx)
            .await?;
        }
        Record::ReviewSettings {
            doc_id,
            required,
            reviewers,
            changed_by,
            changed_at,
        } => {
            sqlx::query(
                "INSERT INTO review_settings (doc_id, required, changed_by, changed_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(doc_id)
            .bind(required)
            .bind(changed_by)
            .bind(changed_at)
            .execute(&mut **tx)
            .await?;
            for reviewer in reviewers {
                sqlx::query("INSERT INTO review_reviewers (doc_id, user_id) VALUES ($1, $2)")
                    .bind(doc_id)
                    .bind(reviewer)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Record::Review {
            id,
            doc_id,
            reviewer_id,
            rev,
            verdict,
            comment,
            created_at,
        } => {
            sqlx::query(
                "INSERT INTO reviews (id, doc_id, reviewer_id, rev, verdict, comment, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(doc_id)
            .bind(reviewer_id)
            .bind(rev)
            .bind(verdict)
            .bind(comment)
            .bind(created_at)
            .execute(&mut **tx)
            .await?;
        }
        _ => {}
    }
    Ok(())
}
