//! Review settings and reviews (issue 24).

use sqlx::Row;

use super::{dialect::commit_announcing, Db};
use crate::store::changes::Change;
use crate::store::reviews::{ReviewRecord, ReviewSettings};
use crate::store::rows::{parse_time, timestamp};
use crate::store::{StoreError, StoreResult};
use app::protocol::{UserRef, Verdict};

fn verdict_name(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Approved => "approved",
        Verdict::ChangesRequested => "changes_requested",
    }
}

fn verdict_of(name: &str) -> StoreResult<Verdict> {
    match name {
        "approved" => Ok(Verdict::Approved),
        "changes_requested" => Ok(Verdict::ChangesRequested),
        _ => Err(StoreError::Unsupported("unknown verdict")),
    }
}

/// The document must be live: reviews of a trashed one wait for its return.
async fn live(tx: &mut sqlx::Transaction<'_, Db>, doc_id: &str) -> StoreResult<()> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT rev FROM documents WHERE id = $1 AND deleted_at IS NULL")
            .bind(doc_id)
            .fetch_optional(&mut **tx)
            .await?;
    found.map(|_| ()).ok_or(StoreError::NotFound)
}

fn reviewed(doc_id: &str, by: &UserRef) -> Change {
    Change::Reviewed {
        doc_id: doc_id.to_owned(),
        by: by.clone(),
    }
}

#[async_trait::async_trait]
impl crate::store::Reviews for super::This {
    async fn review_settings(&self, doc_id: &str) -> StoreResult<ReviewSettings> {
        let required: Option<bool> =
            sqlx::query_scalar("SELECT required FROM review_settings WHERE doc_id = $1")
                .bind(doc_id)
                .fetch_optional(&self.pool)
                .await?;
        let rows = sqlx::query(
            "SELECT u.id, u.name FROM review_reviewers r JOIN users u ON u.id = r.user_id \
             WHERE r.doc_id = $1 ORDER BY u.name_key",
        )
        .bind(doc_id)
        .fetch_all(&self.pool)
        .await?;
        let reviewers = rows
            .iter()
            .map(|row| {
                Ok(UserRef {
                    id: row.try_get("id")?,
                    name: row.try_get("name")?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ReviewSettings {
            required: required.unwrap_or(false),
            reviewers,
        })
    }

    async fn set_review_settings(
        &self,
        doc_id: &str,
        required: bool,
        reviewers: &[String],
        (by, at): (&UserRef, chrono::DateTime<chrono::Utc>),
    ) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        live(&mut tx, doc_id).await?;
        sqlx::query(
            "INSERT INTO review_settings (doc_id, required, changed_by, changed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (doc_id) DO UPDATE SET required = excluded.required, \
             changed_by = excluded.changed_by, changed_at = excluded.changed_at",
        )
        .bind(doc_id)
        .bind(required)
        .bind(&by.id)
        .bind(timestamp(at))
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM review_reviewers WHERE doc_id = $1")
            .bind(doc_id)
            .execute(&mut *tx)
            .await?;
        for user_id in reviewers {
            sqlx::query("INSERT INTO review_reviewers (doc_id, user_id) VALUES ($1, $2)")
                .bind(doc_id)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        commit_announcing(tx, &self.feed, reviewed(doc_id, by)).await
    }

    async fn reviews(&self, doc_id: &str) -> StoreResult<Vec<ReviewRecord>> {
        let rows = sqlx::query(
            "SELECT r.reviewer_id, u.name, r.rev, r.verdict, r.comment, r.created_at \
             FROM reviews r JOIN users u ON u.id = r.reviewer_id WHERE r.doc_id = $1 \
             ORDER BY r.created_at DESC, r.id DESC",
        )
        .bind(doc_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ReviewRecord {
                    by: UserRef {
                        id: row.try_get("reviewer_id")?,
                        name: row.try_get("name")?,
                    },
                    rev: row.try_get("rev")?,
                    verdict: verdict_of(row.try_get("verdict")?)?,
                    comment: row.try_get("comment")?,
                    at: parse_time(row.try_get("created_at")?)?,
                })
            })
            .collect()
    }

    async fn add_review(&self, doc_id: &str, review: &ReviewRecord) -> StoreResult<()> {
        let mut tx = self.writer.begin().await?;
        live(&mut tx, doc_id).await?;
        sqlx::query(
            "INSERT INTO reviews (id, doc_id, reviewer_id, rev, verdict, comment, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uuid::Uuid::now_v7().to_string())
        .bind(doc_id)
        .bind(&review.by.id)
        .bind(review.rev)
        .bind(verdict_name(review.verdict))
        .bind(&review.comment)
        .bind(timestamp(review.at))
        .execute(&mut *tx)
        .await?;
        commit_announcing(tx, &self.feed, reviewed(doc_id, &review.by)).await
    }
}
