//! A document's reviews as the read view shows them (issue 24), rendered by the server:
//! where publishing stands, each verdict, and, for a named reviewer, the form to approve
//! the revision shown or ask for changes (`suggest.js` sends it). The script puts a newer
//! rendering in place when a review or a revision arrives (`data-part="reviews"`).

use leptos::prelude::*;

use super::reviewed::{changes_since, line, may_review, summary};
use crate::protocol::Reviews;

#[component]
pub fn ReadReviews(
    doc_id: String,
    rev: i64,
    reviews: Reviews,
    me: Option<String>,
) -> impl IntoView {
    let shown = reviews.required || !reviews.reviewers.is_empty() || !reviews.items.is_empty();
    let mine = may_review(&reviews, me.as_deref());
    let said = summary(&reviews, rev);
    let items = reviews
        .items
        .into_iter()
        .map(|r| {
            let comment = (!r.comment.is_empty())
                .then(|| view! { <p class="comment-text">{r.comment.clone()}</p> });
            let since = changes_since(&doc_id, &r, rev)
                .map(|(href, words)| view! { <a href=href>{words}</a> });
            view! { <li><p>{line(&r)}" "{since}</p>{comment}</li> }
        })
        .collect_view();
    view! {
        <section class="reviews" aria-labelledby="reviews-heading" data-part="reviews" hidden=!shown>
            <h2 id="reviews-heading">"Review"</h2>
            <p>{said}</p>
            <ol class="review-list" aria-label="Reviews">{items}</ol>
            {mine.then(|| view! {
                <form class="review-form" data-review=doc_id data-rev=rev aria-label="Your review">
                    <label for="review-comment">{format!("Your review of revision {rev}")}</label>
                    <textarea id="review-comment" name="comment" rows="2" maxlength="10000"></textarea>
                    <p class="form-error" role="alert" data-error=""></p>
                    <div class="actions">
                        <button type="submit" name="verdict" value="approved">{format!("Approve revision {rev}")}</button>
                        <button type="submit" name="verdict" value="changes_requested">"Ask for changes"</button>
                    </div>
                </form>
            })}
        </section>
    }
}
