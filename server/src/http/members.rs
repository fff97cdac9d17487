//! `/api/docs/{id}/members`: the owner shares a document by user name, changes roles and
//! removes people. Members see who has access; outsiders get 404.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};

use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::JsonBody,
    openapi::{BadBody, Forbidden, Invalid, NotFound, Unauthorized},
};
use crate::state::AppState;
use app::protocol::{MemberRequest, Members};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, set))
        .routes(routes!(remove))
}

#[utoipa::path(get, operation_id = "listMembers", path = "/docs/{id}/members", tag = "sharing", params(("id" = String, Path, description = "The document's id")),
    responses((status = 200, body = Members, description = "The owner, the members and your own role"), Unauthorized, NotFound))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Members>, ApiError> {
    Ok(Json(state.documents().members(&id, &user).await?))
}

#[utoipa::path(post, operation_id = "setMember", path = "/docs/{id}/members", tag = "sharing", params(("id" = String, Path, description = "The document's id")),
    request_body = MemberRequest,
    responses((status = 200, body = Members, description = "Added, or the role changed"), Unauthorized, Forbidden, NotFound, BadBody))]
async fn set(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<MemberRequest>,
) -> Result<Json<Members>, ApiError> {
    let members = state
        .documents()
        .share(&id, &user, &request.name, request.role)
        .await?;
    Ok(Json(members))
}

#[utoipa::path(delete, operation_id = "removeMember", path = "/docs/{id}/members/{name}", tag = "sharing", params(("id" = String, Path, description = "The document's id"), ("name" = String, Path, description = "The member's user name")),
    responses((status = 204, description = "Removed; their open pages lose access at once"), Unauthorized, Forbidden, NotFound, Invalid))]
async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    state.documents().unshare(&id, &user, &name).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
