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
    access,
    auth::CurrentUser,
    docs::with_etag,
    error::ApiError,
    extract::{OptionalJsonBody, Precondition, QueryParams},
    openapi::{
        BadBody, ChangeRefused, DocOk, Forbidden, Invalid, NotFound, Unauthorized, IF_MATCH,
    },
};
use crate::{service::Mine, state::AppState};
use app::{
    domain::{diff::diff_fields, Fields},
    protocol::{DocDiff, Document, RestoreRequest, Revision, RevisionList, UserRef},
};
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
    access::role(&state, &id, &user).await?;
    let items = state.stores.history.revisions(&id).await?;
    if items.is_empty() {
        return Err(ApiError::NotFound);
    }
    Ok(Json(RevisionList { items }))
}

#[utoipa::path(get, operation_id = "getRevision", path = "/docs/{id}/revisions/{rev}", tag = "history", params(("id" = String, Path, description = "The document's id"), ("rev" = String, Path, description = "A revision number (a positive whole number)")),
    responses((status = 200, body = Revision, description = "One revision with its full values"), Unauthorized, NotFound, Invalid))]
async fn one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, rev)): Path<(String, String)>,
) -> Result<Json<Revision>, ApiError> {
    access::role(&state, &id, &user).await?;
    Ok(Json(revision(&state, &id, &rev, "rev").await?))
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
    access::role(&state, &id, &user).await?;
    let (Some(from), Some(to)) = (query.from, query.to) else {
        return Err(ApiError::validation(
            "from",
            "Give both revisions to compare: ?from=A&to=B.",
        ));
    };
    if state.stores.docs.get_doc(&id).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    let from = revision(&state, &id, &from, "from").await?;
    let to = revision(&state, &id, &to, "to").await?;
    let fields = diff_fields((&from.values(), from.status), (&to.values(), to.status));
    Ok(Json(DocDiff {
        from: from.rev,
        to: to.rev,
        fields,
    }))
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
    access::can_edit(&state, &id, &user).await?;
    let precondition = Precondition::from_request(&headers, request.base_rev)?;
    let old = revision(&state, &id, &rev, "rev").await?;
    let current = state.documents().read(&id).await?;
    tracing::info!(doc = %id, restored = old.rev, user = %user.name, "restoring a revision");
    save_as_new_revision(&state, current, old.values(), &precondition, &user).await
}

/// `values` saved over `current` as a new revision, if the change's precondition holds on
/// it and its state allows editing (restore and undo).
pub(super) async fn save_as_new_revision(
    state: &AppState,
    current: Document,
    values: Fields,
    precondition: &Precondition,
    user: &UserRef,
) -> Result<Response, ApiError> {
    let documents = state.documents();
    let current = documents
        .editable(current, precondition, user, Mine::Fields(&values))
        .await?;
    let saved = documents
        .save(current, values, precondition, user, None, None)
        .await?;
    Ok(with_etag(saved).into_response())
}

/// One revision of a live document; a revision number that is not a positive integer is a
/// 422 naming `field`, one that does not exist a 404.
pub(super) async fn revision(
    state: &AppState,
    id: &str,
    raw: &str,
    field: &str,
) -> Result<Revision, ApiError> {
    let rev = raw
        .parse::<i64>()
        .ok()
        .filter(|rev| *rev > 0)
        .ok_or_else(|| ApiError::validation(field, "A revision is a positive whole number."))?;
    if state.stores.docs.get_doc(id).await?.is_none() {
        return Err(ApiError::NotFound);
    }
    state
        .stores
        .history
        .revision(id, rev)
        .await?
        .ok_or(ApiError::NotFound)
}
