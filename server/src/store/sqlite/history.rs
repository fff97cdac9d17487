//! Reading a document's append-only history.

use sqlx::{Row, SqlitePool};

use super::rows::{decode_error, parse_status, parse_tags, parse_time};
use crate::store::StoreResult;
use app::protocol::{Revision, RevisionSummary, UserRef};

pub async fn revisions(pool: &SqlitePool, id: &str) -> StoreResult<Vec<RevisionSummary>> {
    let rows = sqlx::query(
        "SELECT r.rev, r.author_id, u.name, r.created_at, r.changed_fields, r.status \
         FROM revisions r JOIN users u ON u.id = r.author_id JOIN documents d ON d.id = r.doc_id \
         WHERE r.doc_id = ? AND d.deleted_at IS NULL ORDER BY r.rev DESC",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(RevisionSummary {
                rev: row.try_get("rev")?,
                by: UserRef {
                    id: row.try_get("author_id")?,
                    name: row.try_get("name")?,
                },
                at: parse_time(row.try_get("created_at")?)?,
                fields: serde_json::from_str(row.try_get("changed_fields")?)
                    .map_err(decode_error)?,
                status: parse_status(row.try_get("status")?)?,
            })
        })
        .collect()
}

pub async fn revision(pool: &SqlitePool, id: &str, rev: i64) -> StoreResult<Option<Revision>> {
    let row = sqlx::query(
        "SELECT r.rev, r.author_id, u.name, r.created_at, r.changed_fields, r.status, r.title, r.slug, r.tags, r.body \
         FROM revisions r JOIN users u ON u.id = r.author_id JOIN documents d ON d.id = r.doc_id \
         WHERE r.doc_id = ? AND r.rev = ? AND d.deleted_at IS NULL",
    )
    .bind(id)
    .bind(rev)
    .fetch_optional(pool)
    .await?;
    row.map(|row| {
        Ok(Revision {
            rev: row.try_get("rev")?,
            by: UserRef {
                id: row.try_get("author_id")?,
                name: row.try_get("name")?,
            },
            at: parse_time(row.try_get("created_at")?)?,
            fields: serde_json::from_str(row.try_get("changed_fields")?).map_err(decode_error)?,
            status: parse_status(row.try_get("status")?)?,
            title: row.try_get("title")?,
            slug: row.try_get("slug")?,
            tags: parse_tags(row.try_get("tags")?)?,
            body: row.try_get("body")?,
        })
    })
    .transpose()
}
