//! `POST /api/docs/{id}/revisions/{rev}/undo`: one revision's change taken back, every
//! later change kept.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::{IntoResponse, Response},
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    auth::CurrentUser,
    docs::with_etag,
    error::ApiError,
    extract::{OptionalJsonBody, Precondition},
    history::parse_rev,
    openapi::{BadBody, ChangeRefused, DocOk, Forbidden, NotFound, Unauthorized, IF_MATCH},
};
use crate::state::AppState;
use app::protocol::RestoreRequest;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(undo))
}

/// "Undo this change": what revision `rev` changed is taken back on the current values,
/// keeping every change saved after it; the result is a new revision. A later change to the
/// same places is a 409 naming the fields, for a person to settle.
#[utoipa::path(
    post,
    operation_id = "undoRevision",
    path = "/docs/{id}/revisions/{rev}/undo",
    tag = "history",
    params(
        ("id" = String, Path, description = "The document's id"),
        ("rev" = String, Path, description = "The revision whose change to take back (2 or later)"),
        ("If-Match" = Option<String>, Header, description = IF_MATCH)
    ),
    request_body(content = Option<RestoreRequest>, description = "Optional: `base_rev` where `If-Match` cannot be sent"),
    responses(DocOk, Unauthorized, Forbidden, NotFound, BadBody, ChangeRefused))]
async fn undo(
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
        .undo(&id, &user, rev, &precondition)
        .await?;
    Ok(with_etag(saved).into_response())
}
