//! Reading a document's append-only history.

use crate::store::{
    rows::{changed_by_from_row, revision_from_row, revision_summary_from_row},
    StoreResult,
};
use app::protocol::{ChangedBy, Revision, RevisionSummary};

#[async_trait::async_trait]
impl crate::store::History for super::This {
    async fn revision_fields(
        &self,
        id: &str,
        rev: i64,
    ) -> StoreResult<Option<app::domain::Fields>> {
        Ok(self.revision(id, rev).await?.map(|r| r.values()))
    }

    async fn revisions(&self, id: &str) -> StoreResult<Vec<RevisionSummary>> {
        let pool = &self.pool;
        let rows = sqlx::query(
        "SELECT r.rev, r.author_id, u.name, r.created_at, r.changed_fields, r.status, r.merge_base, \
         r.suggested_by, s.name AS suggested_name \
         FROM revisions r JOIN users u ON u.id = r.author_id JOIN documents d ON d.id = r.doc_id \
         LEFT JOIN users s ON s.id = r.suggested_by \
         WHERE r.doc_id = $1 AND d.deleted_at IS NULL ORDER BY r.rev DESC",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
        rows.iter().map(revision_summary_from_row).collect()
    }

    async fn revision(&self, id: &str, rev: i64) -> StoreResult<Option<Revision>> {
        let pool = &self.pool;
        let row = sqlx::query(
        "SELECT r.rev, r.author_id, u.name, r.created_at, r.changed_fields, r.status, r.merge_base, \
         r.suggested_by, s.name AS suggested_name, r.title, r.slug, r.tags, r.body \
         FROM revisions r JOIN users u ON u.id = r.author_id JOIN documents d ON d.id = r.doc_id \
         LEFT JOIN users s ON s.id = r.suggested_by \
         WHERE r.doc_id = $1 AND r.rev = $2 AND d.deleted_at IS NULL",
    )
    .bind(id)
    .bind(rev)
    .fetch_optional(pool)
    .await?;
        row.as_ref().map(revision_from_row).transpose()
    }

    /// Who changed what in each revision after `after_rev`, oldest first.
    async fn changes_since(&self, id: &str, after_rev: i64) -> StoreResult<Vec<ChangedBy>> {
        let pool = &self.pool;
        let rows = sqlx::query(
            "SELECT r.rev, r.author_id, u.name, r.created_at, r.changed_fields FROM revisions r \
         JOIN users u ON u.id = r.author_id WHERE r.doc_id = $1 AND r.rev > $2 ORDER BY r.rev",
        )
        .bind(id)
        .bind(after_rev)
        .fetch_all(pool)
        .await?;
        rows.iter().map(changed_by_from_row).collect()
    }
}
