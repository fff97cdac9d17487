//! Instances of the server on one PostgreSQL database, the viewers each has of a document,
//! and the notices instances send one another. Rows and a channel only: what a notice
//! means to watchers is the live channel's business (`live::cluster`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::{postgres::PgListener, PgConnection, PgPool, Row};

use super::{changes::Change, rows::timestamp};
use app::{live::Viewer, protocol::UserRef};

/// The one NOTIFY channel every instance listens on.
pub const CHANNEL: &str = "concord_live";

/// What instances tell one another. Small: ids, revisions, names — never a body.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Notice {
    /// A committed change (`store::changes`), sent by its transaction.
    Changed { change: Change },
    /// What the live channel tells its peers (a role given or taken): the store only
    /// carries it.
    Relay { payload: serde_json::Value },
    /// Some instance's viewers of the document changed: re-read presence.
    Presence { doc_id: String },
}

/// Sends `notice` on `connection`: from inside a transaction, delivered only if it commits.
pub async fn notify(connection: &mut PgConnection, notice: &Notice) -> sqlx::Result<()> {
    let payload = serde_json::to_string(notice).map_err(|e| sqlx::Error::Encode(e.into()))?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(connection)
        .await?;
    Ok(())
}

/// The instances' rows, read and written for one instance.
#[derive(Clone)]
pub struct Presence {
    pool: PgPool,
}

impl Presence {
    pub fn new(pool: PgPool) -> Presence {
        Presence { pool }
    }

    /// A connection that hears every instance's notices, from now on.
    pub async fn listen(&self) -> sqlx::Result<PgListener> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen(CHANNEL).await?;
        Ok(listener)
    }

    /// A notice outside any transaction (what it follows has committed already).
    pub async fn notify(&self, notice: &Notice) -> sqlx::Result<()> {
        let mut connection = self.pool.acquire().await?;
        notify(&mut connection, notice).await
    }

    /// Registers an instance, alive as of `now`.
    pub async fn register(&self, instance: &str, now: DateTime<Utc>) -> sqlx::Result<()> {
        sqlx::query("INSERT INTO instances (id, started_at, seen_at) VALUES ($1, $2, $2)")
            .bind(instance)
            .bind(timestamp(now))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The instance is alive as of `now`; instances not seen since `gone_before` are
    /// deleted with their viewers (long gone, not just stale).
    pub async fn beat(
        &self,
        instance: &str,
        now: DateTime<Utc>,
        gone_before: DateTime<Utc>,
    ) -> sqlx::Result<()> {
        sqlx::query("UPDATE instances SET seen_at = $2 WHERE id = $1")
            .bind(instance)
            .bind(timestamp(now))
            .execute(&self.pool)
            .await?;
        sqlx::query("DELETE FROM instances WHERE seen_at < $1")
            .bind(timestamp(gone_before))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The instance stopped: it and its viewers go.
    pub async fn forget(&self, instance: &str) -> sqlx::Result<()> {
        sqlx::query("DELETE FROM instances WHERE id = $1")
            .bind(instance)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Writes what changed in the instance's viewers of the document, in one transaction
    /// of a few statements however many there are, and tells every instance. Rows are
    /// keyed by the viewer's connection, which also orders them as they joined.
    pub async fn write(&self, instance: &str, doc_id: &str, rows: Rows<'_>) -> sqlx::Result<()> {
        let mut tx = self.pool.begin().await?;
        let (gone, set) = match rows {
            Rows::All(set) => {
                sqlx::query("DELETE FROM presence WHERE instance_id = $1 AND doc_id = $2")
                    .bind(instance)
                    .bind(doc_id)
                    .execute(&mut *tx)
                    .await?;
                (Vec::new(), set)
            }
            Rows::Changed { gone, set } => (gone.iter().map(|&c| c as i64).collect(), set),
        };
        if !gone.is_empty() {
            sqlx::query(
                "DELETE FROM presence WHERE instance_id = $1 AND doc_id = $2 AND position = ANY($3)",
            )
            .bind(instance)
            .bind(doc_id)
            .bind(&gone)
            .execute(&mut *tx)
            .await?;
        }
        if !set.is_empty() {
            let positions: Vec<i64> = set.iter().map(|(c, _)| *c as i64).collect();
            let ids: Vec<&str> = set.iter().map(|(_, v)| v.user.id.as_str()).collect();
            let names: Vec<&str> = set.iter().map(|(_, v)| v.user.name.as_str()).collect();
            let tabs: Vec<&str> = set.iter().map(|(_, v)| v.tab_id.as_str()).collect();
            let dirty: Vec<bool> = set.iter().map(|(_, v)| v.dirty).collect();
            sqlx::query(
                "INSERT INTO presence (instance_id, doc_id, position, user_id, user_name, tab_id, dirty) \
                 SELECT $1, $2, * FROM UNNEST($3::BIGINT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], $7::BOOLEAN[]) \
                 ON CONFLICT (instance_id, doc_id, position) DO UPDATE \
                 SET user_name = EXCLUDED.user_name, dirty = EXCLUDED.dirty",
            )
            .bind(instance)
            .bind(doc_id)
            .bind(&positions)
            .bind(&ids)
            .bind(&names)
            .bind(&tabs)
            .bind(&dirty)
            .execute(&mut *tx)
            .await?;
        }
        let changed = Notice::Presence {
            doc_id: doc_id.to_owned(),
        };
        notify(&mut tx, &changed).await?;
        tx.commit().await
    }

    /// The first `listed` people watching the document on an instance seen after
    /// `fresh_after`, in the order they came, and how many there are in all.
    pub async fn viewers(
        &self,
        doc_id: &str,
        fresh_after: DateTime<Utc>,
        listed: usize,
    ) -> sqlx::Result<(Vec<Viewer>, usize)> {
        let rows = sqlx::query(
            "SELECT p.user_id, p.user_name, p.tab_id, p.dirty, count(*) OVER () AS total \
             FROM presence p JOIN instances i ON i.id = p.instance_id \
             WHERE p.doc_id = $1 AND i.seen_at > $2 ORDER BY i.started_at, i.id, p.position LIMIT $3",
        )
        .bind(doc_id)
        .bind(timestamp(fresh_after))
        .bind(listed as i64)
        .fetch_all(&self.pool)
        .await?;
        let total: i64 = match rows.first() {
            Some(row) => row.try_get("total")?,
            None => 0,
        };
        let viewers = rows
            .iter()
            .map(|row| {
                Ok(Viewer {
                    user: UserRef {
                        id: row.try_get("user_id")?,
                        name: row.try_get("user_name")?,
                    },
                    tab_id: row.try_get("tab_id")?,
                    dirty: row.try_get("dirty")?,
                })
            })
            .collect::<sqlx::Result<Vec<_>>>()?;
        Ok((viewers, usize::try_from(total).unwrap_or_default()))
    }
}

/// What a presence write changes: every row of the instance's for the document (after a
/// failed write, or the first), or only those that changed since the last one.
pub enum Rows<'a> {
    All(Vec<(u64, &'a Viewer)>),
    Changed {
        gone: Vec<u64>,
        set: Vec<(u64, &'a Viewer)>,
    },
}
