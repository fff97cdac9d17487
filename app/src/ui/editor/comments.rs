//! The editor's comments (issue 23): the document's threads beside the form, a new comment
//! on the words selected in the body or on the whole document, replies, resolving and
//! reopening. What a selection names and how a refusal reads are decided in `discuss.rs`;
//! the server decides the rest and the threads are fetched again on every change.

use std::collections::BTreeMap;

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::discuss::{next_slice, passage, refusal, to_take, Passage, SLICE};
use super::mention_field::MentionField;
use super::own::{OwnComment, Rewrites};
use crate::protocol::{
    comments_heading, in_text_order, Comment, Document, NewComment, NewThread, Thread,
};
use crate::ui::{
    api, browser,
    passage::{Comments, Passage as Quote},
};

const UNSAVED: &str =
    "Those words are not in the saved text as they stand: save first, then comment on them.";

#[component]
pub(super) fn EditorComments(
    doc_id: String,
    /// The body field's text.
    body: RwSignal<String>,
    /// The saved revision the form is based on: a selection is named in its body.
    base: RwSignal<Document>,
    may_resolve: Signal<bool>,
    /// Moves on with every change to the threads, here or announced live: fetch them again.
    discussed: RwSignal<u64>,
    /// Whether what is drawn above the comments is in place.
    after: Signal<bool>,
    /// The threads as last fetched (or why they could not be): the read view above
    /// highlights their passages.
    threads: RwSignal<Option<Result<Vec<Thread>, String>>>,
    /// The signed-in person: their own comments can be rewritten and deleted.
    me: Signal<Option<String>>,
) -> impl IntoView {
    let doc_id = StoredValue::new(doc_id);
    let asked = StoredValue::new(0_u64);
    // Also on every new revision in the form: a save moves the passages.
    Effect::new(move |_| {
        discussed.track();
        base.with(|d| d.rev);
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        spawn_local(async move {
            let list = api::threads(&doc_id.get_value()).await.map(|mut list| {
                in_text_order(&mut list);
                list
            });
            // Only the newest question's answer is shown.
            if asked.get_value() == this {
                threads.set(Some(list.map_err(|f| refusal(&f.problem))));
            }
        });
    });
    let changed = Callback::new(move |()| discussed.update(|n| *n += 1));
    let total =
        move || threads.with(|t| t.as_ref().and_then(|r| r.as_ref().ok()).map_or(0, Vec::len));
    // Drawn a slice at a time, the browser free between slices (discuss.rs).
    let drawn = RwSignal::new(SLICE);
    Effect::new(move |_| {
        if !after.get() {
            return;
        }
        if let Some(next) = next_slice(drawn.get(), total()) {
            spawn_local(async move {
                browser::sleep(std::time::Duration::ZERO).await;
                drawn.set(next);
            });
        }
    });
    // A link to a thread (from the inbox) lands on it once the threads are all drawn.
    let revealed = StoredValue::new(false);
    Effect::new(move |_| {
        let all_drawn = drawn.get() >= total();
        if after.get()
            && all_drawn
            && threads.with(|t| matches!(t, Some(Ok(_))))
            && !revealed.get_value()
        {
            revealed.set_value(true);
            spawn_local(async {
                browser::sleep(std::time::Duration::ZERO).await;
                browser::reveal_fragment();
            });
        }
    });
    // Replies being typed, by thread: a thread redrawn because it changed keeps its reply.
    let replies = RwSignal::new(BTreeMap::<String, String>::new());
    let rewrites: Rewrites = RwSignal::new(BTreeMap::new());

    let listed = move |resolved: bool| {
        let drawn = drawn.get();
        threads.with(|t| match t {
            Some(Ok(list)) => list
                .iter()
                .take(drawn)
                .filter(|t| t.resolved == resolved)
                .cloned()
                .collect(),
            _ => Vec::new(),
        })
    };
    let count = move |resolved: bool| {
        threads.with(|t| match t {
            Some(Ok(list)) => list.iter().filter(|t| t.resolved == resolved).count(),
            _ => 0,
        })
    };
    let open_count = move || count(false);
    let resolved_count = move || count(true);
    let list = move |resolved: bool| {
        view! {
            <For each=move || listed(resolved) key=Thread::shown_key let(thread)>
                <ThreadItem doc_id thread may_resolve replies rewrites me changed/>
            </For>
        }
    };
    // Drawn once the threads are in: text put in place above it meanwhile (the read view of
    // a published document) would otherwise move it on screen, a layout shift.
    view! {
        <Show when=move || after.get() && threads.with(Option::is_some)>
            <section class="threads" aria-labelledby="threads-heading">
                <h2 id="threads-heading">{move || comments_heading(open_count())}</h2>
                <NewThreadForm doc_id body base changed/>
                {move || threads.with(|t| match t {
                    Some(Err(why)) => Some(view! { <p class="form-error" role="alert">{format!("Comments could not be loaded: {why}")}</p> }),
                    _ => None,
                })}
                <ol class="thread-list" aria-label="Open threads">{list(false)}</ol>
                <Show when=move || { resolved_count() > 0 }>
                    <details class="resolved-threads">
                        <summary>{move || format!("Resolved ({})", resolved_count())}</summary>
                        <ol class="thread-list" aria-label="Resolved threads">{list(true)}</ol>
                    </details>
                </Show>
            </section>
        </Show>
    }
}

/// A new thread: on the words selected in the body when the person turns to the comment
/// field, or on the whole document.
#[component]
fn NewThreadForm(
    doc_id: StoredValue<String>,
    body: RwSignal<String>,
    base: RwSignal<Document>,
    changed: Callback<()>,
) -> impl IntoView {
    let chosen = RwSignal::new(Passage::Whole);
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    // A selection already commented on (or set aside for the whole document) is not taken
    // again when the person comes back to the field: the body keeps its selection.
    let used = StoredValue::new(None::<(u32, u32)>);
    let set_aside = move || used.set_value(browser::selection_in("body"));
    let choose = move |()| {
        if let Some((start, end)) = to_take(browser::selection_in("body"), used.get_value()) {
            let picked = base.with_untracked(|saved| {
                body.with_untracked(|text| passage(text, start, end, &saved.body))
            });
            chosen.set(picked);
        }
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let anchor = match chosen.get_untracked() {
            Passage::Whole => None,
            Passage::Words(anchor) => Some(anchor),
            Passage::Unsaved(_) => return error.set(UNSAVED.into()),
        };
        let request = NewThread {
            rev: base.with_untracked(|d| d.rev),
            anchor,
            text: text.get_untracked(),
        };
        sending.set(true);
        spawn_local(async move {
            match api::start_thread(&doc_id.get_value(), &request).await {
                Ok(_) => {
                    text.set(String::new());
                    chosen.set(Passage::Whole);
                    set_aside();
                    error.set(String::new());
                    changed.run(());
                }
                Err(failure) => error.set(refusal(&failure.problem)),
            }
            sending.set(false);
        });
    };
    let shown = move || {
        chosen.with(|c| match c.quote() {
            None => view! {
                <p class="hint">"Select words in the text, then write here to comment on them; or comment on the whole document."</p>
            }
            .into_any(),
            Some(quote) => view! {
                <p class="selected">
                    "On the words " <q>{quote.to_owned()}</q> " "
                    <button type="button" on:click=move |_| {
                        chosen.set(Passage::Whole);
                        set_aside();
                    }>
                        "Comment on the whole document instead"
                    </button>
                </p>
                {matches!(c, Passage::Unsaved(_)).then(|| view! { <p class="hint">{UNSAVED}</p> })}
            }
            .into_any(),
        })
    };
    view! {
        <form class="new-thread" on:submit=submit>
            {shown}
            <label for="new-comment">"New comment"</label>
            <MentionField doc_id id="new-comment".to_owned() rows=3 value=text.into()
                on_input=Callback::new(move |typed| text.set(typed))
                on_focus=Callback::new(choose)/>
            {move || (!error.with(String::is_empty)).then(|| view! { <p class="form-error" role="alert">{error.get()}</p> })}
            <button type="submit" disabled=move || sending.get()>"Comment"</button>
        </form>
    }
}

#[component]
fn ThreadItem(
    doc_id: StoredValue<String>,
    thread: Thread,
    may_resolve: Signal<bool>,
    replies: RwSignal<BTreeMap<String, String>>,
    rewrites: Rewrites,
    me: Signal<Option<String>>,
    changed: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(thread.id.clone());
    let own = Callback::new(move |comment: Comment| {
        let mine = me.with_untracked(|me| me.as_deref() == Some(comment.author.id.as_str()));
        mine.then(|| {
            view! { <OwnComment doc_id thread_id=id comment rewrites changed/> }.into_any()
        })
    });
    let label = format!("thread-{}-label", thread.id);
    let labelled_by = label.clone();
    let reply_id = format!("reply-{}", thread.id);
    let (version, resolved) = (thread.version, thread.resolved);
    let error = RwSignal::new(String::new());
    // Kept here as typed (and in `replies`, for when the thread is drawn again).
    let typed =
        RwSignal::new(replies.with_untracked(|r| r.get(&thread.id).cloned().unwrap_or_default()));
    let send_reply = move |ev: SubmitEvent| {
        ev.prevent_default();
        let text = replies.with_untracked(|r| r.get(&id.get_value()).cloned().unwrap_or_default());
        spawn_local(async move {
            match api::reply(&doc_id.get_value(), &id.get_value(), &NewComment { text }).await {
                Ok(_) => {
                    replies.update(|r| {
                        r.remove(&id.get_value());
                    });
                    changed.run(());
                }
                Err(failure) => error.set(refusal(&failure.problem)),
            }
        });
    };
    let decide = move |_| {
        spawn_local(async move {
            match api::resolve(&doc_id.get_value(), &id.get_value(), version, !resolved).await {
                Ok(_) => changed.run(()),
                Err(failure) => error.set(refusal(&failure.problem)),
            }
        });
    };
    view! {
        <li>
            <article class="thread" id=format!("thread-{}", thread.id) aria-labelledby=labelled_by tabindex="-1">
                <h3 id=label>{thread.title()}</h3>
                {thread.anchor.map(|anchor| view! { <Quote anchor/> })}
                <Comments comments=thread.comments now=browser::now() after=own/>
                {(!resolved).then(|| view! {
                    <form class="reply" on:submit=send_reply>
                        <label for=reply_id.clone()>"Reply"</label>
                        <MentionField doc_id id=reply_id rows=2 value=typed.into()
                            on_input=Callback::new(move |value: String| {
                                typed.set(value.clone());
                                replies.update(|r| {
                                    r.insert(id.get_value(), value);
                                });
                            })/>
                        <button type="submit">"Reply"</button>
                    </form>
                })}
                {move || (!error.with(String::is_empty)).then(|| view! { <p class="form-error" role="alert">{error.get()}</p> })}
                <Show when=move || may_resolve.get()>
                    <button type="button" on:click=decide>{if resolved { "Reopen" } else { "Resolve" }}</button>
                </Show>
            </article>
        </li>
    }
}
