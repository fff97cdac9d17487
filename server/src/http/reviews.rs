//! `/api/docs/{id}/reviews`: whether publishing needs an approval, who reviews, and their
//! verdicts. Everyone with access reads them; the owner chooses; named reviewers review.

use axum::{
    extract::{Path, State},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::JsonBody,
    openapi::{BadBody, Forbidden, NotFound, Unauthorized},
};
use crate::state::AppState;
use app::protocol::{NewReview, ReviewSetup, Reviews};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list, set_up, review))
}

#[utoipa::path(get, operation_id = "listReviews", path = "/docs/{id}/reviews", tag = "reviews", params(("id" = String, Path, description = "The document's id")),
    responses((status = 200, body = Reviews, description = "Whether approval is required, the reviewers, every review newest first"), Unauthorized, NotFound))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<Reviews>, ApiError> {
    Ok(Json(state.documents().reviews(&id, &user).await?))
}

#[utoipa::path(put, operation_id = "setUpReviews", path = "/docs/{id}/reviews", tag = "reviews", params(("id" = String, Path, description = "The document's id")),
    request_body = ReviewSetup,
    responses((status = 200, body = Reviews, description = "Set"), Unauthorized, Forbidden, NotFound, BadBody))]
async fn set_up(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<ReviewSetup>,
) -> Result<Json<Reviews>, ApiError> {
    Ok(Json(
        state.documents().set_reviews(&id, &user, &request).await?,
    ))
}

#[utoipa::path(post, operation_id = "review", path = "/docs/{id}/reviews", tag = "reviews", params(("id" = String, Path, description = "The document's id")),
    request_body = NewReview,
    responses((status = 200, body = Reviews, description = "Recorded"), Unauthorized, Forbidden, NotFound, BadBody))]
async fn review(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<NewReview>,
) -> Result<Json<Reviews>, ApiError> {
    Ok(Json(state.documents().review(&id, &user, &request).await?))
}
