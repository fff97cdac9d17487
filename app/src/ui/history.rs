//! The history page: every revision (who, when, what), the diff between any two, and
//! restoring an old revision as a new one.

use leptos::{prelude::*, task::spawn_local};
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{api, browser, diff::DiffView, time::RelativeTime, SignedIn};
use crate::{
    domain::Field,
    protocol::{DocDiff, RevisionList, RevisionSummary},
};

#[component]
pub fn HistoryPage() -> impl IntoView {
    view! {
        <SignedIn>
            <History/>
        </SignedIn>
    }
}

#[component]
fn History() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let list = Resource::new(id, api::revisions);
    let doc = Resource::new(id, api::get_doc);
    let members = Resource::new(id, api::members);
    // Restore and undo only for those who may change the document, and only while it can
    // be changed (not archived): nobody is offered what would be refused.
    let can_change = Signal::derive(move || {
        let role = members.get().and_then(Result::ok).map(|m| m.your_role);
        let editable = doc
            .get()
            .and_then(Result::ok)
            .map(|d| d.status.is_editable());
        role.is_some_and(|r| r.can_edit()) && editable == Some(true)
    });
    let back = move || {
        let edits = members
            .get()
            .and_then(Result::ok)
            .is_some_and(|m| m.your_role.can_edit());
        if edits {
            "Back to the editor"
        } else {
            "Back to the document"
        }
    };
    let title = move || {
        doc.get()
            .and_then(Result::ok)
            .map(|doc| doc.title)
            .unwrap_or_default()
    };
    let status = RwSignal::new(String::new());
    let refresh = Callback::new(move |_| list.refetch());
    view! {
        <Suspense fallback=|| ()>
            {move || {
                doc.get().and_then(Result::ok).map(|doc| {
                    view! { <Title text=format!("History · {} — Concord", doc.title)/> }
                })
            }}
        </Suspense>
        <div class="heading-row">
            <h1>"History · " <Suspense fallback=|| ()>{title}</Suspense></h1>
            <Suspense fallback=|| ()>
                <a href=move || format!("/docs/{}", id())>{back}</a>
            </Suspense>
        </div>
        <p role="status" class="status" aria-live="polite">{move || status.get()}</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                list.get().map(|result| match result {
                    Ok(list) => view! { <Revisions id=id() list status refresh can_change/> }.into_any(),
                    Err(failure) => view! { <p role="alert">{failure.problem.detail}</p> }.into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
fn Revisions(
    id: String,
    list: RevisionList,
    status: RwSignal<String>,
    refresh: Callback<()>,
    can_change: Signal<bool>,
) -> impl IntoView {
    let newest = list.items.first().map(|r| r.rev).unwrap_or(1);
    let from = RwSignal::new(list.items.get(1).map_or(newest, |r| r.rev));
    let to = RwSignal::new(newest);
    let diff = RwSignal::new(None::<DocDiff>);
    let id = StoredValue::new(id);

    let compare = move |_| {
        let (a, b) = (from.get_untracked(), to.get_untracked());
        spawn_local(async move {
            match api::diff(&id.get_value(), a, b).await {
                Ok(found) => {
                    status.set(format!(
                        "Showing the changes from revision {a} to revision {b}."
                    ));
                    diff.set(Some(found));
                }
                Err(failure) => {
                    status.set(format!("Could not compare: {}", failure.problem.detail))
                }
            }
        });
    };
    let restore = move |rev: i64| {
        let question = format!(
            "Restore revision {rev}? Its title, slug, tags and text become a new revision; nothing in the history is lost."
        );
        if !browser::confirm(&question) {
            return;
        }
        spawn_local(async move {
            match api::restore(&id.get_value(), rev, newest).await {
                Ok(doc) if doc.rev == newest => status.set(format!(
                    "Revision {rev} has the same content as the current one; nothing to restore."
                )),
                Ok(doc) => {
                    status.set(format!("Restored revision {rev} as revision {}.", doc.rev));
                    refresh.run(());
                }
                Err(failure) => status.set(format!("Not restored: {}", failure.problem.detail)),
            }
        });
    };
    let undo = move |rev: i64| {
        let question = format!(
            "Undo revision {rev}? What it changed is taken back; everything saved after it stays. This becomes a new revision."
        );
        if !browser::confirm(&question) {
            return;
        }
        spawn_local(async move {
            match api::undo(&id.get_value(), rev, newest).await {
                Ok(doc) if doc.rev == newest => status.set(format!(
                    "Revision {rev}'s change is already gone; nothing to undo."
                )),
                Ok(doc) => {
                    status.set(format!("Undid revision {rev} as revision {}.", doc.rev));
                    refresh.run(());
                }
                Err(failure) => status.set(format!("Not undone: {}", failure.problem.detail)),
            }
        });
    };
    let revs: Vec<i64> = list.items.iter().map(|r| r.rev).collect();
    let options = move |selected: RwSignal<i64>| {
        revs.iter()
            .copied()
            .map(|rev| {
                view! { <option value=rev.to_string() selected=move || selected.get() == rev>{format!("Revision {rev}")}</option> }
            })
            .collect_view()
    };
    let (from_options, to_options) = (options(from), options(to));
    let rows = list
        .items
        .iter()
        .cloned()
        .map(|revision| {
            view! {
                <RevisionRow
                    id=id.get_value()
                    revision
                    current=newest
                    on_restore=Callback::new(restore)
                    on_undo=Callback::new(undo)
                    can_change
                />
            }
        })
        .collect_view();

    view! {
        <table class="history">
            <caption class="sr-only">"Revisions, newest first"</caption>
            <thead>
                <tr>
                    <th scope="col">"Revision"</th>
                    <th scope="col">"By"</th>
                    <th scope="col">"When"</th>
                    <th scope="col">"Changed"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <div class="compare" role="group" aria-label="Compare revisions">
            <label for="from">"From revision"</label>
            <select id="from" on:change=move |ev| from.set(event_target_value(&ev).parse().unwrap_or(1))>{from_options}</select>
            <label for="to">"To revision"</label>
            <select id="to" on:change=move |ev| to.set(event_target_value(&ev).parse().unwrap_or(1))>{to_options}</select>
            <button type="button" on:click=compare>"Compare"</button>
        </div>
        {move || diff.get().map(|diff| view! { <DiffView diff/> })}
    }
}

#[component]
fn RevisionRow(
    id: String,
    revision: RevisionSummary,
    current: i64,
    on_restore: Callback<i64>,
    on_undo: Callback<i64>,
    can_change: Signal<bool>,
) -> impl IntoView {
    let rev = revision.rev;
    let status_only = revision.fields == [Field::Status];
    let changed: Vec<&str> = revision.fields.iter().map(|f| f.name()).collect();
    // A save the server merged over what others saved since its base.
    let merged = revision.merge_base.map(|base| {
        let (first, last) = (base + 1, rev - 1);
        if first == last {
            format!(" (merged with revision {first})")
        } else {
            format!(" (merged with revisions {first}–{last})")
        }
    });
    view! {
        <tr>
            <th scope="row">
                <a href=format!("/docs/{id}/revisions/{rev}") aria-label=format!("Revision {rev}")>{rev}</a>
            </th>
            <td data-label="By">{revision.by.name}</td>
            <td data-label="When"><RelativeTime at=revision.at/></td>
            <td data-label="Changed">{changed.join(", ")}{merged}</td>
            <td data-label="Status">{revision.status.as_str()}</td>
            <td><div class="row-actions">
                // A revision that only moved the status has the text of the one before it.
                {move || (can_change.get() && rev != current && !status_only).then(|| view! {
                    <button type="button" on:click=move |_| on_restore.run(rev)>{format!("Restore revision {rev}")}</button>
                })}
                // The first revision made the document; a status move is undone by a transition.
                {move || (can_change.get() && rev > 1 && !status_only).then(|| view! {
                    <button type="button" on:click=move |_| on_undo.run(rev)>{format!("Undo revision {rev}")}</button>
                })}
            </div></td>
        </tr>
    }
}
