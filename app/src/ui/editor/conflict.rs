//! The conflict panel: what changed on each side, not whole documents. Clean merges are
//! applied and summarised; each conflicting change (hunk) gets its own choice, and the
//! result is shown before saving.

use std::collections::BTreeMap;

use leptos::{html, prelude::*};

use super::hunks::FieldRow;
use crate::{
    domain::{
        merge::{compare, Comparison, FieldState},
        resolve::{FieldResolution, HunkChoice},
        Field, Fields,
    },
    protocol::{who_saved, ChangedBy, Document},
};

/// A save that met a newer revision: what it was based on, what is current, what I wanted.
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
    pub fn whose(&self) -> String {
        let names: Vec<&str> = self.changed_by.iter().map(|c| c.by.name.as_str()).collect();
        match names.as_slice() {
            _ if self.self_conflict => "your other tab's".to_owned(),
            [] => "their".to_owned(),
            [one] => format!("{one}'s"),
            _ => "their".to_owned(),
        }
    }

    /// The starting choices: mine for every conflicting hunk. Their changes outside the
    /// hunks are kept whatever is chosen.
    pub fn default_resolution(&self) -> BTreeMap<Field, FieldResolution> {
        self.comparison
            .fields
            .iter()
            .filter(|f| f.state == FieldState::BothConflict)
            .map(|f| {
                (
                    f.field,
                    FieldResolution::all(HunkChoice::Mine, f.hunks.len()),
                )
            })
            .collect()
    }

    fn conflicting(&self) -> Vec<Field> {
        self.comparison
            .fields
            .iter()
            .filter(|f| f.state == FieldState::BothConflict)
            .map(|f| f.field)
            .collect()
    }
}

#[component]
pub fn ConflictPanel(
    conflict: Conflict,
    resolution: RwSignal<BTreeMap<Field, FieldResolution>>,
    /// Why the last attempt to save the resolution was refused, if it was.
    refusal: RwSignal<Option<String>>,
    on_save: Callback<()>,
    on_reload: Callback<()>,
    /// Saves my version as a new document instead of resolving.
    on_copy: Callback<()>,
) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    // Screen-reader and keyboard users land on the panel when it opens.
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });

    let conflicting = conflict.conflicting();
    let summary = if conflicting.is_empty() {
        "Everybody's changes merge cleanly. Below is what \"Save merged\" will save; the form keeps your own text until then.".to_owned()
    } else {
        let names: Vec<&str> = conflicting.iter().map(|f| f.name()).collect();
        format!(
            "Both of you changed the same part of: {}. Everything else merged and is kept. Choose what to keep for each conflicting change, then save.",
            names.join(", ")
        )
    };
    let headline = format!(
        "{} saved revision {} while you were editing revision {}.",
        conflict.who(),
        conflict.current.rev,
        conflict.base_rev
    );
    let unchanged: Vec<&str> = conflict
        .comparison
        .fields
        .iter()
        .filter(|f| f.state == FieldState::Unchanged)
        .map(|f| f.field.label())
        .collect();
    let unchanged =
        (!unchanged.is_empty()).then(|| format!("Unchanged by both: {}.", unchanged.join(", ")));
    let whose = conflict.whose();
    let rows = conflict
        .comparison
        .fields
        .iter()
        .filter(|f| f.state != FieldState::Unchanged)
        .cloned()
        .map(|compared| view! { <FieldRow compared resolution whose=whose.clone()/> })
        .collect_view();
    let save_button = move || {
        view! { <button type="button" class="primary" on:click=move |_| on_save.run(())>"Save merged"</button> }
    };

    view! {
        <section class="conflict-panel" aria-labelledby="conflict-heading">
            <h2 id="conflict-heading" tabindex="-1" node_ref=heading>"Your save met a newer revision"</h2>
            <div role="alert">
                <p><strong>{headline}</strong></p>
                <p>{summary}</p>
            </div>
            <div class="actions">
                {save_button()}
                <button type="button" on:click=move |_| on_reload.run(())>"Reload and reapply"</button>
                <button type="button" on:click=move |_| on_copy.run(())>"Save mine as a copy"</button>
            </div>
            {unchanged.map(|text| view! { <p class="muted">{text}</p> })}
            {rows}
            {move || refusal.get().map(|why| view! { <p class="refusal" role="alert">{why}</p> })}
            <div class="actions">{save_button()}</div>
        </section>
    }
}
