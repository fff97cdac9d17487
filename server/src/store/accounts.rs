//! Accounts: people, their sessions and sign-in attempts.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{StoreResult, UserRecord};
use app::protocol::UserRef;

#[async_trait]
pub trait Accounts: Send + Sync + 'static {
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
    /// Deletes sessions that expired before `before`; returns how many.
    async fn expire_sessions(&self, before: DateTime<Utc>) -> StoreResult<u64>;
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
}
