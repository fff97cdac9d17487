//! Idempotency keys: a keyed request's claim and its recorded answer.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Claim, ClaimedKey, StoreResult, StoredResponse};

#[async_trait]
pub trait Keys: Send + Sync + 'static {
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
}
