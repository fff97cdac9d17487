//! What the pages say and offer about reviews (issue 24): the requirement in a sentence,
//! each verdict in a line, who may give one, and the reviewers as typed.

use crate::protocol::{Review, Reviews, Verdict};

/// Where publishing stands, for the document at revision `rev`.
pub fn summary(reviews: &Reviews, rev: i64) -> String {
    let names: Vec<&str> = reviews.reviewers.iter().map(|r| r.name.as_str()).collect();
    let who = match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    };
    match (reviews.required, reviews.approved, who.is_empty()) {
        (true, true, _) => format!("Revision {rev} is approved: it can be published."),
        (true, false, _) => {
            format!("Publishing needs an approval of revision {rev} from {who}.")
        }
        (false, _, false) => format!("Reviewers: {who}. Approval is not required to publish."),
        (false, _, true) => "Approval is not required to publish.".to_owned(),
    }
}

/// One verdict: who, what, on which revision, and whether the text changed since.
pub fn line(review: &Review) -> String {
    let did = match review.verdict {
        Verdict::Approved => "approved",
        Verdict::ChangesRequested => "asked for changes to",
    };
    let since = if review.outdated {
        " (outdated: the document changed since)"
    } else {
        ""
    };
    format!("{} {did} revision {}{since}", review.by.name, review.rev)
}

/// For a verdict on an older revision: where the history shows what changed since it,
/// and the link's words.
pub fn changes_since(doc_id: &str, review: &Review, current: i64) -> Option<(String, String)> {
    (review.outdated && review.rev < current).then(|| {
        (
            format!(
                "/docs/{}/history?from={}&to={current}",
                super::api::encode(doc_id),
                review.rev
            ),
            format!("Changes since revision {}", review.rev),
        )
    })
}

/// Whether the person (`me`, their id) is a named reviewer.
pub fn may_review(reviews: &Reviews, me: Option<&str>) -> bool {
    me.is_some_and(|me| reviews.reviewers.iter().any(|r| r.id == me))
}

/// Whether a document's editor has a review section: for its owner, who may set a review
/// up, and wherever there is a rule, a reviewer or a verdict.
pub fn section_shown(reviews: &Reviews, owner: bool) -> bool {
    owner || reviews.required || !reviews.reviewers.is_empty() || !reviews.items.is_empty()
}

/// Whether the verdicts' part of that section is needed (and so fetched): there are
/// verdicts to list, or the person (`me`) may give one.
pub fn verdicts_shown(reviews: &Reviews, me: Option<&str>) -> bool {
    !reviews.items.is_empty() || may_review(reviews, me)
}

/// Reviewers as typed, names separated by commas.
pub fn names(typed: &str) -> Vec<String> {
    typed
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::UserRef;

    fn user(name: &str) -> UserRef {
        UserRef {
            id: format!("id-{name}"),
            name: name.into(),
        }
    }

    fn reviews(required: bool, approved: bool, who: &[&str]) -> Reviews {
        Reviews {
            required,
            reviewers: who.iter().map(|n| user(n)).collect(),
            items: Vec::new(),
            approved,
        }
    }

    #[test]
    fn the_requirement_is_said_with_the_revision_and_whom_it_waits_for() {
        assert_eq!(
            summary(&reviews(true, false, &["bob", "cat", "dan"]), 4),
            "Publishing needs an approval of revision 4 from bob, cat or dan."
        );
        assert_eq!(
            summary(&reviews(true, true, &["bob"]), 4),
            "Revision 4 is approved: it can be published."
        );
        assert_eq!(
            summary(&reviews(false, false, &[]), 4),
            "Approval is not required to publish."
        );
    }

    #[test]
    fn a_verdict_says_who_what_and_whether_it_is_outdated() {
        let review = Review {
            by: user("bob"),
            rev: 3,
            verdict: Verdict::ChangesRequested,
            comment: "Say when.".into(),
            at: chrono::DateTime::UNIX_EPOCH,
            outdated: true,
        };
        assert_eq!(
            line(&review),
            "bob asked for changes to revision 3 (outdated: the document changed since)"
        );
        let named = reviews(true, false, &["bob"]);
        assert!(may_review(&named, Some("id-bob")));
        assert!(!may_review(&named, Some("id-cat")) && !may_review(&named, None));
        assert_eq!(names(" bob, ,cat "), ["bob", "cat"]);
    }

    #[test]
    fn an_owner_without_a_review_gets_the_section_but_no_verdicts_to_fetch() {
        let none = reviews(false, false, &[]);
        assert!(section_shown(&none, true) && !section_shown(&none, false));
        assert!(!verdicts_shown(&none, Some("id-ann")));
        let named = reviews(true, false, &["bob"]);
        assert!(section_shown(&named, false));
        assert!(verdicts_shown(&named, Some("id-bob")) && !verdicts_shown(&named, Some("id-cat")));
        let mut given = reviews(false, false, &[]);
        given.items.push(Review {
            by: user("bob"),
            rev: 1,
            verdict: Verdict::Approved,
            comment: String::new(),
            at: chrono::DateTime::UNIX_EPOCH,
            outdated: false,
        });
        assert!(section_shown(&given, false) && verdicts_shown(&given, None));
    }

    #[test]
    fn an_outdated_verdict_links_to_the_changes_since_its_revision() {
        let mut review = Review {
            by: user("bob"),
            rev: 3,
            verdict: Verdict::Approved,
            comment: String::new(),
            at: chrono::DateTime::UNIX_EPOCH,
            outdated: true,
        };
        assert_eq!(
            changes_since("d 1", &review, 5),
            Some((
                "/docs/d%201/history?from=3&to=5".to_owned(),
                "Changes since revision 3".to_owned()
            ))
        );
        review.outdated = false;
        assert_eq!(changes_since("d1", &review, 3), None);
    }
}
