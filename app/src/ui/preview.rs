//! The Markdown preview. The server renders and sanitises; the page only displays.

use leptos::{prelude::*, task::spawn_local};

use super::api;

#[component]
pub fn PreviewPane(body: RwSignal<String>) -> impl IntoView {
    let html = RwSignal::new(None::<String>);
    let message = RwSignal::new(String::new());
    let refresh = move |_| {
        let markdown = body.get_untracked();
        message.set("Rendering…".into());
        spawn_local(async move {
            match api::preview(markdown).await {
                Ok(preview) => {
                    message.set(String::new());
                    html.set(Some(preview.html));
                }
                Err(failure) => message.set(format!("No preview: {}", failure.problem.detail)),
            }
        });
    };
    view! {
        <div class="preview-controls">
            <button type="button" on:click=refresh>
                {move || if html.with(Option::is_some) { "Refresh preview" } else { "Show preview" }}
            </button>
            <span class="status">{move || message.get()}</span>
        </div>
        {move || {
            html.get().map(|html| view! { <section class="preview" aria-label="Preview" inner_html=html></section> })
        }}
    }
}
