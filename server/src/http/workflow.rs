//! `POST /api/docs/{id}/transitions`: draft → published → archived → draft.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};

use super::{
    auth::CurrentUser,
    docs::with_etag,
    error::ApiError,
    extract::{JsonBody, Precondition},
    openapi::{BadBody, ChangeRefused, DocOk, Forbidden, NotFound, Unauthorized, IF_MATCH},
};
use crate::state::AppState;
use app::protocol::TransitionRequest;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(transition))
}

#[utoipa::path(post, operation_id = "transitionDoc", path = "/docs/{id}/transitions", tag = "documents", params(("id" = String, Path, description = "The document's id"), ("If-Match" = Option<String>, Header, description = IF_MATCH)),
    request_body = TransitionRequest,
    responses(DocOk, Unauthorized, Forbidden, NotFound, BadBody, ChangeRefused))]
async fn transition(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<TransitionRequest>,
) -> Result<Response, ApiError> {
    let precondition = Precondition::from_request(&headers, request.base_rev)?;
    let doc = state
        .documents()
        .transition(&id, &precondition, request.to, &user)
        .await?;
    Ok(with_etag(doc).into_response())
}
