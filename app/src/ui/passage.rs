//! A thread's passage as both the read view and the editor show it (issue 23).

use leptos::prelude::*;

use crate::domain::anchor::AnchorState;
use crate::protocol::ThreadAnchor;

/// The words commented on, and what became of them.
#[component]
pub fn Passage(anchor: ThreadAnchor) -> impl IntoView {
    let note = match anchor.state {
        AnchorState::Intact => None,
        AnchorState::Changed => Some(format!(
            "The text changed since this comment; it is now: “{}”",
            anchor.text
        )),
        AnchorState::Detached => Some("The passage was deleted.".to_owned()),
    };
    view! {
        <blockquote class="quote">{anchor.quote}</blockquote>
        {note.map(|note| view! { <p class="anchor-note">{note}</p> })}
    }
}
