//! Roles on documents: who owns each, and who else may read or change it.

use chrono::{DateTime, Utc};
use sqlx::Row;

use crate::store::rows::timestamp;
use crate::store::StoreResult;
use app::{
    domain::Role,
    protocol::{Member, UserRef},
};

#[async_trait::async_trait]
impl crate::store::Members for super::This {
    async fn role_of(&self, doc_id: &str, user_id: &str) -> StoreResult<Option<Role>> {
        let pool = &self.pool;
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

    async fn members(&self, doc_id: &str) -> StoreResult<Option<(UserRef, Vec<Member>)>> {
        let pool = &self.pool;
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

    async fn set_member(
        &self,
        doc_id: &str,
        user_id: &str,
        role: Role,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let pool = &self.writer;
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

    async fn remove_member(&self, doc_id: &str, user_id: &str) -> StoreResult<bool> {
        let pool = &self.writer;
        let done = sqlx::query("DELETE FROM memberships WHERE doc_id = $1 AND user_id = $2")
            .bind(doc_id)
            .bind(user_id)
            .execute(pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}
