//! The PostgreSQL backend, for running many stateless instances on one database. Same
//! schema meanings and row decoding as the SQLite backend; SQL differs where the dialects do.

mod access;
mod accounts;
mod docs;
mod history;
mod idempotency;
mod list;

use std::{str::FromStr, time::Duration};

use chrono::{DateTime, Utc};
use sqlx::{
    postgres::{PgConnectOptions, PgPoolOptions},
    PgPool,
};

use super::{Claim, ClaimedKey, ListQuery, SaveChange, StoreResult, StoredResponse, UserRecord};
pub(crate) use crate::store::constraints::on_constraint;
use app::{
    domain::{Fields, Role, Status},
    protocol::{ChangedBy, DocPage, Document, Member, Revision, RevisionSummary, UserRef},
};

/// Connection settings that matter for PostgreSQL only (defaults in `store`).
#[derive(Debug, Clone, Copy)]
pub struct PgSettings {
    pub max_connections: u32,
    /// A statement running longer is cancelled, so one stuck query cannot hold a
    /// connection (and its locks) forever.
    pub statement_timeout: Duration,
}

pub struct PgStore {
    pool: PgPool,
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
        Ok(PgStore { pool })
    }

    /// The pool, for the live channel's listener and notifications.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

super::delegate::delegate_store!(PgStore);

async fn run_migrations(pool: &PgPool) -> StoreResult<()> {
    // sqlx holds a PostgreSQL advisory lock while migrating, so instances starting
    // together apply each migration once.
    sqlx::migrate!("./migrations/postgres").run(pool).await?;
    Ok(())
}

async fn answer_ping(pool: &PgPool) -> StoreResult<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}
