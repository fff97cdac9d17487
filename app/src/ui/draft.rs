//! Local drafts: every change to a document is kept in the browser, with the revision it
//! is based on, until the server confirms a save holding it.

use serde::{Deserialize, Serialize};

use super::browser;
use crate::domain::Fields;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub doc_id: String,
    /// The revision the person was editing, and its values: the base of a later merge.
    pub base_rev: i64,
    pub base: Fields,
    pub mine: Fields,
    pub saved_at: String,
}

fn key(doc_id: &str) -> String {
    format!("concord:draft:{doc_id}")
}

pub fn load(doc_id: &str) -> Option<Draft> {
    let raw = browser::storage_get(&key(doc_id))?;
    serde_json::from_str::<Draft>(&raw)
        .ok()
        .filter(|draft| draft.doc_id == doc_id)
}

/// Returns false when the browser refused to store it (e.g. storage full).
pub fn save(draft: &Draft) -> bool {
    match serde_json::to_string(draft) {
        Ok(json) => browser::storage_set(&key(&draft.doc_id), &json),
        Err(_) => false,
    }
}

pub fn clear(doc_id: &str) {
    browser::storage_remove(&key(doc_id));
}

/// What is typed into "New document" before it is created, exactly as typed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NewDraft {
    pub title: String,
    pub slug: String,
    pub tags: String,
    pub body: String,
}

impl NewDraft {
    pub fn is_empty(&self) -> bool {
        self == &NewDraft::default()
    }
}

const NEW_KEY: &str = "concord:draft:new";

pub fn load_new() -> Option<NewDraft> {
    let raw = browser::storage_get(NEW_KEY)?;
    serde_json::from_str::<NewDraft>(&raw)
        .ok()
        .filter(|draft| !draft.is_empty())
}

/// Keeps the form's text, or forgets it once the form is empty; false if storage refused.
pub fn save_new(draft: &NewDraft) -> bool {
    if draft.is_empty() {
        browser::storage_remove(NEW_KEY);
        return true;
    }
    match serde_json::to_string(draft) {
        Ok(json) => browser::storage_set(NEW_KEY, &json),
        Err(_) => false,
    }
}

pub fn clear_new() {
    browser::storage_remove(NEW_KEY);
}
