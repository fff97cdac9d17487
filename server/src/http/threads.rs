//! `/api/docs/{id}/threads`: comment threads on a document's passages or on the whole
//! document. Everyone with access may read and start them; outsiders get 404.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::{JsonBody, Precondition, QueryParams},
    openapi::{BadBody, Forbidden, Invalid, NotFound, Unauthorized, VersionRefused},
};
use crate::{state::AppState, store::threads::CommentPlace};
use app::protocol::{Comment, NewComment, NewThread, Resolution, Thread, ThreadList};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, start))
        .routes(routes!(reply))
        .routes(routes!(edit, delete))
        .routes(routes!(resolution))
}

/// Which revision's view of the threads: the current one when absent.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    /// The threads as this revision had them: those started by then, each passage where it
    /// was in that revision's text.
    #[param(pattern = "^\\+?0*[1-9][0-9]*$")]
    rev: Option<String>,
}

#[utoipa::path(get, operation_id = "listThreads", path = "/docs/{id}/threads", tag = "comments", params(("id" = String, Path, description = "The document's id"), ListQuery),
    responses((status = 200, body = ThreadList, description = "Every thread, oldest first, with its comments and where its passage is now (or was in `rev`)"), Unauthorized, NotFound, Invalid))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Json<ThreadList>, ApiError> {
    let documents = state.documents();
    Ok(Json(match query.rev {
        Some(rev) => {
            let rev = super::history::parse_rev(&rev, "rev")?;
            documents.threads_at(&id, &user, rev).await?
        }
        None => documents.threads(&id, &user).await?,
    }))
}

#[utoipa::path(post, operation_id = "startThread", path = "/docs/{id}/threads", tag = "comments", params(("id" = String, Path, description = "The document's id")),
    request_body = NewThread,
    responses((status = 201, body = Thread, description = "Started, its passage placed in the current revision"), Unauthorized, NotFound, BadBody))]
async fn start(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    JsonBody(request): JsonBody<NewThread>,
) -> Result<(StatusCode, Json<Thread>), ApiError> {
    let thread = state.documents().start_thread(&id, &user, &request).await?;
    Ok((StatusCode::CREATED, Json(thread)))
}

#[utoipa::path(post, operation_id = "replyToThread", path = "/docs/{id}/threads/{thread}/comments", tag = "comments", params(("id" = String, Path, description = "The document's id"), ("thread" = String, Path, description = "The thread's id")),
    request_body = NewComment,
    responses((status = 201, body = Comment, description = "The reply, added at the end of the thread"), Unauthorized, NotFound, BadBody))]
async fn reply(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, thread)): Path<(String, String)>,
    JsonBody(request): JsonBody<NewComment>,
) -> Result<(StatusCode, Json<Comment>), ApiError> {
    let comment = state
        .documents()
        .reply(&id, &thread, &user, &request)
        .await?;
    Ok((StatusCode::CREATED, Json(comment)))
}

#[utoipa::path(post, operation_id = "resolveThread", path = "/docs/{id}/threads/{thread}/resolution", tag = "comments", params(("id" = String, Path, description = "The document's id"), ("thread" = String, Path, description = "The thread's id"), ("If-Match" = Option<String>, Header, description = "The thread's `version` as you saw it (`\"3\"`). Without it, 428.")),
    request_body = Resolution,
    responses((status = 200, body = Thread, description = "Resolved or reopened; its version moved on"), Unauthorized, Forbidden, NotFound, BadBody, VersionRefused))]
async fn resolution(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, thread)): Path<(String, String)>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<Resolution>,
) -> Result<Json<Thread>, ApiError> {
    let precondition = Precondition::from_request(&headers, None)?;
    let thread = state
        .documents()
        .set_resolved(&id, &thread, &user, &precondition, request.resolved)
        .await?;
    Ok(Json(thread))
}

#[utoipa::path(put, operation_id = "editComment", path = "/docs/{id}/threads/{thread}/comments/{comment}", tag = "comments", params(("id" = String, Path, description = "The document's id"), ("thread" = String, Path, description = "The thread's id"), ("comment" = String, Path, description = "The comment's id"), ("If-Match" = Option<String>, Header, description = "The comment's `version` as you saw it (`\"2\"`). Without it, 428.")),
    request_body = NewComment,
    responses((status = 200, body = Comment, description = "Its new text; its version moved on"), Unauthorized, Forbidden, NotFound, BadBody, VersionRefused))]
async fn edit(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, thread, comment)): Path<(String, String, String)>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<NewComment>,
) -> Result<Json<Comment>, ApiError> {
    let precondition = Precondition::from_request(&headers, None)?;
    let place = CommentPlace {
        doc_id: &id,
        thread_id: &thread,
        comment_id: &comment,
    };
    let edited = state
        .documents()
        .change_comment(place, &user, &precondition, Some(&request))
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(edited))
}

#[utoipa::path(delete, operation_id = "deleteComment", path = "/docs/{id}/threads/{thread}/comments/{comment}", tag = "comments", params(("id" = String, Path, description = "The document's id"), ("thread" = String, Path, description = "The thread's id"), ("comment" = String, Path, description = "The comment's id"), ("If-Match" = Option<String>, Header, description = "The comment's `version` as you saw it (`\"2\"`). Without it, 428.")),
    responses((status = 204, description = "Deleted; a thread whose every comment is deleted is gone"), Unauthorized, Forbidden, NotFound, VersionRefused))]
async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, thread, comment)): Path<(String, String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let precondition = Precondition::from_request(&headers, None)?;
    let place = CommentPlace {
        doc_id: &id,
        thread_id: &thread,
        comment_id: &comment,
    };
    state
        .documents()
        .change_comment(place, &user, &precondition, None)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
