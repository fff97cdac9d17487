//! The stale-revision problem: who changed what since the client's base revision, the
//! current document, and the field-by-field three-way comparison with a merge proposal.

use axum::http::StatusCode;
use serde_json::{Map, Value};

use super::{error::ApiError, extract::Precondition, patch::apply_merge_patch};
use crate::state::AppState;
use app::{
    domain::{
        merge::{compare, FieldState},
        Fields,
    },
    protocol::{who_saved, Document, StaleRevision, UserRef},
};

/// What the refused request wanted the document to become.
pub enum Mine<'a> {
    /// Every field (PUT).
    Fields(&'a Fields),
    /// A merge patch, applied to the base revision the client edited.
    Patch(&'a Map<String, Value>),
    /// Not a field change (DELETE).
    Unknown,
}

/// The 412 (If-Match) or 409 (body `base_rev`) problem for a change based on an old revision.
pub async fn stale(
    state: &AppState,
    current: Document,
    precondition: &Precondition,
    user: &UserRef,
    mine: Mine<'_>,
) -> ApiError {
    match build(state, current, precondition, user, mine).await {
        Ok(error) | Err(error) => error,
    }
}

async fn build(
    state: &AppState,
    current: Document,
    precondition: &Precondition,
    user: &UserRef,
    mine: Mine<'_>,
) -> Result<ApiError, ApiError> {
    let your_base_rev = precondition.base_rev();
    let mut changed_by = state
        .store
        .changes_since(&current.id, your_base_rev.min(current.rev))
        .await?;
    // A client far behind needs the gist, not thousands of entries.
    if changed_by.len() > 50 {
        changed_by.drain(..changed_by.len() - 50);
    }
    let self_conflict = !changed_by.is_empty() && changed_by.iter().all(|c| c.by.id == user.id);

    let base = if (1..current.rev).contains(&your_base_rev) {
        state
            .store
            .revision_fields(&current.id, your_base_rev)
            .await?
    } else {
        None
    };
    let mine = match (mine, &base) {
        (Mine::Fields(fields), Some(_)) => Some(fields.clone()),
        (Mine::Patch(patch), Some(base)) => Some(apply_merge_patch(base, patch)?),
        _ => None,
    };
    let comparison = base
        .zip(mine)
        .map(|(base, mine)| compare(&base, &current.fields(), &mine));

    let conflicting: Vec<&str> = comparison
        .iter()
        .flat_map(|c| c.fields.iter())
        .filter(|f| f.state == FieldState::BothConflict)
        .map(|f| f.field.name())
        .collect();
    tracing::warn!(
        doc = %current.id, base_rev = your_base_rev, current_rev = current.rev, user = %user.name,
        ?conflicting, "stale save refused"
    );

    let who = who_saved(self_conflict, changed_by.iter().map(|c| c.by.name.as_str()));
    let detail = format!(
        "{who} saved revision {} while you were editing revision {your_base_rev}. Review the changes and save again.",
        current.rev,
    );
    let status = if precondition.is_header() {
        StatusCode::PRECONDITION_FAILED
    } else {
        StatusCode::CONFLICT
    };
    let (fields, merge) = match comparison {
        Some(c) => (Some(c.fields), Some(c.merge)),
        None => (None, None),
    };
    Ok(ApiError::Stale {
        status,
        detail,
        members: Box::new(StaleRevision {
            your_base_rev,
            current_rev: current.rev,
            current_etag: current.etag(),
            changed_by,
            self_conflict,
            current,
            fields,
            merge,
        }),
    })
}
