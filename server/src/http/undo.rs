//! `POST /api/docs/{id}/revisions/{rev}/undo`: one revision's change taken back, every
//! later change kept.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    response::Response,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    access,
    auth::CurrentUser,
    error::ApiError,
    extract::{OptionalJsonBody, Precondition},
    history::{revision, save_as_new_revision},
    openapi::{BadBody, ChangeRefused, DocOk, Forbidden, NotFound, Unauthorized, IF_MATCH},
};
use crate::state::AppState;
use app::{
    domain::{changed_fields, parse_fields, undo::undo_change},
    protocol::RestoreRequest,
};

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
    access::can_edit(&state, &id, &user).await?;
    let precondition = Precondition::from_request(&headers, request.base_rev)?;
    let undone = revision(&state, &id, &rev, "rev").await?;
    if undone.rev == 1 {
        return Err(ApiError::validation(
            "rev",
            "Revision 1 created the document; there is nothing before it to go back to.",
        ));
    }
    let before = state
        .stores
        .history
        .revision(&id, undone.rev - 1)
        .await?
        .ok_or(ApiError::NotFound)?;
    if changed_fields(&before.values(), &undone.values()).is_empty() {
        return Err(ApiError::validation(
            "rev",
            format!(
                "Revision {} changed only the status; move the document back with a transition instead.",
                undone.rev
            ),
        ));
    }
    let current = state.documents().read(&id).await?;
    let values =
        undo_change(&before.values(), &undone.values(), &current.fields()).map_err(|fields| {
            ApiError::UndoConflict {
                rev: undone.rev,
                fields,
            }
        })?;
    // Two valid versions can merge into an invalid one (33 tags, say).
    let values = parse_fields(&values.title, &values.slug, &values.tags, &values.body)
        .map_err(ApiError::Validation)?;
    tracing::info!(doc = %id, undone = undone.rev, user = %user.name, "undoing a revision");
    save_as_new_revision(&state, current, values, &precondition, &user).await
}
