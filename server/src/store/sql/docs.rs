//! Writing documents: create, save, transition and delete — each one transaction with a
//! compare-and-set on `rev` and an append-only revision row.

use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};

use super::{dialect, idempotency, on_constraint, suggestions, threads, Db};
use crate::store::rows::{
    decode_error, document_from_row, fields_from_row, fields_list_json, search_text, tags_json,
    timestamp,
};
use crate::store::{
    changes::{Change, Feed},
    ClaimedKey, InSession, MergeChange, Merged, SaveChange, StoreError, StoreResult,
};
use app::{
    domain::{changed_fields, Field, Fields, Role, Status, ValidFields},
    protocol::{Document, UserRef},
};

macro_rules! doc_fields {
    () => {
        "d.id, d.title, d.slug, d.tags, d.body, d.status, d.rev, \
         d.created_at, d.created_by, cu.name AS created_by_name, \
         d.updated_at, d.updated_by, uu.name AS updated_by_name"
    };
}

pub const DOC_COLUMNS: &str = concat!(
    doc_fields!(),
    " FROM documents d JOIN users cu ON cu.id = d.created_by JOIN users uu ON uu.id = d.updated_by"
);

/// A changed `documents` row as `RETURNING` gives it, in the columns of `DOC_COLUMNS`.
pub const RETURNED_DOC: &str = returned_doc!();

pub async fn doc_in<'e, E>(executor: E, id: &str) -> StoreResult<Option<Document>>
where
    E: sqlx::Executor<'e, Database = Db>,
{
    let sql = format!("SELECT {DOC_COLUMNS} WHERE d.id = $1 AND d.deleted_at IS NULL");
    let row = sqlx::query(&sql).bind(id).fetch_optional(executor).await?;
    row.as_ref().map(document_from_row).transpose()
}

/// Why a compare-and-set matched no row: the document moved on, or is not there.
pub async fn why_not(tx: &mut sqlx::Transaction<'_, Db>, id: &str) -> StoreError {
    match doc_in(&mut **tx, id).await {
        Ok(Some(_)) => StoreError::Stale,
        Ok(None) => StoreError::NotFound,
        Err(error) => error,
    }
}

/// The compare-and-set, the revision row and the idempotency record of one save, inside
/// the caller's transaction.
async fn write(
    tx: &mut sqlx::Transaction<'_, Db>,
    change: SaveChange<'_>,
    merge_base: Option<i64>,
) -> StoreResult<Document> {
    let at = timestamp(change.at);
    let fields = change.fields;
    // The compare-and-set comes first: SQLite takes its write lock at once, and in
    // PostgreSQL a concurrent save of the same revision waits on this row, then matches
    // nothing. One round trip writes it and its revision row, and returns the saved
    // document itself (`dialect::SAVE`).
    let rows = sqlx::query(dialect::SAVE)
        .bind(&fields.title)
        .bind(&fields.slug)
        .bind(tags_json(&fields.tags))
        .bind(&fields.body)
        .bind(search_text(fields))
        .bind(&at)
        .bind(&change.by.id)
        .bind(change.id)
        .bind(change.expected_rev)
        .bind(fields_list_json(change.changed)?)
        .bind(merge_base)
        .fetch_all(&mut **tx)
        .await
        .map_err(on_constraint)?;
    let Some(row) = rows.first() else {
        return Err(why_not(tx, change.id).await);
    };
    let doc = document_from_row(row)?;
    // Comment anchors follow the body in the same transaction: no save leaves them behind.
    // `anchored` is the row as this update left it: a thread started meanwhile set it
    // while holding the row, before this update could take it (or found its revision gone).
    let anchored: bool = row.try_get("anchored")?;
    if anchored && change.changed.contains(&Field::Body) {
        threads::move_anchors(tx, change.id, (doc.rev, change.old_body), &fields.body).await?;
    }
    if let Some(batch) = change.accepting {
        suggestions::record(tx, change.id, Some(doc.rev), batch).await?;
    }
    if let Some(idempotency) = &change.idempotency {
        sqlx::query(
            "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND created_at < $3",
        )
        .bind(&change.by.id)
        .bind(idempotency.key)
        .bind(timestamp(idempotency.not_before))
        .execute(&mut **tx)
        .await?;
        sqlx::query(
            "INSERT INTO idempotency_keys (user_id, key, fingerprint, status, etag, body, created_at) \
             VALUES ($1, $2, $3, 200, $4, $5, $6)",
        )
        .bind(&change.by.id)
        .bind(idempotency.key)
        .bind(idempotency.fingerprint)
        .bind(doc.etag())
        .bind(serde_json::to_string(&doc).map_err(decode_error)?)
        .bind(&at)
        .execute(&mut **tx)
        .await
        .map_err(on_constraint)?;
    }
    Ok(doc)
}

/// Commits, telling the change to every instance's feed if and only if it commits
/// (`store::changes`).
pub async fn commit_announcing(
    tx: sqlx::Transaction<'_, Db>,
    feed: &Feed,
    change: Change,
) -> StoreResult<()> {
    dialect::commit_announcing(tx, feed, change).await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_revision(
    tx: &mut sqlx::Transaction<'_, Db>,
    id: &str,
    rev: i64,
    fields: &Fields,
    status: Status,
    changed: &[Field],
    deleted: bool,
    merge_base: Option<i64>,
    author: &str,
    at: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO revisions (doc_id, rev, title, slug, tags, body, status, changed_fields, deleted, merge_base, author_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
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
    .bind(merge_base)
    .bind(author)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[async_trait::async_trait]
impl crate::store::Docs for super::This {
    async fn get_doc(&self, id: &str) -> StoreResult<Option<Document>> {
        doc_in(&self.pool, id).await
    }

    async fn list_docs(
        &self,
        query: &crate::store::ListQuery,
    ) -> StoreResult<app::protocol::DocPage> {
        super::list::list_docs(&self.pool, query).await
    }

    async fn create_doc(
        &self,
        id: &str,
        fields: &ValidFields,
        by: &UserRef,
        at: DateTime<Utc>,
        key: Option<ClaimedKey<'_>>,
    ) -> StoreResult<Document> {
        let pool = &self.writer;
        let at = timestamp(at);
        let tags = tags_json(&fields.tags);
        let mut tx = pool.begin().await?;
        sqlx::query(
        "INSERT INTO documents (id, title, slug, tags, body, search_text, status, rev, owner_id, \
         created_at, created_by, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, 'draft', 1, $7, $8, $9, $10, $11)",
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
            None,
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

    /// A live document with the role `user_id` has on it (`None`: no access), in one query.
    async fn doc_for(
        &self,
        id: &str,
        user_id: &str,
    ) -> StoreResult<Option<(Document, Option<Role>)>> {
        let pool = &self.pool;
        let sql = format!(
            "SELECT CASE WHEN d.owner_id = $1 THEN 'owner' ELSE m.role END AS your_role, {} \
         LEFT JOIN memberships m ON m.doc_id = d.id AND m.user_id = $2 \
         WHERE d.id = $3 AND d.deleted_at IS NULL",
            DOC_COLUMNS
        );
        let row = sqlx::query(&sql)
            .bind(user_id)
            .bind(user_id)
            .bind(id)
            .fetch_optional(pool)
            .await?;
        row.map(|row| {
            let role = row
                .try_get::<Option<String>, _>("your_role")?
                .and_then(|role| Role::parse(&role));
            Ok((document_from_row(&row)?, role))
        })
        .transpose()
    }

    async fn doc_in_session(
        &self,
        id: &str,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<InSession>> {
        const SQL: &str = concat!(
            "SELECT su.id AS asker_id, su.name AS asker_name, \
             CASE WHEN d.owner_id = su.id THEN 'owner' ELSE m.role END AS your_role, ",
            doc_fields!(),
            " FROM sessions s JOIN users su ON su.id = s.user_id \
             LEFT JOIN documents d ON d.id = $1 AND d.deleted_at IS NULL \
             LEFT JOIN users cu ON cu.id = d.created_by \
             LEFT JOIN users uu ON uu.id = d.updated_by \
             LEFT JOIN memberships m ON m.doc_id = d.id AND m.user_id = su.id \
             WHERE s.token_hash = $2 AND s.expires_at > $3"
        );
        let row = sqlx::query(SQL)
            .bind(id)
            .bind(token_hash)
            .bind(timestamp(now))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let asker = UserRef {
            id: row.try_get("asker_id")?,
            name: row.try_get("asker_name")?,
        };
        let doc = match row.try_get::<Option<String>, _>("id")? {
            None => None,
            Some(_) => {
                let role = row
                    .try_get::<Option<String>, _>("your_role")?
                    .and_then(|role| Role::parse(&role));
                Some((document_from_row(&row)?, role))
            }
        };
        Ok(Some(InSession { asker, doc }))
    }

    async fn save_doc(&self, change: SaveChange<'_>) -> StoreResult<Document> {
        let pool = &self.writer;
        let feed = &self.feed;
        let mut tx = pool.begin().await?;
        let changed = change.changed;
        let doc = write(&mut tx, change, None).await?;
        commit_announcing(tx, feed, Change::revised(&doc, changed)).await?;
        Ok(doc)
    }

    /// A save merged over whatever revision is current. The document's row is held before it
    /// is read, so nothing commits between the merge and the save (SQLite takes its write
    /// lock, PostgreSQL the row lock).
    async fn merge_save_doc(&self, change: MergeChange<'_>) -> StoreResult<Merged> {
        let pool = &self.writer;
        let feed = &self.feed;
        let mut tx = pool.begin().await?;
        let held =
            sqlx::query("UPDATE documents SET rev = rev WHERE id = $1 AND deleted_at IS NULL")
                .bind(change.id)
                .execute(&mut *tx)
                .await?;
        if held.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let current = doc_in(&mut *tx, change.id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let fields = (change.merge)(&current).ok_or(StoreError::Stale)?;
        let changed = changed_fields(&current.fields(), &fields);
        let over = current.rev;
        if changed.is_empty() {
            // Everything of the change is already there: nothing to record.
            tx.rollback().await?;
            return Ok(Merged {
                doc: current,
                over,
                changed,
                saved: false,
            });
        }
        let save = SaveChange {
            id: change.id,
            expected_rev: over,
            old_body: &current.body,
            fields: &fields,
            changed: &changed,
            by: change.by,
            at: change.at,
            idempotency: change.idempotency,
            accepting: None,
        };
        let merge_base = (over != change.base_rev).then_some(change.base_rev);
        let doc = write(&mut tx, save, merge_base).await?;
        commit_announcing(tx, feed, Change::revised(&doc, &changed)).await?;
        Ok(Merged {
            doc,
            over,
            changed,
            saved: true,
        })
    }

    async fn transition_doc(
        &self,
        id: &str,
        expected_rev: i64,
        to: Status,
        by: &UserRef,
        at: DateTime<Utc>,
    ) -> StoreResult<Document> {
        let pool = &self.writer;
        let feed = &self.feed;
        let at = timestamp(at);
        let mut tx = pool.begin().await?;
        let moved = sqlx::query(
            "UPDATE documents SET status = $1, rev = rev + 1, updated_at = $2, updated_by = $3 \
         WHERE id = $4 AND rev = $5 AND deleted_at IS NULL RETURNING title, slug, tags, body",
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
            None,
            &by.id,
            &at,
        )
        .await?;
        let doc = doc_in(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
        commit_announcing(tx, feed, Change::revised(&doc, &[Field::Status])).await?;
        Ok(doc)
    }

    /// Those of `candidates` that no live document uses as its slug.
    async fn free_slugs(&self, candidates: &[String]) -> StoreResult<Vec<String>> {
        let pool = &self.pool;
        let mut sql = QueryBuilder::<Db>::new(
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
}
