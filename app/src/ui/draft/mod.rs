//! Local drafts: every change to a document is kept in the browser, with the revision it
//! is based on, until the server confirms a save holding it.

mod kept;

pub use kept::Shelf;

/// The browser's local storage, as drafts keep themselves in it.
pub struct LocalStorage;

impl Shelf for LocalStorage {
    fn get(&self, key: &str) -> Option<String> {
        browser::storage_get(key)
    }

    fn set(&self, key: &str, value: &str) -> bool {
        browser::storage_set(key, value)
    }

    fn has(&self, key: &str) -> bool {
        browser::storage_has(key)
    }

    fn remove(&self, key: &str) {
        browser::storage_remove(key);
    }

    fn keys(&self) -> Vec<String> {
        browser::storage_keys()
    }
}

use serde::{Deserialize, Serialize};

use super::browser;
use crate::domain::{merge::compare, rebase::rebase, Fields};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub doc_id: String,
    /// The revision the person was editing, and its values: the base of a later merge.
    pub base_rev: i64,
    pub base: Fields,
    pub mine: Fields,
    pub saved_at: String,
    /// Drafts offered back on opening and not yet restored, copied or discarded: kept
    /// beside the form's own draft, so typing while an offer shows loses neither.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pending: Vec<Draft>,
}

impl Draft {
    /// What to offer back on opening, oldest first: the drafts still pending, then the
    /// form's own, each only where it differs from what is stored now.
    pub fn offers(self, stored: &Fields) -> Vec<Draft> {
        let Draft {
            doc_id,
            base_rev,
            base,
            mine,
            saved_at,
            pending,
        } = self;
        let own = Draft {
            doc_id,
            base_rev,
            base,
            mine,
            saved_at,
            pending: Vec::new(),
        };
        pending
            .into_iter()
            .chain(std::iter::once(own))
            .filter(|draft| &draft.mine != stored)
            .collect()
    }
}

pub fn load(doc_id: &str) -> Option<Draft> {
    kept::load(&LocalStorage, doc_id)
}

/// Returns false when the browser refused to store it (e.g. storage full).
pub fn save(draft: &Draft) -> bool {
    kept::save(&LocalStorage, draft)
}

pub fn clear(doc_id: &str) {
    kept::clear(&LocalStorage, doc_id);
}

/// What restoring a draft into the form comes to. The form is never replaced: the draft's
/// changes are merged three-way into what the form holds now.
#[derive(Debug, Clone, PartialEq)]
pub enum Restored {
    /// Everything merged: the form's new values.
    Merged(Fields),
    /// The draft (brought up to the form's base) and the form changed the same place:
    /// the person chooses per hunk between `draft` and the form.
    Clash { draft: Fields },
    /// The draft overlaps revisions saved since it was made: it must first be reconciled
    /// with those, at its own base.
    Behind,
}

/// Restores `draft` into a form holding `form`, based on revision `base_rev` with values
/// `base`.
pub fn restore_into(draft: &Draft, base_rev: i64, base: &Fields, form: &Fields) -> Restored {
    // First the draft's changes onto the form's base, as if made there.
    let draft_now = if draft.base_rev == base_rev {
        draft.mine.clone()
    } else {
        let rebased = compare(&draft.base, base, &draft.mine);
        if !rebased.merge.clean {
            return Restored::Behind;
        }
        rebased.merge.proposal
    };
    // Then the draft and what was typed since, both over that base.
    let together = rebase(base, &draft_now, form);
    if together.clean() {
        Restored::Merged(together.fields)
    } else {
        Restored::Clash { draft: draft_now }
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Fields {
        Fields {
            title: "Plan".into(),
            slug: "plan".into(),
            tags: Vec::new(),
            body: body.into(),
        }
    }

    fn draft(base_rev: i64, base: &str, mine: &str, pending: Vec<Draft>) -> Draft {
        Draft {
            doc_id: "d".into(),
            base_rev,
            base: fields(base),
            mine: fields(mine),
            saved_at: "2026-12-06T10:00:00Z".into(),
            pending,
        }
    }

    #[test]
    fn a_draft_typed_while_another_was_offered_offers_both_back() {
        let earlier = draft(1, "a\nb\n", "A\nb\n", Vec::new());
        let latest = draft(1, "a\nb\n", "a\nB\n", vec![earlier.clone()]);
        let offers = latest.clone().offers(&fields("a\nb\n"));
        assert_eq!(offers.len(), 2);
        assert_eq!(offers[0], earlier);
        assert_eq!(offers[1].mine.body, "a\nB\n");
        assert!(offers[1].pending.is_empty());
        // The form's own draft held nothing new: only the pending one is offered.
        let untouched = draft(1, "a\nb\n", "a\nb\n", vec![earlier.clone()]);
        assert_eq!(untouched.offers(&fields("a\nb\n")), vec![earlier]);
        // The form's own draft was saved from elsewhere since: only the earlier one is left.
        assert_eq!(latest.offers(&fields("a\nB\n")).len(), 1);
    }

    #[test]
    fn a_stored_draft_from_before_pending_drafts_existed_still_loads() {
        let old = r#"{"doc_id":"d","base_rev":1,"base":{"title":"Plan","slug":"plan","tags":[],"body":""},"mine":{"title":"Plan","slug":"plan","tags":[],"body":"x"},"saved_at":"now"}"#;
        let parsed: Draft = serde_json::from_str(old).unwrap();
        assert!(parsed.pending.is_empty());
    }

    #[test]
    fn restoring_merges_the_draft_into_what_was_typed_since() {
        let offered = draft(1, "one\ntwo\nthree\n", "ONE\ntwo\nthree\n", Vec::new());
        let base = fields("one\ntwo\nthree\n");
        let typed = fields("one\ntwo\nTHREE\n");
        assert_eq!(
            restore_into(&offered, 1, &base, &typed),
            Restored::Merged(fields("ONE\ntwo\nTHREE\n"))
        );
        // Nothing typed since: the draft comes back as it was.
        assert_eq!(
            restore_into(&offered, 1, &base, &base),
            Restored::Merged(fields("ONE\ntwo\nthree\n"))
        );
    }

    #[test]
    fn restoring_a_draft_that_clashes_with_the_form_asks_and_replaces_nothing() {
        let offered = draft(1, "one\ntwo\n", "one, first\ntwo\n", Vec::new());
        let base = fields("one\ntwo\n");
        let typed = fields("one, since\ntwo\n");
        assert_eq!(
            restore_into(&offered, 1, &base, &typed),
            Restored::Clash {
                draft: fields("one, first\ntwo\n")
            }
        );
    }

    #[test]
    fn a_draft_from_an_older_revision_is_first_brought_up_to_the_forms_base() {
        // Others saved line 3 since the draft was made on revision 1.
        let offered = draft(1, "a\nb\nc\n", "A\nb\nc\n", Vec::new());
        let base = fields("a\nb\nC by Ann\n");
        assert_eq!(
            restore_into(&offered, 2, &base, &fields("a\nB\nC by Ann\n")),
            Restored::Merged(fields("A\nB\nC by Ann\n"))
        );
        // Where others changed the draft's own lines, it must be reconciled first.
        let clashing = fields("a by Ann\nb\nc\n");
        assert_eq!(
            restore_into(&offered, 2, &clashing, &clashing),
            Restored::Behind
        );
    }
}
