//! An inline diff: removed text struck through, added text underlined, both named for
//! screen readers.

use leptos::prelude::*;

use crate::{
    domain::diff::{DiffKind, FieldDiff, Segment},
    protocol::DocDiff,
};

/// Renders diff segments computed elsewhere (e.g. by the server's diff endpoint).
#[component]
pub fn Segments(segments: Vec<Segment>) -> impl IntoView {
    let unchanged = segments.iter().all(|s| s.kind == DiffKind::Equal);
    let parts = segments
        .into_iter()
        .map(|segment| match segment.kind {
            DiffKind::Equal => view! { <span>{segment.text}</span> }.into_any(),
            DiffKind::Insert => {
                view! { <ins><span class="sr-only">"added: "</span>{segment.text}</ins> }.into_any()
            }
            DiffKind::Delete => {
                view! { <del><span class="sr-only">"removed: "</span>{segment.text}</del> }
                    .into_any()
            }
        })
        .collect_view();
    view! {
        <div class="diff" class:unchanged=unchanged>
            {parts}
        </div>
    }
}

/// The changed fields between two revisions, as the diff endpoint reports them.
#[component]
pub fn DiffView(diff: DocDiff) -> impl IntoView {
    let changed: Vec<FieldDiff> = diff.fields.into_iter().filter(|f| f.changed).collect();
    let heading = format!(
        "Changes from revision {} to revision {}",
        diff.from, diff.to
    );
    let label = heading.clone();
    let body = if changed.is_empty() {
        view! { <p>"No differences."</p> }.into_any()
    } else {
        changed
            .into_iter()
            .map(|field| {
                let detail = if !field.words.is_empty() {
                    view! { <Segments segments=field.words/> }.into_any()
                } else if !field.added.is_empty() || !field.removed.is_empty() {
                    // Only the sides that have something: no "Removed:" followed by nothing.
                    let line = |label: &str, tags: &[String]| {
                        (!tags.is_empty())
                            .then(|| view! { <p>{format!("{label}: {}", tags.join(", "))}</p> })
                    };
                    view! {
                        {line("Added", &field.added)}
                        {line("Removed", &field.removed)}
                    }
                    .into_any()
                } else {
                    let show = |v: &serde_json::Value| {
                        v.as_str()
                            .map(str::to_owned)
                            .unwrap_or_else(|| v.to_string())
                    };
                    view! { <p>{format!("{} → {}", show(&field.from), show(&field.to))}</p> }
                        .into_any()
                };
                view! {
                    <fieldset class="row">
                        <legend>{field.field.label()}</legend>
                        {detail}
                    </fieldset>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="diff-view" aria-label=label>
            <h2>{heading}</h2>
            {body}
        </section>
    }
}
