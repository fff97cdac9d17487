//! Who may do what with a document: outsiders learn nothing (404), viewers read and
//! watch, editors also change, the owner also shares and deletes.

use super::error::ApiError;
use crate::state::AppState;
use app::{
    domain::Role,
    protocol::{Document, UserRef},
};

/// The user's role on the document, or 404 — the same answer as for a document that
/// does not exist, so outsiders cannot tell the difference.
pub async fn role(state: &AppState, doc_id: &str, user: &UserRef) -> Result<Role, ApiError> {
    state
        .stores
        .members
        .role_of(doc_id, &user.id)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The document with the user's role, read in one query; 404 as `role` says.
pub async fn doc_with_role(
    state: &AppState,
    doc_id: &str,
    user: &UserRef,
) -> Result<(Document, Role), ApiError> {
    match state.stores.docs.doc_for(doc_id, &user.id).await? {
        Some((doc, Some(role))) => Ok((doc, role)),
        _ => Err(ApiError::NotFound),
    }
}

/// The role, if it allows changing the document.
pub async fn can_edit(state: &AppState, doc_id: &str, user: &UserRef) -> Result<Role, ApiError> {
    editor(role(state, doc_id, user).await?)
}

/// The current document, if the user may change it: one query for both.
pub async fn editable_doc(
    state: &AppState,
    doc_id: &str,
    user: &UserRef,
) -> Result<Document, ApiError> {
    let (doc, role) = doc_with_role(state, doc_id, user).await?;
    editor(role)?;
    Ok(doc)
}

fn editor(role: Role) -> Result<Role, ApiError> {
    if role.can_edit() {
        Ok(role)
    } else {
        Err(ApiError::Forbidden {
            role,
            detail: "You are a viewer of this document and cannot change it. Ask its owner for editor access.".into(),
        })
    }
}

/// The role, if it is the owner's.
pub async fn is_owner(
    state: &AppState,
    doc_id: &str,
    user: &UserRef,
    action: &str,
) -> Result<Role, ApiError> {
    let role = role(state, doc_id, user).await?;
    if role.can_share() {
        Ok(role)
    } else {
        Err(ApiError::Forbidden {
            role,
            detail: format!(
                "You are an {} of this document; only its owner can {action}.",
                role.as_str()
            )
            .replace("an viewer", "a viewer"),
        })
    }
}
