//! Users and their sessions.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::Pool;

use super::on_constraint;
use crate::store::rows::timestamp;
use crate::store::{StoreResult, UserRecord};
use app::protocol::UserRef;

pub async fn create_user(
    pool: &Pool,
    id: &str,
    name: &str,
    password_hash: &str,
    at: DateTime<Utc>,
) -> StoreResult<UserRef> {
    sqlx::query(
        "INSERT INTO users (id, name, name_key, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(name)
    .bind(app::domain::fold_case(name))
    .bind(password_hash)
    .bind(timestamp(at))
    .execute(pool)
    .await
    .map_err(on_constraint)?;
    Ok(UserRef {
        id: id.to_owned(),
        name: name.to_owned(),
    })
}

pub async fn users_starting(pool: &Pool, prefix: &str, limit: u32) -> StoreResult<Vec<UserRef>> {
    let pattern = crate::store::rows::prefix_pattern(prefix);
    let rows = sqlx::query(
        "SELECT id, name FROM users WHERE name_key LIKE $1 ESCAPE '\\' ORDER BY name_key LIMIT $2",
    )
    .bind(pattern)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(UserRef {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            })
        })
        .collect()
}

pub async fn find_user(pool: &Pool, name: &str) -> StoreResult<Option<UserRecord>> {
    let row = sqlx::query("SELECT id, name, password_hash FROM users WHERE name_key = $1")
        .bind(app::domain::fold_case(name))
        .fetch_optional(pool)
        .await?;
    row.map(|row| {
        Ok(UserRecord {
            user: UserRef {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
            },
            password_hash: row.try_get("password_hash")?,
        })
    })
    .transpose()
}

pub async fn create_session(
    pool: &Pool,
    token_hash: &str,
    user_id: &str,
    at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(timestamp(at))
    .bind(timestamp(expires_at))
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn session_user(
    pool: &Pool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StoreResult<Option<UserRef>> {
    let row = sqlx::query(
        "SELECT u.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2",
    )
    .bind(token_hash)
    .bind(timestamp(now))
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(UserRef {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
        })
    })
    .transpose()
}

pub async fn delete_session(pool: &Pool, token_hash: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn expire_sessions(pool: &Pool, before: DateTime<Utc>) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
        .bind(timestamp(before))
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
