//! How a document's draft sits in the browser's storage. It is written on every keystroke,
//! so what is written each time must not grow with the document: the revision the draft is
//! based on is kept once under its own key, and the draft itself holds the body as a splice
//! of that base (the stretch typed), beside the small fields. Drafts still offered back are
//! kept under a third key, rewritten only when they change.

use serde::{Deserialize, Serialize};

use super::Draft;
use crate::domain::{splice::Splice, Fields};

/// A key-value store of strings, as the browser's local storage is.
pub trait Shelf {
    fn get(&self, key: &str) -> Option<String>;
    /// Whether the value was stored (a full storage refuses).
    fn set(&self, key: &str, value: &str) -> bool;
    /// Whether a value is there, without reading it.
    fn has(&self, key: &str) -> bool;
    fn remove(&self, key: &str);
    fn keys(&self) -> Vec<String>;
}

/// The draft as written on each keystroke.
#[derive(Debug, Serialize, Deserialize)]
struct Head {
    doc_id: String,
    base_rev: i64,
    saved_at: String,
    title: String,
    slug: String,
    tags: Vec<String>,
    body: Splice,
    /// Which offered drafts the pending key holds (each by revision and time): when these
    /// are the same, it is not written again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pending: Vec<String>,
}

fn head_key(doc_id: &str) -> String {
    format!("concord:draft:{doc_id}")
}

fn base_prefix(doc_id: &str) -> String {
    format!("concord:draft:{doc_id}:base:")
}

fn base_key(doc_id: &str, rev: i64) -> String {
    format!("{}{rev}", base_prefix(doc_id))
}

fn pending_key(doc_id: &str) -> String {
    format!("concord:draft:{doc_id}:pending")
}

fn pending_ids(pending: &[Draft]) -> Vec<String> {
    pending
        .iter()
        .map(|d| format!("{}@{}", d.base_rev, d.saved_at))
        .collect()
}

/// Keeps `draft`; false if storage refused any of it. Writes the base only when no base of
/// that revision is stored, and the offered drafts only when they changed.
pub fn save(shelf: &impl Shelf, draft: &Draft) -> bool {
    let id = &draft.doc_id;
    let base_key = base_key(id, draft.base_rev);
    let mut stored = true;
    if !shelf.has(&base_key) {
        stored &= serde_json::to_string(&draft.base).is_ok_and(|json| shelf.set(&base_key, &json));
        // Only one head per document, so bases of other revisions serve nobody now.
        remove_bases(shelf, id, Some(&base_key));
    }
    let pending = pending_ids(&draft.pending);
    let earlier = shelf
        .get(&head_key(id))
        .and_then(|raw| serde_json::from_str::<Head>(&raw).ok());
    let same_pending = earlier.is_some_and(|h| h.pending == pending)
        && (pending.is_empty() || shelf.has(&pending_key(id)));
    if !same_pending {
        if draft.pending.is_empty() {
            shelf.remove(&pending_key(id));
        } else {
            stored &= serde_json::to_string(&draft.pending)
                .is_ok_and(|json| shelf.set(&pending_key(id), &json));
        }
    }
    let head = Head {
        doc_id: id.clone(),
        base_rev: draft.base_rev,
        saved_at: draft.saved_at.clone(),
        title: draft.mine.title.clone(),
        slug: draft.mine.slug.clone(),
        tags: draft.mine.tags.clone(),
        body: Splice::between(&draft.base.body, &draft.mine.body),
        pending,
    };
    stored && serde_json::to_string(&head).is_ok_and(|json| shelf.set(&head_key(id), &json))
}

/// The draft kept for a document, if a whole one is there.
pub fn load(shelf: &impl Shelf, doc_id: &str) -> Option<Draft> {
    let raw = shelf.get(&head_key(doc_id))?;
    // A head, or a whole draft as written before heads: tried in turn (as an untagged enum,
    // which buffers the input first, the module was 12.7 KB more code in the client).
    let head = match serde_json::from_str::<Head>(&raw) {
        Ok(head) if head.doc_id == doc_id => head,
        Ok(_) => return None,
        Err(_) => {
            let whole = serde_json::from_str::<Draft>(&raw).ok()?;
            return (whole.doc_id == doc_id).then_some(whole);
        }
    };
    let base: Fields = serde_json::from_str(&shelf.get(&base_key(doc_id, head.base_rev))?).ok()?;
    let body = head.body.apply(&base.body)?;
    let pending = if head.pending.is_empty() {
        Vec::new()
    } else {
        shelf
            .get(&pending_key(doc_id))
            .and_then(|raw| serde_json::from_str(&raw).ok())
            .unwrap_or_default()
    };
    Some(Draft {
        doc_id: head.doc_id,
        base_rev: head.base_rev,
        mine: Fields {
            title: head.title,
            slug: head.slug,
            tags: head.tags,
            body,
        },
        base,
        saved_at: head.saved_at,
        pending,
    })
}

pub fn clear(shelf: &impl Shelf, doc_id: &str) {
    shelf.remove(&head_key(doc_id));
    shelf.remove(&pending_key(doc_id));
    remove_bases(shelf, doc_id, None);
}

/// Removes the document's stored bases but `keep`.
fn remove_bases(shelf: &impl Shelf, doc_id: &str, keep: Option<&str>) {
    let prefix = base_prefix(doc_id);
    for key in shelf.keys() {
        if key.starts_with(&prefix) && Some(key.as_str()) != keep {
            shelf.remove(&key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::{cell::RefCell, collections::BTreeMap};

    /// Local storage as a map, counting the bytes each write stores.
    #[derive(Default)]
    struct Memory {
        items: RefCell<BTreeMap<String, String>>,
        written: RefCell<Vec<(String, usize)>>,
    }

    impl Shelf for Memory {
        fn get(&self, key: &str) -> Option<String> {
            self.items.borrow().get(key).cloned()
        }
        fn set(&self, key: &str, value: &str) -> bool {
            self.written
                .borrow_mut()
                .push((key.to_owned(), value.len()));
            self.items.borrow_mut().insert(key.into(), value.into());
            true
        }
        fn has(&self, key: &str) -> bool {
            self.items.borrow().contains_key(key)
        }
        fn remove(&self, key: &str) {
            self.items.borrow_mut().remove(key);
        }
        fn keys(&self) -> Vec<String> {
            self.items.borrow().keys().cloned().collect()
        }
    }

    impl Memory {
        fn bytes_written_since(&self, mark: usize) -> usize {
            self.written.borrow()[mark..].iter().map(|(_, n)| n).sum()
        }
        fn writes(&self) -> usize {
            self.written.borrow().len()
        }
    }

    fn fields(body: &str) -> Fields {
        Fields {
            title: "Plan".into(),
            slug: "plan".into(),
            tags: vec!["q4".into()],
            body: body.into(),
        }
    }

    fn draft(rev: i64, base: &str, mine: &str) -> Draft {
        Draft {
            doc_id: "d".into(),
            base_rev: rev,
            base: fields(base),
            mine: fields(mine),
            saved_at: format!("2026-12-06T10:00:0{rev}Z"),
            pending: Vec::new(),
        }
    }

    #[test]
    fn a_kept_draft_comes_back_whole() {
        let shelf = Memory::default();
        let mut kept = draft(3, "one\ntwo\n", "one\ntwo, typed\n");
        kept.mine.title = "Plans".into();
        kept.pending = vec![draft(2, "a\n", "b\n")];
        assert!(save(&shelf, &kept));
        assert_eq!(load(&shelf, "d"), Some(kept));
        assert_eq!(load(&shelf, "other"), None);
    }

    #[test]
    fn each_keystroke_writes_what_was_typed_not_the_document() {
        let shelf = Memory::default();
        let base = "a line of the document\n".repeat(20_000);
        let mut typed = base.clone();
        typed.insert(1_000, 'x');
        assert!(save(&shelf, &draft(1, &base, &typed)));
        for key in ["y", "z", "!"] {
            typed.insert_str(1_001, key);
            let mark = shelf.writes();
            assert!(save(&shelf, &draft(1, &base, &typed)));
            // One write (the head), a few hundred bytes, for a 460 KB document.
            assert_eq!(shelf.writes() - mark, 1);
            assert!(shelf.bytes_written_since(mark) < 300);
        }
        assert_eq!(load(&shelf, "d").unwrap().mine.body, typed);
    }

    #[test]
    fn a_new_base_replaces_the_old_one() {
        let shelf = Memory::default();
        assert!(save(&shelf, &draft(1, "a\n", "a!\n")));
        assert!(save(&shelf, &draft(2, "a\nb\n", "a!\nb\n")));
        let bases: Vec<_> = shelf
            .keys()
            .into_iter()
            .filter(|k| k.contains(":base:"))
            .collect();
        assert_eq!(bases, vec!["concord:draft:d:base:2".to_owned()]);
        assert_eq!(load(&shelf, "d").unwrap().mine.body, "a!\nb\n");
    }

    #[test]
    fn offered_drafts_are_written_again_only_when_they_change() {
        let shelf = Memory::default();
        let mut kept = draft(1, "a\n", "a!\n");
        kept.pending = vec![draft(1, "a\n", "b\n")];
        assert!(save(&shelf, &kept));
        kept.mine.body = "a!!\n".into();
        let mark = shelf.writes();
        assert!(save(&shelf, &kept));
        assert_eq!(shelf.writes() - mark, 1);
        // Restored or discarded: gone from storage too.
        kept.pending.clear();
        assert!(save(&shelf, &kept));
        assert!(!shelf.has("concord:draft:d:pending"));
        assert_eq!(load(&shelf, "d").unwrap().pending, Vec::new());
    }

    #[test]
    fn a_draft_whose_base_is_gone_is_not_made_up() {
        let shelf = Memory::default();
        assert!(save(&shelf, &draft(1, "a\n", "a!\n")));
        shelf.remove("concord:draft:d:base:1");
        assert_eq!(load(&shelf, "d"), None);
    }

    #[test]
    fn a_whole_draft_written_before_still_loads() {
        let shelf = Memory::default();
        let whole = draft(1, "a\n", "a!\n");
        shelf.set("concord:draft:d", &serde_json::to_string(&whole).unwrap());
        assert_eq!(load(&shelf, "d"), Some(whole));
    }

    #[test]
    fn clearing_removes_every_key_of_the_document_and_no_other() {
        let shelf = Memory::default();
        let mut kept = draft(1, "a\n", "a!\n");
        kept.pending = vec![draft(1, "a\n", "b\n")];
        assert!(save(&shelf, &kept));
        shelf.set("concord:draft:d2", "{}");
        clear(&shelf, "d");
        assert_eq!(shelf.keys(), vec!["concord:draft:d2".to_owned()]);
    }
}
