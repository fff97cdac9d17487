//! The PostgreSQL backend, for running many stateless instances on one database. Same
//! schema meanings and row decoding as the SQLite backend; SQL differs where the dialects do.

// The SQL both backends share (`../sql/`, written with `$n` placeholders, which SQLite
// accepts too), compiled here against this backend's types; `dialect` holds what differs.
// Loading each file once per backend is the point, hence the allowed clippy lint.
#[path = "../sql/accounts.rs"]
#[allow(clippy::duplicate_mod)]
mod accounts;
#[path = "../sql/docs.rs"]
#[allow(clippy::duplicate_mod)]
mod docs;
#[path = "../sql/history.rs"]
#[allow(clippy::duplicate_mod)]
mod history;
#[path = "../sql/idempotency.rs"]
#[allow(clippy::duplicate_mod)]
mod idempotency;
#[path = "../sql/inbox.rs"]
#[allow(clippy::duplicate_mod)]
mod inbox;
#[path = "../sql/list.rs"]
#[allow(clippy::duplicate_mod)]
mod list;
#[path = "../sql/members.rs"]
#[allow(clippy::duplicate_mod)]
mod members;
#[path = "../sql/reviews.rs"]
#[allow(clippy::duplicate_mod)]
mod reviews;
#[path = "../sql/suggestions.rs"]
#[allow(clippy::duplicate_mod)]
mod suggestions;
#[path = "../sql/threads.rs"]
#[allow(clippy::duplicate_mod)]
mod threads;
#[path = "../sql/transfer.rs"]
#[allow(clippy::duplicate_mod)]
mod transfer;
#[path = "../sql/trash.rs"]
#[allow(clippy::duplicate_mod)]
mod trash;

type Db = sqlx::Postgres;
type Pool = sqlx::PgPool;

/// Where PostgreSQL's SQL differs from SQLite's.
mod dialect {
    use sqlx::QueryBuilder;

    use super::Db;
    use crate::store::{
        changes::{Change, Feed},
        presence::{notify, Notice},
        rows::anchor_state_name,
        StoreResult,
    };
    use app::domain::anchor::Anchor;

    /// A save's compare-and-set and its revision row in one statement: the revision is
    /// written from the row the update returns, so only if it matched.
    pub const SAVE: &str = concat!(
        "WITH saved AS (",
        save_update!(),
        "), kept AS (",
        keep_revision!(),
        "saved) SELECT * FROM saved"
    );

    /// Documents whose tags (a JSON array in text) hold `tag`.
    /// PostgreSQL has its own tools for this; `concord backup` is for the SQLite file.
    pub async fn backup(_pool: &super::Pool, _path: &str) -> StoreResult<()> {
        Err(crate::store::StoreError::Unsupported(
            "concord backup copies a SQLite database; for PostgreSQL use pg_dump (or concord export)",
        ))
    }

    pub fn has_tag(sql: &mut QueryBuilder<'_, Db>, tag: &str) {
        sql.push(" AND jsonb_exists(d.tags::jsonb, ")
            .push_bind(tag.to_owned())
            .push(")");
    }

    /// Writes passages moved by a save (`moved`, by thread) and keeps them as where they
    /// are in revision `rev`: two statements, each column one array. A `VALUES` list of
    /// 500 rows is a statement of thousands of parameters that PostgreSQL parses and plans
    /// anew every save; arrays keep the statement the same (docs/benchmarks.md).
    pub async fn shift_anchors(
        tx: &mut sqlx::Transaction<'_, Db>,
        rev: i64,
        moved: &[(String, Anchor)],
    ) -> StoreResult<()> {
        let ids: Vec<&str> = moved.iter().map(|(id, _)| id.as_str()).collect();
        let column = |f: fn(&Anchor) -> i64| moved.iter().map(|(_, a)| f(a)).collect::<Vec<i64>>();
        let (starts, ends) = (column(|a| a.start as i64), column(|a| a.end as i64));
        let text = |f: fn(&Anchor) -> &str| moved.iter().map(|(_, a)| f(a)).collect::<Vec<&str>>();
        let states: Vec<&str> = moved
            .iter()
            .map(|(_, a)| anchor_state_name(a.state))
            .collect();
        sqlx::query(
            "UPDATE threads SET anchor_start = m.s, anchor_end = m.e, anchor_text = m.t, \
             anchor_before = m.b, anchor_after = m.a, anchor_state = m.st \
             FROM UNNEST($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], \
             $6::text[], $7::text[]) AS m (id, s, e, t, b, a, st) WHERE threads.id = m.id",
        )
        .bind(&ids)
        .bind(&starts)
        .bind(&ends)
        .bind(text(|a| &a.text))
        .bind(text(|a| &a.before))
        .bind(text(|a| &a.after))
        .bind(&states)
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO thread_anchors (thread_id, rev, anchor_start, anchor_end, anchor_state) \
             SELECT id, $2, s, e, st FROM UNNEST($1::text[], $3::bigint[], $4::bigint[], $5::text[]) \
             AS m (id, s, e, st)",
        )
        .bind(&ids)
        .bind(rev)
        .bind(&starts)
        .bind(&ends)
        .bind(&states)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }

    /// NOTIFY from the committing transaction: every instance hears it if it commits, and
    /// its listener (`live::cluster`) tells its own feed, this one's included.
    pub async fn commit_announcing(
        mut tx: sqlx::Transaction<'_, Db>,
        _feed: &Feed,
        change: Change,
    ) -> StoreResult<()> {
        notify(&mut tx, &Notice::Changed { change }).await?;
        tx.commit().await?;
        Ok(())
    }
}

use std::{str::FromStr, time::Duration};

use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool,
};

use super::StoreResult;
use crate::config::PgSettings;
pub(crate) use crate::store::constraints::on_constraint;

pub struct PgStore {
    pool: PgPool,
    /// The same pool: PostgreSQL takes concurrent writers.
    writer: PgPool,
    feed: super::changes::Feed,
}

impl PgStore {
    pub async fn connect(url: &str, settings: PgSettings) -> StoreResult<PgStore> {
        let timeout_ms = settings.statement_timeout.as_millis().to_string();
        let options = PgConnectOptions::from_str(url)?
            .application_name("concord")
            .options([("statement_timeout", timeout_ms.as_str())]);
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(PgStore {
            writer: pool.clone(),
            pool,
            feed: Default::default(),
        })
    }

    /// The pool, for the live channel's listener and notifications.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

// The per-resource stores (`crate::store::{Accounts, Docs, …}`) are implemented for this
// backend in the shared SQL modules above, each for `This`. Writes go to `writer`, reads to
// `pool`.
type This = PgStore;

#[async_trait::async_trait]
impl super::Database for PgStore {
    async fn migrate(&self) -> StoreResult<()> {
        // sqlx holds a PostgreSQL advisory lock while migrating, so instances starting
        // together apply each migration once.
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn pool_stats(&self) -> Vec<(&'static str, u32, u32)> {
        // One pool serves reads and writes.
        vec![("shared", self.pool.size(), self.pool.num_idle() as u32)]
    }

    fn changes(&self) -> &super::changes::Feed {
        &self.feed
    }
}
