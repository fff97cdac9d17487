//! `GET /api/users?prefix=`: names to suggest while sharing, for signed-in people only.

use axum::{extract::State, Json};
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::QueryParams,
    openapi::{Invalid, Unauthorized},
};
use crate::state::AppState;
use app::{domain::NAME_MAX, protocol::People};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(starting))
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
