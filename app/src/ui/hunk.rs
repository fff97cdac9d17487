//! One suggested change as both the read view and the editor show it: the words around it,
//! what it removes and what it inserts, and what became of it.

use leptos::prelude::*;

use super::suggested::state_note;
use crate::protocol::SuggestedHunk;

/// `name` says which change it is to a screen reader ("change 2 of 3, in the body").
#[component]
pub fn HunkChange(name: String, hunk: SuggestedHunk) -> impl IntoView {
    let removed = (!hunk.removed.is_empty()).then(|| view! { <del>{hunk.removed.clone()}</del> });
    let inserted =
        (!hunk.inserted.is_empty()).then(|| view! { <ins>{hunk.inserted.clone()}</ins> });
    view! {
        <p class="change">
            <span class="sr-only">{format!("{name}: ")}</span>
            {hunk.before.clone()}{removed}{inserted}{hunk.after.clone()}
        </p>
        {state_note(&hunk).map(|note| view! { <p class="hunk-state">{note}</p> })}
    }
}
