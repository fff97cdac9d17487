//! Names to suggest: `GET /api/users?prefix=` while sharing, for signed-in people only;
//! `GET /api/docs/{id}/people?prefix=` while typing `@` in a comment, the document's readers.

use axum::{
    extract::{Path, State},
    Json,
};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::QueryParams,
    openapi::{Invalid, NotFound, Unauthorized},
};
use crate::state::AppState;
use app::{domain::NAME_MAX, protocol::People};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(starting))
        .routes(routes!(readers))
}

/// The start of a name, as typed.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct Prefix {
    #[param(required = true, min_length = 1, max_length = 40)]
    prefix: Option<String>,
}

/// Up to ten people whose names start with `prefix`, ignoring case, A to Z.
#[utoipa::path(get, operation_id = "findPeople", path = "/users", tag = "sharing",
    params(Prefix),
    responses((status = 200, body = People, description = "People to share with"), Unauthorized, Invalid))]
async fn starting(
    State(state): State<AppState>,
    CurrentUser(_user): CurrentUser,
    QueryParams(query): QueryParams<Prefix>,
) -> Result<Json<People>, ApiError> {
    let prefix = query.prefix.unwrap_or_default();
    let length = prefix.chars().count();
    if !(1..=NAME_MAX).contains(&length) {
        return Err(ApiError::validation(
            "prefix",
            format!("Type 1 to {NAME_MAX} characters of a name."),
        ));
    }
    let items = state.accounts().people_starting(&prefix).await?;
    Ok(Json(People { items }))
}

/// The start of a name typed after `@`: nothing yet, or up to 40 characters.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct Typed {
    #[param(max_length = 40)]
    prefix: Option<String>,
}

/// Up to ten people who can read the document, the asker aside, whose names start with
/// `prefix` (all of them without it), ignoring case, A to Z: whom a comment can mention so
/// that they are told.
#[utoipa::path(get, operation_id = "findReaders", path = "/docs/{id}/people", tag = "comments",
    params(("id" = String, Path, description = "The document's id"), Typed),
    responses((status = 200, body = People, description = "People who can read the document"), Unauthorized, NotFound, Invalid))]
async fn readers(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    QueryParams(query): QueryParams<Typed>,
) -> Result<Json<People>, ApiError> {
    let prefix = query.prefix.unwrap_or_default();
    if prefix.chars().count() > NAME_MAX {
        return Err(ApiError::validation(
            "prefix",
            format!("A name has at most {NAME_MAX} characters."),
        ));
    }
    let items = state
        .documents()
        .readers_starting(&id, &user, &prefix)
        .await?;
    Ok(Json(People { items }))
}
