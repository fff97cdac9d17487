//! `POST /api/docs/{id}/transitions`: draft → published → archived → draft.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::post,
    Router,
};

use super::{
    access,
    auth::CurrentUser,
    docs::with_etag,
    error::ApiError,
    extract::{JsonBody, Precondition},
};
use crate::state::AppState;
use app::protocol::TransitionRequest;

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
    let doc = state
        .documents()
        .transition(&id, &precondition, request.to, &user)
        .await?;
    Ok(with_etag(doc).into_response())
}
