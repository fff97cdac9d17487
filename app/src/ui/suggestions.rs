//! A document's suggestions as the read view shows them (issue 24), rendered by the server:
//! the open ones, each change word by word (what goes, what comes, a little text around),
//! who and why; and the form with which a reader suggests changes (`suggest.js` sends it).
//! Deciding on them is for editors and the owner, in the editor.

use leptos::prelude::*;

use super::{
    hunk::HunkChange,
    suggested::{heading, hunk_name, open},
};
use crate::protocol::Suggestion;

/// The open suggestions; the script puts a newer rendering in place when one changes
/// (`data-part="suggestions"`).
#[component]
pub fn ReadSuggestions(
    doc_id: String,
    suggestions: Vec<Suggestion>,
    /// The reader's id: their own suggestions can be withdrawn.
    me: String,
) -> impl IntoView {
    let shown = open(&suggestions);
    let count = shown.len();
    view! {
        <section class="suggestions" aria-labelledby="suggestions-heading" data-part="suggestions">
            <h2 id="suggestions-heading">{format!("Suggestions ({count} open)")}</h2>
            {(count == 0).then(|| view! { <p class="hint">"No open suggestions."</p> })}
            <ol class="suggestion-list">
                {shown.into_iter().map(|s| {
                    let mine = s.author.id == me;
                    view! { <SuggestionView doc_id=doc_id.clone() suggestion=s mine/> }
                }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn SuggestionView(doc_id: String, suggestion: Suggestion, mine: bool) -> impl IntoView {
    let label = format!("suggestion-{}-label", suggestion.id);
    let labelled_by = label.clone();
    let title = heading(&suggestion);
    let hunks = suggestion
        .hunks
        .iter()
        .map(|h| view! { <li class="hunk"><HunkChange name=hunk_name(&suggestion, h) hunk=h.clone()/></li> })
        .collect_view();
    let note = (!suggestion.note.is_empty())
        .then(|| view! { <p class="note">{suggestion.note.clone()}</p> });
    view! {
        <li>
            <article class="suggestion" aria-labelledby=labelled_by>
                <h3 id=label>{title}</h3>
                {note}
                <ol class="hunks">{hunks}</ol>
                {mine.then(|| view! {
                    // `suggest.js` sends it; the list is drawn again once it is done.
                    <form class="actions" data-withdraw=doc_id data-suggestion=suggestion.id.clone()>
                        <button type="submit">"Withdraw my suggestion"</button>
                        <p class="form-error" role="alert" data-error=""></p>
                    </form>
                })}
            </article>
        </li>
    }
}

/// A reader's way to suggest: the fields filled with the current values when opened, a
/// note, and "Submit suggestion". Outside the redrawn part, so an open form stays open.
#[component]
pub fn SuggestForm(doc_id: String) -> impl IntoView {
    view! {
        <details class="suggest">
            <summary>"Suggest changes"</summary>
            <form class="suggest-form" data-suggest=doc_id aria-label="Suggest changes">
                <p class="hint">"Change what you would change; the document stays as it is until an editor accepts."</p>
                <label for="suggest-title">"Title"</label>
                <input id="suggest-title" name="title" maxlength="200"/>
                <label for="suggest-tags">"Tags, separated by commas"</label>
                <input id="suggest-tags" name="tags"/>
                <label for="suggest-body">"Text"</label>
                <textarea id="suggest-body" name="body" rows="14"></textarea>
                <label for="suggest-note">"Why (optional)"</label>
                <textarea id="suggest-note" name="note" rows="2" maxlength="10000"></textarea>
                <p class="form-error" role="alert" data-error=""></p>
                <button type="submit">"Submit suggestion"</button>
            </form>
        </details>
    }
}
