//! Offers back a draft found on opening the editor: changes typed earlier and never saved.

use leptos::prelude::*;

use crate::ui::{browser, draft::Draft, time::relative};

/// When a draft was kept, as the rest of the app says times: "5 minutes ago", or the
/// local time where the browser cannot say how long ago.
pub fn when(saved_at: &str) -> String {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(saved_at) else {
        return saved_at.to_owned();
    };
    let at = at.to_utc();
    browser::now()
        .and_then(|now| relative(now, at))
        .or_else(|| browser::local_time(at))
        .unwrap_or_else(|| format!("{} UTC", at.format("%Y-%m-%d %H:%M")))
}

#[component]
pub fn DraftOffer(
    draft: Draft,
    on_restore: Callback<Draft>,
    on_discard: Callback<Draft>,
    /// Saves the draft as a new document, leaving this one as it is.
    on_copy: Callback<Draft>,
) -> impl IntoView {
    let text = format!(
        "You have unsaved changes to this document, kept {}, based on revision {}.",
        when(&draft.saved_at),
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
