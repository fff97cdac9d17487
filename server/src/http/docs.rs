//! `/api/docs`: create, read, list, replace (PUT), merge-patch (PATCH) and delete,
//! every change guarded by the revision it was based on.

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::get,
    Json, Router,
};
use chrono::Utc;
use serde_json::{Map, Value};

use super::{
    access,
    auth::CurrentUser,
    conflict::{stale, Mine},
    error::{problem_response, ApiError},
    extract::{none_match, JsonBody, MergePatch, Precondition},
    idempotency::Idempotency,
    listing,
    patch::apply_merge_patch,
};
use crate::{
    state::AppState,
    store::{ClaimedKey, SaveChange, StoreError},
};
use app::{
    domain::{changed_fields, parse_fields, Fields, Status},
    live::ServerMessage,
    protocol::{etag, CreateDoc, Document, PutDoc, UserRef},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/docs", get(listing::list).post(create))
        .route(
            "/docs/{id}",
            get(read).put(replace).patch(patch).delete(delete),
        )
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    headers: HeaderMap,
    JsonBody(input): JsonBody<CreateDoc>,
) -> Result<Response, ApiError> {
    let canonical = serde_json::to_vec(&input).map_err(ApiError::internal)?;
    let idempotency = Idempotency::from_request(&state, &headers, "POST", "/api/docs", &canonical)?;
    if let Some(idempotency) = &idempotency {
        if let Some(replay) = idempotency.claim(&state, &user.id).await? {
            return Ok(replay);
        }
    }
    let key = idempotency.as_ref().map(|i| i.claimed(&user.id));
    let created = create_doc(&state, &user, input, key).await;
    // The first response is what a retry with the key gets: record refusals too, but
    // free the key after our own failures so a retry can succeed.
    match (created, key) {
        (Ok(response), _) => Ok(response),
        (Err(error), None) => Err(error),
        (Err(error), Some(key)) if error.status().is_server_error() => {
            if let Err(release) = state.store.release_idempotency_key(key).await {
                tracing::error!(%release, "could not release an idempotency key");
            }
            Err(error)
        }
        (Err(error), Some(key)) => {
            let (status, body) = error.into_parts();
            state
                .store
                .finish_idempotency_key(key, status.as_u16(), &body)
                .await?;
            Ok(problem_response(status, body))
        }
    }
}

async fn create_doc(
    state: &AppState,
    user: &UserRef,
    input: CreateDoc,
    key: Option<ClaimedKey<'_>>,
) -> Result<Response, ApiError> {
    let fields = parse_fields(&input.title, &input.slug, &input.tags, &input.body)
        .map_err(ApiError::Validation)?;
    let id = uuid::Uuid::now_v7().to_string();
    let doc = match state
        .store
        .create_doc(&id, &fields, user, Utc::now(), key)
        .await
    {
        Err(StoreError::SlugTaken) => return Err(slug_taken(state, &fields.slug).await),
        other => other?,
    };
    tracing::info!(doc = %doc.id, user = %user.name, "document created");
    let location =
        HeaderValue::from_str(&format!("/api/docs/{}", doc.id)).map_err(ApiError::internal)?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        with_etag(doc),
    )
        .into_response())
}

/// 409 with free variants of the slug to choose from.
pub async fn slug_taken(state: &AppState, slug: &str) -> ApiError {
    let stem: String = slug.chars().take(app::domain::SLUG_MAX - 3).collect();
    let stem = stem.trim_end_matches('-');
    let candidates: Vec<String> = (2..=12).map(|n| format!("{stem}-{n}")).collect();
    let suggestions = match state.store.free_slugs(&candidates).await {
        Ok(free) => free.into_iter().take(3).collect(),
        Err(error) => {
            tracing::warn!(%error, "could not suggest slugs");
            Vec::new()
        }
    };
    ApiError::SlugTaken {
        slug: slug.to_owned(),
        suggestions,
    }
}

async fn read(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    access::role(&state, &id, &user).await?;
    let doc = state.store.get_doc(&id).await?.ok_or(ApiError::NotFound)?;
    if none_match(&headers, doc.rev) {
        return Ok((StatusCode::NOT_MODIFIED, validators(doc.rev)).into_response());
    }
    Ok(with_etag(doc).into_response())
}

async fn replace(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<PutDoc>,
) -> Result<Response, ApiError> {
    access::can_edit(&state, &id, &user).await?;
    let precondition = Precondition::from_request(&headers, input.base_rev)?;
    let canonical = serde_json::to_vec(&input).map_err(ApiError::internal)?;
    let idempotency = Idempotency::from_request(&state, &headers, "PUT", &id, &canonical)?;
    let fields = parse_fields(&input.title, &input.slug, &input.tags, &input.body)
        .map_err(ApiError::Validation)?;
    let outcome = async {
        let current = editable_at(&state, &id, &precondition, &user, Mine::Fields(&fields)).await?;
        let key = idempotency.as_ref();
        save(&state, current, fields, &precondition, &user, key, None).await
    }
    .await;
    settle(&state, &idempotency, &user, outcome).await
}

async fn patch(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
    MergePatch(patch): MergePatch,
) -> Result<Response, ApiError> {
    access::can_edit(&state, &id, &user).await?;
    let base_rev = match patch.get("base_rev") {
        None => None,
        Some(value) => Some(value.as_i64().ok_or_else(|| {
            ApiError::validation("base_rev", "base_rev must be an integer revision.")
        })?),
    };
    let precondition = Precondition::from_request(&headers, base_rev)?;
    let canonical = serde_json::to_vec(&patch).map_err(ApiError::internal)?;
    let idempotency = Idempotency::from_request(&state, &headers, "PATCH", &id, &canonical)?;
    let outcome = async {
        let current = editable_at(&state, &id, &precondition, &user, Mine::Patch(&patch)).await?;
        let fields = apply_merge_patch(&current.fields(), &patch)?;
        let key = idempotency.as_ref();
        save(
            &state,
            current,
            fields,
            &precondition,
            &user,
            key,
            Some(&patch),
        )
        .await
    }
    .await;
    settle(&state, &idempotency, &user, outcome).await
}

async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    access::is_owner(&state, &id, &user, "delete it").await?;
    let precondition = Precondition::from_request(&headers, None)?;
    let current = state.store.get_doc(&id).await?.ok_or(ApiError::NotFound)?;
    if !precondition.matches(current.rev) {
        return Err(stale(&state, current, &precondition, &user, Mine::Unknown).await);
    }
    match state
        .store
        .delete_doc(&id, current.rev, &user, Utc::now())
        .await
    {
        Err(StoreError::Stale) => {
            let current = state.store.get_doc(&id).await?.ok_or(ApiError::NotFound)?;
            Err(stale(&state, current, &precondition, &user, Mine::Unknown).await)
        }
        other => {
            other?;
            tracing::info!(doc = %id, user = %user.name, "document deleted");
            state.fanout.publish(ServerMessage::Deleted {
                doc_id: id.clone(),
                by: user.clone(),
            });
            Ok(StatusCode::NO_CONTENT.into_response())
        }
    }
}

/// The current document, if the change's precondition holds and its state allows editing.
pub(super) async fn editable_at(
    state: &AppState,
    id: &str,
    precondition: &Precondition,
    user: &UserRef,
    mine: Mine<'_>,
) -> Result<Document, ApiError> {
    let current = state.store.get_doc(id).await?.ok_or(ApiError::NotFound)?;
    if !precondition.matches(current.rev) {
        return Err(stale(state, current, precondition, user, mine).await);
    }
    if !current.status.is_editable() {
        return Err(ApiError::InvalidState {
            state: current.status,
            allowed: vec![Status::Draft],
            detail: "This document is archived and read-only. Restore it to draft to edit it."
                .into(),
        });
    }
    Ok(current)
}

/// A stale save may only mean that this very request's first attempt committed meanwhile
/// and its answer was lost: then that answer is given again, otherwise the problem.
async fn settle(
    state: &AppState,
    idempotency: &Option<Idempotency>,
    user: &UserRef,
    outcome: Result<Response, ApiError>,
) -> Result<Response, ApiError> {
    match (outcome, idempotency) {
        (Err(stale @ ApiError::Stale { .. }), Some(key)) => {
            Ok(key.replay(state, &user.id).await?.ok_or(stale)?)
        }
        (outcome, _) => outcome,
    }
}

/// Saves `fields` over `current` in one compare-and-set. `patch` is the merge patch the
/// fields came from, if any: a stale-revision problem compares it, not the fields.
pub(super) async fn save(
    state: &AppState,
    current: Document,
    fields: Fields,
    precondition: &Precondition,
    user: &UserRef,
    idempotency: Option<&Idempotency>,
    patch: Option<&Map<String, Value>>,
) -> Result<Response, ApiError> {
    let changed = changed_fields(&current.fields(), &fields);
    if changed.is_empty() {
        // Nothing to record: history holds changes, not repeated saves.
        return Ok(with_etag(current).into_response());
    }
    let change = SaveChange {
        id: &current.id,
        expected_rev: current.rev,
        fields: &fields,
        changed: &changed,
        by: user,
        at: Utc::now(),
        idempotency: idempotency.map(Idempotency::record),
    };
    match state.store.save_doc(change).await {
        Ok(doc) => {
            tracing::info!(doc = %doc.id, rev = doc.rev, user = %user.name, ?changed, "document saved");
            announce(state, &doc, changed);
            Ok(with_etag(doc).into_response())
        }
        Err(StoreError::SlugTaken) => Err(slug_taken(state, &fields.slug).await),
        // Somebody committed between our read and our compare-and-set (perhaps this very
        // request's first attempt: the caller settles that).
        Err(StoreError::Stale | StoreError::IdempotencyKeyUsed) => {
            let latest = state
                .store
                .get_doc(&current.id)
                .await?
                .ok_or(ApiError::NotFound)?;
            let mine = match patch {
                Some(patch) => Mine::Patch(patch),
                None => Mine::Fields(&fields),
            };
            Err(stale(state, latest, precondition, user, mine).await)
        }
        Err(other) => Err(other.into()),
    }
}

fn validators(rev: i64) -> [(header::HeaderName, HeaderValue); 2] {
    [
        (
            header::ETAG,
            HeaderValue::from_str(&etag(rev)).expect("digits are a valid header"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
    ]
}

/// Tells the document's live watchers (on every instance) about a committed change.
pub(super) fn announce(state: &AppState, doc: &Document, fields: Vec<app::domain::Field>) {
    state.fanout.publish(ServerMessage::Updated {
        doc_id: doc.id.clone(),
        rev: doc.rev,
        by: doc.updated_by.clone(),
        at: doc.updated_at,
        fields,
    });
}

pub(super) fn with_etag(doc: Document) -> impl IntoResponse {
    (validators(doc.rev), Json(doc))
}
