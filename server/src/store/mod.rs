//! Persistence: a store per resource (accounts, documents, trash, history, members,
//! idempotency keys, transfer, notifications, the database itself), each a trait declared once in its own
//! module and implemented once in the SQL both backends compile (`sql/`). Nothing above
//! the store touches SQL; a backend is chosen once from the database URL. The store knows
//! rows: a committed change leaves it as a `changes::Change`, never as a live message.

/// A changed `documents` row as `RETURNING` gives it, in the columns of the document
/// queries (`sql/docs.rs`); a macro so that statements can be built around it by `concat!`.
macro_rules! returned_doc {
    () => {
        "id, title, slug, tags, body, status, rev, created_at, created_by, \
         (SELECT name FROM users WHERE users.id = documents.created_by) AS created_by_name, \
         updated_at, updated_by, (SELECT name FROM users WHERE users.id = documents.updated_by) AS updated_by_name"
    };
}

/// A save's compare-and-set, returning the saved row (`returned_doc!`) and its
/// passages mark; `$1`–`$9` as `sql/docs.rs` binds them.
macro_rules! save_update {
    () => {
        concat!(
            "UPDATE documents SET title = $1, slug = $2, tags = $3, body = $4, search_text = $5, \
             rev = rev + 1, updated_at = $6, updated_by = $7 \
             WHERE id = $8 AND rev = $9 AND deleted_at IS NULL RETURNING ",
            returned_doc!(),
            ", anchored"
        )
    };
}

/// The revision row a save keeps, selected from a saved `documents` row named after it
/// (`$10` the changed fields, `$11` the merge base, `$7` the author, `$6` the time).
macro_rules! keep_revision {
    () => {
        "INSERT INTO revisions (doc_id, rev, title, slug, tags, body, status, changed_fields, \
         deleted, merge_base, author_id, created_at) \
         SELECT id, rev, title, slug, tags, body, status, $10, FALSE, $11, $7, $6 FROM "
    };
}

mod accounts;
pub mod changes;
mod constraints;
pub mod cursor;
mod docs;
mod history;
pub mod inbox;
mod keys;
mod members;
mod postgres;
pub mod presence;
pub mod reviews;
pub(crate) mod rows;
mod sqlite;
pub mod suggestions;
pub mod threads;
pub mod transfer;
mod trash;

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use app::{
    domain::{Field, Status, ValidFields},
    protocol::{Document, UserRef},
};

pub use crate::config::PgSettings;
pub use accounts::Accounts;
pub use docs::{Docs, InSession};
pub use history::History;
pub use inbox::Inbox;
pub use keys::Keys;
pub use members::Members;
pub use postgres::PgStore;
pub use reviews::Reviews;
pub use sqlite::SqliteStore;
pub use suggestions::Suggestions;
pub use threads::Threads;
pub use transfer::Transfer;
pub use trash::Trash;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("user name already taken")]
    NameTaken,
    #[error("slug already taken")]
    SlugTaken,
    #[error("document not found")]
    NotFound,
    /// The compare-and-set on `rev` failed: somebody saved first.
    #[error("revision is stale")]
    Stale,
    #[error("invalid list cursor")]
    BadCursor,
    /// Another request with the same idempotency key committed first.
    #[error("idempotency key already used")]
    IdempotencyKeyUsed,
    /// A hunk of a suggestion was accepted or rejected meanwhile (by someone else).
    #[error("already decided")]
    AlreadyDecided,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Unsupported(&'static str),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A user with the password hash, for signing in only.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: UserRef,
    pub password_hash: String,
}

#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only documents this user owns or is a member of.
    pub user_id: String,
    pub text: Option<String>,
    pub status: Option<Status>,
    pub tag: Option<String>,
    pub owner: Option<Ownership>,
    pub sort: cursor::Sort,
    pub limit: u32,
    pub cursor: Option<String>,
}

/// Whose documents a list shows, of those the user may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ownership {
    /// The user's own.
    Mine,
    /// Others' documents shared with the user.
    SharedWithMe,
}

/// One save: the new field values, expected to apply on top of `expected_rev`.
#[derive(Debug, Clone)]
pub struct SaveChange<'a> {
    pub id: &'a str,
    pub expected_rev: i64,
    /// The body of `expected_rev`, which the caller read: comment anchors move from it
    /// (the compare-and-set makes sure it is the stored one).
    pub old_body: &'a str,
    pub fields: &'a ValidFields,
    pub changed: &'a [Field],
    pub by: &'a UserRef,
    pub at: DateTime<Utc>,
    /// Recorded with the save, in its transaction, when the request carried a key.
    pub idempotency: Option<IdempotencyKey<'a>>,
    /// Hunks of a suggestion this save accepts, recorded in its transaction.
    pub accepting: Option<suggestions::DecisionBatch<'a>>,
}

/// A save merged over whatever revision is current when it commits (`Prefer: merge=auto`).
pub struct MergeChange<'a> {
    pub id: &'a str,
    /// The revision the saved change was made on.
    pub base_rev: i64,
    /// The fields to save over the current document; `None` when they do not merge
    /// cleanly (the save is then `Stale`).
    pub merge: &'a (dyn Fn(&Document) -> Option<ValidFields> + Send + Sync),
    pub by: &'a UserRef,
    pub at: DateTime<Utc>,
    pub idempotency: Option<IdempotencyKey<'a>>,
}

/// What a merged save did.
#[derive(Debug)]
pub struct Merged {
    pub doc: Document,
    /// The revision the change was merged over.
    pub over: i64,
    /// What the save changed in that revision.
    pub changed: Vec<Field>,
    /// False when the current revision already held the whole change.
    pub saved: bool,
}

#[derive(Debug, Clone)]
pub struct IdempotencyKey<'a> {
    pub key: &'a str,
    pub fingerprint: &'a str,
    /// Records older than this are expired: replaced, never replayed.
    pub not_before: DateTime<Utc>,
}

/// A response recorded under an idempotency key.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub fingerprint: String,
    /// The first request with the key is still running: nothing to replay yet.
    pub in_flight: bool,
    pub status: u16,
    pub etag: Option<String>,
    pub location: Option<String>,
    pub body: String,
}

/// The outcome of claiming an idempotency key for a create.
#[derive(Debug, Clone)]
pub enum Claim {
    /// Nobody used the key (or its record expired): go ahead.
    Claimed,
    /// The key is recorded: in flight or finished.
    Existing(StoredResponse),
}

/// A create's claimed key, completed in the create's own transaction.
#[derive(Debug, Clone, Copy)]
pub struct ClaimedKey<'a> {
    pub user_id: &'a str,
    pub key: &'a str,
}

/// The database itself: migrations, health, pools, and the feed of committed changes.
#[async_trait]
pub trait Database: Send + Sync + 'static {
    /// Applies pending migrations; start-up fails if this fails.
    async fn migrate(&self) -> StoreResult<()>;
    /// Whether the database answers: what `/readyz` reports.
    async fn ping(&self) -> StoreResult<()>;
    /// Each pool's (name, connections open, connections idle), for `/metrics`.
    fn pool_stats(&self) -> Vec<(&'static str, u32, u32)>;
    /// Every committed change to a document, as it commits (`changes`).
    fn changes(&self) -> &changes::Feed;
}

/// Every store of one database, each behind its resource's trait: what the server holds.
#[derive(Clone)]
pub struct Stores {
    pub accounts: Arc<dyn Accounts>,
    pub docs: Arc<dyn Docs>,
    pub history: Arc<dyn History>,
    pub members: Arc<dyn Members>,
    pub threads: Arc<dyn Threads>,
    pub suggestions: Arc<dyn Suggestions>,
    pub reviews: Arc<dyn Reviews>,
    pub inbox: Arc<dyn Inbox>,
    pub keys: Arc<dyn Keys>,
    pub transfer: Arc<dyn Transfer>,
    pub trash: Arc<dyn Trash>,
    pub database: Arc<dyn Database>,
}

impl Stores {
    fn of<B>(backend: Arc<B>) -> Stores
    where
        B: Accounts
            + Docs
            + History
            + Members
            + Threads
            + Suggestions
            + Reviews
            + Inbox
            + Keys
            + Transfer
            + Trash
            + Database,
    {
        Stores {
            accounts: backend.clone(),
            docs: backend.clone(),
            history: backend.clone(),
            members: backend.clone(),
            threads: backend.clone(),
            suggestions: backend.clone(),
            reviews: backend.clone(),
            inbox: backend.clone(),
            keys: backend.clone(),
            transfer: backend.clone(),
            trash: backend.clone(),
            database: backend,
        }
    }
}

/// A connected, migrated backend.
pub enum Backend {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PgStore>),
}

impl Backend {
    pub fn stores(&self) -> Stores {
        match self {
            Backend::Sqlite(store) => Stores::of(store.clone()),
            Backend::Postgres(store) => Stores::of(store.clone()),
        }
    }
}

/// Connects to the backend named by the URL's scheme and migrates it.
pub async fn connect(database_url: &str) -> StoreResult<Stores> {
    Ok(open(database_url, PgSettings::default()).await?.stores())
}

/// As `connect`, keeping which backend it is (the live channel fans out differently).
pub async fn open(database_url: &str, pg: PgSettings) -> StoreResult<Backend> {
    if database_url.starts_with("sqlite:") {
        let store = SqliteStore::connect(database_url).await?;
        store.migrate().await?;
        Ok(Backend::Sqlite(Arc::new(store)))
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        let store = PgStore::connect(database_url, pg).await?;
        store.migrate().await?;
        Ok(Backend::Postgres(Arc::new(store)))
    } else {
        Err(StoreError::Database(sqlx::Error::Configuration(
            format!(
                "unsupported database URL {database_url:?}: use sqlite://PATH or postgres://USER@HOST:PORT/DB"
            )
            .into(),
        )))
    }
}
