//! The read view for people who may only read a document: rendered whole by the server and
//! kept current by a small inline script (`reader.js`) instead of the client, so a reader
//! downloads no wasm. Its live parts (`data-part`) are what the script replaces with the
//! server's newer rendering when a revision arrives.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    api,
    reviews::ReadReviews,
    suggestions::{ReadSuggestions, SuggestForm},
    threads::Threads,
    Session, SignedIn,
};
use crate::protocol::{Document, Members, Reviews, Suggestion, Thread, YOU_ELSEWHERE};

#[component]
pub fn ReaderPage() -> impl IntoView {
    view! {
        <SignedIn>
            <ReaderLoader/>
        </SignedIn>
    }
}

#[component]
fn ReaderLoader() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let page = Resource::new(id, api::read_view);
    let session = expect_context::<Session>();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let me = session.user().map(|user| user.id).unwrap_or_default();
                page.get().map(|result| match result {
                    Ok(read) => view! {
                        <Reading doc=read.doc members=read.members html=read.html threads=read.threads suggestions=read.suggestions reviews=read.reviews me/>
                    }
                    .into_any(),
                    Err(failure) => view! {
                        <h1>"Document unavailable"</h1>
                        <p role="alert">{failure.problem.detail}</p>
                        <a href="/">"Back to the documents"</a>
                    }
                    .into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn Reading(
    doc: Document,
    members: Members,
    html: String,
    threads: Vec<Thread>,
    suggestions: Vec<Suggestion>,
    reviews: Reviews,
    me: String,
) -> impl IntoView {
    let status = doc.status.as_str();
    let meta = format!(
        "Revision {} · {status} · last saved by {}",
        doc.rev, doc.updated_by.name
    );
    let owner = members.owner.name;
    view! {
        <Title text=format!("{} — Concord", doc.title)/>
        <div class="reader" data-reader=doc.id.clone() data-rev=doc.rev data-me=me.clone()>
            <div class="heading-row" data-part="heading">
                <h1>{doc.title}</h1>
                <p class="meta">{meta}</p>
            </div>
            <div class="workflow" role="group" aria-label="Status" data-part="workflow">
                <span class=format!("badge {status}")>{status}</span>
                <a href=format!("/docs/{}/history", doc.id)>"History"</a>
            </div>
            <p class="banner">
                {format!("You can view this document. Ask {owner} for editor access to change it.")}
            </p>
            <div class="sr-only" role="log" aria-label="Notices"></div>
            <section class="presence" aria-label="Who is here" data-you-elsewhere=YOU_ELSEWHERE>
                <p>"Only you are here."</p>
            </section>
            <div class="with-threads">
                <article class="read" aria-label="Document" data-part="article" inner_html=html></article>
                <Threads doc_id=doc.id.clone() rev=doc.rev threads me=Some(me.clone())/>
            </div>
            {doc.status.is_editable().then(|| view! { <SuggestForm doc_id=doc.id.clone()/> })}
            <ReadSuggestions doc_id=doc.id.clone() suggestions me=me.clone()/>
            <ReadReviews doc_id=doc.id.clone() rev=doc.rev reviews me=Some(me.clone())/>
            <div class="status-row">
                <p role="status" class="status" aria-live="polite" data-reader-status=""></p>
            </div>
        </div>
    }
}
