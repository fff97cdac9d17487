//! The embedded SQLite backend (WAL): the default, with nothing else to install.

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

type Db = sqlx::Sqlite;
type Pool = sqlx::SqlitePool;

/// Where SQLite's SQL differs from PostgreSQL's.
mod dialect {
    use sqlx::QueryBuilder;

    use super::Db;
    use crate::store::{
        changes::{Change, Feed},
        rows::anchor_state_name,
        StoreResult,
    };
    use app::domain::anchor::Anchor;

    /// A save's compare-and-set and its revision row in one round trip: two statements in
    /// one query, which sqlx runs back to back on the connection's thread (`fetch_all`:
    /// `fetch_optional` would stop at the first row, before the second statement). The
    /// revision is written only if the update matched (`changes()`: rows the statement
    /// just before changed). `$n` names the same value in both.
    pub const SAVE: &str = concat!(
        save_update!(),
        "; ",
        keep_revision!(),
        "documents WHERE id = $8 AND changes() = 1"
    );

    /// Documents whose tags (a JSON array in text) hold `tag`.
    pub fn has_tag(sql: &mut QueryBuilder<'_, Db>, tag: &str) {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(d.tags) t WHERE t.value = ")
            .push_bind(tag.to_owned())
            .push(")");
    }

    /// `VACUUM INTO`: a consistent copy while the server runs (readers and writers go on).
    pub async fn backup(pool: &super::Pool, path: &str) -> StoreResult<()> {
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(pool)
            .await?;
        Ok(())
    }

    /// Anchors written by one statement: seven values each, well under SQLite's limit of
    /// 32,766 bound values.
    const ANCHORS_PER_STATEMENT: usize = 500;

    /// Writes passages moved by a save (`moved`, by thread) and keeps them as where they
    /// are in revision `rev`: two statements per 500, not two per passage, so a save that
    /// moves a thousand passages costs four round trips (docs/benchmarks.md).
    pub async fn shift_anchors(
        tx: &mut sqlx::Transaction<'_, Db>,
        rev: i64,
        moved: &[(String, Anchor)],
    ) -> StoreResult<()> {
        for chunk in moved.chunks(ANCHORS_PER_STATEMENT) {
            let mut update = QueryBuilder::<Db>::new("WITH moved (id, s, e, t, b, a, st) AS (");
            update.push_values(chunk, |mut row, (id, anchor)| {
                row.push_bind(id.clone())
                    .push_bind(anchor.start as i64)
                    .push_bind(anchor.end as i64)
                    .push_bind(anchor.text.clone())
                    .push_bind(anchor.before.clone())
                    .push_bind(anchor.after.clone())
                    .push_bind(anchor_state_name(anchor.state));
            });
            update.push(
                ") UPDATE threads SET anchor_start = moved.s, anchor_end = moved.e, \
                 anchor_text = moved.t, anchor_before = moved.b, anchor_after = moved.a, \
                 anchor_state = moved.st FROM moved WHERE threads.id = moved.id",
            );
            update.build().execute(&mut **tx).await?;
            let mut keep = QueryBuilder::<Db>::new(
                "INSERT INTO thread_anchors (thread_id, rev, anchor_start, anchor_end, anchor_state) ",
            );
            keep.push_values(chunk, |mut row, (id, anchor)| {
                row.push_bind(id.clone())
                    .push_bind(rev)
                    .push_bind(anchor.start as i64)
                    .push_bind(anchor.end as i64)
                    .push_bind(anchor_state_name(anchor.state));
            });
            keep.build().execute(&mut **tx).await?;
        }
        Ok(())
    }

    /// One process: this process's feed hears of the change once it committed.
    pub async fn commit_announcing(
        tx: sqlx::Transaction<'_, Db>,
        feed: &Feed,
        change: Change,
    ) -> StoreResult<()> {
        tx.commit().await?;
        feed.tell(change);
        Ok(())
    }
}

use std::{str::FromStr, time::Duration};

use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use super::StoreResult;
pub(crate) use crate::store::constraints::on_constraint;

pub struct SqliteStore {
    pool: SqlitePool,
    /// The one connection every write goes through: SQLite has one writer at a time
    /// anyway, so writers queue here in order instead of sleeping in SQLite's busy
    /// handler (its back-off put a quarter of a second on the tail).
    writer: SqlitePool,
    feed: super::changes::Feed,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged save is on disk before the response leaves.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
        }
        // An embedded file's connections do not go stale: no ping (a round trip to the
        // connection's thread) before every use.
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options)
            .await?;
        Ok(SqliteStore {
            pool,
            writer,
            feed: Default::default(),
        })
    }
}

// The per-resource stores (`crate::store::{Accounts, Docs, …}`) are implemented for this
// backend in the shared SQL modules above, each for `This`. Writes go to `writer`, reads to
// `pool`.
type This = SqliteStore;

#[async_trait::async_trait]
impl super::Database for SqliteStore {
    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    fn pool_stats(&self) -> Vec<(&'static str, u32, u32)> {
        [("read", &self.pool), ("write", &self.writer)]
            .into_iter()
            .map(|(name, pool)| (name, pool.size(), pool.num_idle() as u32))
            .collect()
    }

    fn changes(&self) -> &super::changes::Feed {
        &self.feed
    }
}
