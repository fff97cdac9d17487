//! A document's history: its revisions, the diff between any two, and restoring one
//! (which writes a new revision; history is never rewritten).

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
    Json,
};
use serde::Deserialize;

use super::{
    auth::CurrentUser,
    docs::with_etag,
    error::ApiError,
    extract::{OptionalJsonBody, Precondition, QueryParams},
    openapi::{
        BadBody, ChangeRefused, DocOk, Forbidden, Invalid, NotFound, Unauthorized, IF_MATCH,
    },
};
use crate::state::AppState;
use app::protocol::{DocDiff, RestoreRequest, Revision, RevisionList};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(one))
        .routes(routes!(restore))
        .routes(routes!(diff))
}

#[utoipa::path(get, operation_id = "listRevisions", path = "/docs/{id}/revisions", tag = "history", params(("id" = String, Path, description = "The document's id")),
    responses((status = 200, body = RevisionList, description = "Every revision, newest first"), Unauthorized, NotFound))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
) -> Result<Json<RevisionList>, ApiError> {
    let items = state.documents().revisions(&id, &user).await?;
    Ok(Json(RevisionList { items }))
}

#[utoipa::path(get, operation_id = "getRevision", path = "/docs/{id}/revisions/{rev}", tag = "history", params(("id" = String, Path, description = "The document's id"), ("rev" = String, Path, description = "A revision number (a positive whole number)")),
    responses((status = 200, body = Revision, description = "One revision with its full values"), Unauthorized, NotFound, Invalid))]
async fn one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, rev)): Path<(String, String)>,
) -> Result<Json<Revision>, ApiError> {
    let rev = parse_rev(&rev, "rev")?;
    Ok(Json(state.documents().revision(&id, &user, rev).await?))
}

/// The two revisions to compare.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct DiffQuery {
    #[param(required = true, pattern = "^\\+?0*[1-9][0-9]*$")]
    from: Option<String>,
    #[param(required = true, pattern = "^\\+?0*[1-9][0-9]*$")]
    to: Option<String>,
}

#[utoipa::path(get, operation_id = "diffRevisions", path = "/docs/{id}/diff", tag = "history", params(("id" = String, Path, description = "The document's id"), DiffQuery),
    responses((status = 200, body = DocDiff, description = "Field by field, with line and word hunks for text"), Unauthorized, NotFound, Invalid))]
async fn diff(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<DiffQuery>,
) -> Result<Json<DocDiff>, ApiError> {
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(ApiError::validation(
            "from",
            "Give both revisions to compare: ?from=A&to=B.",
        ));
    };
    let (from, to) = (parse_rev(&from, "from")?, parse_rev(&to, "to")?);
    Ok(Json(state.documents().diff(&id, &user, from, to).await?))
}

#[utoipa::path(
    post,
    operation_id = "restoreRevision",
    path = "/docs/{id}/revisions/{rev}/restore",
    tag = "history",
    params(
        ("id" = String, Path, description = "The document's id"),
        ("rev" = String, Path, description = "A revision number (a positive whole number)"),
        ("If-Match" = Option<String>, Header, description = IF_MATCH)
    ),
    request_body(content = Option<RestoreRequest>, description = "Optional: `base_rev` where `If-Match` cannot be sent"),
    responses(DocOk, Unauthorized, Forbidden, NotFound, BadBody, ChangeRefused))]
async fn restore(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, rev)): Path<(String, String)>,
    headers: HeaderMap,
    OptionalJsonBody(request): OptionalJsonBody<RestoreRequest>,
) -> Result<Response, ApiError> {
    let precondition = Precondition::from_request(&headers, request.base_rev)?;
    let rev = parse_rev(&rev, "rev")?;
    let saved = state
        .documents()
        .restore_revision(&id, &user, rev, &precondition)
        .await?;
    Ok(with_etag(saved).into_response())
}

/// A revision number from a path or query: a positive whole number, else a 422 naming
/// `field`.
pub(super) fn parse_rev(raw: &str, field: &str) -> Result<i64, ApiError> {
    raw.parse::<i64>()
        .ok()
        .filter(|rev| *rev > 0)
        .ok_or_else(|| ApiError::validation(field, "A revision is a positive whole number."))
}
