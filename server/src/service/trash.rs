//! The trash: the owner moves a document there (history kept), finds it there, and takes
//! it out again on the revision it was deleted at.

use super::{DocError, Documents, Mine, Precondition};
use crate::store::StoreError;
use app::protocol::{DocPage, Document, UserRef};

impl Documents<'_> {
    /// The user's own documents in the trash, most recently deleted first, as one page.
    pub async fn trashed(&self, user: &UserRef) -> Result<DocPage, DocError> {
        let items = self.stores.trash.trashed(&user.id).await?;
        Ok(DocPage {
            total: items.len() as i64,
            items,
            next_cursor: None,
            prev_cursor: None,
        })
    }

    /// Soft-deletes from the revision the client saw; history is kept.
    pub async fn delete(
        &self,
        id: &str,
        precondition: &Precondition,
        user: &UserRef,
    ) -> Result<(), DocError> {
        self.owner(id, user, "delete it").await?;
        let current = self.current(id).await?;
        let current = self
            .on_revision(current, precondition, user, Mine::Unknown)
            .await?;
        match self
            .stores
            .trash
            .delete_doc(id, current.rev, user, self.clock.now())
            .await
        {
            Ok(()) => {
                tracing::info!(doc = %id, user = %user.name, "document deleted");
                Ok(())
            }
            Err(StoreError::Stale) => Err(self.lost(id, precondition, user, Mine::Unknown).await),
            Err(other) => Err(other.into()),
        }
    }

    /// Takes one of the user's documents out of the trash, on the revision it was deleted
    /// at, under its own slug or `slug`. Only its owner may; to anybody else it is not there.
    pub async fn restore_from_trash(
        &self,
        id: &str,
        precondition: &Precondition,
        slug: Option<&str>,
        user: &UserRef,
    ) -> Result<Document, DocError> {
        let trashed = self.stores.trash.trashed_doc(id).await?;
        let Some((doc, _)) = trashed.filter(|(_, owner)| *owner == user.id) else {
            return Err(DocError::NotFound);
        };
        let doc = self
            .on_revision(doc, precondition, user, Mine::Unknown)
            .await?;
        let slug = match slug {
            Some(slug) => app::domain::Slug::parse(slug)
                .map_err(|e| DocError::Invalid(vec![e]))?
                .into_inner(),
            None => doc.slug.clone(),
        };
        match self
            .stores
            .trash
            .restore_doc(id, doc.rev, &slug, user, self.clock.now())
            .await
        {
            Ok(restored) => {
                tracing::info!(doc = %id, rev = restored.rev, user = %user.name, "document restored from the trash");
                Ok(restored)
            }
            Err(StoreError::SlugTaken) => Err(self.slug_taken(&slug).await),
            Err(StoreError::Stale) => match self.stores.trash.trashed_doc(id).await? {
                Some((latest, _)) => Err(self
                    .explain(latest, precondition, user, Mine::Unknown)
                    .await),
                None => Err(DocError::NotFound),
            },
            Err(other) => Err(other.into()),
        }
    }

    /// Out of the trash under its own slug, or, when another live document took it meanwhile,
    /// under the first free one suggested; the second value names that other slug.
    pub async fn restore_from_trash_somewhere(
        &self,
        id: &str,
        precondition: &Precondition,
        user: &UserRef,
    ) -> Result<(Document, Option<String>), DocError> {
        match self.restore_from_trash(id, precondition, None, user).await {
            Err(DocError::SlugTaken { suggestions, .. }) if !suggestions.is_empty() => {
                let free = suggestions[0].clone();
                let restored = self
                    .restore_from_trash(id, precondition, Some(&free), user)
                    .await?;
                Ok((restored, Some(free)))
            }
            other => other.map(|doc| (doc, None)),
        }
    }
}
