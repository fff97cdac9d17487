//! `Idempotency-Key` on saves: a retry whose first response was lost gets that response
//! again (`Idempotent-Replayed: true`), never a false conflict.

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
