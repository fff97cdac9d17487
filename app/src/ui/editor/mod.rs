//! The editor: edit a document and save it against the revision it was loaded at.

use leptos::{ev, prelude::*, task::spawn_local};
use leptos_router::hooks::use_params_map;

use super::{
    api,
    fields::{tags_from_input, tags_to_input, FieldInputs, FieldsForm},
    SignedIn,
};
use crate::{
    domain::FieldError,
    protocol::{join_names, Document, PutDoc, StaleRevision},
};

#[component]
pub fn EditorPage() -> impl IntoView {
    view! {
        <SignedIn>
            <EditorLoader/>
        </SignedIn>
    }
}

#[component]
fn EditorLoader() -> impl IntoView {
    let params = use_params_map();
    let doc = Resource::new(move || params.read().get("id").unwrap_or_default(), api::get_doc);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                doc.get().map(|result| match result {
                    Ok(doc) => view! { <Editor doc/> }.into_any(),
                    Err(failure) => view! {
                        <h1>"Document unavailable"</h1>
                        <p role="alert">{failure.problem.detail}</p>
                        <a href="/">"Back to the documents"</a>
                    }
                    .into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn Editor(doc: Document) -> impl IntoView {
    let inputs = FieldInputs::new(&doc.title, &doc.slug, &doc.tags, &doc.body);
    // The last revision the server confirmed: what a save's If-Match names.
    let base = RwSignal::new(doc);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let status = RwSignal::new(String::new());
    let stale = RwSignal::new(None::<StaleRevision>);
    let saving = RwSignal::new(false);

    let dirty = Memo::new(move |_| {
        base.with(|doc| {
            inputs.title.with(|t| *t != doc.title)
                || inputs.slug.with(|s| *s != doc.slug)
                || inputs.tags.with(|t| tags_from_input(t) != doc.tags)
                || inputs.body.with(|b| *b != doc.body)
        })
    });

    let save = move || {
        if saving.get_untracked() {
            return;
        }
        let sent = PutDoc {
            title: inputs.title.get_untracked(),
            slug: inputs.slug.get_untracked(),
            tags: tags_from_input(&inputs.tags.get_untracked()),
            body: inputs.body.get_untracked(),
            base_rev: None,
        };
        let (id, base_rev) = base.with_untracked(|doc| (doc.id.clone(), doc.rev));
        saving.set(true);
        status.set("Saving…".into());
        spawn_local(async move {
            match api::put_doc(&id, base_rev, sent.clone()).await {
                Ok(saved) => {
                    adopt_saved(inputs, &sent, &saved);
                    status.set(format!("Saved as revision {}", saved.rev));
                    errors.set(Vec::new());
                    stale.set(None);
                    base.set(saved);
                }
                Err(failure) => {
                    if let Some(conflict) = failure.problem.stale() {
                        status.set(format!("Not saved: revision {} is newer than yours.", conflict.current_rev));
                        stale.set(Some(conflict));
                    } else {
                        errors.set(failure.problem.errors.clone());
                        status.set(format!("Not saved: {}", failure.problem.detail));
                    }
                }
            }
            saving.set(false);
        });
    };

    let keydown = window_event_listener(ev::keydown, move |ev| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key().eq_ignore_ascii_case("s") {
            ev.prevent_default();
            save();
        }
    });
    on_cleanup(move || keydown.remove());

    let readonly = Signal::derive(move || base.with(|doc| !doc.status.is_editable()));
    view! {
        <div class="heading-row">
            <h1>{move || base.with(|doc| doc.title.clone())}</h1>
            <p class="meta">
                {move || {
                    base.with(|doc| {
                        format!(
                            "Revision {} · {} · last saved by {}",
                            doc.rev,
                            doc.status.as_str(),
                            doc.updated_by.name,
                        )
                    })
                }}
            </p>
        </div>
        <StaleBanner stale/>
        <form
            class="doc"
            aria-label="Edit document"
            on:submit=move |ev: ev::SubmitEvent| {
                ev.prevent_default();
                save();
            }
        >
            <FieldsForm inputs errors readonly/>
            <div class="actions">
                <button type="submit" disabled=move || saving.get() || readonly.get()>"Save"</button>
                <span class="hint">"Ctrl+S / ⌘S"</span>
                <span class="dirty">{move || dirty.get().then_some("Unsaved changes")}</span>
            </div>
            <p role="status" class="status" aria-live="polite">{move || status.get()}</p>
        </form>
    }
}

/// After a save, show the stored (normalised) values — but only in inputs the person has
/// not typed into since the save was sent, so no keystroke is ever overwritten.
fn adopt_saved(inputs: FieldInputs, sent: &PutDoc, saved: &Document) {
    if inputs.title.get_untracked() == sent.title {
        inputs.title.set(saved.title.clone());
    }
    if inputs.slug.get_untracked() == sent.slug {
        inputs.slug.set(saved.slug.clone());
    }
    if tags_from_input(&inputs.tags.get_untracked()) == sent.tags {
        inputs.tags.set(tags_to_input(&saved.tags));
    }
    if inputs.body.get_untracked() == sent.body {
        inputs.body.set(saved.body.clone());
    }
}

/// Says plainly who changed the document; the person's own text stays in the form.
#[component]
fn StaleBanner(stale: RwSignal<Option<StaleRevision>>) -> impl IntoView {
    move || {
        stale.get().map(|conflict| {
            let names = join_names(conflict.changed_by.iter().map(|c| c.by.name.as_str()));
            let who = if conflict.self_conflict { "You (in another tab or window)".to_owned() } else { names };
            let fields = {
                let mut fields: Vec<&str> =
                    conflict.changed_by.iter().flat_map(|c| c.fields.iter().map(|f| f.name())).collect();
                fields.sort_unstable();
                fields.dedup();
                fields.join(", ")
            };
            view! {
                <div class="banner conflict" role="alert">
                    <p>
                        <strong>{format!("{who} saved revision {}", conflict.current_rev)}</strong>
                        {format!(
                            " while you were editing revision {} (changed: {}). Your text has not been saved and is still in the editor below.",
                            conflict.your_base_rev,
                            if fields.is_empty() { "status".to_owned() } else { fields },
                        )}
                    </p>
                </div>
            }
        })
    }
}
