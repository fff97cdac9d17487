//! One's own comment in the editor's threads: rewritten from the version it had when the
//! person started rewriting, deleted from the version shown (a change made to it meanwhile
//! elsewhere is refused, 412, and said; what was typed stays).

use std::collections::BTreeMap;

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::discuss::{refusal, Rewrite};
use super::mention_field::MentionField;
use crate::protocol::Comment;
use crate::ui::{api, browser};

/// Rewrites being typed, by comment, each with the comment's version when it was started: a
/// thread redrawn because it changed keeps them, and their save still names that version.
pub(super) type Rewrites = RwSignal<BTreeMap<String, Rewrite>>;

#[component]
pub(super) fn OwnComment(
    doc_id: StoredValue<String>,
    thread_id: StoredValue<String>,
    comment: Comment,
    rewrites: Rewrites,
    changed: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(comment.id.clone());
    let field = format!("edit-{}", comment.id);
    let typed = Signal::derive(move || {
        rewrites.with(|r| {
            r.get(&id.get_value())
                .map(|r| r.text.clone())
                .unwrap_or_default()
        })
    });
    let comment = StoredValue::new(comment);
    let error = RwSignal::new(String::new());
    let editing = move || rewrites.with(|r| r.contains_key(&id.get_value()));
    let start = move |_| {
        let started = comment.with_value(Rewrite::of);
        rewrites.update(|r| {
            r.insert(id.get_value(), started);
        });
    };
    let stop = move || {
        rewrites.update(|r| {
            r.remove(&id.get_value());
        })
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(rewrite) = rewrites.with_untracked(|r| r.get(&id.get_value()).cloned()) else {
            return;
        };
        spawn_local(async move {
            let named = comment.with_value(|shown| rewrite.names(shown));
            let (doc, thread) = (doc_id.get_value(), thread_id.get_value());
            match api::edit_comment(&doc, &thread, &named, rewrite.text).await {
                Ok(_) => {
                    stop();
                    changed.run(());
                }
                Err(failure) => error.set(refusal(&failure.problem)),
            }
        });
    };
    let delete = move |_| {
        if !browser::confirm("Delete your comment?") {
            return;
        }
        spawn_local(async move {
            let shown = comment.get_value();
            match api::delete_comment(&doc_id.get_value(), &thread_id.get_value(), &shown).await {
                Ok(()) => changed.run(()),
                Err(failure) => error.set(refusal(&failure.problem)),
            }
        });
    };
    view! {
        <div class="own-comment">
            <Show
                when=editing
                fallback=move || view! {
                    <button type="button" aria-label="Edit your comment" on:click=start>"Edit"</button>
                    <button type="button" aria-label="Delete your comment" on:click=delete>"Delete"</button>
                }
            >
                <form class="edit-comment" on:submit=save>
                    <label for=field.clone()>"Your comment"</label>
                    <MentionField doc_id id=field.clone() rows=2 value=typed
                        on_input=Callback::new(move |value| {
                            rewrites.update(|r| {
                                if let Some(typed) = r.get_mut(&id.get_value()) {
                                    typed.text = value;
                                }
                            });
                        })/>
                    <button type="submit">"Save comment"</button>
                    <button type="button" on:click=move |_| stop()>"Cancel"</button>
                </form>
            </Show>
            {move || (!error.with(String::is_empty)).then(|| view! { <p class="form-error" role="alert">{error.get()}</p> })}
        </div>
    }
}
