//! Users and their sessions.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::on_constraint;
use crate::store::rows::timestamp;
use crate::store::{StoreResult, UserRecord};
use app::protocol::UserRef;

#[async_trait::async_trait]
impl crate::store::Accounts for super::This {
    async fn create_user(
        &self,
        id: &str,
        name: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<UserRef> {
        let pool = &self.writer;
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

    async fn find_user(&self, name: &str) -> StoreResult<Option<UserRecord>> {
        let pool = &self.pool;
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

    async fn users_starting(&self, prefix: &str, limit: u32) -> StoreResult<Vec<UserRef>> {
        let pool = &self.pool;
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

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let pool = &self.writer;
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

    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserRef>> {
        let pool = &self.pool;
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

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        let pool = &self.writer;
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn expire_sessions(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let pool = &self.writer;
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(timestamp(before))
            .execute(pool)
            .await?;
        Ok(done.rows_affected())
    }

    async fn auth_attempts(
        &self,
        account: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<(u32, u32)> {
        let pool = &self.pool;
        let since = timestamp(since);
        let row = sqlx::query(
        "SELECT (SELECT count(*) FROM auth_attempts WHERE account = $1 AND at >= $2) AS account_failures, \
                (SELECT count(*) FROM auth_attempts WHERE address = $3 AND at >= $4) AS address_attempts",
    )
    .bind(app::domain::fold_case(account))
    .bind(&since)
    .bind(address)
    .bind(&since)
    .fetch_one(pool)
    .await?;
        Ok((
            row.get::<i64, _>("account_failures") as u32,
            row.get::<i64, _>("address_attempts") as u32,
        ))
    }

    async fn record_auth_attempt(
        &self,
        account: Option<&str>,
        address: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let pool = &self.writer;
        let id = sqlx::query_scalar(
            "INSERT INTO auth_attempts (account, address, at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(account.map(app::domain::fold_case))
        .bind(address)
        .bind(timestamp(at))
        .fetch_one(pool)
        .await?;
        Ok(id)
    }

    async fn forget_auth_attempt(&self, id: i64) -> StoreResult<()> {
        let pool = &self.writer;
        sqlx::query("DELETE FROM auth_attempts WHERE id = $1")
            .bind(id)
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn clear_auth_failures(&self, account: &str) -> StoreResult<()> {
        let pool = &self.writer;
        sqlx::query("DELETE FROM auth_attempts WHERE account = $1")
            .bind(app::domain::fold_case(account))
            .execute(pool)
            .await?;
        Ok(())
    }

    async fn expire_auth_attempts(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        let pool = &self.writer;
        let done = sqlx::query("DELETE FROM auth_attempts WHERE at < $1")
            .bind(timestamp(before))
            .execute(pool)
            .await?;
        Ok(done.rows_affected())
    }
}
