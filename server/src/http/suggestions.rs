//! `/api/docs/{id}/suggestions`: changes proposed on a revision, accepted or rejected hunk
//! by hunk. Everyone with access may suggest and read them; editors and the owner decide;
//! outsiders get 404.

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::{JsonBody, Precondition},
    openapi::{BadBody, ChangeRefused, Forbidden, NotFound, Unauthorized},
};
use crate::state::AppState;
use app::protocol::{
    Decided, Decisions, NewSuggestion, SuggestedValues, Suggestion, SuggestionList,
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, suggest))
        .routes(routes!(decide))
        .routes(routes!(withdraw))
        .routes(routes!(values))
}

#[utoipa::path(get, operation_id = "listSuggestions", path = "/docs/{id}/suggestions", tag = "suggestions", params(("id" = String, Path, description = "The document's id")),
    responses((status = 200, body = SuggestionList, description = "Every suggestion, newest first, each hunk with where it stands against the current document"), Unauthorized, NotFound))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<SuggestionList>, ApiError> {
    Ok(Json(state.documents().suggestions(&id, &user).await?))
}

#[utoipa::path(post, operation_id = "suggest", path = "/docs/{id}/suggestions", tag = "suggestions", params(("id" = String, Path, description = "The document's id")),
    request_body = NewSuggestion,
    responses((status = 201, body = Suggestion, description = "Stored; the document is unchanged",
            links(
                ("DecideSuggestion" = (operation_id = "decideSuggestion", parameters(("id" = "$response.body#/doc_id"), ("suggestion" = "$response.body#/id")))),
                ("WithdrawSuggestion" = (operation_id = "withdrawSuggestion", parameters(("id" = "$response.body#/doc_id"), ("suggestion" = "$response.body#/id")))),
                ("SuggestedValues" = (operation_id = "suggestedValues", parameters(("id" = "$response.body#/doc_id"), ("suggestion" = "$response.body#/id"))))
            )), Unauthorized, Forbidden, NotFound, BadBody,
        (status = 409, description = "The document is archived (`/problems/invalid-state`), or the suggestion it replaces is no longer open (`/problems/suggestion-conflict`)", body = super::openapi::ProblemDoc, content_type = "application/problem+json")))]
async fn suggest(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<NewSuggestion>,
) -> Result<(StatusCode, Json<Suggestion>), ApiError> {
    let suggestion = state.documents().suggest(&id, &user, &request).await?;
    Ok((StatusCode::CREATED, Json(suggestion)))
}

#[utoipa::path(get, operation_id = "suggestedValues", path = "/docs/{id}/suggestions/{suggestion}/values", tag = "suggestions",
    params(("id" = String, Path, description = "The document's id"), ("suggestion" = String, Path, description = "The suggestion's id")),
    responses((status = 200, body = SuggestedValues, description = "What it proposes, and the revision it was made on"), Unauthorized, NotFound))]
async fn values(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, suggestion)): Path<(String, String)>,
) -> Result<Json<SuggestedValues>, ApiError> {
    Ok(Json(
        state
            .documents()
            .suggested_values(&id, &suggestion, &user)
            .await?,
    ))
}

#[utoipa::path(post, operation_id = "decideSuggestion", path = "/docs/{id}/suggestions/{suggestion}/decisions", tag = "suggestions",
    params(("id" = String, Path, description = "The document's id"), ("suggestion" = String, Path, description = "The suggestion's id"),
        ("If-Match" = Option<String>, Header, description = "The document's ETag as you saw it: needed to accept (without it, 428), not to reject only")),
    request_body = Decisions,
    responses((status = 200, body = Decided, description = "Decided; accepting made a new revision (its ETag)"), Unauthorized, Forbidden, NotFound, BadBody, ChangeRefused))]
async fn decide(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, suggestion)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<Decisions>,
) -> Result<Response, ApiError> {
    // Rejecting changes no text: only accepting names the revision it goes onto.
    let precondition = if request.accept.is_empty() {
        Precondition::from_request(&headers, None).unwrap_or(Precondition::IfMatch(Vec::new()))
    } else {
        Precondition::from_request(&headers, None)?
    };
    let decided = state
        .documents()
        .decide(&id, &suggestion, &user, &precondition, &request)
        .await?;
    let etag =
        HeaderValue::from_str(&format!("\"{}\"", decided.rev)).map_err(ApiError::internal)?;
    Ok(([(header::ETAG, etag)], Json(decided)).into_response())
}

#[utoipa::path(delete, operation_id = "withdrawSuggestion", path = "/docs/{id}/suggestions/{suggestion}", tag = "suggestions",
    params(("id" = String, Path, description = "The document's id"), ("suggestion" = String, Path, description = "The suggestion's id")),
    responses((status = 204, description = "Withdrawn"), Unauthorized, Forbidden, NotFound,
        (status = 409, description = "No longer open (`/problems/suggestion-conflict`)", body = super::openapi::ProblemDoc, content_type = "application/problem+json")))]
async fn withdraw(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, suggestion)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    state.documents().withdraw(&id, &suggestion, &user).await?;
    Ok(StatusCode::NO_CONTENT)
}
