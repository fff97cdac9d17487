//! A document's comment threads as the read view shows them (issue 23): open threads with
//! their passage, comments and a reply form; resolved ones folded away below. Rendered by
//! the server; the read view's script posts the forms to the API and, when a thread
//! changes anywhere, puts the server's newer rendering in place (`data-part="threads"`).

use leptos::prelude::*;

use super::passage::{Comments, Passage};
use crate::protocol::{comments_heading, in_text_order, Comment, Thread};

#[component]
pub fn Threads(
    doc_id: String,
    rev: i64,
    threads: Vec<Thread>,
    /// The reader's id: their own comments get forms to edit and delete them.
    me: Option<String>,
) -> impl IntoView {
    let (resolved, mut open): (Vec<Thread>, Vec<Thread>) =
        threads.into_iter().partition(|t| t.resolved);
    in_text_order(&mut open);
    let heading = comments_heading(open.len());
    let resolved_count = resolved.len();
    let list = |threads: Vec<Thread>, doc_id: String| {
        threads
            .into_iter()
            .map(|thread| view! { <ThreadView doc_id=doc_id.clone() thread me=me.clone()/> })
            .collect_view()
    };
    view! {
        <section class="threads" aria-labelledby="threads-heading" data-part="threads">
            <h2 id="threads-heading">{heading}</h2>
            <form class="new-thread" method="post" action=format!("/api/docs/{doc_id}/threads")
                data-new-thread=doc_id.clone() data-rev=rev>
                <p class="selected" data-selected="" hidden></p>
                <p class="hint" data-hint="">
                    "Select words in the text to comment on them, or comment on the whole document."
                </p>
                <label for="new-comment">"New comment"</label>
                <textarea id="new-comment" name="text" required maxlength="10000" rows="3"
                    aria-autocomplete="list" aria-controls="new-comment-people"></textarea>
                <MentionOffer field="new-comment"/>
                <p class="form-error" role="alert" data-error=""></p>
                <button type="submit">"Comment"</button>
            </form>
            <ol class="thread-list" aria-label="Open threads">{list(open, doc_id.clone())}</ol>
            {(resolved_count > 0).then(|| view! {
                <details class="resolved-threads">
                    <summary>{format!("Resolved ({resolved_count})")}</summary>
                    <ol class="thread-list" aria-label="Resolved threads">{list(resolved, doc_id.clone())}</ol>
                </details>
            })}
        </section>
    }
}

#[component]
fn ThreadView(doc_id: String, thread: Thread, me: Option<String>) -> impl IntoView {
    let label = format!("thread-{}-label", thread.id);
    let labelled_by = label.clone();
    let title = thread.title();
    let reply_id = format!("reply-{}", thread.id);
    let reply_url = format!("/api/docs/{doc_id}/threads/{}/comments", thread.id);
    let comments_url = reply_url.clone();
    view! {
        <li>
            <article class="thread" id=format!("thread-{}", thread.id) aria-labelledby=labelled_by>
                <h3 id=label>{title}</h3>
                {thread.anchor.map(|anchor| view! { <Passage anchor/> })}
                <Comments comments=thread.comments now=Some(chrono::Utc::now())
                    after=Callback::new(move |c: Comment| own_forms(&comments_url, &me, c))/>
                {(!thread.resolved).then(|| view! {
                    <form class="reply" method="post" action=reply_url.clone() data-reply=reply_url>
                        <label for=reply_id.clone()>"Reply"</label>
                        <textarea id=reply_id.clone() name="text" required maxlength="10000" rows="2"
                            aria-autocomplete="list" aria-controls=format!("{reply_id}-people")></textarea>
                        <MentionOffer field=reply_id/>
                        <p class="form-error" role="alert" data-error=""></p>
                        <button type="submit">"Reply"</button>
                    </form>
                })}
            </article>
        </li>
    }
}

/// For a comment of `me`'s: a form to rewrite it and one to delete it, each naming the
/// version shown; the read view's script sends them (`comments.js`).
fn own_forms(comments_url: &str, me: &Option<String>, comment: Comment) -> Option<AnyView> {
    if me.as_deref() != Some(comment.author.id.as_str()) {
        return None;
    }
    let url = format!("{comments_url}/{}", comment.id);
    let field = format!("edit-{}", comment.id);
    let version = comment.version;
    let form = format!("edit-form-{}", comment.id);
    Some(
        view! {
            <div class="own-comment">
                <button type="button" aria-label="Edit your comment" aria-expanded="false"
                    aria-controls=form.clone() data-edit-open="">"Edit"</button>
                <form id=form class="edit-comment" method="post" action=url.clone() data-edit=url.clone()
                    data-version=version data-current=version hidden>
                    <label for=field.clone()>"Your comment"</label>
                    <textarea id=field.clone() name="text" required maxlength="10000" rows="2"
                        aria-autocomplete="list" aria-controls=format!("{field}-people")>{comment.text}</textarea>
                    <MentionOffer field/>
                    <p class="form-error" role="alert" data-error=""></p>
                    <button type="submit">"Save comment"</button>
                </form>
                <form method="post" action=url.clone() data-delete=url data-version=version>
                    <button type="submit" aria-label="Delete your comment">"Delete"</button>
                    <p class="form-error" role="alert" data-error=""></p>
                </form>
            </div>
        }
        .into_any(),
    )
}

/// Where the people to mention are offered under a comment field (`field`'s id) and what is
/// said of them; the read view's script fills both while `@` is typed.
#[component]
fn MentionOffer(#[prop(into)] field: String) -> impl IntoView {
    view! {
        <ul id=format!("{field}-people") class="mention-offer" role="listbox"
            aria-label="People to mention" hidden></ul>
        <p class="mention-said" role="status" data-mention-said=""></p>
    }
}
