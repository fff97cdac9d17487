//! An inline diff: removed text struck through, added text underlined, both named for
//! screen readers.

use leptos::prelude::*;

use crate::domain::merge::{inline_diff, DiffKind, Segment};

#[component]
pub fn InlineDiff(#[prop(into)] old: String, #[prop(into)] new: String) -> impl IntoView {
    view! { <Segments segments=inline_diff(&old, &new)/> }
}

/// Renders diff segments computed elsewhere (e.g. by the server's diff endpoint).
#[component]
pub fn Segments(segments: Vec<Segment>) -> impl IntoView {
    let unchanged = segments.iter().all(|s| s.kind == DiffKind::Equal);
    let parts = segments
        .into_iter()
        .map(|segment| match segment.kind {
            DiffKind::Equal => view! { <span>{segment.text}</span> }.into_any(),
            DiffKind::Insert => view! { <ins><span class="sr-only">"added: "</span>{segment.text}</ins> }.into_any(),
            DiffKind::Delete => view! { <del><span class="sr-only">"removed: "</span>{segment.text}</del> }.into_any(),
        })
        .collect_view();
    view! {
        <div class="diff" class:unchanged=unchanged>
            {parts}
        </div>
    }
}
