//! One old revision in full: its title, slug, tags and status, and its text rendered.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{
    api,
    passage::{Comments, Passage},
    time::RelativeTime,
    SignedIn,
};
use crate::protocol::{in_text_order, Revision, Thread};

#[component]
pub fn RevisionPage() -> impl IntoView {
    view! {
        <SignedIn>
            <RevisionLoader/>
        </SignedIn>
    }
}

#[component]
fn RevisionLoader() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let rev = move || {
        params
            .read()
            .get("rev")
            .and_then(|rev| rev.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let revision = Resource::new(move || (id(), rev()), api::revision_shown);
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                revision.get().map(|result| match result {
                    Ok((revision, html, threads)) => view! { <RevisionView id=id() revision html threads/> }.into_any(),
                    Err(failure) => view! {
                        <h1>"No such revision"</h1>
                        <p role="alert">{failure.problem.detail}</p>
                        <a href=format!("/docs/{}/history", id())>"Back to the history"</a>
                    }
                    .into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn RevisionView(
    id: String,
    revision: Revision,
    html: String,
    threads: Vec<Thread>,
) -> impl IntoView {
    let rev = revision.rev;
    let changed: Vec<&str> = revision.fields.iter().map(|f| f.name()).collect();
    let tags = if revision.tags.is_empty() {
        "none".to_owned()
    } else {
        revision.tags.join(", ")
    };
    view! {
        <Title text=format!("Revision {rev} · {} — Concord", revision.title)/>
        <div class="heading-row">
            <h1>{format!("Revision {rev} · {}", revision.title)}</h1>
            <a href=format!("/docs/{id}/history")>"Back to the history"</a>
        </div>
        <p class="meta">
            {format!("Saved by {} ", revision.by.name)}
            <RelativeTime at=revision.at/>
            {format!("; changed {}.", changed.join(", "))}
        </p>
        <dl class="revision-fields">
            <dt>"Status"</dt>
            <dd>{revision.status.as_str()}</dd>
            <dt>"Slug"</dt>
            <dd>{revision.slug}</dd>
            <dt>"Tags"</dt>
            <dd>{tags}</dd>
        </dl>
        <div class="with-threads">
            <article class="read" aria-label="Document" inner_html=html></article>
            <PastThreads rev threads/>
        </div>
        <nav class="revision-nav" aria-label="Other revisions">
            {(rev > 1).then(|| view! {
                <a href=format!("/docs/{id}/revisions/{}", rev - 1)>{format!("Revision {}", rev - 1)}</a>
            })}
            <a href=format!("/docs/{id}")>"The current version"</a>
        </nav>
    }
}

/// The threads this revision had, their passages where they were in it; read only (replies
/// and resolving belong to the current version). Whatever was said later is listed too.
#[component]
fn PastThreads(rev: i64, mut threads: Vec<Thread>) -> impl IntoView {
    in_text_order(&mut threads);
    let heading = match threads.len() {
        0 => format!("No comments on revision {rev}"),
        1 => format!("1 comment thread on revision {rev}"),
        n => format!("{n} comment threads on revision {rev}"),
    };
    let items = threads.into_iter().map(|thread| {
        let label = format!("thread-{}-label", thread.id);
        let labelled_by = label.clone();
        let title = thread.title();
        let resolved = thread.resolved.then_some(" (resolved)");
        view! {
            <li>
                <article class="thread" id=format!("thread-{}", thread.id) aria-labelledby=labelled_by>
                    <h3 id=label>{title}{resolved}</h3>
                    {thread.anchor.map(|anchor| view! { <Passage anchor/> })}
                    <Comments comments=thread.comments now=Some(chrono::Utc::now())/>
                </article>
            </li>
        }
    });
    view! {
        <section class="threads" aria-labelledby="threads-heading">
            <h2 id="threads-heading">{heading}</h2>
            <ol class="thread-list" aria-label="Threads">{items.collect_view()}</ol>
        </section>
    }
}
