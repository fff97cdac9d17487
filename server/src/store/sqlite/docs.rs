//! Writing documents: create, save, transition and delete — each one transaction with a
//! compare-and-set on `rev` and an append-only revision row.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row, Sqlite, SqlitePool};

use super::{idempotency, on_constraint};
use crate::store::rows::{
    decode_error, document_from_row, fields_from_row, fields_list_json, parse_status, search_text,
    tags_json, timestamp,
};
use crate::store::{ClaimedKey, SaveChange, StoreError, StoreResult};
use app::{
    domain::{Field, Fields, Status},
    protocol::{Document, UserRef},
};

pub const DOC_COLUMNS: &str = "d.id, d.title, d.slug, d.tags, d.body, d.status, d.rev, \
     d.created_at, d.created_by, cu.name AS created_by_name, \
     d.updated_at, d.updated_by, uu.name AS updated_by_name \
     FROM documents d JOIN users cu ON cu.id = d.created_by JOIN users uu ON uu.id = d.updated_by";

pub async fn doc_in<'e, E>(executor: E, id: &str) -> StoreResult<Option<Document>>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let sql = format!("SELECT {DOC_COLUMNS} WHERE d.id = ? AND d.deleted_at IS NULL");
    let row = sqlx::query(&sql).bind(id).fetch_optional(executor).await?;
    row.as_ref().map(document_from_row).transpose()
}

/// Why a compare-and-set matched no row: the document moved on, or is not there.
async fn why_not(tx: &mut sqlx::Transaction<'_, Sqlite>, id: &str) -> StoreError {
    match doc_in(&mut **tx, id).await {
        Ok(Some(_)) => StoreError::Stale,
        Ok(None) => StoreError::NotFound,
        Err(error) => error,
    }
}

pub async fn create(
    pool: &SqlitePool,
    id: &str,
    fields: &Fields,
    by: &UserRef,
    at: DateTime<Utc>,
    key: Option<ClaimedKey<'_>>,
) -> StoreResult<Document> {
    let at = timestamp(at);
    let tags = tags_json(&fields.tags);
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO documents (id, title, slug, tags, body, search_text, status, rev, owner_id, \
         created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, 'draft', 1, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(&fields.title)
    .bind(&fields.slug)
    .bind(&tags)
    .bind(&fields.body)
    .bind(search_text(fields))
    .bind(&by.id)
    .bind(&at)
    .bind(&by.id)
    .bind(&at)
    .bind(&by.id)
    .execute(&mut *tx)
    .await
    .map_err(on_constraint)?;
    insert_revision(
        &mut tx,
        id,
        1,
        fields,
        Status::Draft,
        &Field::ALL,
        false,
        &by.id,
        &at,
    )
    .await?;
    let doc = doc_in(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
    if let Some(key) = key {
        idempotency::complete_create(&mut tx, key, &doc).await?;
    }
    tx.commit().await?;
    Ok(doc)
}

pub async fn save(pool: &SqlitePool, change: SaveChange<'_>) -> StoreResult<Document> {
    let at = timestamp(change.at);
    let fields = change.fields;
    let mut tx = pool.begin().await?;
    // The write comes first, so this transaction takes SQLite's write lock at once.
    let updated = sqlx::query(
        "UPDATE documents SET title = ?, slug = ?, tags = ?, body = ?, search_text = ?, rev = rev + 1, \
         updated_at = ?, updated_by = ? WHERE id = ? AND rev = ? AND deleted_at IS NULL RETURNING status",
    )
    .bind(&fields.title)
    .bind(&fields.slug)
    .bind(tags_json(&fields.tags))
    .bind(&fields.body)
    .bind(search_text(fields))
    .bind(&at)
    .bind(&change.by.id)
    .bind(change.id)
    .bind(change.expected_rev)
    .fetch_optional(&mut *tx)
    .await
    .map_err(on_constraint)?;
    let Some(row) = updated else {
        return Err(why_not(&mut tx, change.id).await);
    };
    let status = parse_status(row.try_get("status")?)?;
    let rev = change.expected_rev + 1;
    insert_revision(
        &mut tx,
        change.id,
        rev,
        fields,
        status,
        change.changed,
        false,
        &change.by.id,
        &at,
    )
    .await?;
    let doc = doc_in(&mut *tx, change.id)
        .await?
        .ok_or(StoreError::NotFound)?;
    if let Some(idempotency) = &change.idempotency {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND created_at < ?",
        )
        .bind(&change.by.id)
        .bind(idempotency.key)
        .bind(timestamp(idempotency.not_before))
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, status, etag, body, created_at) \
             VALUES (?, ?, ?, 200, ?, ?, ?)",
        )
        .bind(&change.by.id)
        .bind(idempotency.key)
        .bind(idempotency.fingerprint)
        .bind(doc.etag())
        .bind(serde_json::to_string(&doc).map_err(decode_error)?)
        .bind(&at)
        .execute(&mut *tx)
        .await
        .map_err(on_constraint)?;
    }
    tx.commit().await?;
    Ok(doc)
}

pub async fn transition(
    pool: &SqlitePool,
    id: &str,
    expected_rev: i64,
    to: Status,
    by: &UserRef,
    at: DateTime<Utc>,
) -> StoreResult<Document> {
    let at = timestamp(at);
    let mut tx = pool.begin().await?;
    let moved = sqlx::query(
        "UPDATE documents SET status = ?, rev = rev + 1, updated_at = ?, updated_by = ? \
         WHERE id = ? AND rev = ? AND deleted_at IS NULL RETURNING title, slug, tags, body",
    )
    .bind(to.as_str())
    .bind(&at)
    .bind(&by.id)
    .bind(id)
    .bind(expected_rev)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(row) = moved else {
        return Err(why_not(&mut tx, id).await);
    };
    let fields = fields_from_row(&row)?;
    insert_revision(
        &mut tx,
        id,
        expected_rev + 1,
        &fields,
        to,
        &[Field::Status],
        false,
        &by.id,
        &at,
    )
    .await?;
    let doc = doc_in(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(doc)
}

pub async fn delete(
    pool: &SqlitePool,
    id: &str,
    expected_rev: i64,
    by: &UserRef,
    at: DateTime<Utc>,
) -> StoreResult<()> {
    let at = timestamp(at);
    let mut tx = pool.begin().await?;
    let deleted = sqlx::query(
        "UPDATE documents SET deleted_at = ?, rev = rev + 1, updated_at = ?, updated_by = ? \
         WHERE id = ? AND rev = ? AND deleted_at IS NULL RETURNING title, slug, tags, body, status",
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
        &by.id,
        &at,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
async fn insert_revision(
    tx: &mut sqlx::Transaction<'_, Sqlite>,
    id: &str,
    rev: i64,
    fields: &Fields,
    status: Status,
    changed: &[Field],
    deleted: bool,
    author: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO revisions (doc_id, rev, title, slug, tags, body, status, changed_fields, deleted, author_id, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(rev)
    .bind(&fields.title)
    .bind(&fields.slug)
    .bind(tags_json(&fields.tags))
    .bind(&fields.body)
    .bind(status.as_str())
    .bind(fields_list_json(changed)?)
    .bind(deleted)
    .bind(author)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Those of `candidates` that no live document uses as its slug.
pub async fn free_slugs(pool: &SqlitePool, candidates: &[String]) -> StoreResult<Vec<String>> {
    let mut sql = QueryBuilder::<Sqlite>::new(
        "SELECT slug FROM documents WHERE deleted_at IS NULL AND slug IN (",
    );
    let mut list = sql.separated(", ");
    for candidate in candidates {
        list.push_bind(candidate.clone());
    }
    sql.push(")");
    let taken: Vec<String> = sql
        .build()
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| r.get("slug"))
        .collect();
    Ok(candidates
        .iter()
        .filter(|c| !taken.contains(c))
        .cloned()
        .collect())
}
