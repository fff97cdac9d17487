//! Roles on documents, and the sign-in attempts that rate limiting counts.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::Pool;

use crate::store::rows::timestamp;
use crate::store::StoreResult;
use app::{
    domain::Role,
    protocol::{Member, UserRef},
};

pub async fn role_of(pool: &Pool, doc_id: &str, user_id: &str) -> StoreResult<Option<Role>> {
    let row = sqlx::query(
        "SELECT CASE WHEN d.owner_id = $1 THEN 'owner' ELSE m.role END AS role \
         FROM documents d LEFT JOIN memberships m ON m.doc_id = d.id AND m.user_id = $2 \
         WHERE d.id = $3 AND d.deleted_at IS NULL",
    )
    .bind(user_id)
    .bind(user_id)
    .bind(doc_id)
    .fetch_optional(pool)
    .await?;
    Ok(row
        .and_then(|row| row.get::<Option<String>, _>("role"))
        .and_then(|role| Role::parse(&role)))
}

pub async fn members(pool: &Pool, doc_id: &str) -> StoreResult<Option<(UserRef, Vec<Member>)>> {
    let owner = sqlx::query(
        "SELECT u.id, u.name FROM documents d JOIN users u ON u.id = d.owner_id WHERE d.id = $1 AND d.deleted_at IS NULL",
    )
    .bind(doc_id)
    .fetch_optional(pool)
    .await?;
    let Some(owner) = owner else {
        return Ok(None);
    };
    let owner = UserRef {
        id: owner.try_get("id")?,
        name: owner.try_get("name")?,
    };
    let rows = sqlx::query(
        "SELECT u.id, u.name, m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.doc_id = $1 ORDER BY u.name_key",
    )
    .bind(doc_id)
    .fetch_all(pool)
    .await?;
    let members = rows
        .iter()
        .filter_map(|row| {
            let role = Role::parse(row.get::<&str, _>("role"))?;
            Some(Member {
                user: UserRef {
                    id: row.get("id"),
                    name: row.get("name"),
                },
                role,
            })
        })
        .collect();
    Ok(Some((owner, members)))
}

pub async fn set_member(
    pool: &Pool,
    doc_id: &str,
    user_id: &str,
    role: Role,
    by: &UserRef,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO memberships (doc_id, user_id, role, added_at, added_by) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (doc_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(doc_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(timestamp(at))
    .bind(&by.id)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn remove_member(pool: &Pool, doc_id: &str, user_id: &str) -> StoreResult<bool> {
    let done = sqlx::query("DELETE FROM memberships WHERE doc_id = $1 AND user_id = $2")
        .bind(doc_id)
        .bind(user_id)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn auth_attempts(
    pool: &Pool,
    account: &str,
    address: &str,
    since: DateTime<Utc>,
) -> StoreResult<(u32, u32)> {
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

pub async fn record_auth_attempt(
    pool: &Pool,
    account: Option<&str>,
    address: &str,
    at: DateTime<Utc>,
) -> StoreResult<i64> {
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

pub async fn forget_auth_attempt(pool: &Pool, id: i64) -> StoreResult<()> {
    sqlx::query("DELETE FROM auth_attempts WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn clear_auth_failures(pool: &Pool, account: &str) -> StoreResult<()> {
    sqlx::query("DELETE FROM auth_attempts WHERE account = $1")
        .bind(app::domain::fold_case(account))
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn expire_auth_attempts(pool: &Pool, before: DateTime<Utc>) -> StoreResult<u64> {
    let done = sqlx::query("DELETE FROM auth_attempts WHERE at < $1")
        .bind(timestamp(before))
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
