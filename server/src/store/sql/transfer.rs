//! Reading everything out for `concord export`, and writing it back in one transaction
//! for `concord import`.

use sqlx::Row;

use super::Db;

#[path = "transfer_comments.rs"]
mod comments;
#[path = "transfer_proposals.rs"]
mod proposals;
use crate::store::{
    rows::{decode_error, parse_tags, search_text, tags_json},
    transfer::Record,
    StoreResult,
};
use app::domain::{fold_case, Fields};

#[async_trait::async_trait]
impl crate::store::Transfer for super::This {
    async fn export_records(&self) -> StoreResult<Vec<Record>> {
        let pool = &self.pool;
        let mut records = Vec::new();
        for row in sqlx::query(
            "SELECT id, name, password_hash, created_at FROM users ORDER BY created_at, id",
        )
        .fetch_all(pool)
        .await?
        {
            records.push(Record::User {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                password_hash: row.try_get("password_hash")?,
                created_at: row.try_get("created_at")?,
            });
        }
        for row in sqlx::query(
        "SELECT id, title, slug, tags, body, status, rev, owner_id, created_at, created_by, updated_at, \
         updated_by, deleted_at FROM documents ORDER BY created_at, id",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::Document {
            id: row.try_get("id")?,
            title: row.try_get("title")?,
            slug: row.try_get("slug")?,
            tags: parse_tags(row.try_get("tags")?)?,
            body: row.try_get("body")?,
            status: row.try_get("status")?,
            rev: row.try_get("rev")?,
            owner_id: row.try_get("owner_id")?,
            created_at: row.try_get("created_at")?,
            created_by: row.try_get("created_by")?,
            updated_at: row.try_get("updated_at")?,
            updated_by: row.try_get("updated_by")?,
            deleted_at: row.try_get("deleted_at")?,
        });
    }
        for row in sqlx::query(
        "SELECT doc_id, rev, title, slug, tags, body, status, changed_fields, deleted, merge_base, \
         author_id, created_at, suggested_by FROM revisions ORDER BY doc_id, rev",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::Revision {
            doc_id: row.try_get("doc_id")?,
            rev: row.try_get("rev")?,
            title: row.try_get("title")?,
            slug: row.try_get("slug")?,
            tags: parse_tags(row.try_get("tags")?)?,
            body: row.try_get("body")?,
            status: row.try_get("status")?,
            changed_fields: serde_json::from_str(row.try_get("changed_fields")?)
                .map_err(decode_error)?,
            deleted: row.try_get("deleted")?,
            merge_base: row.try_get("merge_base")?,
            author_id: row.try_get("author_id")?,
            created_at: row.try_get("created_at")?,
            suggested_by: row.try_get("suggested_by")?,
        });
    }
        for row in sqlx::query(
        "SELECT doc_id, user_id, role, added_at, added_by FROM memberships ORDER BY doc_id, user_id",
    )
    .fetch_all(pool)
    .await?
    {
        records.push(Record::Member {
            doc_id: row.try_get("doc_id")?,
            user_id: row.try_get("user_id")?,
            role: row.try_get("role")?,
            added_at: row.try_get("added_at")?,
            added_by: row.try_get("added_by")?,
        });
    }
        comments::export(pool, &mut records).await?;
        proposals::export(pool, &mut records).await?;
        Ok(records)
    }

    /// Whether any account or document is stored.
    async fn has_data(&self) -> StoreResult<bool> {
        let pool = &self.pool;
        let row = sqlx::query(
            "SELECT (SELECT count(*) FROM users) + (SELECT count(*) FROM documents) AS stored",
        )
        .fetch_one(pool)
        .await?;
        Ok(row.try_get::<i64, _>("stored")? > 0)
    }

    async fn backup_to(&self, path: &str) -> StoreResult<()> {
        super::dialect::backup(&self.writer, path).await
    }

    /// All of it or nothing: one transaction.
    async fn import_records(&self, records: &[Record]) -> StoreResult<()> {
        let pool = &self.writer;
        let mut tx: sqlx::Transaction<'_, Db> = pool.begin().await?;
        for record in records {
            match record {
                Record::Header { .. } => {}
                Record::User { .. } => insert_user(&mut tx, record).await?,
                Record::Document { .. } => insert_document(&mut tx, record).await?,
                Record::Revision { .. } => insert_revision_record(&mut tx, record).await?,
                Record::Member { .. } => insert_member(&mut tx, record).await?,
                Record::Thread { .. }
                | Record::ThreadAnchor { .. }
                | Record::Comment { .. }
                | Record::Notification { .. } => comments::insert(&mut tx, record).await?,
                Record::Suggestion { .. }
                | Record::SuggestionDecision { .. }
                | Record::ReviewSettings { .. }
                | Record::Review { .. } => proposals::insert(&mut tx, record).await?,
            }
        }
        comments::finish(&mut tx).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Writes one user record.
async fn insert_user(tx: &mut sqlx::Transaction<'_, Db>, record: &Record) -> StoreResult<()> {
    let Record::User {
        id,
        name,
        password_hash,
        created_at,
    } = record
    else {
        return Ok(());
    };
    sqlx::query("INSERT INTO users (id, name, name_key, password_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(id)
        .bind(name)
        .bind(fold_case(name))
        .bind(password_hash)
        .bind(created_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Writes one document record.
async fn insert_document(tx: &mut sqlx::Transaction<'_, Db>, record: &Record) -> StoreResult<()> {
    let Record::Document {
        id,
        title,
        slug,
        tags,
        body,
        status,
        rev,
        owner_id,
        created_at,
        created_by,
        updated_at,
        updated_by,
        deleted_at,
    } = record
    else {
        return Ok(());
    };
    let fields = Fields {
        title: title.clone(),
        slug: slug.clone(),
        tags: tags.clone(),
        body: body.clone(),
    };
    sqlx::query(
        "INSERT INTO documents (id, title, slug, tags, body, search_text, status, rev, owner_id, \
         created_at, created_by, updated_at, updated_by, deleted_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(id)
    .bind(title)
    .bind(slug)
    .bind(tags_json(tags))
    .bind(body)
    .bind(search_text(&fields))
    .bind(status)
    .bind(rev)
    .bind(owner_id)
    .bind(created_at)
    .bind(created_by)
    .bind(updated_at)
    .bind(updated_by)
    .bind(deleted_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes one revision record.
async fn insert_revision_record(
    tx: &mut sqlx::Transaction<'_, Db>,
    record: &Record,
) -> StoreResult<()> {
    let Record::Revision {
        doc_id,
        rev,
        title,
        slug,
        tags,
        body,
        status,
        changed_fields,
        deleted,
        merge_base,
        author_id,
        created_at,
        suggested_by,
    } = record
    else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO revisions (doc_id, rev, title, slug, tags, body, status, changed_fields, deleted, \
         merge_base, author_id, created_at, suggested_by) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(doc_id)
    .bind(rev)
    .bind(title)
    .bind(slug)
    .bind(tags_json(tags))
    .bind(body)
    .bind(status)
    .bind(serde_json::to_string(changed_fields).map_err(decode_error)?)
    .bind(deleted)
    .bind(merge_base)
    .bind(author_id)
    .bind(created_at)
    .bind(suggested_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Writes one member record.
async fn insert_member(tx: &mut sqlx::Transaction<'_, Db>, record: &Record) -> StoreResult<()> {
    let Record::Member {
        doc_id,
        user_id,
        role,
        added_at,
        added_by,
    } = record
    else {
        return Ok(());
    };
    sqlx::query(
        "INSERT INTO memberships (doc_id, user_id, role, added_at, added_by) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(doc_id)
    .bind(user_id)
    .bind(role)
    .bind(added_at)
    .bind(added_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
