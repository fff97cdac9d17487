//! The "New document" form: typing kept as a draft, the create sent with an idempotency
//! key, then on to the new document's editor.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

use super::{
    api, browser,
    draft::{self, NewDraft},
    fields::{tags_from_input, FieldInputs, FieldsForm},
    retry, SignedIn,
};
use crate::{domain::FieldError, protocol::CreateDoc};

#[component]
pub fn NewDocPage() -> impl IntoView {
    view! {
        <SignedIn>
            <NewDoc/>
        </SignedIn>
    }
}

#[component]
fn NewDoc() -> impl IntoView {
    // Effects run only in the browser, once the page is hydrated.
    let ready = RwSignal::new(false);
    Effect::new(move |_| ready.set(true));
    let navigate = use_navigate();
    let inputs = FieldInputs::new("", "", &[], "");
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let suggestions = RwSignal::new(Vec::<String>::new());
    let message = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    // One key per "Create": retries and repeated clicks reuse it, so they make one document.
    let key = RwSignal::new(browser::new_idempotency_key());

    // What is typed is kept in this browser until the document is created, and leaving
    // with unsaved input asks first.
    let restored = RwSignal::new(false);
    let drafting = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(found) = draft::load_new() {
            inputs.title.set(found.title);
            inputs.slug.set(found.slug);
            inputs.tags.set(found.tags);
            inputs.body.set(found.body);
            restored.set(true);
        }
        drafting.set(true);
    });
    let typed = move || NewDraft {
        title: inputs.title.get(),
        slug: inputs.slug.get(),
        tags: inputs.tags.get(),
        body: inputs.body.get(),
    };
    Effect::new(move |_| {
        let draft = typed();
        if drafting.get() && !draft::save_new(&draft) {
            message.set(
                "This browser is not keeping a local copy of this form (storage unavailable)."
                    .into(),
            );
        }
    });
    let unsaved = move || !busy.get_untracked() && !untrack(typed).is_empty();
    let guard = StoredValue::new(None::<browser::LeaveGuard>);
    Effect::new(move |_| {
        guard.set_value(Some(browser::guard_leaving(
            unsaved,
            "Leave this page? The new document is not created yet; its text stays in this browser as a draft.",
        )));
    });
    on_cleanup(move || guard.set_value(None));
    let discard = move |_| {
        draft::clear_new();
        inputs.title.set(String::new());
        inputs.slug.set(String::new());
        inputs.tags.set(String::new());
        inputs.body.set(String::new());
        restored.set(false);
        message.set("The unsaved new document was discarded.".into());
    };

    let create = move || {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let doc = CreateDoc {
            title: inputs.title.get_untracked(),
            slug: inputs.slug.get_untracked(),
            tags: tags_from_input(&inputs.tags.get_untracked()),
            body: inputs.body.get_untracked(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let sent_key = key.get_untracked();
            let outcome = retry::with_retries(message, || {
                message.set("Creating…".into());
                api::create_doc(doc.clone(), &sent_key)
            })
            .await;
            match outcome {
                Ok(doc) => {
                    draft::clear_new();
                    navigate(&format!("/docs/{}", doc.id), Default::default())
                }
                Err(failure) => {
                    busy.set(false);
                    errors.set(failure.problem.errors.clone());
                    suggestions.set(failure.problem.suggestions());
                    message.set(format!("Not created: {}", failure.problem.detail));
                    // Whatever is submitted next is a new request.
                    if !retry::is_transient(failure.status) {
                        key.set(browser::new_idempotency_key());
                    }
                }
            }
        });
    };
    let on_submit = {
        let create = create.clone();
        move |ev: SubmitEvent| {
            ev.prevent_default();
            create();
        }
    };
    let on_suggestion = Callback::new(move |slug: String| {
        inputs.slug.set(slug);
        create();
    });

    view! {
        <h1>"New document"</h1>
        {move || restored.get().then(|| view! {
            <section class="banner" aria-label="Unsaved new document">
                <p>"Your unsaved new document is restored from this browser."</p>
                <button type="button" on:click=discard>"Discard it"</button>
            </section>
        })}
        <form class="doc" on:submit=on_submit>
            // Closed until the client runs: text typed into the server's HTML would be lost
            // when hydration sets the fields from the (empty) state.
            <fieldset class="plain" disabled=move || !ready.get()>
                <FieldsForm inputs errors suggestions on_suggestion/>
                <p role="status" class="status">{move || message.get()}</p>
                <button type="submit" disabled=move || busy.get()>"Create"</button>
            </fieldset>
        </form>
    }
}
