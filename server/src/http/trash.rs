//! `/api/trash`: an owner's deleted documents, and taking one back out. A deleted
//! document keeps its whole history; restoring it is a new revision.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    Json,
};

use super::{
    auth::CurrentUser,
    docs::with_etag,
    error::ApiError,
    extract::{OptionalJsonBody, Precondition},
    openapi::{BadBody, ChangeRefused, DocOk, NotFound, Unauthorized, IF_MATCH},
};
use crate::state::AppState;
use app::protocol::{DocPage, RestoreFromTrash};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(restore))
}

#[utoipa::path(get, operation_id = "listTrash", path = "/trash", tag = "documents",
    responses((status = 200, body = DocPage, description = "The documents you deleted, newest first"), Unauthorized))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<DocPage>, ApiError> {
    Ok(Json(state.documents().trashed(&user).await?))
}

#[utoipa::path(post, operation_id = "restoreFromTrash", path = "/trash/{id}/restore", tag = "documents", params(("id" = String, Path, description = "The document's id"), ("If-Match" = Option<String>, Header, description = IF_MATCH)),
    request_body(content = Option<RestoreFromTrash>, description = "Optional: a new slug when another document took the old one; `base_rev` where `If-Match` cannot be sent"),
    responses(DocOk, Unauthorized, NotFound, BadBody, ChangeRefused))]
async fn restore(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    OptionalJsonBody(request): OptionalJsonBody<RestoreFromTrash>,
) -> Result<Response, ApiError> {
    let precondition = Precondition::from_request(&headers, request.base_rev)?;
    let restored = state
        .documents()
        .restore_from_trash(&id, &precondition, request.slug.as_deref(), &user)
        .await?;
    Ok(with_etag(restored).into_response())
}
