//! The embedded SQLite backend (WAL): the default, with nothing else to install.

mod access;
mod history;
mod idempotency;
mod rows;

use std::{str::FromStr, time::Duration};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    QueryBuilder, Row, Sqlite, SqlitePool,
};

use super::{Claim, ClaimedKey, ListQuery, SaveChange, Store, StoreError, StoreResult, StoredResponse, UserRecord};
use app::{
    domain::{Field, Fields, Role, Status},
    protocol::{ChangedBy, DocPage, DocSummary, Document, Member, Revision, RevisionSummary, UserRef},
};
use rows::{decode_error, document_from_row, fields_from_row, parse_status, parse_time, tags_json, timestamp};

pub struct SqliteStore {
    pool: SqlitePool,
}

const DOC_COLUMNS: &str = "d.id, d.title, d.slug, d.tags, d.body, d.status, d.rev, \
     d.created_at, d.created_by, cu.name AS created_by_name, \
     d.updated_at, d.updated_by, uu.name AS updated_by_name \
     FROM documents d JOIN users cu ON cu.id = d.created_by JOIN users uu ON uu.id = d.updated_by";

impl SqliteStore {
    pub async fn connect(url: &str) -> StoreResult<SqliteStore> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: an acknowledged save is on disk before the response leaves.
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = options.get_filename().parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(sqlx::Error::Io)?;
            }
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(options).await?;
        Ok(SqliteStore { pool })
    }

    async fn doc_in<'e, E>(executor: E, id: &str) -> StoreResult<Option<Document>>
    where
        E: sqlx::Executor<'e, Database = Sqlite>,
    {
        let sql = format!("SELECT {DOC_COLUMNS} WHERE d.id = ? AND d.deleted_at IS NULL");
        let row = sqlx::query(&sql).bind(id).fetch_optional(executor).await?;
        row.as_ref().map(document_from_row).transpose()
    }
}

impl SqliteStore {
    /// Why a compare-and-set matched no row: the document moved on, or is not there.
    async fn why_not(tx: &mut sqlx::Transaction<'_, Sqlite>, id: &str) -> StoreError {
        match Self::doc_in(&mut **tx, id).await {
            Ok(Some(_)) => StoreError::Stale,
            Ok(None) => StoreError::NotFound,
            Err(error) => error,
        }
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/sqlite").run(&self.pool).await?;
        Ok(())
    }

    async fn create_user(&self, id: &str, name: &str, password_hash: &str, at: DateTime<Utc>) -> StoreResult<UserRef> {
        sqlx::query("INSERT INTO users (id, name, password_hash, created_at) VALUES (?, ?, ?, ?)")
            .bind(id)
            .bind(name)
            .bind(password_hash)
            .bind(timestamp(at))
            .execute(&self.pool)
            .await
            .map_err(on_constraint)?;
        Ok(UserRef { id: id.to_owned(), name: name.to_owned() })
    }

    async fn find_user(&self, name: &str) -> StoreResult<Option<UserRecord>> {
        let row = sqlx::query("SELECT id, name, password_hash FROM users WHERE lower(name) = lower(?)")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| {
            Ok(UserRecord {
                user: UserRef { id: row.try_get("id")?, name: row.try_get("name")? },
                password_hash: row.try_get("password_hash")?,
            })
        })
        .transpose()
    }

    async fn create_session(&self, token_hash: &str, user_id: &str, at: DateTime<Utc>, expires_at: DateTime<Utc>) -> StoreResult<()> {
        sqlx::query("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(token_hash)
            .bind(user_id)
            .bind(timestamp(at))
            .bind(timestamp(expires_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &str, now: DateTime<Utc>) -> StoreResult<Option<UserRef>> {
        let row = sqlx::query(
            "SELECT u.id, u.name FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = ? AND s.expires_at > ?",
        )
        .bind(token_hash)
        .bind(timestamp(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| Ok(UserRef { id: row.try_get("id")?, name: row.try_get("name")? })).transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    async fn create_doc(&self, id: &str, fields: &Fields, by: &UserRef, at: DateTime<Utc>, key: Option<ClaimedKey<'_>>) -> StoreResult<Document> {
        let at = timestamp(at);
        let tags = tags_json(&fields.tags);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO documents (id, title, slug, tags, body, status, rev, owner_id, \
             created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, 'draft', 1, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(&fields.title)
        .bind(&fields.slug)
        .bind(&tags)
        .bind(&fields.body)
        .bind(&by.id)
        .bind(&at)
        .bind(&by.id)
        .bind(&at)
        .bind(&by.id)
        .execute(&mut *tx)
        .await
        .map_err(on_constraint)?;
        insert_revision(&mut tx, id, 1, fields, Status::Draft, &Field::ALL, false, &by.id, &at).await?;
        let doc = Self::doc_in(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
        if let Some(key) = key {
            idempotency::complete_create(&mut tx, key, &doc).await?;
        }
        tx.commit().await?;
        Ok(doc)
    }

    async fn get_doc(&self, id: &str) -> StoreResult<Option<Document>> {
        Self::doc_in(&self.pool, id).await
    }

    async fn list_docs(&self, query: &ListQuery) -> StoreResult<DocPage> {
        let mut sql = QueryBuilder::<Sqlite>::new(format!("SELECT {DOC_COLUMNS} WHERE d.deleted_at IS NULL"));
        sql.push(" AND (d.owner_id = ").push_bind(query.user_id.clone());
        sql.push(" OR EXISTS (SELECT 1 FROM memberships m WHERE m.doc_id = d.id AND m.user_id = ")
            .push_bind(query.user_id.clone())
            .push("))");
        if let Some(text) = query.text.as_deref().filter(|t| !t.is_empty()) {
            let pattern = format!("%{}%", text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            sql.push(" AND (d.title LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
            sql.push(" OR d.slug LIKE ").push_bind(pattern.clone()).push(" ESCAPE '\\'");
            sql.push(" OR d.body LIKE ").push_bind(pattern).push(" ESCAPE '\\')");
        }
        if let Some(status) = query.status {
            sql.push(" AND d.status = ").push_bind(status.as_str());
        }
        if let Some(tag) = &query.tag {
            sql.push(" AND EXISTS (SELECT 1 FROM json_each(d.tags) t WHERE t.value = ").push_bind(tag.clone()).push(")");
        }
        if let Some(cursor) = &query.cursor {
            let (updated_at, id) = decode_cursor(cursor).ok_or(StoreError::BadCursor)?;
            sql.push(" AND (d.updated_at < ").push_bind(updated_at.clone());
            sql.push(" OR (d.updated_at = ").push_bind(updated_at).push(" AND d.id < ").push_bind(id).push("))");
        }
        sql.push(" ORDER BY d.updated_at DESC, d.id DESC LIMIT ").push_bind(i64::from(query.limit) + 1);
        let rows = sql.build().fetch_all(&self.pool).await?;
        let mut items = rows.iter().map(document_from_row).collect::<StoreResult<Vec<_>>>()?;
        let next_cursor = if items.len() > query.limit as usize {
            items.truncate(query.limit as usize);
            items.last().map(|doc| encode_cursor(&timestamp(doc.updated_at), &doc.id))
        } else {
            None
        };
        let items = items
            .into_iter()
            .map(|doc| DocSummary {
                id: doc.id,
                title: doc.title,
                slug: doc.slug,
                tags: doc.tags,
                status: doc.status,
                rev: doc.rev,
                updated_at: doc.updated_at,
                updated_by: doc.updated_by,
            })
            .collect();
        Ok(DocPage { items, next_cursor })
    }

    async fn save_doc(&self, change: SaveChange<'_>) -> StoreResult<Document> {
        let at = timestamp(change.at);
        let fields = change.fields;
        let mut tx = self.pool.begin().await?;
        // The write comes first, so this transaction takes SQLite's write lock at once.
        let updated = sqlx::query(
            "UPDATE documents SET title = ?, slug = ?, tags = ?, body = ?, rev = rev + 1, \
             updated_at = ?, updated_by = ? WHERE id = ? AND rev = ? AND deleted_at IS NULL RETURNING status",
        )
        .bind(&fields.title)
        .bind(&fields.slug)
        .bind(tags_json(&fields.tags))
        .bind(&fields.body)
        .bind(&at)
        .bind(&change.by.id)
        .bind(change.id)
        .bind(change.expected_rev)
        .fetch_optional(&mut *tx)
        .await
        .map_err(on_constraint)?;
        let Some(row) = updated else {
            return Err(Self::why_not(&mut tx, change.id).await);
        };
        let status = parse_status(row.try_get("status")?)?;
        let rev = change.expected_rev + 1;
        insert_revision(&mut tx, change.id, rev, fields, status, change.changed, false, &change.by.id, &at).await?;
        let doc = Self::doc_in(&mut *tx, change.id).await?.ok_or(StoreError::NotFound)?;
        if let Some(idempotency) = &change.idempotency {
            sqlx::query("DELETE FROM idempotency_keys WHERE user_id = ? AND key = ? AND created_at < ?")
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
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::IdempotencyKeyUsed,
                _ => StoreError::Database(e),
            })?;
        }
        tx.commit().await?;
        Ok(doc)
    }

    async fn transition_doc(&self, id: &str, expected_rev: i64, to: Status, by: &UserRef, at: DateTime<Utc>) -> StoreResult<Document> {
        let at = timestamp(at);
        let mut tx = self.pool.begin().await?;
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
            return Err(Self::why_not(&mut tx, id).await);
        };
        let fields = fields_from_row(&row)?;
        insert_revision(&mut tx, id, expected_rev + 1, &fields, to, &[Field::Status], false, &by.id, &at).await?;
        let doc = Self::doc_in(&mut *tx, id).await?.ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(doc)
    }

    async fn delete_doc(&self, id: &str, expected_rev: i64, by: &UserRef, at: DateTime<Utc>) -> StoreResult<()> {
        let at = timestamp(at);
        let mut tx = self.pool.begin().await?;
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
            return Err(Self::why_not(&mut tx, id).await);
        };
        let fields = fields_from_row(&row)?;
        let status = parse_status(row.try_get("status")?)?;
        insert_revision(&mut tx, id, expected_rev + 1, &fields, status, &[], true, &by.id, &at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revision_fields(&self, id: &str, rev: i64) -> StoreResult<Option<Fields>> {
        Ok(history::revision(&self.pool, id, rev).await?.map(|r| r.values()))
    }

    async fn revisions(&self, id: &str) -> StoreResult<Vec<RevisionSummary>> {
        history::revisions(&self.pool, id).await
    }

    async fn revision(&self, id: &str, rev: i64) -> StoreResult<Option<Revision>> {
        history::revision(&self.pool, id, rev).await
    }

    async fn free_slugs(&self, candidates: &[String]) -> StoreResult<Vec<String>> {
        let mut sql = QueryBuilder::<Sqlite>::new("SELECT slug FROM documents WHERE deleted_at IS NULL AND slug IN (");
        let mut list = sql.separated(", ");
        for candidate in candidates {
            list.push_bind(candidate.clone());
        }
        sql.push(")");
        let taken: Vec<String> = sql.build().fetch_all(&self.pool).await?.iter().map(|r| r.get("slug")).collect();
        Ok(candidates.iter().filter(|c| !taken.contains(c)).cloned().collect())
    }

    async fn claim_idempotency_key(
        &self,
        user_id: &str,
        key: &str,
        fingerprint: &str,
        now: DateTime<Utc>,
        expired_before: DateTime<Utc>,
        abandoned_before: DateTime<Utc>,
    ) -> StoreResult<Claim> {
        idempotency::claim(&self.pool, user_id, key, fingerprint, now, expired_before, abandoned_before).await
    }

    async fn finish_idempotency_key(&self, key: ClaimedKey<'_>, status: u16, body: &str) -> StoreResult<()> {
        idempotency::finish(&self.pool, key, status, body).await
    }

    async fn release_idempotency_key(&self, key: ClaimedKey<'_>) -> StoreResult<()> {
        idempotency::release(&self.pool, key).await
    }

    async fn idempotent_response(&self, user_id: &str, key: &str, not_before: DateTime<Utc>) -> StoreResult<Option<StoredResponse>> {
        idempotency::recorded(&self.pool, user_id, key, not_before).await
    }

    async fn expire_idempotency_keys(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        idempotency::expire(&self.pool, before).await
    }

    async fn role_of(&self, doc_id: &str, user_id: &str) -> StoreResult<Option<Role>> {
        access::role_of(&self.pool, doc_id, user_id).await
    }

    async fn members(&self, doc_id: &str) -> StoreResult<Option<(UserRef, Vec<Member>)>> {
        access::members(&self.pool, doc_id).await
    }

    async fn set_member(&self, doc_id: &str, user_id: &str, role: Role, by: &UserRef, at: DateTime<Utc>) -> StoreResult<()> {
        access::set_member(&self.pool, doc_id, user_id, role, by, at).await
    }

    async fn remove_member(&self, doc_id: &str, user_id: &str) -> StoreResult<bool> {
        access::remove_member(&self.pool, doc_id, user_id).await
    }

    async fn auth_attempts(&self, account: &str, address: &str, since: DateTime<Utc>) -> StoreResult<(u32, u32)> {
        access::auth_attempts(&self.pool, account, address, since).await
    }

    async fn record_auth_attempt(&self, account: Option<&str>, address: &str, at: DateTime<Utc>) -> StoreResult<()> {
        access::record_auth_attempt(&self.pool, account, address, at).await
    }

    async fn clear_auth_failures(&self, account: &str) -> StoreResult<()> {
        access::clear_auth_failures(&self.pool, account).await
    }

    async fn expire_auth_attempts(&self, before: DateTime<Utc>) -> StoreResult<u64> {
        access::expire_auth_attempts(&self.pool, before).await
    }

    async fn changes_since(&self, id: &str, after_rev: i64) -> StoreResult<Vec<ChangedBy>> {
        let rows = sqlx::query(
            "SELECT r.rev, r.author_id, u.name, r.created_at, r.changed_fields FROM revisions r \
             JOIN users u ON u.id = r.author_id WHERE r.doc_id = ? AND r.rev > ? ORDER BY r.rev",
        )
        .bind(id)
        .bind(after_rev)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ChangedBy {
                    rev: row.try_get("rev")?,
                    by: UserRef { id: row.try_get("author_id")?, name: row.try_get("name")? },
                    at: parse_time(row.try_get("created_at")?)?,
                    fields: serde_json::from_str(row.try_get("changed_fields")?).map_err(decode_error)?,
                })
            })
            .collect()
    }
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
    .bind(serde_json::to_string(changed).map_err(decode_error)?)
    .bind(deleted)
    .bind(author)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Unique-constraint violations are expected outcomes, named here once.
fn on_constraint(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        if db.is_unique_violation() {
            let message = db.message();
            if message.contains("documents.slug") || message.contains("documents_live_slug_key") {
                return StoreError::SlugTaken;
            }
            if message.contains("users_name_key") || message.contains("users.name") {
                return StoreError::NameTaken;
            }
        }
    }
    StoreError::Database(error)
}

/// Cursors are opaque to clients: hex of "updated_at|id".
fn encode_cursor(updated_at: &str, id: &str) -> String {
    format!("{updated_at}|{id}").bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_cursor(cursor: &str) -> Option<(String, String)> {
    if cursor.len() % 2 != 0 || cursor.len() > 512 {
        return None;
    }
    let bytes = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok())
        .collect::<Option<Vec<u8>>>()?;
    let text = String::from_utf8(bytes).ok()?;
    let (updated_at, id) = text.split_once('|')?;
    DateTime::parse_from_rfc3339(updated_at).ok()?;
    Some((updated_at.to_owned(), id.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let cursor = encode_cursor("2026-01-01T00:00:00.000Z", "abc");
        assert_eq!(decode_cursor(&cursor), Some(("2026-01-01T00:00:00.000Z".into(), "abc".into())));
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor(&encode_cursor("yesterday", "abc")), None);
    }
}
