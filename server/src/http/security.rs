//! Refusing unsafe requests from other sites, and the security headers of every response.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::error::ApiError;
use crate::state::AppState;

/// Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`). An unsafe request
/// from another site's page is refused; requests that name no origin (other programs) pass.
pub async fn same_origin_only(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if unsafe_method && !from_this_site(&state, request.headers()) {
        tracing::warn!(path = %request.uri().path(), origin = ?request.headers().get(header::ORIGIN), "cross-origin request refused");
        return ApiError::CrossOrigin.into_response();
    }
    next.run(request).await
}

/// Whether the request's page is this site: `Sec-Fetch-Site` says so, or `Origin` names
/// this host (or an allowed origin), or neither header is present.
pub fn from_this_site(state: &AppState, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let own = origin.split_once("://").is_some_and(|(scheme, rest)| {
        matches!(scheme, "http" | "https") && rest.eq_ignore_ascii_case(host)
    });
    own || state
        .settings
        .allowed_origins
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(origin))
}

/// Headers every response carries unless it set its own (pages set a CSP with their nonce).
/// Everything but the built files may depend on the session, so no shared cache may keep
/// it: pages are `no-store`; other answers are `private, no-cache` when they carry a
/// validator to revalidate with, and `no-store` when they do not (kept, they could only be
/// fetched again).
pub async fn headers(request: Request, next: Next) -> Response {
    let static_file = request.uri().path().starts_with("/pkg/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if !static_file && !headers.contains_key(header::CACHE_CONTROL) {
        let html = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html"));
        let validated =
            headers.contains_key(header::ETAG) || headers.contains_key(header::LAST_MODIFIED);
        let policy = if html || !validated {
            "no-store"
        } else {
            "private, no-cache"
        };
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    let defaults = [
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "same-origin"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
        ),
    ];
    for (name, value) in defaults {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
    response
}
