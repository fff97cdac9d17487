//! Prometheus metrics at `/metrics` (text exposition): requests by route and status with
//! latency, saves by outcome, merges, the live channel and the database pools. One
//! registry per running server, so two servers in one process (tests) count apart.

use std::{net::SocketAddr, sync::Arc, time::Instant};

use axum::{
    extract::{ConnectInfo, MatchedPath, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use prometheus::{
    Encoder, Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge,
    IntGaugeVec, Opts, Registry, TextEncoder,
};

use crate::{http::error::ApiError, state::AppState};

/// What a refused request's problem was, left on its response for the metrics.
#[derive(Clone, Copy, Debug)]
pub struct ProblemKind(pub &'static str);

/// Left on a stale-revision response: whether the three-way merge was clean.
#[derive(Clone, Copy, Debug)]
pub struct MergeOutcome {
    pub clean: bool,
}

pub struct Metrics {
    registry: Registry,
    requests: IntCounterVec,
    latency: HistogramVec,
    saves: IntCounterVec,
    merges: IntCounterVec,
    pub live: Arc<LiveMetrics>,
    pool_connections: IntGaugeVec,
}

/// The live channel's share, held by the hub and its connections.
pub struct LiveMetrics {
    pub sockets_open: IntGauge,
    pub messages_sent: IntCounter,
    /// From a save's commit to its `updated` message leaving for a socket.
    pub fanout_delay: Histogram,
}

impl Metrics {
    pub fn new() -> Arc<Metrics> {
        let registry =
            Registry::new_custom(Some("concord".into()), None).expect("a valid metric prefix");
        let requests = IntCounterVec::new(
            Opts::new(
                "http_requests_total",
                "Requests answered, by route, method and status.",
            ),
            &["route", "method", "status"],
        )
        .expect("valid metric");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "http_request_duration_seconds",
                "Time to answer a request (until its headers), by route and method.",
            )
            .buckets(vec![
                0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["route", "method"],
        )
        .expect("valid metric");
        let saves = IntCounterVec::new(
            Opts::new(
                "saves_total",
                "Document saves (PUT and PATCH) by outcome: ok, merged, replayed, stale_412, stale_409, slug_taken, invalid_state, invalid, other.",
            ),
            &["outcome"],
        )
        .expect("valid metric");
        let merges = IntCounterVec::new(
            Opts::new(
                "merges_total",
                "Three-way merges of a stale save with what was saved since, by result: clean or conflict.",
            ),
            &["result"],
        )
        .expect("valid metric");
        let live = Arc::new(LiveMetrics {
            sockets_open: IntGauge::new("live_sockets_open", "Live WebSockets open now.")
                .expect("valid metric"),
            messages_sent: IntCounter::new(
                "live_messages_sent_total",
                "Messages sent to live sockets.",
            )
            .expect("valid metric"),
            fanout_delay: Histogram::with_opts(
                HistogramOpts::new(
                    "live_fanout_delay_seconds",
                    "From a save's commit to its announcement leaving for a watcher.",
                )
                .buckets(vec![
                    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
                ]),
            )
            .expect("valid metric"),
        });
        let pool_connections = IntGaugeVec::new(
            Opts::new(
                "db_pool_connections",
                "Database connections by pool (read, write) and state (idle, in_use).",
            ),
            &["pool", "state"],
        )
        .expect("valid metric");
        for collector in [
            Box::new(requests.clone()) as Box<dyn prometheus::core::Collector>,
            Box::new(latency.clone()),
            Box::new(saves.clone()),
            Box::new(merges.clone()),
            Box::new(live.sockets_open.clone()),
            Box::new(live.messages_sent.clone()),
            Box::new(live.fanout_delay.clone()),
            Box::new(pool_connections.clone()),
        ] {
            registry
                .register(collector)
                .expect("each metric registered once");
        }
        Arc::new(Metrics {
            registry,
            requests,
            latency,
            saves,
            merges,
            live,
            pool_connections,
        })
    }

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
}

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
    let response = next.run(request).await;
    let metrics = &state.metrics;
    let status = response.status();
    metrics
        .latency
        .with_label_values(&[&route, method.as_str()])
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .with_label_values(&[&route, method.as_str(), status.as_str()])
        .inc();
    if route == "/api/docs/{id}" && matches!(method, Method::PUT | Method::PATCH) {
        let kind = response.extensions().get::<ProblemKind>().copied();
        let outcome = Metrics::save_outcome(status, response.headers(), kind);
        metrics.saves.with_label_values(&[outcome]).inc();
        if outcome == "merged" {
            metrics.merges.with_label_values(&["clean"]).inc();
        }
    }
    if let Some(merge) = response.extensions().get::<MergeOutcome>() {
        let result = if merge.clean { "clean" } else { "conflict" };
        metrics.merges.with_label_values(&[result]).inc();
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
    let allowed = match &state.settings.metrics_token {
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
    let metrics = &state.metrics;
    for (pool, size, idle) in state.store.pool_stats() {
        let in_use = i64::from(size.saturating_sub(idle));
        metrics
            .pool_connections
            .with_label_values(&[pool, "idle"])
            .set(i64::from(idle));
        metrics
            .pool_connections
            .with_label_values(&[pool, "in_use"])
            .set(in_use);
    }
    let mut text = Vec::new();
    TextEncoder::new()
        .encode(&metrics.registry.gather(), &mut text)
        .map_err(ApiError::internal)?;
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
