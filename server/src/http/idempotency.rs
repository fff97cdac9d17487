//! `Idempotency-Key`, all of it: a retry whose first response was lost gets that response
//! again (`Idempotent-Replayed: true`), never a false conflict. A save records its key in
//! its own transaction (nothing is ever "in flight"); a create claims its key first, runs
//! to completion even if its client goes away (`http::docs`), and records its answer, or
//! releases the claim after a failure of ours (`UnfinishedClaim`).

use axum::{
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::error::{problem_response, ApiError};
use crate::{
    state::AppState,
    store::{Claim, ClaimedKey, IdempotencyKey, StoredResponse},
};
use app::protocol::UserRef;

/// A claim older than this whose request never finished is taken over: the create it
/// guarded did not commit (a create and its record commit together).
const ABANDONED_AFTER: chrono::Duration = chrono::Duration::seconds(60);

pub const HEADER: &str = "idempotency-key";

/// The key of one request and what identifies the request itself.
pub struct Idempotency {
    key: String,
    fingerprint: String,
    not_before: DateTime<Utc>,
}

impl Idempotency {
    /// `None` without the header; 422 when the key is not 1–255 visible ASCII characters.
    pub fn from_request(
        state: &AppState,
        headers: &HeaderMap,
        method: &str,
        path: &str,
        body: &[u8],
    ) -> Result<Option<Idempotency>, ApiError> {
        let Some(raw) = headers.get(HEADER) else {
            return Ok(None);
        };
        let key = raw
            .to_str()
            .ok()
            .filter(|k| (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic()))
            .ok_or_else(|| {
                ApiError::validation(
                    "Idempotency-Key",
                    "Idempotency-Key must be 1–255 visible ASCII characters.",
                )
            })?;
        let if_match = headers
            .get(header::IF_MATCH)
            .map(|v| v.as_bytes())
            .unwrap_or_default();
        let fingerprint = fingerprint(method, path, if_match, body);
        let not_before = state.settings.clock.now() - state.settings.idempotency_ttl;
        Ok(Some(Idempotency {
            key: key.to_owned(),
            fingerprint,
            not_before,
        }))
    }

    pub fn record(&self) -> IdempotencyKey<'_> {
        IdempotencyKey {
            key: &self.key,
            fingerprint: &self.fingerprint,
            not_before: self.not_before,
        }
    }

    /// The recorded response for this key, if any; 422 if it was recorded for another request.
    pub async fn replay(
        &self,
        state: &AppState,
        user_id: &str,
    ) -> Result<Option<Response>, ApiError> {
        let Some(stored) = state
            .stores
            .keys
            .idempotent_response(user_id, &self.key, self.not_before)
            .await?
        else {
            return Ok(None);
        };
        self.answer(user_id, stored).map(Some)
    }

    /// Claims the key for a create. `Ok(None)`: go ahead and complete it with `claimed`.
    pub async fn claim(
        &self,
        state: &AppState,
        user_id: &str,
    ) -> Result<Option<Response>, ApiError> {
        let now = state.settings.clock.now();
        let claim = state
            .stores
            .keys
            .claim_idempotency_key(
                user_id,
                &self.key,
                &self.fingerprint,
                now,
                self.not_before,
                now - ABANDONED_AFTER,
            )
            .await?;
        match claim {
            Claim::Claimed => Ok(None),
            Claim::Existing(stored) => self.answer(user_id, stored).map(Some),
        }
    }

    /// Records a claimed create's answer for retries: refusals too, as they are the
    /// first response; after a failure of ours (recording included) the key is freed, so
    /// a retry can succeed. Either way the claim is settled when this returns.
    pub async fn settle_create(
        &self,
        state: &AppState,
        key: ClaimedKey<'_>,
        created: Result<Response, ApiError>,
    ) -> Result<Response, ApiError> {
        let keys = &state.stores.keys;
        let release = || async {
            if let Err(error) = keys.release_idempotency_key(key).await {
                tracing::error!(%error, "could not release an idempotency key");
            }
        };
        match created {
            Ok(response) => Ok(response),
            Err(error) if error.status().is_server_error() => {
                release().await;
                Err(error)
            }
            Err(error) => {
                let (status, body) = error.into_parts();
                let recorded = keys.finish_idempotency_key(key, status.as_u16(), &body);
                if let Err(error) = recorded.await {
                    release().await;
                    return Err(error.into());
                }
                Ok(problem_response(status, body))
            }
        }
    }

    pub fn claimed<'a>(&'a self, user_id: &'a str) -> ClaimedKey<'a> {
        ClaimedKey {
            user_id,
            key: &self.key,
        }
    }

    fn answer(&self, user_id: &str, stored: StoredResponse) -> Result<Response, ApiError> {
        if stored.fingerprint != self.fingerprint {
            return Err(ApiError::IdempotencyMismatch);
        }
        if stored.in_flight {
            return Err(ApiError::IdempotencyInFlight);
        }
        tracing::info!(key = %self.key, user = %user_id, status = stored.status, "idempotent replay");
        Ok(replayed(stored))
    }
}

/// What identifies a request: method, path, `If-Match` and the parsed body, re-serialised.
pub fn fingerprint(method: &str, path: &str, if_match: &[u8], body: &[u8]) -> String {
    let mut hash = Sha256::new();
    for part in [method.as_bytes(), path.as_bytes(), if_match, body] {
        hash.update((part.len() as u64).to_be_bytes());
        hash.update(part);
    }
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The recorded response again, byte for byte, marked as a replay.
fn replayed(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = if status.is_success() {
        let mut response = (status, stored.body).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        response
    } else {
        problem_response(status, stored.body)
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-cache"),
    );
    headers.insert(
        HeaderName::from_static("idempotent-replayed"),
        HeaderValue::from_static("true"),
    );
    if let Some(etag) = stored.etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        headers.insert(header::ETAG, etag);
    }
    if let Some(location) = stored.location.and_then(|l| HeaderValue::from_str(&l).ok()) {
        headers.insert(header::LOCATION, location);
    }
    response
}

/// A create's claimed idempotency key, released at once if its task ends before it
/// finishes (a panic): a retry must not wait for the abandoned-claim takeover, which is
/// only for a process that died.
pub(super) struct UnfinishedClaim {
    keys: std::sync::Arc<dyn crate::store::Keys>,
    user_id: String,
    key: String,
    settled: bool,
}

impl UnfinishedClaim {
    pub(super) fn new(state: &AppState, key: ClaimedKey<'_>) -> UnfinishedClaim {
        UnfinishedClaim {
            keys: state.stores.keys.clone(),
            user_id: key.user_id.to_owned(),
            key: key.key.to_owned(),
            settled: false,
        }
    }

    pub(super) fn settled(&mut self) {
        self.settled = true;
    }
}

impl Drop for UnfinishedClaim {
    fn drop(&mut self) {
        if self.settled {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (store, user_id, key) = (
            self.keys.clone(),
            std::mem::take(&mut self.user_id),
            std::mem::take(&mut self.key),
        );
        runtime.spawn(async move {
            let claim = ClaimedKey {
                user_id: &user_id,
                key: &key,
            };
            // Only an in-flight claim is released: a create that committed keeps its record.
            if let Err(error) = store.release_idempotency_key(claim).await {
                tracing::warn!(%error, "could not release an abandoned idempotency key");
            }
        });
    }
}

/// A stale save may only mean that this very request's first attempt committed meanwhile
/// and its answer was lost: then that answer is given again, otherwise the problem.
pub(super) async fn settle(
    state: &AppState,
    id: &str,
    idempotency: &Option<Idempotency>,
    user: &UserRef,
    outcome: Result<Response, ApiError>,
) -> Result<Response, ApiError> {
    match (outcome, idempotency) {
        (Err(stale @ ApiError::Stale { .. }), Some(key)) => {
            let replay = key.replay(state, &user.id).await?.ok_or(stale)?;
            replay_merged(state, id, replay).await
        }
        (outcome, _) => outcome,
    }
}

/// A replayed answer to a merged save says what the first one said: the saved revision
/// records the revision it was based on.
pub(super) async fn replay_merged(
    state: &AppState,
    id: &str,
    mut replay: Response,
) -> Result<Response, ApiError> {
    let saved_rev = replay
        .headers()
        .get(header::ETAG)
        .and_then(|tag| crate::service::strong_rev(tag.to_str().ok()?));
    if let Some(rev) = saved_rev.filter(|_| replay.status().is_success()) {
        let base = state.documents().merged_over_from(id, rev).await?;
        if let Some(base) = base.filter(|base| base + 1 < rev) {
            say_merged(&mut replay, (base + 1, rev - 1))?;
        }
    }
    Ok(replay)
}

/// `Preference-Applied: merge=auto` and `Merged-Over: 6` or `6-8`.
pub(super) fn say_merged(
    response: &mut Response,
    (first, last): (i64, i64),
) -> Result<(), ApiError> {
    let named = if first == last {
        first.to_string()
    } else {
        format!("{first}-{last}")
    };
    let headers = response.headers_mut();
    headers.insert("preference-applied", HeaderValue::from_static("merge=auto"));
    headers.insert(
        "merged-over",
        HeaderValue::from_str(&named).map_err(ApiError::internal)?,
    );
    Ok(())
}
