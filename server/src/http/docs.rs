//! `/api/docs`: create, read, list, replace (PUT), merge-patch (PATCH) and delete, every
//! change guarded by the revision it was based on (the rules live in `service`).

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};

use super::{
    auth::{signed_out, CurrentUser, SessionToken},
    error::ApiError,
    extract::{none_match, JsonBody, MergePatch, Precondition},
    idempotency::{replay_merged, say_merged, settle, Idempotency, UnfinishedClaim},
    listing,
    openapi::{
        BadBody, ChangeRefused, DocOk, DocPatch, Forbidden, NotFound, ProblemDoc, Unauthorized,
        IDEMPOTENCY_KEY, IF_MATCH, PREFER_MERGE,
    },
};
use crate::{
    service::{patch::apply_merge_patch, Mine},
    state::AppState,
    store::ClaimedKey,
};
use app::{
    domain::parse_fields,
    protocol::{etag, CreateDoc, Document, PutDoc, UserRef},
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(listing::list, create))
        .routes(routes!(read, replace, patch, delete))
}

#[utoipa::path(post, operation_id = "createDoc", path = "/docs", tag = "documents",
    params(("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY)),
    request_body = CreateDoc,
    responses(
        (status = 201, body = Document, description = "Created at revision 1",
            headers(("Location" = String), ("ETag" = String), ("Idempotent-Replayed" = String, description = "`true` on a replay")),
            links(
                ("GetDoc" = (operation_id = "getDoc", parameters(("id" = "$response.body#/id")))),
                ("PutDoc" = (operation_id = "putDoc", parameters(("id" = "$response.body#/id"), ("If-Match" = "$response.header.ETag")))),
                ("PatchDoc" = (operation_id = "patchDoc", parameters(("id" = "$response.body#/id"), ("If-Match" = "$response.header.ETag")))),
                ("DeleteDoc" = (operation_id = "deleteDoc", parameters(("id" = "$response.body#/id"), ("If-Match" = "$response.header.ETag")))),
                ("TransitionDoc" = (operation_id = "transitionDoc", parameters(("id" = "$response.body#/id"), ("If-Match" = "$response.header.ETag")))),
                ("ListRevisions" = (operation_id = "listRevisions", parameters(("id" = "$response.body#/id")))),
                ("DiffRevisions" = (operation_id = "diffRevisions", parameters(("id" = "$response.body#/id")))),
                ("ListMembers" = (operation_id = "listMembers", parameters(("id" = "$response.body#/id")))),
                ("SetMember" = (operation_id = "setMember", parameters(("id" = "$response.body#/id")))),
                ("Suggest" = (operation_id = "suggest", parameters(("id" = "$response.body#/id")))),
                ("ListSuggestions" = (operation_id = "listSuggestions", parameters(("id" = "$response.body#/id")))),
                ("ListReviews" = (operation_id = "listReviews", parameters(("id" = "$response.body#/id")))),
                ("SetUpReviews" = (operation_id = "setUpReviews", parameters(("id" = "$response.body#/id")))),
                ("Review" = (operation_id = "review", parameters(("id" = "$response.body#/id"))))
            )),
        (status = 409, description = "The slug is taken (`suggestions` offers free ones), or the idempotency key is in flight", body = ProblemDoc, content_type = "application/problem+json"),
        Unauthorized, BadBody))]
async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<CreateDoc>,
) -> Result<Response, ApiError> {
    let canonical = serde_json::to_vec(&input).map_err(ApiError::internal)?;
    let idempotency = Idempotency::from_request(&state, &headers, "POST", "/api/docs", &canonical)?;
    let Some(idempotency) = idempotency else {
        return create_doc(&state, &user, input, None).await;
    };
    // Once accepted, a keyed create runs to completion in a task of its own even if its
    // client goes away meanwhile (its connection closed, its future dropped): a retry then
    // replays its answer, and no claim is ever left half-made by a cancelled statement.
    tokio::spawn(keyed_create(state, user, input, idempotency))
        .await
        .unwrap_or_else(|failed| Err(ApiError::internal(failed)))
}

/// Claims the key (or replays what it recorded), creates, and records the answer.
async fn keyed_create(
    state: AppState,
    user: UserRef,
    input: CreateDoc,
    idempotency: Idempotency,
) -> Result<Response, ApiError> {
    if let Some(replay) = idempotency.claim(&state, &user.id).await? {
        return Ok(replay);
    }
    let key = idempotency.claimed(&user.id);
    // Released if this task itself fails (a panic), not by the client's going away.
    let mut unfinished = UnfinishedClaim::new(&state, key);
    let created = create_doc(&state, &user, input, Some(key)).await;
    let answer = idempotency.settle_create(&state, key, created).await;
    // Completed, recorded or released: no longer the guard's to release.
    unfinished.settled();
    answer
}

async fn create_doc(
    state: &AppState,
    user: &UserRef,
    input: CreateDoc,
    key: Option<ClaimedKey<'_>>,
) -> Result<Response, ApiError> {
    // No slug: one is made from the title, and a free one is chosen, as nobody asked for
    // a particular address.
    let derive = input.slug.is_empty();
    let slug = if derive { "doc" } else { input.slug.as_str() };
    let fields =
        parse_fields(&input.title, slug, &input.tags, &input.body).map_err(ApiError::Validation)?;
    let documents = state.documents();
    let doc = if derive {
        documents
            .create_with_derived_slug(fields, user, key)
            .await?
    } else {
        documents.create(&fields, user, key).await?
    };
    let location =
        HeaderValue::from_str(&format!("/api/docs/{}", doc.id)).map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        with_etag(doc),
    )
        .into_response())
}

#[utoipa::path(get, operation_id = "getDoc", path = "/docs/{id}", tag = "documents",
    params(("id" = String, Path, description = "The document's id"), ("If-None-Match" = Option<String>, Header, description = "The ETag you have: 304 when it is current")),
    responses(DocOk,
        (status = 304, description = "Your copy is current", headers(("ETag" = String))),
        Unauthorized, NotFound))]
async fn read(
    State(state): State<AppState>,
    SessionToken(token): SessionToken,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, doc, _) = state
        .documents()
        .read_in_session(&id, &token)
        .await?
        .ok_or_else(signed_out)?;
    if none_match(&headers, doc.rev) {
        return Ok((StatusCode::NOT_MODIFIED, validators(doc.rev)).into_response());
    }
    Ok(with_etag(doc).into_response())
}

#[utoipa::path(put, operation_id = "putDoc", path = "/docs/{id}", tag = "documents",
    params(("id" = String, Path, description = "The document's id"), ("If-Match" = Option<String>, Header, description = IF_MATCH), ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY), ("Prefer" = Option<String>, Header, description = PREFER_MERGE)),
    request_body = PutDoc,
    responses(DocOk, Unauthorized, Forbidden, NotFound, BadBody, ChangeRefused))]
async fn replace(
    State(state): State<AppState>,
    SessionToken(token): SessionToken,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<PutDoc>,
) -> Result<Response, ApiError> {
    let (user, read) = state
        .documents()
        .editable_in_session(&id, &token)
        .await?
        .ok_or_else(signed_out)?;
    let precondition = Precondition::from_request(&headers, input.base_rev)?;
    let canonical = serde_json::to_vec(&input).map_err(ApiError::internal)?;
    let idempotency = Idempotency::from_request(&state, &headers, "PUT", &id, &canonical)?;
    let fields = parse_fields(&input.title, &input.slug, &input.tags, &input.body)
        .map_err(ApiError::Validation)?;
    if prefers_merge(&headers) {
        let mine = Mine::Fields(&fields);
        let outcome = merge_save(&state, &id, &precondition, mine, &user, &idempotency).await;
        return settle(&state, &id, &idempotency, &user, outcome).await;
    }
    let outcome = async {
        let documents = state.documents();
        let current = documents
            .editable(read, &precondition, &user, Mine::Fields(&fields))
            .await?;
        let key = idempotency.as_ref().map(Idempotency::record);
        let saved = documents
            .save(current, fields, &precondition, &user, key, None)
            .await?;
        Ok(with_etag(saved).into_response())
    }
    .await;
    settle(&state, &id, &idempotency, &user, outcome).await
}

#[utoipa::path(patch, operation_id = "patchDoc", path = "/docs/{id}", tag = "documents",
    params(("id" = String, Path, description = "The document's id"), ("If-Match" = Option<String>, Header, description = IF_MATCH), ("Idempotency-Key" = Option<String>, Header, description = IDEMPOTENCY_KEY), ("Prefer" = Option<String>, Header, description = PREFER_MERGE)),
    request_body(content = DocPatch, content_type = "application/merge-patch+json"),
    responses(DocOk, Unauthorized, Forbidden, NotFound, BadBody, ChangeRefused))]
async fn patch(
    State(state): State<AppState>,
    SessionToken(token): SessionToken,
    Path(id): Path<String>,
    headers: HeaderMap,
    MergePatch(patch): MergePatch,
) -> Result<Response, ApiError> {
    let (user, read) = state
        .documents()
        .editable_in_session(&id, &token)
        .await?
        .ok_or_else(signed_out)?;
    let base_rev = match patch.get("base_rev") {
        None => None,
        Some(value) => Some(value.as_i64().ok_or_else(|| {
            ApiError::validation("base_rev", "base_rev must be an integer revision.")
        })?),
    };
    let precondition = Precondition::from_request(&headers, base_rev)?;
    // A malformed patch is refused as such (422) whatever revision it names, as a PUT is.
    apply_merge_patch(&read.fields(), &patch).map_err(ApiError::Validation)?;
    let canonical = serde_json::to_vec(&patch).map_err(ApiError::internal)?;
    let idempotency = Idempotency::from_request(&state, &headers, "PATCH", &id, &canonical)?;
    if prefers_merge(&headers) {
        let mine = Mine::Patch(&patch);
        let outcome = merge_save(&state, &id, &precondition, mine, &user, &idempotency).await;
        return settle(&state, &id, &idempotency, &user, outcome).await;
    }
    let outcome = async {
        let documents = state.documents();
        let current = documents
            .editable(read, &precondition, &user, Mine::Patch(&patch))
            .await?;
        let fields = apply_merge_patch(&current.fields(), &patch).map_err(ApiError::Validation)?;
        let key = idempotency.as_ref().map(Idempotency::record);
        let saved = documents
            .save(current, fields, &precondition, &user, key, Some(&patch))
            .await?;
        Ok(with_etag(saved).into_response())
    }
    .await;
    settle(&state, &id, &idempotency, &user, outcome).await
}

#[utoipa::path(delete, operation_id = "deleteDoc", path = "/docs/{id}", tag = "documents",
    params(("id" = String, Path, description = "The document's id"), ("If-Match" = Option<String>, Header, description = IF_MATCH)),
    responses((status = 204, description = "Moved to the owner's trash"),
        Unauthorized, Forbidden, NotFound, ChangeRefused))]
async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let precondition = Precondition::from_request(&headers, None)?;
    state.documents().delete(&id, &precondition, &user).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `Prefer: merge=auto` (RFC 7240): the client asks the server to merge a stale save.
/// Preferences it does not know are ignored, as the RFC says.
fn prefers_merge(headers: &HeaderMap) -> bool {
    headers
        .get_all(PREFER)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|preference| preference.split(';').next()?.split_once('='))
        .any(|(name, value)| {
            name.trim().eq_ignore_ascii_case("merge") && value.trim().trim_matches('"') == "auto"
        })
}

const PREFER: &str = "prefer";

/// A save merged on the server with what was saved since its base, when that merges
/// cleanly; a retry whose first attempt committed gets that attempt's answer.
async fn merge_save(
    state: &AppState,
    id: &str,
    precondition: &Precondition,
    mine: Mine<'_>,
    user: &UserRef,
    idempotency: &Option<Idempotency>,
) -> Result<Response, ApiError> {
    if let Some(key) = idempotency {
        if let Some(replay) = key.replay(state, &user.id).await? {
            return replay_merged(state, id, replay).await;
        }
    }
    let key = idempotency.as_ref().map(Idempotency::record);
    let saved = state
        .documents()
        .merge_save(id, precondition, mine, user, key)
        .await?;
    let mut response = with_etag(saved.doc).into_response();
    if let Some(over) = saved.merged_over {
        say_merged(&mut response, over.into_inner())?;
    }
    Ok(response)
}

fn validators(rev: i64) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::ETAG,
            HeaderValue::from_str(&etag(rev)).expect("digits are a valid header"),
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ),
    ]
}

pub(super) fn with_etag(doc: Document) -> impl IntoResponse {
    (validators(doc.rev), Json(doc))
}
