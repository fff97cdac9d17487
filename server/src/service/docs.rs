//! Creating, changing, moving along the workflow and deleting documents: each change a
//! compare-and-set on the revision it was based on. (The store tells live watchers of each
//! committed change: `store::changes`.)

use serde_json::{Map, Value};

use super::{patch::apply_merge_patch, stale, DocError, Mine, Precondition};
use crate::store::{ClaimedKey, IdempotencyKey, MergeChange, SaveChange, StoreError, Stores};
use app::{
    domain::{changed_fields, merge::compare, parse_fields, Slug, Status, ValidFields},
    protocol::{Document, UserRef},
};

/// A save merged on the server, and the revisions it was merged over (none when the
/// change was based on the current revision).
pub struct MergedSave {
    pub doc: Document,
    pub merged_over: Option<std::ops::RangeInclusive<i64>>,
}

/// The document rules over one store. (Their committed changes reach live watchers
/// through the store's feed of changes, not from here.)
pub struct Documents<'a> {
    pub stores: &'a Stores,
    /// Where membership changes are told to the people's open pages.
    pub fanout: &'a dyn crate::live::Fanout,
    pub clock: &'a crate::clock::Clock,
}

impl Documents<'_> {
    pub async fn create(
        &self,
        fields: &ValidFields,
        user: &UserRef,
        key: Option<ClaimedKey<'_>>,
    ) -> Result<Document, DocError> {
        let id = uuid::Uuid::now_v7().to_string();
        match self
            .stores
            .docs
            .create_doc(&id, fields, user, self.clock.now(), key)
            .await
        {
            Ok(doc) => {
                tracing::info!(doc = %doc.id, user = %user.name, "document created");
                Ok(doc)
            }
            Err(StoreError::SlugTaken) => Err(self.slug_taken(&fields.slug).await),
            Err(other) => Err(other.into()),
        }
    }

    /// Creates a document whose slug is made from its title, as the first free one of
    /// "plan", "plan-2" … "plan-12" (or "plan-" and a random tail past those). Another
    /// create taking the chosen slug first only means choosing again.
    pub async fn create_with_derived_slug(
        &self,
        mut fields: ValidFields,
        user: &UserRef,
        key: Option<ClaimedKey<'_>>,
    ) -> Result<Document, DocError> {
        let base = app::domain::slugify(&fields.title);
        let mut attempts = 0;
        loop {
            let free = self.free_slug(&base).await?;
            let slug = Slug::parse(&free).map_err(|e| DocError::Invalid(vec![e]))?;
            fields = fields.with_slug(slug);
            match self.create(&fields, user, key).await {
                Err(DocError::SlugTaken { .. }) if attempts < 3 => attempts += 1,
                other => return other,
            }
        }
    }

    async fn free_slug(&self, base: &str) -> Result<String, DocError> {
        let stem: String = base.chars().take(app::domain::SLUG_MAX - 7).collect();
        let stem = stem.trim_end_matches('-');
        let mut candidates = vec![base.to_owned()];
        candidates.extend((2..=12).map(|n| format!("{stem}-{n}")));
        let free = self.stores.docs.free_slugs(&candidates).await?;
        Ok(match free.into_iter().next() {
            Some(slug) => slug,
            None => format!("{stem}-{:06x}", rand::random::<u32>() & 0xff_ffff),
        })
    }

    /// The current document, if the change's precondition holds and its state allows
    /// editing.
    pub async fn editable_at(
        &self,
        id: &str,
        precondition: &Precondition,
        user: &UserRef,
        mine: Mine<'_>,
    ) -> Result<Document, DocError> {
        let current = self.current(id).await?;
        self.editable(current, precondition, user, mine).await
    }

    /// As `editable_at`, but for accepting a suggestion: a published document that requires
    /// approval takes changes this way only (its rule is the caller's to check).
    pub(super) async fn acceptable_at(
        &self,
        id: &str,
        precondition: &Precondition,
        user: &UserRef,
    ) -> Result<Document, DocError> {
        let current = self.current(id).await?;
        let current = self
            .on_revision(current, precondition, user, Mine::Unknown)
            .await?;
        writable(current.status)?;
        Ok(current)
    }

    /// `current` (just read), if the change's precondition holds on it and its state allows
    /// editing.
    pub async fn editable(
        &self,
        current: Document,
        precondition: &Precondition,
        user: &UserRef,
        mine: Mine<'_>,
    ) -> Result<Document, DocError> {
        let current = self.on_revision(current, precondition, user, mine).await?;
        writable(current.status)?;
        if current.status == Status::Published && self.gated(&current.id).await? {
            return Err(through_suggestions());
        }
        Ok(current)
    }

    /// Whether changes to the document, once published, go through suggestions: its owner
    /// requires approval before publishing (issue 24).
    pub(super) async fn gated(&self, id: &str) -> Result<bool, DocError> {
        Ok(self.stores.reviews.review_settings(id).await?.required)
    }

    /// Saves `fields` over `current` in one compare-and-set. `patch` is the merge patch the
    /// fields came from, if any: a stale-revision explanation compares it, not the fields.
    /// Saving what is already stored records nothing and returns `current`.
    pub async fn save(
        &self,
        current: Document,
        fields: ValidFields,
        precondition: &Precondition,
        user: &UserRef,
        idempotency: Option<IdempotencyKey<'_>>,
        patch: Option<&Map<String, Value>>,
    ) -> Result<Document, DocError> {
        let changed = changed_fields(&current.fields(), &fields);
        if changed.is_empty() {
            return Ok(current);
        }
        let mine = match patch {
            Some(patch) => Mine::Patch(patch),
            None => Mine::Fields(&fields),
        };
        let change = SaveChange {
            id: &current.id,
            expected_rev: current.rev,
            old_body: &current.body,
            fields: &fields,
            changed: &changed,
            by: user,
            at: self.clock.now(),
            idempotency,
            accepting: None,
        };
        self.commit(change, precondition, user, mine).await
    }

    /// Stores a save in one compare-and-set, explaining a lost one from the revision that
    /// won (`mine` is the change as the client sent it).
    pub(super) async fn commit(
        &self,
        change: SaveChange<'_>,
        precondition: &Precondition,
        user: &UserRef,
        mine: Mine<'_>,
    ) -> Result<Document, DocError> {
        let (fields, change_id, changed) = (change.fields, change.id, change.changed);
        match self.stores.docs.save_doc(change).await {
            Ok(doc) => {
                tracing::info!(doc = %doc.id, rev = doc.rev, user = %user.name, ?changed, "document saved");
                Ok(doc)
            }
            Err(StoreError::SlugTaken) => Err(self.slug_taken(&fields.slug).await),
            // Somebody committed between our read and our compare-and-set (perhaps this
            // very request's first attempt, which the HTTP layer replays).
            Err(StoreError::Stale | StoreError::IdempotencyKeyUsed) => {
                Err(self.lost(change_id, precondition, user, mine).await)
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Saves a change merged with whatever was saved since its base revision, in the
    /// save's own transaction (`Prefer: merge=auto`). Where it does not merge cleanly the
    /// answer is the stale-revision explanation, as without the preference.
    pub async fn merge_save(
        &self,
        id: &str,
        precondition: &Precondition,
        mine: Mine<'_>,
        user: &UserRef,
        idempotency: Option<IdempotencyKey<'_>>,
    ) -> Result<MergedSave, DocError> {
        let base = match precondition.merge_base() {
            Some(rev) => self
                .stores
                .history
                .revision_fields(id, rev)
                .await?
                .map(|f| (rev, f)),
            None => None,
        };
        let Some((base_rev, base)) = base else {
            // No revision to merge from: the answer is what it would be without merging.
            return Err(match self.editable_at(id, precondition, user, mine).await {
                Err(error) => error,
                Ok(_) => DocError::NotFound,
            });
        };
        let wanted = match &mine {
            Mine::Fields(fields) => (*fields).clone(),
            Mine::Patch(patch) => apply_merge_patch(&base, patch)
                .map_err(DocError::Invalid)?
                .into_fields(),
            Mine::Unknown => return Err(DocError::NotFound),
        };
        // Read before the save's transaction: the owner changing the rule meanwhile is
        // a change of policy, not of text, and the next save sees it.
        let gated = self.gated(id).await?;
        let merge = |current: &Document| -> Option<ValidFields> {
            if !current.status.is_editable() || (gated && current.status == Status::Published) {
                return None;
            }
            let compared = compare(&base, &current.fields(), &wanted);
            let merged = compared.merge.clean.then_some(compared.merge.proposal)?;
            // Two valid sides can merge into an invalid whole (too many tags, too long).
            parse_fields(&merged.title, &merged.slug, &merged.tags, &merged.body).ok()
        };
        let change = MergeChange {
            id,
            base_rev,
            merge: &merge,
            by: user,
            at: self.clock.now(),
            idempotency,
        };
        match self.stores.docs.merge_save_doc(change).await {
            Ok(merged) => {
                if merged.saved {
                    tracing::info!(doc = %id, rev = merged.doc.rev, base_rev, over = merged.over, user = %user.name, changed = ?merged.changed, "document saved as a merge");
                }
                let merged_over = (merged.over > base_rev).then_some(base_rev + 1..=merged.over);
                Ok(MergedSave {
                    doc: merged.doc,
                    merged_over,
                })
            }
            Err(StoreError::SlugTaken) => Err(self.slug_taken(&wanted.slug).await),
            Err(StoreError::Stale | StoreError::IdempotencyKeyUsed) => {
                Err(match self.editable_at(id, precondition, user, mine).await {
                    Err(error) => error,
                    // The revision still matches, yet the save was refused: this very
                    // request's first attempt committed (the HTTP layer replays it).
                    Ok(current) => self.explain(current, precondition, user, mine).await,
                })
            }
            Err(other) => Err(other.into()),
        }
    }

    /// Moves the document along the workflow from the revision the client saw.
    pub async fn transition(
        &self,
        id: &str,
        precondition: &Precondition,
        to: Status,
        user: &UserRef,
    ) -> Result<Document, DocError> {
        self.editor(id, user).await?;
        let current = self.current(id).await?;
        let current = self
            .on_revision(current, precondition, user, Mine::Unknown)
            .await?;
        if !current.status.can_become(to) {
            return Err(refused(current.status, to));
        }
        if to == Status::Published {
            self.publishable(id, current.rev, current.status).await?;
        }
        match self
            .stores
            .docs
            .transition_doc(id, current.rev, to, user, self.clock.now())
            .await
        {
            Ok(doc) => {
                tracing::info!(doc = %doc.id, rev = doc.rev, user = %user.name, to = to.as_str(), "status changed");
                Ok(doc)
            }
            Err(StoreError::Stale) => Err(self.lost(id, precondition, user, Mine::Unknown).await),
            Err(other) => Err(other.into()),
        }
    }

    /// `doc`, if the change was made on its revision; else what changed since, explained.
    /// Every change starts with this check.
    pub(super) async fn on_revision(
        &self,
        doc: Document,
        precondition: &Precondition,
        user: &UserRef,
        mine: Mine<'_>,
    ) -> Result<Document, DocError> {
        if precondition.matches(doc.rev) {
            Ok(doc)
        } else {
            Err(self.explain(doc, precondition, user, mine).await)
        }
    }

    /// After a compare-and-set lost to another change: explained from the revision that
    /// won, as if the check had seen it.
    pub(super) async fn lost(
        &self,
        id: &str,
        precondition: &Precondition,
        user: &UserRef,
        mine: Mine<'_>,
    ) -> DocError {
        match self.current(id).await {
            Ok(latest) => self.explain(latest, precondition, user, mine).await,
            Err(error) => error,
        }
    }

    pub(super) async fn explain(
        &self,
        doc: Document,
        precondition: &Precondition,
        user: &UserRef,
        mine: Mine<'_>,
    ) -> DocError {
        stale::explain(self.stores.history.as_ref(), doc, precondition, user, mine).await
    }

    /// A live document (access is the caller's to check first).
    pub async fn read(&self, id: &str) -> Result<Document, DocError> {
        self.current(id).await
    }

    pub(super) async fn current(&self, id: &str) -> Result<Document, DocError> {
        self.stores
            .docs
            .get_doc(id)
            .await?
            .ok_or(DocError::NotFound)
    }

    /// The clash, with free variants of the slug to choose from.
    pub async fn slug_taken(&self, slug: &str) -> DocError {
        let stem: String = slug.chars().take(app::domain::SLUG_MAX - 3).collect();
        let stem = stem.trim_end_matches('-');
        let candidates: Vec<String> = (2..=12).map(|n| format!("{stem}-{n}")).collect();
        let suggestions = match self.stores.docs.free_slugs(&candidates).await {
            Ok(free) => free.into_iter().take(3).collect(),
            Err(error) => {
                tracing::warn!(%error, "could not suggest slugs");
                Vec::new()
            }
        };
        DocError::SlugTaken {
            slug: slug.to_owned(),
            suggestions,
        }
    }
}

/// Names the current state and where the document can go from it.
pub fn refused(state: Status, to: Status) -> DocError {
    let allowed = state.allowed_next().to_vec();
    let next: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
    let detail = if state == to {
        format!(
            "This document is already {}. From here it can move to: {}.",
            state.as_str(),
            next.join(", ")
        )
    } else {
        format!(
            "A {} document cannot become {}. From here it can move to: {}.",
            state.as_str(),
            to.as_str(),
            next.join(", ")
        )
    };
    DocError::InvalidState {
        state,
        allowed,
        detail,
    }
}

/// Archived documents are read-only until restored to draft.
fn writable(status: Status) -> Result<(), DocError> {
    if status.is_editable() {
        return Ok(());
    }
    Err(DocError::InvalidState {
        state: status,
        allowed: vec![Status::Draft],
        detail: "This document is archived and read-only. Restore it to draft to edit it.".into(),
    })
}

/// A published document that requires approval changes only by accepted suggestions.
fn through_suggestions() -> DocError {
    DocError::InvalidState {
        state: Status::Published,
        allowed: vec![Status::Archived],
        detail: "This published document requires approval: changes to it go through suggestions. Suggest this change; a named reviewer accepts it.".into(),
    }
}
