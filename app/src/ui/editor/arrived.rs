//! The note on a revision merged into the form while the person typed: who changed what,
//! with "Show" and a way to take it back out.

use leptos::prelude::*;

use super::arrival::Arrived;
use crate::{protocol::DocDiff, ui::diff::DiffView};

#[component]
pub fn ArrivalNote(
    arrived: Arrived,
    shown: RwSignal<Option<DocDiff>>,
    on_show: Callback<(i64, i64)>,
    on_undo: Callback<()>,
) -> impl IntoView {
    let (from, rev) = (arrived.from, arrived.rev);
    view! {
        // Keyed by revision, so each arrival is marked afresh (the highlight fades by itself).
        <section class="banner arrival" aria-label="Merged while you typed" data-rev=rev>
            <p>{format!("{} (revision {rev}). It is merged into your text; nothing of yours changed.", arrived.note)}</p>
            <button type="button" on:click=move |_| on_show.run((from, rev))>"Show"</button>
            <button type="button" on:click=move |_| on_undo.run(())>"Undo in my text"</button>
            {move || shown.get().filter(|d| d.to == rev).map(|diff| view! { <DiffView diff/> })}
        </section>
    }
}
