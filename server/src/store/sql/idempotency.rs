//! Idempotency records: claimed by creates, written by saves in their own transaction.

use chrono::{DateTime, Utc};
use sqlx::Transaction;

use super::Db;

use crate::store::rows::{decode_error, stored_response_from_row, timestamp};
use crate::store::{Claim, ClaimedKey, StoreResult, StoredResponse};
use app::protocol::Document;

/// Completes a create's claim inside the create's transaction.
pub async fn complete_create(
    tx: &mut Transaction<'_, Db>,
    key: ClaimedKey<'_>,
    doc: &Document,
) -> StoreResult<()> {
    sqlx::query("UPDATE idempotency_keys SET in_flight = FALSE, status = 201, etag = $1, location = $2, body = $3 WHERE user_id = $4 AND key = $5")
        .bind(doc.etag())
        .bind(format!("/api/docs/{}", doc.id))
        .bind(serde_json::to_string(doc).map_err(decode_error)?)
        .bind(key.user_id)
        .bind(key.key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[async_trait::async_trait]
impl crate::store::Keys for super::This {
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
        abandoned_before: DateTime<Utc>,
    ) -> StoreResult<Claim> {
        let pool = &self.writer;
        let mut tx = pool.begin().await?;
        // Claims of one key are serialised by the database: SQLite's write lock (taken by this
        // first write), or in PostgreSQL the first claim's uncommitted row.
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 \
         AND (created_at < $3 OR (in_flight AND created_at < $4))",
        )
        .bind(user_id)
        .bind(key)
        .bind(timestamp(expired_before))
        .bind(timestamp(abandoned_before))
        .execute(&mut *tx)
        .await?;
        let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, fingerprint, in_flight, status, body, created_at) \
         VALUES ($1, $2, $3, TRUE, 0, '', $4) ON CONFLICT (user_id, key) DO NOTHING",
    )
    .bind(user_id)
    .bind(key)
    .bind(fingerprint)
    .bind(timestamp(now))
    .execute(&mut *tx)
    .await?;
        let claim = if inserted.rows_affected() == 1 {
            Claim::Claimed
        } else {
            let row = sqlx::query("SELECT fingerprint, in_flight, status, etag, location, body FROM idempotency_keys WHERE user_id = $1 AND key = $2")
            .bind(user_id)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
            Claim::Existing(stored_response_from_row(&row)?)
        };
        tx.commit().await?;
        Ok(claim)
    }

    async fn finish_idempotency_key(
        &self,
        key: ClaimedKey<'_>,
        status: u16,
        body: &str,
    ) -> StoreResult<()> {
        let pool = &self.writer;
        sqlx::query("UPDATE idempotency_keys SET in_flight = FALSE, status = $1, body = $2 WHERE user_id = $3 AND key = $4")
        .bind(i64::from(status))
        .bind(body)
        .bind(key.user_id)
        .bind(key.key)
        .execute(pool)
        .await?;
        Ok(())
    }

    async fn release_idempotency_key(&self, key: ClaimedKey<'_>) -> StoreResult<()> {
        let pool = &self.writer;
        sqlx::query("DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND in_flight")
            .bind(key.user_id)
            .bind(key.key)
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn idempotent_response(
        &self,
        user_id: &str,
        key: &str,
        not_before: DateTime<Utc>,
    ) -> StoreResult<Option<StoredResponse>> {
        let pool = &self.pool;
        let row = sqlx::query(
            "SELECT fingerprint, in_flight, status, etag, location, body FROM idempotency_keys \
         WHERE user_id = $1 AND key = $2 AND created_at >= $3",
        )
        .bind(user_id)
        .bind(key)
        .bind(timestamp(not_before))
        .fetch_optional(pool)
        .await?;
        row.as_ref().map(stored_response_from_row).transpose()
    }

    async fn expire_idempotency_keys(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let pool = &self.writer;
        let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(timestamp(before))
            .execute(pool)
            .await?;
        Ok(done.rows_affected())
    }
}
