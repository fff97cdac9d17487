//! The trash: the owner's deleted documents, each with its whole history, and a way back.
//! Rendered whole by the server; "Restore" is a form the server answers with a redirect
//! back here and a note of what happened (`server/src/http/forms.rs`).

use leptos::prelude::*;

use super::{api, flash::FlashNote, time::RelativeTime, SignedIn};
use crate::protocol::DocSummary;

#[component]
pub fn TrashPage() -> impl IntoView {
    view! {
        <SignedIn>
            <Trash/>
        </SignedIn>
    }
}

#[component]
fn Trash() -> impl IntoView {
    let items = Resource::new(|| (), |_| api::trash());
    view! {
        <div class="heading-row">
            <h1>"Trash"</h1>
            <a href="/">"Back to the documents"</a>
        </div>
        <p class="hint">"Documents you deleted, with their whole history. Restoring one brings it back as it was."</p>
        <FlashNote/>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                items.get().map(|result| match result {
                    Ok(page) if page.items.is_empty() => view! { <p>"The trash is empty."</p> }.into_any(),
                    Ok(page) => {
                        let rows = page
                            .items
                            .into_iter()
                            .map(|doc| view! { <TrashRow doc/> })
                            .collect_view();
                        view! {
                            <table class="docs">
                                <thead>
                                    <tr>
                                        <th scope="col">"Title"</th>
                                        <th scope="col">"Deleted"</th>
                                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        }
                        .into_any()
                    }
                    Err(failure) => view! { <p role="alert">{failure.problem.detail}</p> }.into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn TrashRow(doc: DocSummary) -> impl IntoView {
    let DocSummary {
        id,
        title,
        rev,
        updated_at,
        updated_by,
        ..
    } = doc;
    let label = format!("Restore “{title}”");
    view! {
        <tr>
            <td>{title}</td>
            <td><RelativeTime at=updated_at/>{format!(" by {}", updated_by.name)}</td>
            <td>
                // The revision shown: if the document changed since, the server refuses.
                <form method="post" action="/trash" class="row-actions">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="rev" value=rev.to_string()/>
                    <button type="submit" aria-label=label>"Restore"</button>
                </form>
            </td>
        </tr>
    }
}
