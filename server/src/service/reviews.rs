//! Review before publishing (issue 24): the owner requires approval and names reviewers
//! (people with access, not the owner); a named reviewer approves a revision or asks for
//! changes; publishing needs an approval of the current revision (`publishable`).

use super::{DocError, Documents};
use crate::store::reviews::ReviewRecord;
use app::{
    domain::{comment::optional_text, Status},
    protocol::{
        approves, NewReview, NotificationKind, Review, ReviewSetup, Reviews, UserRef, Verdict,
    },
};

impl Documents<'_> {
    /// How the document is reviewed, and every review, newest first.
    pub async fn reviews(&self, id: &str, user: &UserRef) -> Result<Reviews, DocError> {
        let (doc, _) = self.read_as(id, user).await?;
        self.reviews_at(id, doc.rev).await
    }

    async fn reviews_at(&self, id: &str, current: i64) -> Result<Reviews, DocError> {
        let settings = self.stores.reviews.review_settings(id).await?;
        let items: Vec<Review> = self
            .stores
            .reviews
            .reviews(id)
            .await?
            .into_iter()
            .map(|r| Review {
                outdated: r.rev != current,
                by: r.by,
                rev: r.rev,
                verdict: r.verdict,
                comment: r.comment,
                at: r.at,
            })
            .collect();
        let approved = approves(&items, &settings.reviewers, current);
        Ok(Reviews {
            required: settings.required,
            reviewers: settings.reviewers,
            items,
            approved,
        })
    }

    /// The owner says whether publishing needs an approval and who reviews.
    pub async fn set_reviews(
        &self,
        id: &str,
        user: &UserRef,
        setup: &ReviewSetup,
    ) -> Result<Reviews, DocError> {
        self.owner(id, user, "choose its reviewers").await?;
        let (owner, members) = self
            .stores
            .members
            .members(id)
            .await?
            .ok_or(DocError::NotFound)?;
        let mut reviewers: Vec<String> = Vec::new();
        for name in &setup.reviewers {
            let folded = app::domain::fold_case(name.trim());
            if folded == app::domain::fold_case(&owner.name) {
                return Err(DocError::invalid(
                    "reviewers",
                    "You own this document: a reviewer is someone else, who approves what you wrote.",
                ));
            }
            let Some(member) = members
                .iter()
                .find(|m| app::domain::fold_case(&m.user.name) == folded)
            else {
                return Err(DocError::invalid(
                    "reviewers",
                    format!("{name} cannot read this document: share it with them first, then name them."),
                ));
            };
            if !reviewers.contains(&member.user.id) {
                reviewers.push(member.user.id.clone());
            }
        }
        let before = self.stores.reviews.review_settings(id).await?.reviewers;
        if setup.required && reviewers.is_empty() {
            return Err(DocError::invalid(
                "reviewers",
                "Name at least one reviewer who can approve it, or do not require approval.",
            ));
        }
        self.stores
            .reviews
            .set_review_settings(id, setup.required, &reviewers, (user, self.clock.now()))
            .await?;
        tracing::info!(doc = %id, required = setup.required, reviewers = reviewers.len(), by = %user.name, "review settings changed");
        let named: Vec<String> = reviewers
            .into_iter()
            .filter(|r| !before.iter().any(|b| b.id == *r))
            .collect();
        self.tell(id, &named, NotificationKind::ReviewRequested, user)
            .await;
        self.reviews(id, user).await
    }

    /// A named reviewer's verdict on a revision they read.
    pub async fn review(
        &self,
        id: &str,
        user: &UserRef,
        request: &NewReview,
    ) -> Result<Reviews, DocError> {
        let (doc, role) = self.read_as(id, user).await?;
        let settings = self.stores.reviews.review_settings(id).await?;
        if !settings.reviewers.iter().any(|r| r.id == user.id) {
            return Err(DocError::Forbidden {
                role,
                detail: "Only the reviewers the owner named review this document.".into(),
            });
        }
        if request.rev < 1 || request.rev > doc.rev {
            return Err(DocError::invalid(
                "rev",
                format!(
                    "Revision {} of this document does not exist (the latest is {}).",
                    request.rev, doc.rev
                ),
            ));
        }
        let comment = optional_text(&request.comment, "comment", "A review's comment")
            .map_err(|e| DocError::Invalid(vec![e]))?;
        if request.verdict == Verdict::ChangesRequested && comment.is_empty() {
            return Err(DocError::invalid(
                "comment",
                "Say what should change: asking for changes needs a comment.",
            ));
        }
        self.stores
            .reviews
            .add_review(
                id,
                &ReviewRecord {
                    by: user.clone(),
                    rev: request.rev,
                    verdict: request.verdict,
                    comment,
                    at: self.clock.now(),
                },
            )
            .await?;
        tracing::info!(doc = %id, rev = request.rev, verdict = ?request.verdict, by = %user.name, "reviewed");
        if let Some((owner, _)) = self.stores.members.members(id).await? {
            self.tell(id, &[owner.id], NotificationKind::Reviewed, user)
                .await;
        }
        self.reviews(id, user).await
    }

    /// Refuses publishing revision `rev` of a document that requires approval without one
    /// of it from a named reviewer, naming what is missing.
    pub(super) async fn publishable(
        &self,
        id: &str,
        rev: i64,
        from: Status,
    ) -> Result<(), DocError> {
        let reviews = self.reviews_at(id, rev).await?;
        if !reviews.required || reviews.approved {
            return Ok(());
        }
        let names: Vec<String> = reviews.reviewers.iter().map(|r| r.name.clone()).collect();
        Err(DocError::InvalidState {
            state: from,
            allowed: [Status::Draft, Status::Archived]
                .into_iter()
                .filter(|s| from.can_become(*s))
                .collect(),
            detail: format!(
                "Publishing needs an approval of revision {rev} from one of the named reviewers ({}).",
                names.join(", ")
            ),
        })
    }
}
