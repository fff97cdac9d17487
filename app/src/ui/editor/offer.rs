//! Offers back a draft found on opening the editor: changes typed earlier and never saved.

use leptos::prelude::*;

use crate::ui::draft::Draft;

#[component]
pub fn DraftOffer(
    draft: Draft,
    on_restore: Callback<Draft>,
    on_discard: Callback<Draft>,
) -> impl IntoView {
    let when = draft
        .saved_at
        .replace('T', " ")
        .chars()
        .take(16)
        .collect::<String>();
    let text = format!(
        "You have unsaved changes to this document from {when} UTC, based on revision {}.",
        draft.base_rev
    );
    let (restore, discard) = (draft.clone(), draft);
    view! {
        <section class="banner draft" aria-label="Unsaved changes">
            <p>{text}</p>
            <button type="button" class="primary" on:click=move |_| on_restore.run(restore.clone())>
                "Restore my changes"
            </button>
            <button type="button" on:click=move |_| on_discard.run(discard.clone())>"Discard them"</button>
        </section>
    }
}
