//! Parts of the editor's client that most visits never use (the conflict panel, sharing,
//! the open suggestions, the verdicts, the owner's review settings) are split out of the
//! first download and fetched the first time they are shown (issue 25, docs/decisions.md).
//! A part once fetched stays in memory, so it works offline from then on; a part that
//! cannot be fetched says so and offers to try again, and the editor around it keeps
//! working.

use std::future::Future;

use leptos::prelude::*;
pub use wasm_split_helpers::SplitLoaderError;

/// Fetches a part's code if it is not here yet and draws it.
type Load = std::sync::Arc<
    dyn Fn() -> std::pin::Pin<Box<dyn Future<Output = Result<AnyView, SplitLoaderError>>>>
        + Send
        + Sync,
>;

/// Shows the part `load` draws, fetching its code first if it is not here yet; "Try
/// again" fetches it anew. `what` names the part in the failure note ("conflict panel").
pub fn later<F, Fut>(what: &'static str, load: F) -> impl IntoView
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<AnyView, SplitLoaderError>> + 'static,
{
    // One shape for every part: each part's own types would repeat the code below.
    let load: Load = std::sync::Arc::new(move || Box::pin(load()));
    shown(what, load)
}

#[cfg(feature = "hydrate")]
fn shown(what: &'static str, load: Load) -> impl IntoView {
    let attempt = RwSignal::new(0u32);
    let part = move || {
        attempt.track();
        let load = load.clone();
        // The browser has one thread; the wrapper only satisfies `Suspend`'s bound.
        Suspend::new(send_wrapper::SendWrapper::new(async move {
            match load().await {
                Ok(part) => part,
                Err(_) => view! {
                    <div class="banner later" role="alert">
                        <p>{format!("The {what} could not be loaded. Check the connection and try again.")}</p>
                        <button type="button" on:click=move |_| attempt.update(|n| *n += 1)>
                            "Try again"
                        </button>
                    </div>
                }
                .into_any(),
            }
        }))
    };
    // A boundary of its own: while a part is fetched, only its place waits. Without it the
    // page's own boundary would wait too, and redraw the whole editor, focus and all.
    view! { <Suspense fallback=|| ()>{part}</Suspense> }
}

/// These parts answer what a person does in the browser (a save that met a newer
/// revision, opening sharing…), so the server's first render never holds one.
#[cfg(not(feature = "hydrate"))]
fn shown(_what: &'static str, _load: Load) -> impl IntoView {}
