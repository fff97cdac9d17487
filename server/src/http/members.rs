//! `/api/docs/{id}/members`: the owner shares a document by user name, changes roles and
//! removes people. Members see who has access; outsiders get 404.

use axum::{
    extract::{Path, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    Json,
};

use super::{
    access,
    auth::CurrentUser,
    error::ApiError,
    extract::JsonBody,
    openapi::{BadBody, Forbidden, Invalid, NotFound, Unauthorized},
};
use crate::state::AppState;
use app::{
    domain::Role,
    live::ServerMessage,
    protocol::{MemberRequest, Members},
};
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
    let your_role = access::role(&state, &id, &user).await?;
    Ok(Json(members(&state, &id, your_role).await?))
}

pub async fn members(state: &AppState, id: &str, your_role: Role) -> Result<Members, ApiError> {
    let (owner, members) = state
        .stores
        .members
        .members(id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Members {
        owner,
        members,
        your_role,
    })
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
    let role = access::is_owner(&state, &id, &user, "share it").await?;
    if request.role == Role::Owner {
        return Err(ApiError::validation(
            "role",
            "A member is an editor or a viewer; a document has one owner.",
        ));
    }
    let record = state
        .stores
        .accounts
        .find_user(&request.name)
        .await?
        .ok_or_else(|| {
            ApiError::validation(
                "name",
                format!(
                    "Nobody is called \"{}\". Check the spelling of the user name.",
                    request.name
                ),
            )
        })?;
    if record.user.id == user.id {
        return Err(ApiError::validation(
            "name",
            "You own this document already.",
        ));
    }
    state
        .stores
        .members
        .set_member(
            &id,
            &record.user.id,
            request.role,
            &user,
            state.settings.clock.now(),
        )
        .await?;
    tracing::info!(doc = %id, member = %record.user.name, role = request.role.as_str(), by = %user.name, "member set");
    // Their open pages change at once: read-only, or editable.
    state.fanout.tell_user(
        &record.user.id,
        ServerMessage::Role {
            doc_id: id.clone(),
            role: request.role,
            by: user.clone(),
        },
    );
    Ok(Json(members(&state, &id, role).await?))
}

#[utoipa::path(delete, operation_id = "removeMember", path = "/docs/{id}/members/{name}", tag = "sharing", params(("id" = String, Path, description = "The document's id"), ("name" = String, Path, description = "The member's user name")),
    responses((status = 204, description = "Removed; their open pages lose access at once"), Unauthorized, Forbidden, NotFound, Invalid))]
async fn remove(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((id, name)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    access::is_owner(&state, &id, &user, "remove people").await?;
    let Some(record) = state.stores.accounts.find_user(&name).await? else {
        return Err(ApiError::validation(
            "name",
            format!("\"{name}\" is not a member of this document."),
        ));
    };
    if !state
        .stores
        .members
        .remove_member(&id, &record.user.id)
        .await?
    {
        return Err(ApiError::validation(
            "name",
            format!("\"{name}\" is not a member of this document."),
        ));
    }
    tracing::info!(doc = %id, member = %record.user.name, by = %user.name, "member removed");
    state.fanout.revoke(&id, &record.user.id);
    Ok(StatusCode::NO_CONTENT.into_response())
}
