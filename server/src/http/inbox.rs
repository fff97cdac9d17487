//! `/api/notifications`: the signed-in person's inbox (issue 23).

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};

use super::{
    auth::CurrentUser,
    error::ApiError,
    openapi::{NotFound, Unauthorized},
};
use crate::state::AppState;
use app::protocol::Inbox;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(read_one))
        .routes(routes!(read_all))
}

#[utoipa::path(get, operation_id = "listNotifications", path = "/notifications", tag = "notifications",
    responses((status = 200, body = Inbox, description = "The unread count and the newest notifications (up to 100), of documents you may still read"), Unauthorized))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<Inbox>, ApiError> {
    Ok(Json(state.documents().inbox(&user).await?))
}

#[utoipa::path(post, operation_id = "readNotification", path = "/notifications/{id}/read", tag = "notifications", params(("id" = String, Path, description = "The notification's id")),
    responses((status = 204, description = "Marked read (it already was: nothing changes)"), Unauthorized, NotFound))]
async fn read_one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    state.documents().mark_read(&user, Some(&id)).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[utoipa::path(post, operation_id = "readAllNotifications", path = "/notifications/read", tag = "notifications",
    responses((status = 204, description = "Every notification marked read"), Unauthorized))]
async fn read_all(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Response, ApiError> {
    state.documents().mark_read(&user, None).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
