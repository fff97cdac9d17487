//! The trash: moving a document there (history kept), what an owner has there, and
//! taking a document out again.

use chrono::{DateTime, Utc};
use sqlx::Row;

use super::docs::{commit_announcing, insert_revision, why_not, DOC_COLUMNS, RETURNED_DOC};
use super::on_constraint;
use crate::store::rows::{
    document_from_row, fields_from_row, parse_status, search_text, timestamp,
};
use crate::store::{changes::Change, StoreError, StoreResult};
use app::{
    domain::Field,
    protocol::{Document, UserRef},
};

#[async_trait::async_trait]
impl crate::store::Trash for super::This {
    async fn delete_doc(
        &self,
        id: &str,
        expected_rev: i64,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let pool = &self.writer;
        let feed = &self.feed;
        let at = timestamp(at);
        let mut tx = pool.begin().await?;
        let deleted = sqlx::query(
        "UPDATE documents SET deleted_at = $1, rev = rev + 1, updated_at = $2, updated_by = $3 \
         WHERE id = $4 AND rev = $5 AND deleted_at IS NULL RETURNING title, slug, tags, body, status",
    )
    .bind(&at)
    .bind(&at)
    .bind(&by.id)
    .bind(id)
    .bind(expected_rev)
    .fetch_optional(&mut *tx)
    .await?;
        let Some(row) = deleted else {
            return Err(why_not(&mut tx, id).await);
        };
        let fields = fields_from_row(&row)?;
        let status = parse_status(row.try_get("status")?)?;
        insert_revision(
            &mut tx,
            id,
            expected_rev + 1,
            &fields,
            status,
            &[],
            true,
            None,
            &by.id,
            &at,
        )
        .await?;
        let deleted = Change::Deleted {
            doc_id: id.to_owned(),
            by: by.clone(),
        };
        commit_announcing(tx, feed, deleted).await
    }

    /// The owner's documents in the trash, most recently deleted first.
    async fn trashed(&self, owner_id: &str) -> StoreResult<Vec<app::protocol::DocSummary>> {
        let pool = &self.pool;
        let sql = format!(
        "SELECT {}, 'owner' AS your_role {} WHERE d.deleted_at IS NOT NULL AND d.owner_id = $1 \
         ORDER BY d.updated_at DESC, d.id DESC LIMIT 500",
        crate::store::rows::SUMMARY_COLUMNS,
        crate::store::rows::SUMMARY_FROM
    );
        let rows = sqlx::query(&sql).bind(owner_id).fetch_all(pool).await?;
        rows.iter()
            .map(crate::store::rows::summary_from_row)
            .collect()
    }

    /// A document in the trash, with its owner's id.
    async fn trashed_doc(&self, id: &str) -> StoreResult<Option<(Document, String)>> {
        let pool = &self.pool;
        let sql = format!(
            "SELECT d.owner_id, {} WHERE d.id = $1 AND d.deleted_at IS NOT NULL",
            DOC_COLUMNS
        );
        let row = sqlx::query(&sql).bind(id).fetch_optional(pool).await?;
        row.map(|row| Ok((document_from_row(&row)?, row.try_get("owner_id")?)))
            .transpose()
    }

    /// Takes a document out of the trash on the revision it was deleted at, under `slug`
    /// (its own, or a new one when another live document took it meanwhile).
    async fn restore_doc(
        &self,
        id: &str,
        expected_rev: i64,
        slug: &str,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<Document> {
        let pool = &self.writer;
        let feed = &self.feed;
        let at = timestamp(at);
        let mut tx = pool.begin().await?;
        let Some(before) = sqlx::query(&format!(
            "SELECT {DOC_COLUMNS} WHERE d.id = $1 AND d.rev = $2 AND d.deleted_at IS NOT NULL"
        ))
        .bind(id)
        .bind(expected_rev)
        .fetch_optional(&mut *tx)
        .await?
        else {
            return Err(StoreError::Stale);
        };
        let mut fields = fields_from_row(&before)?;
        let renamed = fields.slug != slug;
        fields.slug = slug.to_owned();
        let restored = sqlx::query(&format!(
            "UPDATE documents SET deleted_at = NULL, slug = $1, search_text = $2, rev = rev + 1, \
         updated_at = $3, updated_by = $4 WHERE id = $5 AND rev = $6 AND deleted_at IS NOT NULL \
         RETURNING {RETURNED_DOC}"
        ))
        .bind(slug)
        .bind(search_text(&fields))
        .bind(&at)
        .bind(&by.id)
        .bind(id)
        .bind(expected_rev)
        .fetch_optional(&mut *tx)
        .await
        .map_err(on_constraint)?
        .ok_or(StoreError::Stale)?;
        let doc = document_from_row(&restored)?;
        let changed: &[Field] = if renamed { &[Field::Slug] } else { &[] };
        insert_revision(
            &mut tx, id, doc.rev, &fields, doc.status, changed, false, None, &by.id, &at,
        )
        .await?;
        commit_announcing(tx, feed, Change::revised(&doc, changed)).await?;
        Ok(doc)
    }
}
