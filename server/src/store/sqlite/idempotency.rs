//! Idempotency records: claimed by creates, written by saves in their own transaction.

use chrono::{DateTime, Utc};
use sqlx::{Row, Sqlite, SqlitePool, Transaction};

use super::rows::{decode_error, timestamp};
use crate::store::{Claim, ClaimedKey, StoreResult, StoredResponse};
use app::protocol::Document;

pub async fn claim(
    pool: &SqlitePool,
    user_id: &str,
    key: &str,
    fingerprint: &str,
    now: DateTime<Utc>,
    expired_before: DateTime<Utc>,
    abandoned_before: DateTime<Utc>,
) -> StoreResult<Claim> {
    let mut tx = pool.begin().await?;
    // Writing first takes SQLite's write lock, so claims of one key are serialised.
    sqlx::query(
        "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? \
         AND (created_at < ? OR (status = 0 AND created_at < ?))",
    )
    .bind(user_id)
    .bind(key)
    .bind(timestamp(expired_before))
    .bind(timestamp(abandoned_before))
    .execute(&mut *tx)
    .await?;
    let inserted = sqlx::query(
        "INSERT INTO idempotency_keys (user_id, key, fingerprint, status, body, created_at) \
         VALUES (?, ?, ?, 0, '', ?) ON CONFLICT (user_id, key) DO NOTHING",
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
        let row = sqlx::query("SELECT fingerprint, status, etag, location, body FROM idempotency_keys WHERE user_id = ? AND key = ?")
            .bind(user_id)
            .bind(key)
            .fetch_one(&mut *tx)
            .await?;
        Claim::Existing(stored(&row)?)
    };
    tx.commit().await?;
    Ok(claim)
}

/// Completes a create's claim inside the create's transaction.
pub async fn complete_create(
    tx: &mut Transaction<'_, Sqlite>,
    key: ClaimedKey<'_>,
    doc: &Document,
) -> StoreResult<()> {
    sqlx::query("UPDATE idempotency_keys SET status = 201, etag = ?, location = ?, body = ? WHERE user_id = ? AND key = ?")
        .bind(doc.etag())
        .bind(format!("/api/docs/{}", doc.id))
        .bind(serde_json::to_string(doc).map_err(decode_error)?)
        .bind(key.user_id)
        .bind(key.key)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn finish(
    pool: &SqlitePool,
    key: ClaimedKey<'_>,
    status: u16,
    body: &str,
) -> StoreResult<()> {
    sqlx::query("UPDATE idempotency_keys SET status = ?, body = ? WHERE user_id = ? AND key = ?")
        .bind(i64::from(status))
        .bind(body)
        .bind(key.user_id)
        .bind(key.key)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn release(pool: &SqlitePool, key: ClaimedKey<'_>) -> StoreResult<()> {
    sqlx::query("DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND status = 0")
        .bind(key.user_id)
        .bind(key.key)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn recorded(
    pool: &SqlitePool,
    user_id: &str,
    key: &str,
    not_before: DateTime<Utc>,
) -> StoreResult<Option<StoredResponse>> {
    let row = sqlx::query(
        "SELECT fingerprint, status, etag, location, body FROM idempotency_keys \
         WHERE user_id = ? AND key = ? AND created_at >= ?",
    )
    .bind(user_id)
    .bind(key)
    .bind(timestamp(not_before))
    .fetch_optional(pool)
    .await?;
    row.as_ref().map(stored).transpose()
}

pub async fn expire(pool: &SqlitePool, before: DateTime<Utc>) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM idempotency_keys WHERE created_at < ?")
        .bind(timestamp(before))
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

fn stored(row: &sqlx::sqlite::SqliteRow) -> StoreResult<StoredResponse> {
    Ok(StoredResponse {
        fingerprint: row.try_get("fingerprint")?,
        status: row.try_get::<i64, _>("status")? as u16,
        etag: row.try_get("etag")?,
        location: row.try_get("location")?,
        body: row.try_get("body")?,
    })
}
