//! Recording each request in the metrics registry, and serving it at `/metrics`.

use std::{net::SocketAddr, time::Instant};

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::error::ApiError;
use crate::{
    metrics::{MergeOutcome, ProblemKind},
    state::AppState,
};

/// Counts every request by its route template (never the raw path: ids would make
/// unbounded labels), and saves and merges by what their answers say.
pub async fn record(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| {
            if request.uri().path().starts_with("/pkg/") {
                "/pkg".to_owned()
            } else {
                "unmatched".to_owned()
            }
        });
    let method = request.method().clone();
    let started = Instant::now();
    let in_flight = state.metrics.begin();
    let response = next.run(request).await;
    drop(in_flight);
    let metrics = &state.metrics;
    let status = response.status();
    let seconds = started.elapsed().as_secs_f64();
    metrics.request(&route, method.as_str(), status.as_str(), seconds);
    if route == "/api/docs/{id}" && matches!(method, Method::PUT | Method::PATCH) {
        let kind = response.extensions().get::<ProblemKind>().copied();
        let outcome = save_outcome(status, response.headers(), kind);
        metrics.save(outcome);
        if outcome == "merged" {
            metrics.merge(true);
        }
    }
    if let Some(merge) = response.extensions().get::<MergeOutcome>() {
        metrics.merge(merge.clean);
    }
    response
}

/// `/metrics`: with `--metrics-token`, only for `Authorization: Bearer <token>`; without
/// one, only for clients on this machine (loopback).
#[utoipa::path(get, operation_id = "metrics", path = "/metrics", tag = "meta",
    security((), ("metrics_token" = [])),
    responses(
        (status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain"),
        (status = 404, description = "Not for this client: a remote address without the token", content_type = "application/problem+json", body = crate::http::openapi::ProblemDoc)))]
pub async fn scrape(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let token = state.settings.metrics_token.as_deref();
    let allowed = match token.filter(|t| !t.is_empty()) {
        Some(token) => headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .is_some_and(|given| constant_time_eq(given.as_bytes(), token.as_bytes())),
        None => peer.ip().is_loopback(),
    };
    if !allowed {
        return Err(ApiError::NotFound);
    }
    state.metrics.pools(state.stores.database.pool_stats());
    let text = state.metrics.text().map_err(ApiError::internal)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        text,
    )
        .into_response())
}

/// Compares without stopping at the first difference, so timing tells nothing of the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A save's outcome as its answer tells it.
fn save_outcome(
    status: StatusCode,
    headers: &HeaderMap,
    kind: Option<ProblemKind>,
) -> &'static str {
    use app::protocol::problem;
    match (status, kind.map(|k| k.0)) {
        (StatusCode::OK, _) if headers.contains_key("idempotent-replayed") => "replayed",
        (StatusCode::OK, _) if headers.contains_key("preference-applied") => "merged",
        (StatusCode::OK, _) => "ok",
        (StatusCode::PRECONDITION_FAILED, _) => "stale_412",
        (StatusCode::CONFLICT, Some(problem::STALE_REVISION)) => "stale_409",
        (StatusCode::CONFLICT, Some(problem::SLUG_TAKEN)) => "slug_taken",
        (StatusCode::CONFLICT, Some(problem::INVALID_STATE)) => "invalid_state",
        (StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST, _) => "invalid",
        _ => "other",
    }
}
