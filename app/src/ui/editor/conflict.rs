//! The conflict panel: what changed on each side, not whole documents. Clean merges are
//! applied and summarised; each conflicting change (hunk) gets its own choice, and the
//! result is shown before saving.

use std::collections::BTreeMap;

use leptos::{html, prelude::*};

use super::hunks::{FieldRow, Sides};
use crate::ui::later::SplitLoaderError;
use crate::{
    domain::{
        merge::{compare, Comparison, FieldState},
        resolve::FieldResolution,
        Field, Fields,
    },
    protocol::{who_saved, ChangedBy, Document},
    ui::draft::Draft,
};

/// Where the two sides of a conflict come from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A save met a newer revision: theirs is that revision.
    Stale,
    /// Another person's save arrived while this person typed and both changed the same
    /// place: theirs is that revision, which the form is already based on; mine is the form.
    /// Deciding fills the form; it saves nothing by itself.
    Live,
    /// A restored draft met what was typed since it was offered: theirs is the draft
    /// (saved at this time), mine the form. Resolving it fills the form; it saves nothing.
    Draft { saved_at: String },
}

/// Two versions of the same fields to reconcile: a save that met a newer revision (what it
/// was based on, what is current, what I wanted), or a restored draft and the form.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub base_rev: i64,
    pub base: Fields,
    pub current: Document,
    /// What the form held when the panel opened; text typed later is rebased onto the
    /// resolution when it is saved.
    pub mine: Fields,
    pub comparison: Comparison,
    pub changed_by: Vec<ChangedBy>,
    pub self_conflict: bool,
    pub origin: Origin,
}

impl Conflict {
    pub fn new(
        base: &Fields,
        base_rev: i64,
        current: Document,
        mine: &Fields,
        changed_by: Vec<ChangedBy>,
        self_conflict: bool,
    ) -> Conflict {
        let comparison = compare(base, &current.fields(), mine);
        Conflict {
            base_rev,
            base: base.clone(),
            current,
            mine: mine.clone(),
            comparison,
            changed_by,
            self_conflict,
            origin: Origin::Stale,
        }
    }

    /// A restored draft (already brought up to the form's base) against the form.
    pub fn restoring(base: &Document, draft: Fields, form: &Fields, saved_at: String) -> Conflict {
        let mut theirs = base.clone();
        (theirs.title, theirs.slug, theirs.tags, theirs.body) =
            (draft.title, draft.slug, draft.tags, draft.body);
        let mut conflict = Conflict::new(&base.fields(), base.rev, theirs, form, Vec::new(), false);
        conflict.origin = Origin::Draft { saved_at };
        conflict
    }

    /// A restored draft still being reconciled, as it must be kept until it is.
    pub fn pending_draft(&self) -> Option<Draft> {
        let Origin::Draft { saved_at } = &self.origin else {
            return None;
        };
        Some(Draft {
            doc_id: self.current.id.clone(),
            base_rev: self.base_rev,
            base: self.base.clone(),
            mine: self.current.fields(),
            saved_at: saved_at.clone(),
            pending: Vec::new(),
        })
    }

    /// The words the panel uses for the two sides.
    pub fn sides(&self) -> Sides {
        match self.origin {
            Origin::Stale | Origin::Live => Sides {
                theirs: "Their change",
                mine: "Your change",
                keep_mine: "Keep mine",
                take_theirs: "Take theirs",
                whose: self.whose(),
            },
            Origin::Draft { .. } => Sides {
                theirs: "Your draft",
                mine: "What you typed since",
                keep_mine: "Keep what I typed since",
                take_theirs: "Take the draft",
                whose: "your draft's".to_owned(),
            },
        }
    }

    /// Who saved in between, as a sentence subject.
    pub fn who(&self) -> String {
        who_saved(
            self.self_conflict,
            self.changed_by.iter().map(|c| c.by.name.as_str()),
        )
    }

    /// Who saved in between, as an owner of words: "Ann's", "your other tab's".
    fn whose(&self) -> String {
        let names: Vec<&str> = self.changed_by.iter().map(|c| c.by.name.as_str()).collect();
        match names.as_slice() {
            _ if self.self_conflict => "your other tab's".to_owned(),
            [] => "their".to_owned(),
            [one] => format!("{one}'s"),
            _ => "their".to_owned(),
        }
    }

    /// The starting choices: none. Every conflicting hunk waits for the person's choice;
    /// their changes outside the hunks are kept whatever is chosen.
    pub fn default_resolution(&self) -> BTreeMap<Field, FieldResolution> {
        self.comparison
            .fields
            .iter()
            .filter(|f| f.state == FieldState::BothConflict)
            .map(|f| {
                (
                    f.field,
                    FieldResolution {
                        hunks: vec![None; f.hunks.len()],
                        edited: None,
                    },
                )
            })
            .collect()
    }

    /// The first conflicting hunk still waiting for a choice, and how many wait in all.
    pub fn undecided(
        &self,
        resolution: &BTreeMap<Field, FieldResolution>,
    ) -> Option<((Field, usize), usize)> {
        let waiting: Vec<(Field, usize)> = self
            .comparison
            .fields
            .iter()
            .filter(|f| f.state == FieldState::BothConflict)
            .flat_map(|f| {
                let chosen = resolution.get(&f.field).cloned().unwrap_or_default();
                chosen
                    .undecided(f.hunks.len())
                    .into_iter()
                    .map(move |i| (f.field, i))
            })
            .collect();
        waiting.first().map(|&first| (first, waiting.len()))
    }

    /// The choices this conflict starts with when it replaces `open`: those made there are
    /// kept for each field whose conflicting places are still the same.
    pub fn carried_choices(
        &self,
        open: Option<&Conflict>,
        chosen: &BTreeMap<Field, FieldResolution>,
    ) -> BTreeMap<Field, FieldResolution> {
        let mut resolution = self.default_resolution();
        if let Some(open) = open {
            for (field, choice) in resolution.iter_mut() {
                let same =
                    open.comparison.field(*field).hunks == self.comparison.field(*field).hunks;
                if let (true, Some(kept)) = (same, chosen.get(field)) {
                    *choice = kept.clone();
                }
            }
        }
        resolution
    }

    /// A clash that arrived while typing, brought up to what the form holds now: `None`
    /// once the person typed their way out of it.
    pub fn following(&self, mine: &Fields) -> Option<Conflict> {
        let mut fresh = Conflict::new(
            &self.base,
            self.base_rev,
            self.current.clone(),
            mine,
            self.changed_by.clone(),
            self.self_conflict,
        );
        fresh.origin = self.origin.clone();
        (!fresh.comparison.merge.clean).then_some(fresh)
    }

    pub fn conflicting(&self) -> Vec<Field> {
        self.comparison
            .fields
            .iter()
            .filter(|f| f.state == FieldState::BothConflict)
            .map(|f| f.field)
            .collect()
    }
}

/// The conflict panel, fetched the first time a conflict is shown (`ui::later`).
#[wasm_split_helpers::wasm_split(conflict, fallible)]
pub fn conflict_panel(
    conflict: Conflict,
    resolution: RwSignal<BTreeMap<Field, FieldResolution>>,
    refusal: RwSignal<Option<String>>,
    on_save: Callback<()>,
    on_reload: Callback<()>,
    on_copy: Callback<()>,
    suggesting: bool,
) -> Result<AnyView, SplitLoaderError> {
    Ok(
        view! { <ConflictPanel conflict resolution refusal on_save on_reload on_copy suggesting/> }
            .into_any(),
    )
}

#[component]
pub fn ConflictPanel(
    conflict: Conflict,
    resolution: RwSignal<BTreeMap<Field, FieldResolution>>,
    /// Why the last attempt to save the resolution was refused, if it was.
    refusal: RwSignal<Option<String>>,
    /// Saves the resolution (a restored draft's: puts it into the form).
    on_save: Callback<()>,
    /// A stale save's "Reload and reapply"; a restored draft's "Not now".
    on_reload: Callback<()>,
    /// Saves my version as a new document instead of resolving.
    on_copy: Callback<()>,
    /// The form is suggesting: saving the resolution submits it as a suggestion.
    #[prop(optional)]
    suggesting: bool,
) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    // Screen-reader and keyboard users land on the panel when it opens — unless it opened
    // by itself while the person types: then the focus stays in their text.
    let live = conflict.origin == Origin::Live;
    // The panel's code may arrive after the rest (`ui::later`): its heading exists before
    // it is in the page, and only an element in the page takes the focus, a frame later.
    Effect::new(move |_| {
        if let Some(heading) = heading.get().filter(|_| !live) {
            request_animation_frame(move || {
                let _ = heading.focus();
            });
        }
    });

    let conflicting = conflict.conflicting();
    let names: Vec<&str> = conflicting.iter().map(|f| f.name()).collect();
    let stale = conflict.origin == Origin::Stale;
    let (title, headline, summary) = match &conflict.origin {
        Origin::Stale => (
            "Your save met a newer revision",
            format!(
                "{} saved revision {} while you were editing revision {}.",
                conflict.who(),
                conflict.current.rev,
                conflict.base_rev
            ),
            if conflicting.is_empty() {
                "Everybody's changes merge cleanly. Below is what \"Save merged\" will save; the form keeps your own text until then.".to_owned()
            } else {
                format!(
                    "Both of you changed the same part of: {}. Everything else merged and is kept. Choose what to keep for each conflicting change, then save.",
                    names.join(", ")
                )
            },
        ),
        Origin::Live => (
            "Also changed by somebody else",
            format!(
                "{} saved revision {}, changing the same part of {} as you. Everything else of theirs is merged into your text.",
                conflict.who(),
                conflict.current.rev,
                names.join(", ")
            ),
            "Your text stays as you typed it. Choose for each place below when you are ready; you can keep typing, and Save asks for these choices first.".to_owned(),
        ),
        Origin::Draft { saved_at } => (
            "Your draft meets what you typed since",
            format!(
                "Your unsaved changes, kept {}, and what you typed since change the same part of: {}.",
                super::offer::when(saved_at),
                names.join(", ")
            ),
            "Everything else is merged. Choose what to keep for each place below; the form keeps what you typed until you choose \"Use this\".".to_owned(),
        ),
    };
    let unchanged: Vec<&str> = conflict
        .comparison
        .fields
        .iter()
        .filter(|f| f.state == FieldState::Unchanged)
        .map(|f| f.field.label())
        .collect();
    let unchanged = (stale && !unchanged.is_empty())
        .then(|| format!("Unchanged by both: {}.", unchanged.join(", ")));
    let sides = conflict.sides();
    let rows = conflict
        .comparison
        .fields
        .iter()
        // A restored draft shows only where it clashes: the rest is merged already.
        .filter(|f| {
            f.state != FieldState::Unchanged && (stale || f.state == FieldState::BothConflict)
        })
        .cloned()
        .map(|compared| view! { <FieldRow compared resolution sides=sides.clone()/> })
        .collect_view();
    let save_label = match conflict.origin {
        Origin::Stale if suggesting => "Suggest merged",
        Origin::Stale => "Save merged",
        Origin::Live => "Apply my choices",
        Origin::Draft { .. } => "Use this",
    };
    let save_button = move || {
        view! { <button type="button" class="primary" on:click=move |_| on_save.run(())>{save_label}</button> }
    };
    let others = if live {
        view! { <button type="button" on:click=move |_| on_copy.run(())>"Save mine as a copy"</button> }
            .into_any()
    } else if stale {
        view! {
            <button type="button" on:click=move |_| on_reload.run(())>"Reload and reapply"</button>
            <button type="button" on:click=move |_| on_copy.run(())>"Save mine as a copy"</button>
        }
        .into_any()
    } else {
        view! { <button type="button" on:click=move |_| on_reload.run(())>"Not now: offer the draft again"</button> }
            .into_any()
    };

    view! {
        <section class="conflict-panel" aria-labelledby="conflict-heading">
            <h2 id="conflict-heading" tabindex="-1" node_ref=heading>{title}</h2>
            // Announced at once when a save meets it; when it arrives while typing, the
            // arrival note announces it politely instead.
            <div role=(!live).then_some("alert")>
                <p><strong>{headline}</strong></p>
                <p>{summary}</p>
            </div>
            <div class="actions">
                {save_button()}
                {others}
            </div>
            {unchanged.map(|text| view! { <p class="muted">{text}</p> })}
            {rows}
            {move || refusal.get().map(|why| view! { <p class="refusal" role="alert">{why}</p> })}
            <div class="actions">{save_button()}</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::resolve::HunkChoice;

    fn doc(body: &str) -> Document {
        serde_json::from_value(serde_json::json!({
            "id": "d", "title": "Plan", "slug": "plan", "tags": [], "body": body,
            "status": "draft", "rev": 2,
            "created_at": "2026-12-06T10:00:00Z", "created_by": {"id": "a", "name": "Ann"},
            "updated_at": "2026-12-06T10:00:00Z", "updated_by": {"id": "a", "name": "Ann"}
        }))
        .unwrap()
    }

    #[test]
    fn no_conflicting_change_is_decided_until_the_person_chooses() {
        let base = doc("a\nb\nc\nd\ne\n").fields();
        let mine = doc("a1\nb\nc\nd\ne1\n").fields();
        let conflict = Conflict::new(&base, 1, doc("A\nb\nc\nd\nE\n"), &mine, Vec::new(), false);
        let mut resolution = conflict.default_resolution();
        // Two hunks, both waiting; the first is where "Save merged" takes the person.
        assert_eq!(conflict.undecided(&resolution), Some(((Field::Body, 0), 2)));
        resolution
            .get_mut(&Field::Body)
            .unwrap()
            .set(0, HunkChoice::Theirs);
        assert_eq!(conflict.undecided(&resolution), Some(((Field::Body, 1), 1)));
        resolution.insert(Field::Body, FieldResolution::all(HunkChoice::Mine, 2));
        assert_eq!(conflict.undecided(&resolution), None);
    }

    #[test]
    fn a_clash_follows_the_typing_and_keeps_the_choices_still_meant() {
        let base = doc("a\nb\nc\nd\ne\n").fields();
        let mut open = Conflict::new(
            &base,
            1,
            doc("A\nb\nc\nd\ne\n"),
            &doc("a1\nb\nc\nd\ne\n").fields(),
            Vec::new(),
            false,
        );
        open.origin = Origin::Live;
        let mut chosen = open.default_resolution();
        chosen
            .get_mut(&Field::Body)
            .unwrap()
            .set(0, HunkChoice::Theirs);
        // Typing elsewhere: the same place, the choice stays.
        let typed = open
            .following(&doc("a1\nb\nc\nd\ne, more\n").fields())
            .unwrap();
        assert_eq!(typed.origin, Origin::Live);
        assert_eq!(typed.carried_choices(Some(&open), &chosen), chosen);
        // Typing in the place itself: it is a different place now, chosen afresh.
        let changed = open.following(&doc("a2\nb\nc\nd\ne\n").fields()).unwrap();
        assert_eq!(
            changed.carried_choices(Some(&open), &chosen),
            changed.default_resolution()
        );
        // Typing their words: nothing left to decide.
        assert!(open.following(&doc("A\nb\nc\nd\ne\n").fields()).is_none());
    }

    #[test]
    fn a_draft_being_reconciled_is_kept_as_a_draft_and_named_as_such() {
        let base = doc("one\n");
        let conflict = Conflict::restoring(
            &base,
            doc("one, draft\n").fields(),
            &doc("one, typed\n").fields(),
            "2026-12-06T10:00:00Z".into(),
        );
        let kept = conflict.pending_draft().unwrap();
        assert_eq!(kept.mine.body, "one, draft\n");
        assert_eq!(kept.base_rev, 2);
        assert_eq!(conflict.sides().take_theirs, "Take the draft");
        let stale = Conflict::new(
            &base.fields(),
            1,
            base.clone(),
            &base.fields(),
            Vec::new(),
            false,
        );
        assert!(stale.pending_draft().is_none());
    }
}
