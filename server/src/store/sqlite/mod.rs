//! The embedded SQLite backend (WAL): the default, with nothing else to install.

mod access;
mod accounts;
mod docs;
mod history;
mod idempotency;
mod list;

use std::{str::FromStr, time::Duration};

use chrono::{DateTime, Utc};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use super::{Claim, ClaimedKey, ListQuery, SaveChange, StoreResult, StoredResponse, UserRecord};
pub(crate) use crate::store::constraints::on_constraint;
use app::{
    domain::{Fields, Role, Status},
    protocol::{ChangedBy, DocPage, Document, Member, Revision, RevisionSummary, UserRef},
};

pub struct SqliteStore {
    pool: SqlitePool,
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
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(SqliteStore { pool })
    }
}

super::delegate::delegate_store!(SqliteStore);

async fn run_migrations(pool: &SqlitePool) -> StoreResult<()> {
    sqlx::migrate!("./migrations/sqlite").run(pool).await?;
    Ok(())
}

async fn answer_ping(pool: &SqlitePool) -> StoreResult<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}
