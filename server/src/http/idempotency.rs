//! `Idempotency-Key` on saves: a retry whose first response was lost gets that response
//! again (`Idempotent-Replayed: true`), never a false conflict.

use axum::{
    http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use crate::{
    state::AppState,
    store::{IdempotencyKey, StoredResponse},
};

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
                ApiError::validation("Idempotency-Key", "Idempotency-Key must be 1–255 visible ASCII characters.")
            })?;
        let if_match = headers.get(header::IF_MATCH).map(|v| v.as_bytes()).unwrap_or_default();
        let mut hash = Sha256::new();
        for part in [method.as_bytes(), path.as_bytes(), if_match, body] {
            hash.update((part.len() as u64).to_be_bytes());
            hash.update(part);
        }
        let fingerprint = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        let not_before = Utc::now() - state.settings.idempotency_ttl;
        Ok(Some(Idempotency { key: key.to_owned(), fingerprint, not_before }))
    }

    pub fn record(&self) -> IdempotencyKey<'_> {
        IdempotencyKey { key: &self.key, fingerprint: &self.fingerprint, not_before: self.not_before }
    }

    /// The recorded response for this key, if any; 422 if it was recorded for another request.
    pub async fn replay(&self, state: &AppState, user_id: &str) -> Result<Option<Response>, ApiError> {
        let Some(stored) = state.store.idempotent_response(user_id, &self.key, self.not_before).await? else {
            return Ok(None);
        };
        if stored.fingerprint != self.fingerprint {
            return Err(ApiError::IdempotencyMismatch);
        }
        tracing::info!(key = %self.key, user = %user_id, "idempotent replay");
        Ok(Some(replayed(stored)))
    }
}

fn replayed(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(HeaderName::from_static("idempotent-replayed"), HeaderValue::from_static("true"));
    if let Some(etag) = stored.etag.and_then(|e| HeaderValue::from_str(&e).ok()) {
        headers.insert(header::ETAG, etag);
    }
    response
}
