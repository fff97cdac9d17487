//! `POST /api/docs/{id}/transitions`: draft → published → archived → draft.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::post,
    Router,
};
use chrono::Utc;

use super::{
    access,
    auth::CurrentUser,
    conflict::{stale, Mine},
    docs::{announce, with_etag},
    error::ApiError,
    extract::{JsonBody, Precondition},
};
use crate::{state::AppState, store::StoreError};
use app::{domain::Status, protocol::TransitionRequest};

pub fn router() -> Router<AppState> {
    Router::new().route("/docs/{id}/transitions", post(transition))
}

async fn transition(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<TransitionRequest>,
) -> Result<Response, ApiError> {
    access::can_edit(&state, &id, &user).await?;
    let precondition = Precondition::from_request(&headers, request.base_rev)?;
    let current = state.store.get_doc(&id).await?.ok_or(ApiError::NotFound)?;
    if !precondition.matches(current.rev) {
        return Err(stale(&state, current, &precondition, &user, Mine::Unknown).await);
    }
    if !current.status.can_become(request.to) {
        return Err(refused(current.status, request.to));
    }
    match state
        .store
        .transition_doc(&id, current.rev, request.to, &user, Utc::now())
        .await
    {
        Ok(doc) => {
            tracing::info!(doc = %doc.id, rev = doc.rev, user = %user.name, to = request.to.as_str(), "status changed");
            announce(&state, &doc, vec![app::domain::Field::Status]);
            Ok(with_etag(doc).into_response())
        }
        Err(StoreError::Stale) => {
            let latest = state.store.get_doc(&id).await?.ok_or(ApiError::NotFound)?;
            Err(stale(&state, latest, &precondition, &user, Mine::Unknown).await)
        }
        Err(other) => Err(other.into()),
    }
}

/// Names the current state and where the document can go from it.
pub fn refused(state: Status, to: Status) -> ApiError {
    let allowed = state.allowed_next().to_vec();
    let next: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    let detail = if state == to {
        format!(
            "This document is already {}. From here it can move to: {}.",
            state.as_str(),
            next.join(", ")
        )
    } else {
        format!(
            "A {} document cannot become {}. From here it can move to: {}.",
            state.as_str(),
            to.as_str(),
            next.join(", ")
        )
    };
    ApiError::InvalidState {
        state,
        allowed,
        detail,
    }
}
