//! Rendered Markdown: the read view of a document, and the preview beside the form. The
//! server renders and sanitises; the page only displays.

use leptos::{prelude::*, task::spawn_local};

use super::{api, browser};

/// `body` rendered, following it as it changes: a short pause after the last change, and
/// only the newest answer is shown.
fn rendered(body: RwSignal<String>, active: Signal<bool>) -> RwSignal<Option<String>> {
    let html = RwSignal::new(None::<String>);
    let generation = StoredValue::new(0_u64);
    Effect::new(move |_| {
        let markdown = body.get();
        if !active.get() {
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
            if let Ok(preview) = api::preview(markdown).await {
                if generation.get_value() == mine {
                    html.set(Some(preview.html));
                }
            }
        });
    });
    html
}

/// The document as readers see it: rendered, not a form.
#[component]
pub fn ReadView(body: RwSignal<String>) -> impl IntoView {
    let html = rendered(body, Signal::derive(|| true));
    view! {
        <article class="read" aria-label="Document" inner_html=move || html.get().unwrap_or_default()></article>
    }
}

/// Beside the form, on request; once shown it follows the typing.
#[component]
pub fn PreviewPane(body: RwSignal<String>) -> impl IntoView {
    let shown = RwSignal::new(false);
    let html = rendered(body, shown.into());
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
