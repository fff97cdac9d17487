//! Offers back a draft found on opening the editor: changes typed earlier and never saved.

use leptos::prelude::*;

use crate::ui::{browser, draft::Draft};

#[component]
pub fn DraftOffer(
    draft: Draft,
    on_restore: Callback<Draft>,
    on_discard: Callback<Draft>,
    /// Saves the draft as a new document, leaving this one as it is.
    on_copy: Callback<Draft>,
) -> impl IntoView {
    // In the reader's time zone; UTC if the browser cannot say.
    let when = chrono::DateTime::parse_from_rfc3339(&draft.saved_at)
        .ok()
        .and_then(|at| browser::local_time(at.to_utc()))
        .unwrap_or_else(|| {
            let utc: String = draft.saved_at.replace('T', " ").chars().take(16).collect();
            format!("{utc} UTC")
        });
    let text = format!(
        "You have unsaved changes to this document from {when}, based on revision {}.",
        draft.base_rev
    );
    let (restore, copy, discard) = (draft.clone(), draft.clone(), draft);
    view! {
        <section class="banner draft" aria-label="Unsaved changes">
            <p>{text}</p>
            <button type="button" class="primary" on:click=move |_| on_restore.run(restore.clone())>
                "Restore my changes"
            </button>
            <button type="button" on:click=move |_| on_copy.run(copy.clone())>"Save them as a copy"</button>
            <button type="button" on:click=move |_| on_discard.run(discard.clone())>"Discard them"</button>
        </section>
    }
}
