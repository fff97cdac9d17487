//! The REST API under `/api`, one module per resource, plus health checks.

pub mod access;
pub mod auth;
pub mod docs;
pub mod error;
pub mod extract;
mod history;
pub mod idempotency;
pub mod listing;
mod live;
pub mod members;
pub mod preview;
mod rejections;
pub mod security;
mod workflow;

use axum::{extract::State, routing::get, Router};

use crate::state::AppState;
use error::ApiError;

pub fn router() -> Router<AppState> {
    let api = Router::new()
        .merge(auth::router())
        .merge(docs::router())
        .merge(history::router())
        .merge(workflow::router())
        .merge(members::router())
        .merge(preview::router())
        .merge(live::router())
        .fallback(|| async { ApiError::NotFound })
        .layer(axum::middleware::from_fn(rejections::as_problems));
    Router::new()
        .nest("/api", api)
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(ready))
}

/// Ready when the database answers.
async fn ready(State(state): State<AppState>) -> Result<&'static str, ApiError> {
    state.store.ping().await?;
    Ok("ready")
}
