//! The REST API under `/api`, one module per resource, plus health checks.

pub mod auth;
pub mod docs;
pub mod encoded_tags;
pub mod error;
pub mod extract;
pub mod highlight;
mod history;
pub mod idempotency;
mod inbox;
pub mod listing;
mod live;
pub mod members;
pub mod metrics;
pub mod openapi;
mod people;
pub mod preview;
mod problem;
pub mod rejections;
pub mod request_id;
mod reviews;
pub mod security;
mod suggestions;
mod threads;
mod trash;
mod undo;
mod workflow;

use axum::{extract::State, http::StatusCode, Router};
use tower_http::compression::{
    predicate::{DefaultPredicate, Predicate},
    CompressionLayer,
};
use utoipa::OpenApi;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::state::AppState;
use error::ApiError;

pub fn router() -> Router<AppState> {
    routes().into()
}

/// Every route with its description: `/api/openapi.json` is made from this very list.
pub fn routes() -> OpenApiRouter<AppState> {
    let api = OpenApiRouter::new()
        .merge(auth::router())
        .merge(docs::router())
        .merge(history::router())
        .merge(undo::router())
        .merge(workflow::router())
        .merge(members::router())
        .merge(threads::router())
        .merge(suggestions::router())
        .merge(reviews::router())
        .merge(inbox::router())
        .merge(people::router())
        .merge(preview::router())
        .merge(live::router())
        .merge(trash::router())
        .routes(routes!(openapi::serve))
        .fallback(|| async { ApiError::NotFound })
        .layer(axum::middleware::from_fn(rejections::as_problems));
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .nest("/api", api)
        .routes(routes!(healthz))
        .routes(routes!(ready))
        .routes(routes!(metrics::scrape))
}

/// Compresses pages and JSON (brotli or gzip, as the client accepts), documents too: their
/// tag then names the coding (`encoded_tags`). Built files come precompressed; upgrades,
/// 204 and 304 have no body to compress.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let worth_it = |status: StatusCode,
                    _: axum::http::Version,
                    _: &axum::http::HeaderMap,
                    _: &axum::http::Extensions| {
        !status.is_informational()
            && status != StatusCode::NO_CONTENT
            && status != StatusCode::NOT_MODIFIED
    };
    CompressionLayer::new().compress_when(DefaultPredicate::new().and(worth_it))
}

/// Alive: the process answers.
#[utoipa::path(get, operation_id = "healthz", path = "/healthz", tag = "meta", security(()),
    responses((status = 200, body = String, description = "ok")))]
async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers.
#[utoipa::path(get, operation_id = "readyz", path = "/readyz", tag = "meta", security(()),
    responses((status = 200, body = String, description = "ready"),
              (status = 500, description = "The database does not answer", content_type = "application/problem+json", body = openapi::ProblemDoc)))]
async fn ready(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.stores.database.ping().await?;
    Ok("ready")
}
