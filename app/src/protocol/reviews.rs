//! Review before publishing (issue 24): `/api/docs/{id}/reviews`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::UserRef;

/// `PUT /api/docs/{id}/reviews`: whether publishing needs an approval, and who reviews (by
/// name: people with access other than the owner).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewSetup {
    pub required: bool,
    #[serde(default)]
    pub reviewers: Vec<String>,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approved,
    ChangesRequested,
}

/// `POST /api/docs/{id}/reviews`: a named reviewer's verdict on revision `rev` (the one they
/// read), with a comment (needed when asking for changes).
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewReview {
    pub rev: i64,
    pub verdict: Verdict,
    #[serde(default)]
    pub comment: String,
}

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub by: UserRef,
    pub rev: i64,
    pub verdict: Verdict,
    pub comment: String,
    pub at: DateTime<Utc>,
    /// The document has changed since the revision reviewed.
    pub outdated: bool,
}

/// `GET /api/docs/{id}/reviews`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reviews {
    /// Publishing needs an approval of the current revision from a named reviewer.
    pub required: bool,
    pub reviewers: Vec<UserRef>,
    /// Newest first.
    pub items: Vec<Review>,
    /// A named reviewer's latest verdict approves the current revision.
    pub approved: bool,
}

/// Whether `reviews` (newest first) hold an approval of revision `rev` by one of
/// `reviewers`: the latest verdict of some named reviewer approves that revision.
pub fn approves(reviews: &[Review], reviewers: &[UserRef], rev: i64) -> bool {
    reviewers.iter().any(|who| {
        reviews
            .iter()
            .find(|r| r.by.id == who.id)
            .is_some_and(|latest| latest.rev == rev && latest.verdict == Verdict::Approved)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(who: &str, rev: i64, verdict: Verdict) -> Review {
        Review {
            by: UserRef {
                id: who.into(),
                name: who.into(),
            },
            rev,
            verdict,
            comment: String::new(),
            at: DateTime::UNIX_EPOCH,
            outdated: false,
        }
    }

    #[test]
    fn only_a_named_reviewers_latest_approval_of_that_revision_counts() {
        let named = |ids: &[&str]| {
            ids.iter()
                .map(|id| UserRef {
                    id: id.to_string(),
                    name: id.to_string(),
                })
                .collect::<Vec<_>>()
        };
        let approved = [review("bob", 4, Verdict::Approved)];
        assert!(approves(&approved, &named(&["bob"]), 4));
        // Of an older revision, by someone not named, or taken back since: not enough.
        assert!(!approves(&approved, &named(&["bob"]), 5));
        assert!(!approves(&approved, &named(&["cat"]), 4));
        let taken_back = [
            review("bob", 4, Verdict::ChangesRequested),
            review("bob", 4, Verdict::Approved),
        ];
        assert!(!approves(&taken_back, &named(&["bob"]), 4));
        assert!(!approves(&[], &named(&["bob"]), 4));
    }
}
