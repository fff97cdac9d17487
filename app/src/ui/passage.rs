//! A thread's passage and comments as both the read view and the editor show them (issue 23).

use leptos::prelude::*;

use chrono::{DateTime, Utc};

use super::time::relative;
use crate::domain::anchor::AnchorState;
use crate::protocol::{unreached_note, Comment, ThreadAnchor};

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

/// A thread's comments, oldest first: who, how long ago by `now` (the server's clock or the
/// browser's; UTC on hover and without a clock), and what they wrote.
#[component]
pub fn Comments(
    comments: Vec<Comment>,
    now: Option<DateTime<Utc>>,
    /// What follows a comment: for one's own, the means to edit or delete it.
    #[prop(optional)]
    after: Option<Callback<Comment, Option<AnyView>>>,
) -> impl IntoView {
    let items = comments.into_iter().map(|comment| {
        let extra = after.and_then(|after| after.run(comment.clone()));
        let at = comment.created_at;
        let utc = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
        let shown = now
            .and_then(|now| relative(now, at))
            .unwrap_or_else(|| utc.clone());
        view! {
            <li>
                <p class="who">
                    <strong>{comment.author.name}</strong>" "
                    <time datetime=at.to_rfc3339() title=utc>{shown}</time>
                    {comment.edited_at.map(|_| " (edited)")}
                </p>
                <p class="comment-text">{comment.text}</p>
                {unreached_note(&comment.unreached).map(|note| view! { <p class="unreached">{note}</p> })}
                {extra}
            </li>
        }
    });
    view! { <ol class="comments">{items.collect_view()}</ol> }
}
