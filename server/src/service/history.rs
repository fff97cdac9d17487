//! A document's history for the people who may read it, and the two changes made from it:
//! restoring an old revision and undoing one revision's change. Both write a new revision;
//! history is never rewritten.

use super::{DocError, Documents, Mine, Precondition};
use app::{
    domain::{changed_fields, diff::diff_fields, parse_fields, undo::undo_change},
    protocol::{DocDiff, Document, Revision, RevisionSummary, UserRef},
};

impl Documents<'_> {
    /// Every revision, newest first.
    pub async fn revisions(
        &self,
        id: &str,
        user: &UserRef,
    ) -> Result<Vec<RevisionSummary>, DocError> {
        self.role(id, user).await?;
        let items = self.stores.history.revisions(id).await?;
        if items.is_empty() {
            return Err(DocError::NotFound);
        }
        Ok(items)
    }

    /// One revision with its full values.
    pub async fn revision(&self, id: &str, user: &UserRef, rev: i64) -> Result<Revision, DocError> {
        self.role(id, user).await?;
        self.live_revision(id, rev).await
    }

    /// What changed from one revision to another, field by field.
    pub async fn diff(
        &self,
        id: &str,
        user: &UserRef,
        from: i64,
        to: i64,
    ) -> Result<DocDiff, DocError> {
        self.role(id, user).await?;
        let from = self.live_revision(id, from).await?;
        let to = self.live_revision(id, to).await?;
        let fields = diff_fields((&from.values(), from.status), (&to.values(), to.status));
        Ok(DocDiff {
            from: from.rev,
            to: to.rev,
            fields,
        })
    }

    /// Revision `rev`'s values saved as a new revision.
    pub async fn restore_revision(
        &self,
        id: &str,
        user: &UserRef,
        rev: i64,
        precondition: &Precondition,
    ) -> Result<Document, DocError> {
        self.editor(id, user).await?;
        let old = self.live_revision(id, rev).await?;
        // Valid when it was saved; the rules may have changed since.
        let values = old.values();
        let values = parse_fields(&values.title, &values.slug, &values.tags, &values.body)
            .map_err(DocError::Invalid)?;
        tracing::info!(doc = %id, restored = old.rev, user = %user.name, "restoring a revision");
        self.save_values(id, values, precondition, user).await
    }

    /// What revision `rev` changed, taken back on the current values, every later change
    /// kept. A later change to the same places is a clash naming the fields.
    pub async fn undo(
        &self,
        id: &str,
        user: &UserRef,
        rev: i64,
        precondition: &Precondition,
    ) -> Result<Document, DocError> {
        self.editor(id, user).await?;
        let undone = self.live_revision(id, rev).await?;
        if undone.rev == 1 {
            return Err(DocError::invalid(
                "rev",
                "Revision 1 created the document; there is nothing before it to go back to.",
            ));
        }
        let before = self
            .stores
            .history
            .revision(id, undone.rev - 1)
            .await?
            .ok_or(DocError::NotFound)?;
        if changed_fields(&before.values(), &undone.values()).is_empty() {
            return Err(DocError::invalid("rev", format!(
                "Revision {} changed only the status; move the document back with a transition instead.",
                undone.rev
            )));
        }
        let current = self.read(id).await?;
        let values = undo_change(&before.values(), &undone.values(), &current.fields()).map_err(
            |fields| DocError::UndoConflict {
                rev: undone.rev,
                fields,
            },
        )?;
        // Two valid versions can merge into an invalid one (33 tags, say).
        let values = parse_fields(&values.title, &values.slug, &values.tags, &values.body)
            .map_err(DocError::Invalid)?;
        tracing::info!(doc = %id, undone = undone.rev, user = %user.name, "undoing a revision");
        self.save_values(id, values, precondition, user).await
    }

    /// The revision a saved revision's change was based on, when it was saved as a merge
    /// over later ones (what a replayed merged save says again).
    pub async fn merged_over_from(&self, id: &str, rev: i64) -> Result<Option<i64>, DocError> {
        let revision = self.stores.history.revision(id, rev).await?;
        Ok(revision.and_then(|r| r.merge_base))
    }

    /// `values` saved over the current document as a new revision, if the change's
    /// precondition holds and its state allows editing.
    async fn save_values(
        &self,
        id: &str,
        values: app::domain::ValidFields,
        precondition: &Precondition,
        user: &UserRef,
    ) -> Result<Document, DocError> {
        let current = self
            .editable_at(id, precondition, user, Mine::Fields(&values))
            .await?;
        self.save(current, values, precondition, user, None, None)
            .await
    }

    /// One revision of a live document.
    async fn live_revision(&self, id: &str, rev: i64) -> Result<Revision, DocError> {
        self.read(id).await?;
        self.stores
            .history
            .revision(id, rev)
            .await?
            .ok_or(DocError::NotFound)
    }
}
