//! Rendered Markdown: the read view of a document, and the preview beside the form. The
//! server renders and sanitises; the page only displays.

use leptos::{prelude::*, task::spawn_local};

use super::{api, browser};
use crate::{domain::tasks, protocol::Highlighted};

/// `body` rendered, following it as it changes: a short pause after the last change, and
/// only the newest answer is shown. `first` is the body as it stands rendered already (by the
/// server, so the text shows before the client runs): it is not asked for again.
fn rendered(
    body: RwSignal<String>,
    active: Signal<bool>,
    first: Option<String>,
    passages: Signal<Vec<Highlighted>>,
) -> RwSignal<Option<String>> {
    let given = first.is_some();
    let html = RwSignal::new(first);
    let generation = StoredValue::new(0_u64);
    Effect::new(move |ran: Option<()>| {
        // Hidden, it follows nothing (no copy of the body on every key); shown, it reads it.
        if !active.get() {
            return;
        }
        let markdown = body.get();
        let passages = passages.get();
        if ran.is_none() && given {
            return;
        }
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        spawn_local(async move {
            if html.with_untracked(Option::is_some) {
                browser::sleep(std::time::Duration::from_millis(300)).await;
            }
            if generation.get_value() != mine {
                return;
            }
            if let Ok(preview) = api::preview(markdown, passages).await {
                if generation.get_value() == mine {
                    html.set(Some(preview.html));
                }
            }
        });
    });
    html
}

/// The document as readers see it: rendered, not a form. With `on_tick`, its task boxes can
/// be ticked (for people who may change it): each tick names where its `[ ]` starts.
#[component]
pub fn ReadView(
    body: RwSignal<String>,
    #[prop(optional, into)] on_tick: Option<Callback<usize>>,
    #[prop(optional, into)] can_tick: Option<Signal<bool>>,
    /// Set once the text is in place (what is drawn below it waits, or it would move).
    #[prop(optional)]
    shown_flag: Option<RwSignal<bool>>,
    /// `body` as the server rendered it for the page.
    #[prop(default = None)]
    first: Option<String>,
    /// Threads' passages to highlight, in characters of `body`.
    #[prop(optional, into)]
    passages: Signal<Vec<Highlighted>>,
) -> impl IntoView {
    let html = rendered(body, Signal::derive(|| true), first, passages);
    if let Some(flag) = shown_flag {
        Effect::new(move |_| {
            if html.with(Option::is_some) {
                flag.set(true);
            }
        });
    }
    let can_tick = move || on_tick.is_some() && can_tick.is_some_and(|c| c.get());
    let shown = move || {
        let html = html.get().unwrap_or_default();
        if can_tick() {
            tasks::tickable(&html)
        } else {
            html
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let place = event_target::<leptos::web_sys::Element>(&ev)
            .get_attribute("data-task")
            .and_then(|value| tasks::place(&value));
        if let (Some(place), Some(on_tick)) = (place, on_tick) {
            on_tick.run(place);
        }
    };
    // A highlighted passage leads to its thread, which takes the focus.
    let on_click = move |ev: leptos::ev::MouseEvent| {
        if let Some(thread) = browser::clicked_passage(&ev) {
            browser::focus_id(&format!("thread-{thread}"));
        }
    };
    view! {
        <article class="read" aria-label="Document" on:change=on_change on:click=on_click inner_html=shown></article>
    }
}

/// Beside the form, on request; once shown it follows the typing.
#[component]
pub fn PreviewPane(body: RwSignal<String>) -> impl IntoView {
    let shown = RwSignal::new(false);
    let html = rendered(body, shown.into(), None, Signal::default());
    view! {
        <div class="preview-controls">
            <button type="button" on:click=move |_| shown.update(|s| *s = !*s)>
                {move || if shown.get() { "Hide preview" } else { "Show preview" }}
            </button>
        </div>
        {move || {
            shown
                .get()
                .then(|| html.get().unwrap_or_default())
                .map(|html| view! { <section class="preview" aria-label="Preview" inner_html=html></section> })
        }}
    }
}
