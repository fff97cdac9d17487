//! The history page: every revision (who, when, what), the diff between any two, and
//! restoring an old revision or undoing one as a new revision. Rendered whole by the
//! server: comparing is a GET form, restore and undo are forms the server answers with a
//! redirect back here and a note of what happened (`server/src/pages/forms.rs`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{api, diff::DiffView, flash::FlashNote, time::RelativeTime, SignedIn};
use crate::{
    domain::Field,
    protocol::{RevisionList, RevisionSummary},
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
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let list = Resource::new(id, api::revisions);
    let doc = Resource::new(id, api::get_doc);
    let members = Resource::new(id, api::members);
    // The comparison the Compare form asked for, in the address.
    let asked = move || {
        let query = query.read();
        let rev = |key: &str| query.get(key).and_then(|rev| rev.parse::<i64>().ok());
        rev("from").zip(rev("to"))
    };
    let diff = Resource::new(
        move || (id(), asked()),
        |(id, asked)| {
            let diff = asked.map(|(from, to)| api::diff(id, from, to));
            async move {
                match diff {
                    Some(diff) => Some(diff.await),
                    None => None,
                }
            }
        },
    );
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
        <FlashNote/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                list.get().map(|result| match result {
                    Ok(list) => view! { <Revisions id=id() list can_change asked=asked()/> }.into_any(),
                    Err(failure) => view! { <p role="alert">{failure.problem.detail}</p> }.into_any(),
                })
            }}
        </Transition>
        <Suspense fallback=|| ()>
            {move || {
                diff.get().flatten().map(|result| match result {
                    Ok(diff) => view! { <DiffView diff/> }.into_any(),
                    Err(failure) => view! {
                        <p role="alert">{format!("Could not compare: {}", failure.problem.detail)}</p>
                    }
                    .into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn Revisions(
    id: String,
    list: RevisionList,
    can_change: Signal<bool>,
    /// The revisions compared, if any: the form keeps them chosen.
    asked: Option<(i64, i64)>,
) -> impl IntoView {
    let newest = list.items.first().map(|r| r.rev).unwrap_or(1);
    let (from, to) = asked.unwrap_or_else(|| (list.items.get(1).map_or(newest, |r| r.rev), newest));
    let revs: Vec<i64> = list.items.iter().map(|r| r.rev).collect();
    let options = move |selected: i64| {
        revs.iter()
            .copied()
            .map(|rev| {
                view! { <option value=rev.to_string() selected=rev == selected>{format!("Revision {rev}")}</option> }
            })
            .collect_view()
    };
    let (from_options, to_options) = (options.clone()(from), options(to));
    let rows = list
        .items
        .iter()
        .cloned()
        .map(|revision| view! { <RevisionRow id=id.clone() revision current=newest can_change/> })
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
        <form class="compare" method="get" action=format!("/docs/{id}/history") aria-label="Compare revisions">
            <label for="from">"From revision"</label>
            <select id="from" name="from">{from_options}</select>
            <label for="to">"To revision"</label>
            <select id="to" name="to">{to_options}</select>
            <button type="submit">"Compare"</button>
        </form>
    }
}

#[component]
fn RevisionRow(
    id: String,
    revision: RevisionSummary,
    current: i64,
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
    // Changes someone suggested, accepted by the revision's author.
    let suggested = revision
        .suggested_by
        .map(|who| format!(", accepting {}'s suggestion", who.name));
    let link = format!("/docs/{id}/revisions/{rev}");
    let change = move |action: &'static str, question: String, label: String| {
        let id = id.clone();
        view! { <ChangeForm id action rev current question label/> }
    };
    view! {
        <tr>
            <th scope="row">
                <a href=link aria-label=format!("Revision {rev}")>{rev}</a>
            </th>
            <td data-label="By">{revision.by.name}{suggested}</td>
            <td data-label="When"><RelativeTime at=revision.at/></td>
            <td data-label="Changed">{changed.join(", ")}{merged}</td>
            <td data-label="Status">{revision.status.as_str()}</td>
            <td><div class="row-actions">
                // A revision that only moved the status has the text of the one before it.
                {
                    let change = change.clone();
                    move || (can_change.get() && rev != current && !status_only).then(|| change(
                        "restore",
                        format!("Restore revision {rev}? Its title, slug, tags and text become a new revision; nothing in the history is lost."),
                        format!("Restore revision {rev}"),
                    ))
                }
                // The first revision made the document; a status move is undone by a transition.
                {move || (can_change.get() && rev > 1 && !status_only).then(|| change(
                    "undo",
                    format!("Undo revision {rev}? What it changed is taken back; everything saved after it stays. This becomes a new revision."),
                    format!("Undo revision {rev}"),
                ))}
            </div></td>
        </tr>
    }
}

/// Restore or undo as a form, asked first by the page's script (`data-confirm`). `current`
/// is the newest revision shown: if the document changed since, the server refuses rather
/// than guess.
#[component]
fn ChangeForm(
    id: String,
    action: &'static str,
    rev: i64,
    current: i64,
    question: String,
    label: String,
) -> impl IntoView {
    view! {
        <form method="post" action=format!("/docs/{id}/history") data-confirm=question>
            <input type="hidden" name="do" value=action/>
            <input type="hidden" name="rev" value=rev.to_string()/>
            <input type="hidden" name="current" value=current.to_string()/>
            <button type="submit">{label}</button>
        </form>
    }
}
