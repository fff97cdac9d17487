//! Review before publishing, in the editor (issue 24): where publishing stands and every
//! verdict; the owner's settings (whether approval is required, who reviews); a named
//! reviewer's verdict on the revision the form is based on. The sentences are
//! `reviewed.rs`'s; the server decides everything else.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};

use super::discuss::refusal;
use crate::protocol::{Document, NewReview, ReviewSetup, Reviews, Verdict};
use crate::ui::{
    api,
    later::{later, SplitLoaderError},
    reviewed::{changes_since, line, may_review, names, section_shown, summary, verdicts_shown},
};

#[component]
pub(super) fn EditorReviews(
    doc_id: String,
    base: RwSignal<Document>,
    /// The person owns the document: they choose whether approval is required, and who.
    owner: Signal<bool>,
    me: Signal<Option<String>>,
    /// Moves on with every change to the suggestions and reviews: fetch them again.
    proposed: RwSignal<u64>,
    /// The review rule and verdicts, as last fetched here: the editor's modes follow them.
    reviews: RwSignal<Option<Reviews>>,
) -> impl IntoView {
    let doc_id = StoredValue::new(doc_id);
    let error = RwSignal::new(String::new());
    let required = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    Effect::new(move |_| {
        proposed.track();
        base.with(|d| d.rev);
        spawn_local(async move {
            match api::reviews(&doc_id.get_value()).await {
                Ok(fetched) => {
                    // The settings' fields show what is set, until the owner changes them.
                    if reviews.with_untracked(Option::is_none) {
                        required.set(fetched.required);
                        let who: Vec<String> =
                            fetched.reviewers.iter().map(|r| r.name.clone()).collect();
                        typed.set(who.join(", "));
                    }
                    reviews.set(Some(fetched));
                }
                Err(failure) => error.set(refusal(&failure.problem)),
            }
        });
    });
    let set_up = move |ev: SubmitEvent| {
        ev.prevent_default();
        let setup = ReviewSetup {
            required: required.get_untracked(),
            reviewers: names(&typed.get_untracked()),
        };
        spawn_local(async move {
            match api::set_reviews(&doc_id.get_value(), &setup).await {
                Ok(set) => {
                    error.set(String::new());
                    reviews.set(Some(set));
                }
                Err(failure) => error.set(refusal(&failure.problem)),
            }
        });
    };
    let give = move |verdict: Verdict| {
        let request = NewReview {
            rev: base.with_untracked(|d| d.rev),
            verdict,
            comment: comment.get_untracked(),
        };
        spawn_local(async move {
            match api::review(&doc_id.get_value(), &request).await {
                Ok(set) => {
                    error.set(String::new());
                    comment.set(String::new());
                    reviews.set(Some(set));
                }
                Err(failure) => error.set(refusal(&failure.problem)),
            }
        });
    };
    let visible =
        move || reviews.with(|r| r.as_ref().is_some_and(|r| section_shown(r, owner.get())));
    // What the fetched reviews say about the person (`ui::reviewed` decides).
    let as_me = move |decide: fn(&Reviews, Option<&str>) -> bool| {
        reviews.with(|r| {
            r.as_ref()
                .is_some_and(|r| me.with(|me| decide(r, me.as_deref())))
        })
    };
    let verdicts = move || as_me(verdicts_shown);
    let mine = Signal::derive(move || as_me(may_review));
    // Documents published without a review show nothing here. The verdicts (and the
    // person's own) are fetched when there are some to show or to give, the owner's
    // settings when they are unfolded: an owner's everyday visit fetches neither.
    let (set_up, give) = (Callback::new(set_up), Callback::new(give));
    let rev = move || base.with(|d| d.rev);
    let unfolded = RwSignal::new(false);
    view! {
        <Show when=visible>
            <section class="reviews" aria-labelledby="editor-reviews-heading">
                <h2 id="editor-reviews-heading">"Review"</h2>
                <p>{move || reviews.with(|r| r.as_ref().map(|r| summary(r, rev())))}</p>
                <Show when=verdicts>
                    {move || later("reviews", move || verdict_part(base, reviews, mine, comment, give))}
                </Show>
                {move || (!error.with(String::is_empty)).then(|| view! { <p class="form-error" role="alert">{error.get()}</p> })}
                <Show when=move || owner.get()>
                    // Folded until opened: most documents are published without a review.
                    // Unfolded at first where approval is required; after that only the
                    // person folds it (ticking the box off must not fold it away).
                    <details class="more" prop:open=required.get_untracked() on:toggle=move |_| unfolded.set(true)>
                        <summary>"Review settings"</summary>
                        {move || unfolded.get().then(|| later("review settings", move || settings_part(required, typed, set_up)))}
                    </details>
                </Show>
            </section>
        </Show>
    }
}

/// The verdicts given, and the person's own if they are a reviewer of this revision.
#[wasm_split_helpers::wasm_split(reviews, fallible)]
fn verdict_part(
    base: RwSignal<Document>,
    reviews: RwSignal<Option<Reviews>>,
    mine: Signal<bool>,
    comment: RwSignal<String>,
    give: Callback<Verdict>,
) -> Result<AnyView, SplitLoaderError> {
    let rev = move || base.with(|d| d.rev);
    Ok(view! {
        <ol class="review-list" aria-label="Reviews">
            {move || reviews.with(|r| r.as_ref().map(|r| r.items.iter().map(|item| {
                let comment = (!item.comment.is_empty()).then(|| view! { <p class="comment-text">{item.comment.clone()}</p> });
                let since = base.with(|d| changes_since(&d.id, item, d.rev))
                    .map(|(href, words)| view! { <a href=href>{words}</a> });
                view! { <li><p>{line(item)}" "{since}</p>{comment}</li> }
            }).collect_view()))}
        </ol>
        <Show when=move || mine.get()>
            <form class="review-form" aria-label="Your review" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                <label for="editor-review-comment">{move || format!("Your review of revision {}", rev())}</label>
                <textarea id="editor-review-comment" rows="2" maxlength="10000"
                    prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                <div class="actions">
                    <button type="button" on:click=move |_| give.run(Verdict::Approved)>{move || format!("Approve revision {}", rev())}</button>
                    <button type="button" on:click=move |_| give.run(Verdict::ChangesRequested)>"Ask for changes"</button>
                </div>
            </form>
        </Show>
    }
    .into_any())
}

/// The owner's review settings: whether publishing needs an approval, and from whom.
#[wasm_split_helpers::wasm_split(review_settings, fallible)]
fn settings_part(
    required: RwSignal<bool>,
    typed: RwSignal<String>,
    set_up: Callback<SubmitEvent>,
) -> Result<AnyView, SplitLoaderError> {
    Ok(view! {
        <form class="review-setup" aria-label="Review settings" on:submit=move |ev| set_up.run(ev)>
            <label class="choice">
                <input type="checkbox" prop:checked=move || required.get()
                    on:change=move |ev| required.set(event_target_checked(&ev))/>
                "Require an approval before publishing"
            </label>
            <label for="editor-reviewers">"Reviewers, separated by commas"</label>
            <input id="editor-reviewers" prop:value=move || typed.get()
                on:input=move |ev| typed.set(event_target_value(&ev))/>
            <button type="submit">"Apply review settings"</button>
        </form>
    }
    .into_any())
}
