//! Others' suggestions in the editor (issue 24): each open suggestion's changes, word by
//! word, with Accept and Reject for whoever may change the document. What is offered is
//! decided in `suggested.rs`; the server decides whether it holds, and the suggestions are
//! fetched again on every change (here, announced live, or a new revision).

use leptos::{prelude::*, task::spawn_local};

use super::discuss::refusal;
use crate::protocol::{Decisions, Document, SuggestedHunk, Suggestion};
use crate::ui::api;
use crate::ui::{
    hunk::HunkChange,
    later::{later, SplitLoaderError},
    suggested::{accept_all, hunk_name, may_accept, may_reject, open, reject_all, Rights},
};

#[component]
pub(super) fn EditorSuggestions(
    doc_id: String,
    /// The saved revision the form is based on: accepting names it in `If-Match`.
    base: RwSignal<Document>,
    /// Who may accept, reject or update which suggestion.
    rights: Signal<Rights>,
    /// Moves on with every change to the suggestions: fetch them again.
    proposed: RwSignal<u64>,
    /// "Update": the person's own suggestion goes into the form, to suggest again.
    on_update: Callback<String>,
) -> impl IntoView {
    let doc_id = StoredValue::new(doc_id);
    let list = RwSignal::new(Vec::<Suggestion>::new());
    let error = RwSignal::new(String::new());
    let asked = StoredValue::new(0_u64);
    Effect::new(move |_| {
        proposed.track();
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        spawn_local(async move {
            let fetched = api::suggestions(&doc_id.get_value()).await;
            if asked.get_value() != this {
                return;
            }
            match fetched {
                Ok(all) => list.set(open(&all)),
                Err(failure) => error.set(format!(
                    "Suggestions could not be loaded: {}",
                    refusal(&failure.problem)
                )),
            }
        });
    });
    let withdraw = Callback::new(move |id: String| {
        spawn_local(async move {
            match api::withdraw(&doc_id.get_value(), &id).await {
                Ok(()) => error.set(String::new()),
                Err(failure) => error.set(refusal(&failure.problem)),
            }
            proposed.update(|n| *n += 1);
        });
    });
    let decide = Callback::new(move |(id, decisions): (String, Decisions)| {
        let rev = base.with_untracked(|d| d.rev);
        spawn_local(async move {
            match api::decide(&doc_id.get_value(), &id, rev, &decisions).await {
                Ok(_) => error.set(String::new()),
                Err(failure) => error.set(refusal(&failure.problem)),
            }
            proposed.update(|n| *n += 1);
        });
    });
    // Most documents have no open suggestion: the list's code is fetched with the first.
    let shown = move || list.with(|l| !l.is_empty()) || !error.with(String::is_empty);
    let part = move || {
        later("suggestions", move || {
            suggestion_list(list, error, rights, decide, on_update, withdraw)
        })
    };
    view! { <Show when=shown>{part}</Show> }
}

#[wasm_split_helpers::wasm_split(suggestions, fallible)]
fn suggestion_list(
    list: RwSignal<Vec<Suggestion>>,
    error: RwSignal<String>,
    rights: Signal<Rights>,
    decide: Callback<(String, Decisions)>,
    on_update: Callback<String>,
    withdraw: Callback<String>,
) -> Result<AnyView, SplitLoaderError> {
    Ok(view! {
        <section class="suggestions" aria-labelledby="suggestions-heading">
            <h2 id="suggestions-heading">{move || format!("Suggestions ({})", list.with(Vec::len))}</h2>
            {move || (!error.with(String::is_empty)).then(|| view! { <p class="form-error" role="alert">{error.get()}</p> })}
            <ol class="suggestion-list">
                {move || list.get().into_iter().map(|s| view! { <SuggestionItem suggestion=s rights decide on_update withdraw/> }).collect_view()}
            </ol>
        </section>
    }
    .into_any())
}

#[component]
fn SuggestionItem(
    suggestion: Suggestion,
    rights: Signal<Rights>,
    decide: Callback<(String, Decisions)>,
    on_update: Callback<String>,
    withdraw: Callback<String>,
) -> impl IntoView {
    let label = format!("suggestion-{}-label", suggestion.id);
    let labelled_by = label.clone();
    let heading = crate::ui::suggested::heading(&suggestion);
    let (all_in, all_out) = (accept_all(&suggestion), reject_all(&suggestion));
    let (any_in, any_out) = (!all_in.accept.is_empty(), !all_out.reject.is_empty());
    let author = suggestion.author.clone();
    let accepts = Signal::derive(move || rights.with(|r| r.accepts(&author)));
    let rejects = Signal::derive(move || rights.with(Rights::rejects));
    let author = suggestion.author.clone();
    let updates = Signal::derive(move || rights.with(|r| r.updates(&author)));
    let id = suggestion.id.clone();
    let id_out = suggestion.id.clone();
    let id_update = suggestion.id.clone();
    let id_withdraw = suggestion.id.clone();
    let hunks = suggestion
        .hunks
        .iter()
        .map(|hunk| {
            let name = hunk_name(&suggestion, hunk);
            view! { <HunkView suggestion_id=suggestion.id.clone() name hunk=hunk.clone() accepts rejects decide/> }
        })
        .collect_view();
    let note = (!suggestion.note.is_empty())
        .then(|| view! { <p class="note">{suggestion.note.clone()}</p> });
    view! {
        <li>
            <article class="suggestion" aria-labelledby=labelled_by>
                <h3 id=label>{heading}</h3>
                {note}
                <ol class="hunks">{hunks}</ol>
                <div class="actions">
                    <Show when=move || accepts.get() && any_in>
                        {
                            let (id, all) = (id.clone(), all_in.clone());
                            view! { <button type="button" on:click=move |_| decide.run((id.clone(), all.clone()))>"Accept all"</button> }
                        }
                    </Show>
                    <Show when=move || rejects.get() && any_out>
                        {
                            let (id, all) = (id_out.clone(), all_out.clone());
                            view! { <button type="button" on:click=move |_| decide.run((id.clone(), all.clone()))>"Reject all"</button> }
                        }
                    </Show>
                    <Show when=move || updates.get()>
                        {
                            let id = id_update.clone();
                            view! { <button type="button" on:click=move |_| on_update.run(id.clone())>"Update my suggestion"</button> }
                        }
                        {
                            let id = id_withdraw.clone();
                            view! { <button type="button" on:click=move |_| withdraw.run(id.clone())>"Withdraw my suggestion"</button> }
                        }
                    </Show>
                </div>
            </article>
        </li>
    }
}

#[component]
fn HunkView(
    suggestion_id: String,
    /// How its buttons name it ("change 2 of 3, in the body").
    name: String,
    hunk: SuggestedHunk,
    accepts: Signal<bool>,
    rejects: Signal<bool>,
    decide: Callback<(String, Decisions)>,
) -> impl IntoView {
    let (accept, reject) = (may_accept(&hunk), may_reject(&hunk));
    let (id, index) = (suggestion_id, hunk.index);
    let id_out = id.clone();
    let name_out = name.clone();
    view! {
        <li class="hunk">
            <HunkChange name=name.clone() hunk/>
            <Show when=move || accept && accepts.get()>
                {
                    let (id, name) = (id.clone(), name.clone());
                    view! {
                        <button type="button" aria-label=format!("Accept {name}")
                            on:click=move |_| decide.run((id.clone(), Decisions { accept: vec![index], reject: Vec::new() }))>"Accept"</button>
                    }
                }
            </Show>
            <Show when=move || reject && rejects.get()>
                {
                    let (id, name) = (id_out.clone(), name_out.clone());
                    view! {
                        <button type="button" aria-label=format!("Reject {name}")
                            on:click=move |_| decide.run((id.clone(), Decisions { accept: Vec::new(), reject: vec![index] }))>"Reject"</button>
                    }
                }
            </Show>
        </li>
    }
}
