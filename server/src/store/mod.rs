//! Persistence behind one trait. Handlers never touch SQL; a backend is chosen once from
//! the database URL.

pub mod changes;
mod constraints;
pub mod cursor;
mod delegate;
mod postgres;
pub mod presence;
pub(crate) mod rows;
mod sqlite;
pub mod transfer;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use app::{
    domain::{Field, Fields, Role, Status},
    protocol::{ChangedBy, DocPage, Document, Member, Revision, RevisionSummary, UserRef},
};

pub use postgres::{PgSettings, PgStore};
pub use sqlite::SqliteStore;

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
    pub fields: &'a Fields,
    pub changed: &'a [Field],
    pub by: &'a UserRef,
    pub at: DateTime<Utc>,
    /// Recorded with the save, in its transaction, when the request carried a key.
    pub idempotency: Option<IdempotencyKey<'a>>,
}

/// A save merged over whatever revision is current when it commits (`Prefer: merge=auto`).
pub struct MergeChange<'a> {
    pub id: &'a str,
    /// The revision the saved change was made on.
    pub base_rev: i64,
    /// The fields to save over the current document; `None` when they do not merge
    /// cleanly (the save is then `Stale`).
    pub merge: &'a (dyn Fn(&Document) -> Option<Fields> + Send + Sync),
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

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Applies pending migrations; start-up fails if this fails.
    async fn migrate(&self) -> StoreResult<()>;
    /// Whether the database answers: what `/readyz` reports.
    async fn ping(&self) -> StoreResult<()>;

    async fn create_user(
        &self,
        id: &str,
        name: &str,
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<UserRef>;
    async fn find_user(&self, name: &str) -> StoreResult<Option<UserRecord>>;
    /// Up to `limit` people whose names start with `prefix`, ignoring case, A to Z.
    async fn users_starting(&self, prefix: &str, limit: u32) -> StoreResult<Vec<UserRef>>;

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: &str,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The session's user, if the session exists and has not expired at `now`.
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<UserRef>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;

    /// Inserts the document at revision 1 and its first revision row, in one transaction
    /// that also completes the request's claimed idempotency key.
    async fn create_doc(
        &self,
        id: &str,
        fields: &Fields,
        by: &UserRef,
        at: DateTime<Utc>,
        key: Option<ClaimedKey<'_>>,
    ) -> StoreResult<Document>;
    async fn get_doc(&self, id: &str) -> StoreResult<Option<Document>>;
    /// The owner's documents in the trash, most recently deleted first.
    async fn trashed(&self, owner_id: &str) -> StoreResult<Vec<app::protocol::DocSummary>>;
    /// A document in the trash, with its owner's id.
    async fn trashed_doc(&self, id: &str) -> StoreResult<Option<(Document, String)>>;
    /// Out of the trash under `slug`, on the revision it was deleted at (else `Stale`).
    async fn restore_doc(
        &self,
        id: &str,
        expected_rev: i64,
        slug: &str,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<Document>;
    /// Every account, document, revision and membership (`concord export`).
    async fn export_records(&self) -> StoreResult<Vec<transfer::Record>>;
    /// Whether any account or document is stored.
    async fn has_data(&self) -> StoreResult<bool>;
    /// Writes checked records (`transfer::parse`) in one transaction: all or nothing.
    async fn import_records(&self, records: &[transfer::Record]) -> StoreResult<()>;
    /// A consistent copy of the whole database in a new file, while it is in use.
    async fn backup_to(&self, path: &str) -> StoreResult<()>;
    /// Every committed change to a document, as it commits (`changes`).
    fn changes(&self) -> &changes::Feed;
    /// Each pool's (name, connections open, connections idle), for `/metrics`.
    fn pool_stats(&self) -> Vec<(&'static str, u32, u32)>;
    /// A live document and the user's role on it (`None`: no access), read together.
    async fn doc_for(
        &self,
        id: &str,
        user_id: &str,
    ) -> StoreResult<Option<(Document, Option<Role>)>>;
    async fn list_docs(&self, query: &ListQuery) -> StoreResult<DocPage>;
    /// One transaction: compare-and-set on `rev`, insert the revision row, bump the document.
    /// `Stale` when the document is no longer at `expected_rev`.
    async fn save_doc(&self, change: SaveChange<'_>) -> StoreResult<Document>;
    /// One transaction holding the document from its read to its save: the change merged
    /// over the current revision, marked as a merge in its revision row.
    async fn merge_save_doc(&self, change: MergeChange<'_>) -> StoreResult<Merged>;
    /// Moves the document to `to` with the same compare-and-set as a save.
    async fn transition_doc(
        &self,
        id: &str,
        expected_rev: i64,
        to: Status,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<Document>;
    /// Soft-deletes with the same compare-and-set; history is kept.
    async fn delete_doc(
        &self,
        id: &str,
        expected_rev: i64,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// The field values of one revision of a live document.
    async fn revision_fields(&self, id: &str, rev: i64) -> StoreResult<Option<Fields>>;
    /// A live document's history, newest first.
    async fn revisions(&self, id: &str) -> StoreResult<Vec<RevisionSummary>>;
    async fn revision(&self, id: &str, rev: i64) -> StoreResult<Option<Revision>>;
    /// Those of `candidates` that no live document uses as its slug.
    async fn free_slugs(&self, candidates: &[String]) -> StoreResult<Vec<String>>;
    /// Claims a key for a create, first forgetting its record if older than `expired_before`
    /// or, still in flight, older than `abandoned_before` (its request never finished).
    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
        abandoned_before: DateTime<Utc>,
    ) -> StoreResult<Claim>;
    /// Records the final response of a claimed key whose request did not create anything.
    async fn finish_idempotency_key(
        &self,
        key: ClaimedKey<'_>,
        status: u16,
        body: &str,
    ) -> StoreResult<()>;
    /// Forgets a claimed key whose request failed on our side, so a retry can run.
    async fn release_idempotency_key(&self, key: ClaimedKey<'_>) -> StoreResult<()>;
    /// The response recorded for a user's idempotency key, unless older than `not_before`.
    async fn idempotent_response(
        &self,
        user_id: &str,
        key: &str,
        not_before: DateTime<Utc>,
    ) -> StoreResult<Option<StoredResponse>>;
    /// Deletes idempotency records older than `before`; returns how many.
    async fn expire_idempotency_keys(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// The user's role on a live document; `None` for outsiders and unknown documents.
    async fn role_of(&self, doc_id: &str, user_id: &str) -> StoreResult<Option<Role>>;
    /// The owner and the members of a live document.
    async fn members(&self, doc_id: &str) -> StoreResult<Option<(UserRef, Vec<Member>)>>;
    /// Adds a member or changes their role.
    async fn set_member(
        &self,
        doc_id: &str,
        user_id: &str,
        role: Role,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// False when the user was not a member.
    async fn remove_member(&self, doc_id: &str, user_id: &str) -> StoreResult<bool>;

    /// Failed sign-ins for `account` and all attempts from `address` since `since`.
    async fn auth_attempts(
        &self,
        account: &str,
        address: &str,
        since: DateTime<Utc>,
    ) -> StoreResult<(u32, u32)>;
    /// Records a sign-in attempt (`account` set) or a sign-up (`account` None) before it
    /// is checked, so that parallel attempts count one another; returns its id.
    async fn record_auth_attempt(
        &self,
        account: Option<&str>,
        address: &str,
        at: DateTime<Utc>,
    ) -> StoreResult<i64>;
    /// Forgets one recorded attempt (one that was refused before it was checked).
    async fn forget_auth_attempt(&self, id: i64) -> StoreResult<()>;
    /// Forgets an account's failed sign-ins after it signs in successfully.
    async fn clear_auth_failures(&self, account: &str) -> StoreResult<()>;
    async fn expire_auth_attempts(&self, before: DateTime<Utc>) -> StoreResult<u64>;
    /// Deletes sessions that expired before `before`; returns how many.
    async fn expire_sessions(&self, before: DateTime<Utc>) -> StoreResult<u64>;

    /// Who changed what in each revision after `after_rev`, oldest first.
    async fn changes_since(&self, id: &str, after_rev: i64) -> StoreResult<Vec<ChangedBy>>;
}

impl Default for PgSettings {
    fn default() -> PgSettings {
        PgSettings {
            max_connections: 16,
            statement_timeout: std::time::Duration::from_secs(30),
        }
    }
}

/// A connected, migrated backend.
pub enum Backend {
    Sqlite(std::sync::Arc<SqliteStore>),
    Postgres(std::sync::Arc<PgStore>),
}

impl Backend {
    pub fn store(&self) -> std::sync::Arc<dyn Store> {
        match self {
            Backend::Sqlite(store) => store.clone(),
            Backend::Postgres(store) => store.clone(),
        }
    }
}

/// Connects to the backend named by the URL's scheme and migrates it.
pub async fn connect(database_url: &str) -> StoreResult<std::sync::Arc<dyn Store>> {
    Ok(open(database_url, PgSettings::default()).await?.store())
}

/// As `connect`, keeping which backend it is (the live channel fans out differently).
pub async fn open(database_url: &str, pg: PgSettings) -> StoreResult<Backend> {
    if database_url.starts_with("sqlite:") {
        let store = SqliteStore::connect(database_url).await?;
        store.migrate().await?;
        Ok(Backend::Sqlite(std::sync::Arc::new(store)))
    } else if database_url.starts_with("postgres:") || database_url.starts_with("postgresql:") {
        let store = PgStore::connect(database_url, pg).await?;
        store.migrate().await?;
        Ok(Backend::Postgres(std::sync::Arc::new(store)))
    } else {
        Err(StoreError::Database(sqlx::Error::Configuration(
            format!(
                "unsupported database URL {database_url:?}: use sqlite://PATH or postgres://USER@HOST:PORT/DB"
            )
            .into(),
        )))
    }
}
