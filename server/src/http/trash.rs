//! `/api/trash`: an owner's deleted documents, and taking one back out. A deleted
//! document keeps its whole history; restoring it is a new revision.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};

use super::{
    auth::CurrentUser,
    docs::with_etag,
    error::ApiError,
    extract::{OptionalJsonBody, Precondition},
};
use crate::state::AppState;
use app::protocol::{DocPage, RestoreFromTrash};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/trash", get(list))
        .route("/trash/{id}/restore", post(restore))
}

async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> Result<Json<DocPage>, ApiError> {
    let items = state.store.trashed(&user.id).await?;
    Ok(Json(DocPage {
        items,
        next_cursor: None,
    }))
}

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
