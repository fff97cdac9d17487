//! Explaining a stale change: who changed what since the client's base revision, the
//! current document, and the field-by-field three-way comparison with a merge proposal.

use super::{patch::apply_merge_patch, DocError, Mine, Precondition, Stale};
use crate::store::History;
use app::{
    domain::merge::{compare, FieldState},
    protocol::{who_saved, Document, StaleRevision, UserRef},
};

/// At most this many `changed_by` entries: a client far behind needs the gist.
const CHANGES_LISTED: usize = 50;

pub async fn explain(
    history: &dyn History,
    current: Document,
    precondition: &Precondition,
    user: &UserRef,
    mine: Mine<'_>,
) -> DocError {
    match build(history, current, precondition, user, mine).await {
        Ok(stale) => DocError::Stale(Box::new(stale)),
        Err(error) => error,
    }
}

async fn build(
    history: &dyn History,
    current: Document,
    precondition: &Precondition,
    user: &UserRef,
    mine: Mine<'_>,
) -> Result<Stale, DocError> {
    let your_base_rev = precondition.base_rev();
    let mut changed_by = history
        .changes_since(&current.id, your_base_rev.min(current.rev))
        .await?;
    if changed_by.len() > CHANGES_LISTED {
        changed_by.drain(..changed_by.len() - CHANGES_LISTED);
    }
    let self_conflict = !changed_by.is_empty() && changed_by.iter().all(|c| c.by.id == user.id);

    let base = if (1..current.rev).contains(&your_base_rev) {
        history.revision_fields(&current.id, your_base_rev).await?
    } else {
        None
    };
    let mine = match (mine, &base) {
        (Mine::Fields(fields), Some(_)) => Some(fields.clone()),
        (Mine::Patch(patch), Some(base)) => Some(
            apply_merge_patch(base, patch)
                .map_err(DocError::Invalid)?
                .into_fields(),
        ),
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
    let (fields, merge) = match comparison {
        Some(c) => (Some(c.fields), Some(c.merge)),
        None => (None, None),
    };
    Ok(Stale {
        detail,
        via_header: precondition.is_header(),
        explanation: StaleRevision {
            your_base_rev,
            current_rev: current.rev,
            current_etag: current.etag(),
            changed_by,
            self_conflict,
            current,
            fields,
            merge,
        },
    })
}
