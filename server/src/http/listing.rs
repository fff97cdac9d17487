//! `GET /api/docs`: the documents a user may see, searched, filtered and paged.

use axum::{extract::State, Json};

use super::{
    auth::CurrentUser,
    error::ApiError,
    extract::QueryParams,
    openapi::{Invalid, Unauthorized},
};
use crate::{
    state::AppState,
    store::{cursor::Sort, ListQuery, Ownership},
};
use app::{
    domain::Status,
    protocol::{DocPage, ListParams, UserRef},
};

#[utoipa::path(get, operation_id = "listDocs", path = "/docs", tag = "documents",
    params(ListParams),
    responses((status = 200, body = DocPage, description = "A page of the documents you may see, newest change first"),
        Unauthorized, Invalid))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    QueryParams(params): QueryParams<ListParams>,
) -> Result<Json<DocPage>, ApiError> {
    Ok(Json(list_docs(&state, &user, params).await?))
}

/// The documents the user may see, as the API and the server-rendered page both serve them.
pub async fn list_docs(
    state: &AppState,
    user: &UserRef,
    params: ListParams,
) -> Result<DocPage, ApiError> {
    let limit = match params.limit.as_deref() {
        None | Some("") => 20,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                ApiError::validation("limit", "Limit must be a whole number from 1 to 100.")
            })?,
    };
    let status = match params.status.as_deref() {
        None | Some("") => None,
        Some(raw) => Some(Status::parse(raw).ok_or_else(|| {
            ApiError::validation(
                "status",
                "Status must be one of draft, published or archived.",
            )
        })?),
    };
    if params.q.as_ref().is_some_and(|q| q.chars().count() > 200) {
        return Err(ApiError::validation(
            "q",
            "Search text must be at most 200 characters.",
        ));
    }
    let owner = match params.owner.as_deref() {
        None | Some("") => None,
        Some("me") => Some(Ownership::Mine),
        Some("others") => Some(Ownership::SharedWithMe),
        Some(_) => return Err(ApiError::validation(
            "owner",
            "Owner must be \"me\" (documents you own) or \"others\" (documents shared with you).",
        )),
    };
    let sort = match params.sort.as_deref() {
        None | Some("") | Some("updated") => Sort::Updated,
        Some("title") => Sort::Title,
        Some(_) => {
            return Err(ApiError::validation(
                "sort",
                "Sort must be \"updated\" (newest change first) or \"title\" (A to Z).",
            ))
        }
    };
    let query = ListQuery {
        owner,
        sort,
        user_id: user.id.clone(),
        text: params.q,
        status,
        tag: params
            .tag
            .map(|t| app::domain::normal_tag(&t))
            .filter(|t| !t.is_empty()),
        limit,
        cursor: params.cursor.filter(|c| !c.is_empty()),
    };
    Ok(state.documents().list(&query).await?)
}
