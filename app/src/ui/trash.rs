//! The trash: the owner's deleted documents, each with its whole history, and a way back.

use leptos::{prelude::*, task::spawn_local};

use super::{api, time::LocalTime, SignedIn};
use crate::protocol::{problem, DocSummary};

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
        let (id, title) = (id.clone(), title.clone());
        move |slug: Option<String>| {
            let (id, title) = (id.clone(), title.clone());
            spawn_local(async move {
                match api::restore_from_trash(&id, rev, slug.clone()).await {
                    Ok(doc) => {
                        status.set(format!("Restored “{}” as revision {}.", doc.title, doc.rev));
                        restored.set(Some((doc.id, doc.title)));
                        refresh.run(());
                    }
                    Err(failure)
                        if failure.problem.kind == problem::SLUG_TAKEN && slug.is_none() =>
                    {
                        // Another live document has its address now: restore under a free one.
                        match failure.problem.suggestions().into_iter().next() {
                            Some(free) => {
                                let retry =
                                    api::restore_from_trash(&id, rev, Some(free.clone())).await;
                                match retry {
                                    Ok(doc) => {
                                        status.set(format!(
                                            "Restored “{title}” at the address “{free}”: its own is used by another document now."
                                        ));
                                        restored.set(Some((doc.id, doc.title)));
                                        refresh.run(());
                                    }
                                    Err(failure) => status
                                        .set(format!("Not restored: {}", failure.problem.detail)),
                                }
                            }
                            None => status.set(format!("Not restored: {}", failure.problem.detail)),
                        }
                    }
                    Err(failure) => status.set(format!("Not restored: {}", failure.problem.detail)),
                }
            });
        }
    };
    view! {
        <tr>
            <td>{title.clone()}</td>
            <td><LocalTime at=updated_at/>{format!(" by {}", updated_by.name)}</td>
            <td><button type="button" aria-label=label on:click=move |_| restore(None)>"Restore"</button></td>
        </tr>
    }
}
