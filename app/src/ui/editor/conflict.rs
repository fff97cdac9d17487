//! The conflict panel: one row per field with base, theirs and mine, clean merges already
//! applied, and for each conflicting field a choice: keep mine, take theirs, or edit.

use leptos::{html, prelude::*};

use crate::{
    domain::{
        merge::{compare, Comparison, FieldComparison, FieldState},
        Field, Fields,
    },
    protocol::{who_saved, ChangedBy, Document},
    ui::diff::InlineDiff,
};

/// A save that met a newer revision: what it was based on, what is current, what I wanted.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub base_rev: i64,
    pub current: Document,
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
            current,
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

    fn conflicting(&self) -> Vec<Field> {
        self.comparison
            .fields
            .iter()
            .filter(|f| f.state == FieldState::BothConflict)
            .map(|f| f.field)
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Mine,
    Theirs,
    Edit,
}

/// A person's decision for one conflicting field.
#[derive(Clone, Copy)]
struct Resolution {
    field: Field,
    choice: RwSignal<Choice>,
    edited: RwSignal<String>,
}

#[component]
pub fn ConflictPanel(
    conflict: Conflict,
    /// Receives the resolved values, to be saved on top of the current revision.
    on_save: Callback<Fields>,
    on_reload: Callback<()>,
) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    // Screen-reader and keyboard users land on the panel when it opens.
    Effect::new(move |_| {
        if let Some(heading) = heading.get() {
            let _ = heading.focus();
        }
    });

    let conflicting = conflict.conflicting();
    let resolutions: Vec<Resolution> = conflict
        .comparison
        .fields
        .iter()
        .filter(|f| f.state == FieldState::BothConflict)
        .map(|f| Resolution {
            field: f.field,
            choice: RwSignal::new(Choice::Mine),
            edited: RwSignal::new(f.mine.as_ref().map(|v| v.as_text()).unwrap_or_default()),
        })
        .collect();

    let summary = if conflicting.is_empty() {
        "Everybody's changes merge cleanly and are applied below. Review them and save.".to_owned()
    } else {
        let names: Vec<&str> = conflicting.iter().map(|f| f.name()).collect();
        format!(
            "Both of you changed the same part of: {}. Choose what to keep for each, then save.",
            names.join(", ")
        )
    };
    let headline = format!(
        "{} saved revision {} while you were editing revision {}.",
        conflict.who(),
        conflict.current.rev,
        conflict.base_rev
    );

    let save = {
        let proposal = conflict.comparison.merge.proposal.clone();
        let resolutions = resolutions.clone();
        let comparison = conflict.comparison.clone();
        move |_| {
            let mut fields = proposal.clone();
            for resolution in &resolutions {
                let compared = comparison
                    .fields
                    .iter()
                    .find(|f| f.field == resolution.field);
                let pick = |side: fn(&FieldComparison) -> Option<String>| {
                    compared.and_then(side).unwrap_or_default()
                };
                let value = match resolution.choice.get_untracked() {
                    Choice::Mine => pick(|f| f.mine.as_ref().map(|v| v.as_text())),
                    Choice::Theirs => pick(|f| f.theirs.as_ref().map(|v| v.as_text())),
                    Choice::Edit => resolution.edited.get_untracked(),
                };
                match resolution.field {
                    Field::Title => fields.title = value,
                    Field::Slug => fields.slug = value,
                    Field::Body => fields.body = value,
                    Field::Tags | Field::Status => {}
                }
            }
            on_save.run(fields);
        }
    };

    let rows = conflict
        .comparison
        .fields
        .iter()
        .cloned()
        .map(|compared| {
            let resolution = resolutions
                .iter()
                .find(|r| r.field == compared.field)
                .copied();
            view! { <FieldRow compared resolution/> }
        })
        .collect_view();

    view! {
        <section class="conflict-panel" aria-labelledby="conflict-heading">
            <h2 id="conflict-heading" tabindex="-1" node_ref=heading>"Your save met a newer revision"</h2>
            <div role="alert">
                <p><strong>{headline}</strong></p>
                <p>{summary}</p>
            </div>
            {rows}
            <div class="actions">
                <button type="button" class="primary" on:click=save>"Save merged"</button>
                <button type="button" on:click=move |_| on_reload.run(())>"Reload and reapply"</button>
            </div>
        </section>
    }
}

fn state_label(state: FieldState) -> &'static str {
    match state {
        FieldState::Unchanged => "unchanged",
        FieldState::MineOnly => "changed by you",
        FieldState::TheirsOnly => "changed by them",
        FieldState::BothSame => "changed the same way by both",
        FieldState::BothMerged => "changed by both, merged",
        FieldState::BothConflict => "changed by both, conflict",
    }
}

#[component]
fn FieldRow(compared: FieldComparison, resolution: Option<Resolution>) -> impl IntoView {
    let name = compared.field.label();
    let text = |value: &Option<crate::domain::merge::FieldValue>| {
        value.as_ref().map(|v| v.as_text()).unwrap_or_default()
    };
    let (base, theirs, mine) = (
        text(&compared.base),
        text(&compared.theirs),
        text(&compared.mine),
    );
    let merged = compared.merged.as_ref().map(|v| v.as_text());
    let changed = compared.state != FieldState::Unchanged;
    let legend = format!("{name} — {}", state_label(compared.state));
    let state_class = format!("row {}", compared.state.as_str());
    let field_key = compared.field.name();

    view! {
        <fieldset class=state_class>
            <legend>{legend}</legend>
            {changed.then(|| view! {
                <div class="sides">
                    <div><h3>"Their change"</h3><InlineDiff old=base.clone() new=theirs.clone()/></div>
                    <div><h3>"Your change"</h3><InlineDiff old=base.clone() new=mine.clone()/></div>
                </div>
            })}
            {merged.filter(|_| matches!(compared.state, FieldState::BothMerged)).map(|merged| view! {
                <div class="merged"><h3>"Merged"</h3><pre>{merged}</pre></div>
            })}
            {resolution.map(|resolution| {
                let radio = move |choice: Choice, label: &'static str| view! {
                    <label class="choice">
                        <input
                            type="radio"
                            name=format!("choice-{field_key}")
                            prop:checked=move || resolution.choice.get() == choice
                            on:change=move |_| resolution.choice.set(choice)
                        />
                        {label}
                    </label>
                };
                let edit_id = format!("merged-{field_key}");
                view! {
                    <div class="choices">
                        {radio(Choice::Mine, "Keep mine")}
                        {radio(Choice::Theirs, "Take theirs")}
                        {radio(Choice::Edit, "Edit the merged text")}
                    </div>
                    <Show when=move || resolution.choice.get() == Choice::Edit>
                        <label for=edit_id.clone()>{format!("Merged {}", field_key)}</label>
                        <textarea
                            id=edit_id.clone()
                            rows="6"
                            prop:value=move || resolution.edited.get()
                            on:input=move |ev| resolution.edited.set(event_target_value(&ev))
                        ></textarea>
                    </Show>
                }
            })}
        </fieldset>
    }
}
