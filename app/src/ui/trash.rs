//! The trash: the owner's deleted documents, each with its whole history, and a way back.

use leptos::{prelude::*, task::spawn_local};

use super::{api, time::RelativeTime, SignedIn};
use crate::protocol::{problem, ApiFailure, DocSummary, Document};

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
    let items = LocalResource::new(api::trash);
    let status = RwSignal::new(String::new());
    // The document restored last, to open from the status line.
    let restored = RwSignal::new(None::<(String, String)>);
    let refresh = Callback::new(move |_| items.refetch());
    view! {
        <div class="heading-row">
            <h1>"Trash"</h1>
            <a href="/">"Back to the documents"</a>
        </div>
        <p class="hint">"Documents you deleted, with their whole history. Restoring one brings it back as it was."</p>
        <p role="status" class="status" aria-live="polite">{move || status.get()}</p>
        {move || restored.get().map(|(id, title)| view! {
            <p><a href=format!("/docs/{id}")>{format!("Open “{title}”")}</a></p>
        })}
        // Fetched by the browser once it runs (the server renders "Loading…").
        {move || {
            match items.get() {
                None => view! { <p>"Loading…"</p> }.into_any(),
                Some(result) => match result {
                    Ok(page) if page.items.is_empty() => view! { <p>"The trash is empty."</p> }.into_any(),
                    Ok(page) => {
                        let rows = page
                            .items
                            .into_iter()
                            .map(|doc| view! { <TrashRow doc status restored refresh/> })
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
                },
            }
        }}
    }
}

#[component]
fn TrashRow(
    doc: DocSummary,
    status: RwSignal<String>,
    restored: RwSignal<Option<(String, String)>>,
    refresh: Callback<()>,
) -> impl IntoView {
    let DocSummary {
        id,
        title,
        rev,
        updated_at,
        updated_by,
        ..
    } = doc;
    let label = format!("Restore “{title}”");
    let restore = {
        let id = id.clone();
        move |_| {
            let id = id.clone();
            spawn_local(async move {
                match restore_somewhere(&id, rev).await {
                    Ok((doc, None)) => {
                        status.set(format!("Restored “{}” as revision {}.", doc.title, doc.rev));
                        restored.set(Some((doc.id, doc.title)));
                        refresh.run(());
                    }
                    Ok((doc, Some(free))) => {
                        status.set(format!(
                            "Restored “{}” at the address “{free}”: its own is used by another document now.",
                            doc.title
                        ));
                        restored.set(Some((doc.id, doc.title)));
                        refresh.run(());
                    }
                    Err(failure) => status.set(format!("Not restored: {}", failure.problem.detail)),
                }
            });
        }
    };
    view! {
        <tr>
            <td>{title}</td>
            <td><RelativeTime at=updated_at/>{format!(" by {}", updated_by.name)}</td>
            <td><button type="button" aria-label=label on:click=restore>"Restore"</button></td>
        </tr>
    }
}

/// Out of the trash under its own slug; if another live document took it meanwhile, under
/// the first free one the server suggests (which is then returned too).
async fn restore_somewhere(id: &str, rev: i64) -> Result<(Document, Option<String>), ApiFailure> {
    match api::restore_from_trash(id, rev, None).await {
        Err(failure) if failure.problem.kind == problem::SLUG_TAKEN => {
            match failure.problem.suggestions().into_iter().next() {
                Some(free) => api::restore_from_trash(id, rev, Some(free.clone()))
                    .await
                    .map(|doc| (doc, Some(free))),
                None => Err(failure),
            }
        }
        other => other.map(|doc| (doc, None)),
    }
}
