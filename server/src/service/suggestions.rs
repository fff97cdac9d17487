//! Suggestions (issue 24): everyone with access may suggest (viewers can only suggest);
//! editors and the owner accept or reject each hunk. Accepting is a save like any other:
//! the document's `If-Match`, a new revision, which names whose suggestion it was.

use super::{DocError, Documents, Mine, Precondition};
use crate::store::{
    reviews::ReviewSettings,
    suggestions::{DecisionBatch, NewSuggestionRecord, SuggestionRecord},
    SaveChange, StoreError,
};
use app::{
    domain::{
        changed_fields,
        comment::optional_text,
        parse_fields,
        suggest::{accept_among, hunks, Hunk, Outdated},
        Field, Fields, Role, Status,
    },
    protocol::{
        Decided, Decisions, HunkState, NewSuggestion, NotificationKind, SuggestedHunk,
        SuggestedValues, Suggestion, SuggestionList, SuggestionState, UserRef,
    },
};

/// Characters of the text shown either side of a body hunk.
const AROUND: usize = 40;

impl Documents<'_> {
    /// Every suggestion on the document, newest first, each hunk with where it stands
    /// against the current document.
    pub async fn suggestions(&self, id: &str, user: &UserRef) -> Result<SuggestionList, DocError> {
        let (doc, _) = self.read_as(id, user).await?;
        let records = self.stores.suggestions.suggestions(id).await?;
        let mut items = Vec::with_capacity(records.len());
        for record in records {
            let base = self.base_of(id, record.base_rev).await?;
            items.push(on_the_wire(record, &base, &doc.fields()));
        }
        Ok(SuggestionList { items })
    }

    /// Stores a suggestion: values proposed on revision `base_rev`, checked as a save's
    /// would be; the document does not change.
    pub async fn suggest(
        &self,
        id: &str,
        user: &UserRef,
        request: &NewSuggestion,
    ) -> Result<Suggestion, DocError> {
        let (doc, role) = self.read_as(id, user).await?;
        if !doc.status.is_editable() {
            return Err(DocError::InvalidState {
                state: doc.status,
                allowed: Vec::new(),
                detail: "This document is archived: nothing can be suggested for it. Its owner can restore it to draft.".into(),
            });
        }
        if request.base_rev < 1 || request.base_rev > doc.rev {
            return Err(DocError::invalid(
                "base_rev",
                format!(
                    "Revision {} of this document does not exist (the latest is {}).",
                    request.base_rev, doc.rev
                ),
            ));
        }
        let note = optional_text(&request.note, "note", "A note")
            .map_err(|e| DocError::Invalid(vec![e]))?;
        let base = self.base_of(id, request.base_rev).await?;
        let proposed = parse_fields(
            request.title.as_deref().unwrap_or(&base.title),
            &base.slug,
            request.tags.as_deref().unwrap_or(&base.tags),
            request.body.as_deref().unwrap_or(&base.body),
        )
        .map_err(DocError::Invalid)?;
        if hunks(&base, &proposed).is_empty() {
            return Err(DocError::invalid(
                "body",
                format!("This suggests nothing: the values are those of revision {}. Change the title, the tags or the text.", request.base_rev),
            ));
        }
        if let Some(old) = &request.replaces {
            self.replaceable(id, old, user, role).await?;
        }
        let suggestion_id = uuid::Uuid::now_v7().to_string();
        self.stores
            .suggestions
            .suggest(NewSuggestionRecord {
                replaces: request.replaces.as_deref(),
                id: &suggestion_id,
                doc_id: id,
                author: user,
                base_rev: request.base_rev,
                title: &proposed.title,
                tags: &proposed.tags,
                body: &proposed.body,
                note: &note,
                at: self.clock.now(),
            })
            .await
            .map_err(not_open)?;
        tracing::info!(doc = %id, suggestion = %suggestion_id, replaces = ?request.replaces, by = %user.name, "suggestion made");
        // Whoever may decide on it hears of it.
        if let Some((owner, members)) = self.stores.members.members(id).await? {
            let deciders: Vec<String> = std::iter::once(owner.id)
                .chain(
                    members
                        .into_iter()
                        .filter(|m| m.role.can_edit())
                        .map(|m| m.user.id),
                )
                .collect();
            self.tell(id, &deciders, NotificationKind::Suggestion, user)
                .await;
        }
        self.suggestion(id, user, &suggestion_id).await
    }

    /// Accepts and rejects hunks of an open suggestion. Accepting merges them onto the
    /// current document as a new revision, on the revision named in `If-Match`.
    pub async fn decide(
        &self,
        id: &str,
        suggestion_id: &str,
        user: &UserRef,
        precondition: &Precondition,
        decisions: &Decisions,
    ) -> Result<Decided, DocError> {
        let (doc, role) = self.read_as(id, user).await?;
        let record = self.record(id, suggestion_id).await?;
        let gate = Gate {
            role,
            status: doc.status,
            settings: &self.stores.reviews.review_settings(id).await?,
        };
        gate.may_decide(user, &record.author, !decisions.accept.is_empty())?;
        let base = self.base_of(id, record.base_rev).await?;
        let proposed = proposed(&record, &base);
        let all = hunks(&base, &proposed);
        check_decisions(decisions, &record, all.len())?;
        let closes =
            record.decisions.len() + decisions.accept.len() + decisions.reject.len() == all.len();
        let batch = DecisionBatch {
            suggestion_id,
            suggested_by: &record.author,
            accepted: &decisions.accept,
            rejected: &decisions.reject,
            by: user,
            at: self.clock.now(),
            closes,
        };
        let rev = if decisions.accept.is_empty() {
            let rev = self.read_as(id, user).await?.0.rev;
            self.stores
                .suggestions
                .reject(id, batch)
                .await
                .map_err(not_open)?;
            rev
        } else {
            let done: Vec<usize> = record
                .decisions
                .iter()
                .filter(|d| d.accepted)
                .map(|d| d.hunk)
                .collect();
            let current = self.acceptable_at(id, precondition, user).await?;
            // Published meanwhile (a revision the If-Match names): its rule decides.
            Gate {
                status: current.status,
                ..gate
            }
            .may_decide(user, &record.author, true)?;
            let merged = accept_among(
                &base,
                &proposed,
                &all,
                &current.fields(),
                &done,
                &decisions.accept,
            )
            .map_err(|Outdated(hunks)| outdated(hunks))?;
            // Two valid versions can merge into an invalid one (33 tags, say).
            let fields = parse_fields(&merged.title, &merged.slug, &merged.tags, &merged.body)
                .map_err(DocError::Invalid)?;
            let changed = changed_fields(&current.fields(), &fields);
            let change = SaveChange {
                id,
                expected_rev: current.rev,
                old_body: &current.body,
                fields: &fields,
                changed: &changed,
                by: user,
                at: batch.at,
                idempotency: None,
                accepting: Some(batch),
            };
            let saved = self
                .commit(change, precondition, user, Mine::Fields(&fields))
                .await
                .map_err(|e| match e {
                    DocError::Store(error) => not_open(error),
                    other => other,
                })?;
            saved.rev
        };
        tracing::info!(doc = %id, suggestion = %suggestion_id, accepted = ?decisions.accept, rejected = ?decisions.reject, by = %user.name, "suggestion decided");
        self.tell(
            id,
            std::slice::from_ref(&record.author.id),
            NotificationKind::Decided,
            user,
        )
        .await;
        Ok(Decided {
            suggestion: self.suggestion(id, user, suggestion_id).await?,
            rev,
        })
    }

    /// Withdraws one's own open suggestion.
    pub async fn withdraw(
        &self,
        id: &str,
        suggestion_id: &str,
        user: &UserRef,
    ) -> Result<(), DocError> {
        let role = self.role(id, user).await?;
        let record = self.record(id, suggestion_id).await?;
        if record.author.id != user.id {
            return Err(DocError::Forbidden {
                role,
                detail: "Only its author may withdraw a suggestion; editors reject it instead."
                    .into(),
            });
        }
        self.stores
            .suggestions
            .withdraw(id, suggestion_id, user)
            .await
            .map_err(not_open)?;
        tracing::info!(doc = %id, suggestion = %suggestion_id, by = %user.name, "suggestion withdrawn");
        Ok(())
    }

    /// The values a suggestion proposes and those of the revision it was made on: what its
    /// author starts from to update it.
    pub async fn suggested_values(
        &self,
        id: &str,
        suggestion_id: &str,
        user: &UserRef,
    ) -> Result<SuggestedValues, DocError> {
        self.read_as(id, user).await?;
        let record = self.record(id, suggestion_id).await?;
        let base = self.base_of(id, record.base_rev).await?;
        Ok(SuggestedValues {
            base_rev: record.base_rev,
            proposed: proposed(&record, &base),
            base,
        })
    }

    /// A suggestion its author may replace with a newer version: theirs, and open.
    async fn replaceable(
        &self,
        id: &str,
        old: &str,
        user: &UserRef,
        role: Role,
    ) -> Result<(), DocError> {
        // The document was read just before: not found is the suggestion.
        let record = match self.record(id, old).await {
            Err(DocError::NotFound) => {
                return Err(DocError::invalid(
                    "replaces",
                    format!("This document has no suggestion {old} to replace."),
                ))
            }
            found => found?,
        };
        if record.author.id != user.id {
            return Err(DocError::Forbidden {
                role,
                detail: "Only its author may update a suggestion; suggest your own instead.".into(),
            });
        }
        if record.state != SuggestionState::Open {
            return Err(not_open(StoreError::Stale));
        }
        Ok(())
    }

    async fn suggestion(
        &self,
        id: &str,
        user: &UserRef,
        suggestion_id: &str,
    ) -> Result<Suggestion, DocError> {
        self.suggestions(id, user)
            .await?
            .items
            .into_iter()
            .find(|s| s.id == suggestion_id)
            .ok_or(DocError::NotFound)
    }

    async fn record(&self, id: &str, suggestion_id: &str) -> Result<SuggestionRecord, DocError> {
        self.stores
            .suggestions
            .suggestions(id)
            .await?
            .into_iter()
            .find(|s| s.id == suggestion_id)
            .ok_or(DocError::NotFound)
    }

    async fn base_of(&self, id: &str, rev: i64) -> Result<Fields, DocError> {
        Ok(self
            .stores
            .history
            .revision(id, rev)
            .await?
            .ok_or(DocError::NotFound)?
            .values())
    }
}

/// Who may decide on a suggestion. Usually editors and the owner. Once a document that
/// requires approval is published, its changes are reviewed: a named reviewer accepts
/// (never their own suggestion), and they, editors or the owner may reject.
#[derive(Clone, Copy)]
struct Gate<'a> {
    role: Role,
    status: Status,
    settings: &'a ReviewSettings,
}

impl Gate<'_> {
    fn may_decide(self, user: &UserRef, author: &UserRef, accepting: bool) -> Result<(), DocError> {
        let gated = self.settings.required && self.status == Status::Published;
        let reviewer = self.settings.reviewers.iter().any(|r| r.id == user.id);
        let refusal = |detail: &str| {
            Err(DocError::Forbidden {
                role: self.role,
                detail: detail.into(),
            })
        };
        if gated && accepting && !reviewer {
            let names: Vec<&str> = self
                .settings
                .reviewers
                .iter()
                .map(|r| r.name.as_str())
                .collect();
            return refusal(&format!(
                "This published document requires approval: one of its named reviewers ({}) accepts changes to it.",
                names.join(", ")
            ));
        }
        if gated && accepting && author.id == user.id {
            return refusal("This published document requires approval: another named reviewer accepts your own suggestion.");
        }
        if self.role.can_edit() || (gated && reviewer) {
            Ok(())
        } else {
            refusal("You are a viewer of this document: you can suggest changes, and its editors accept or reject them.")
        }
    }
}

/// The values a suggestion proposes: the slug stays the base's.
fn proposed(record: &SuggestionRecord, base: &Fields) -> Fields {
    Fields {
        title: record.title.clone(),
        slug: base.slug.clone(),
        tags: record.tags.clone(),
        body: record.body.clone(),
    }
}

/// Decisions name at least one hunk, each once, each existing and undecided, on an open
/// suggestion.
fn check_decisions(
    decisions: &Decisions,
    record: &SuggestionRecord,
    count: usize,
) -> Result<(), DocError> {
    let named: Vec<usize> = decisions
        .accept
        .iter()
        .chain(&decisions.reject)
        .copied()
        .collect();
    if named.is_empty() {
        return Err(DocError::invalid(
            "accept",
            "Name at least one hunk to accept or reject.",
        ));
    }
    if let Some(&beyond) = named.iter().find(|&&h| h >= count) {
        return Err(DocError::invalid(
            "accept",
            format!("This suggestion has no hunk {beyond}: it has {count}, numbered from 0."),
        ));
    }
    let mut sorted = named.clone();
    sorted.sort_unstable();
    sorted.dedup();
    if sorted.len() != named.len() {
        return Err(DocError::invalid(
            "accept",
            "Name each hunk once, to accept or to reject.",
        ));
    }
    if record.state != SuggestionState::Open {
        return Err(not_open(StoreError::Stale));
    }
    let decided: Vec<usize> = named
        .into_iter()
        .filter(|h| record.decisions.iter().any(|d| d.hunk == *h))
        .collect();
    if !decided.is_empty() {
        return Err(DocError::Undecidable {
            detail: "These changes were decided already.".into(),
            hunks: decided,
        });
    }
    Ok(())
}

/// A store refusal of decisions, said as what happened.
fn not_open(error: StoreError) -> DocError {
    match error {
        StoreError::Stale => DocError::Undecidable {
            detail: "This suggestion is no longer open: every change of it was decided, or its author withdrew it.".into(),
            hunks: Vec::new(),
        },
        StoreError::AlreadyDecided => DocError::Undecidable {
            detail: "Somebody decided on these changes meanwhile. Load the suggestion again.".into(),
            hunks: Vec::new(),
        },
        other => other.into(),
    }
}

fn outdated(hunks: Vec<usize>) -> DocError {
    DocError::Undecidable {
        detail: "The document changed where these changes apply since they were suggested: they cannot be accepted as they are. Compare them with the text as it is now; the author can suggest them again.".into(),
        hunks,
    }
}

/// A suggestion as the API shows it: each hunk with its context and where it stands.
fn on_the_wire(record: SuggestionRecord, base: &Fields, current: &Fields) -> Suggestion {
    let proposed = proposed(&record, base);
    let all = hunks(base, &proposed);
    let done: Vec<usize> = record
        .decisions
        .iter()
        .filter(|d| d.accepted)
        .map(|d| d.hunk)
        .collect();
    let open = record.state == SuggestionState::Open;
    let shown = all
        .iter()
        .enumerate()
        .map(|(index, hunk)| {
            let decision = record.decisions.iter().find(|d| d.hunk == index);
            let state = match decision {
                Some(d) if d.accepted => HunkState::Accepted,
                Some(_) => HunkState::Rejected,
                None if open
                    && accept_among(base, &proposed, &all, current, &done, &[index]).is_err() =>
                {
                    HunkState::Outdated
                }
                None => HunkState::Open,
            };
            let (before, after) = around(base, hunk);
            SuggestedHunk {
                index,
                field: hunk.field,
                removed: hunk.removed.clone(),
                inserted: hunk.inserted.clone(),
                before,
                after,
                state,
                decided_by: decision.map(|d| d.by.clone()),
            }
        })
        .collect();
    Suggestion {
        id: record.id,
        doc_id: record.doc_id,
        author: record.author,
        base_rev: record.base_rev,
        note: record.note,
        created_at: record.created_at,
        state: record.state,
        hunks: shown,
    }
}

/// A little of the base's text either side of a body hunk, within its lines.
fn around(base: &Fields, hunk: &Hunk) -> (String, String) {
    if hunk.field != Field::Body {
        return (String::new(), String::new());
    }
    let before = &base.body[..hunk.start];
    let before = before.rsplit('\n').next().unwrap_or_default();
    let skip = before.chars().count().saturating_sub(AROUND);
    let after = &base.body[hunk.end..];
    let after = after.split('\n').next().unwrap_or_default();
    (
        before.chars().skip(skip).collect(),
        after.chars().take(AROUND).collect(),
    )
}
