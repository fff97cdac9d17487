//! The document list: the user's documents, filtered, newest change first, keyset-paged.

use chrono::DateTime;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

use super::{
    docs::DOC_COLUMNS,
    rows::{document_from_row, timestamp},
};
use crate::store::{ListQuery, StoreError, StoreResult};
use app::protocol::{DocPage, DocSummary};

pub async fn list_docs(pool: &SqlitePool, query: &ListQuery) -> StoreResult<DocPage> {
    let mut sql =
        QueryBuilder::<Sqlite>::new(format!("SELECT {DOC_COLUMNS} WHERE d.deleted_at IS NULL"));
    sql.push(" AND (d.owner_id = ")
        .push_bind(query.user_id.clone());
    sql.push(" OR EXISTS (SELECT 1 FROM memberships m WHERE m.doc_id = d.id AND m.user_id = ")
        .push_bind(query.user_id.clone())
        .push("))");
    if let Some(text) = query.text.as_deref().filter(|t| !t.is_empty()) {
        let pattern = format!(
            "%{}%",
            text.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        sql.push(" AND (d.title LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        sql.push(" OR d.slug LIKE ")
            .push_bind(pattern.clone())
            .push(" ESCAPE '\\'");
        sql.push(" OR d.body LIKE ")
            .push_bind(pattern)
            .push(" ESCAPE '\\')");
    }
    if let Some(status) = query.status {
        sql.push(" AND d.status = ").push_bind(status.as_str());
    }
    if let Some(tag) = &query.tag {
        sql.push(" AND EXISTS (SELECT 1 FROM json_each(d.tags) t WHERE t.value = ")
            .push_bind(tag.clone())
            .push(")");
    }
    if let Some(cursor) = &query.cursor {
        let (updated_at, id) = decode_cursor(cursor).ok_or(StoreError::BadCursor)?;
        sql.push(" AND (d.updated_at < ")
            .push_bind(updated_at.clone());
        sql.push(" OR (d.updated_at = ")
            .push_bind(updated_at)
            .push(" AND d.id < ")
            .push_bind(id)
            .push("))");
    }
    sql.push(" ORDER BY d.updated_at DESC, d.id DESC LIMIT ")
        .push_bind(i64::from(query.limit) + 1);
    let rows = sql.build().fetch_all(pool).await?;
    let mut items = rows
        .iter()
        .map(document_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let next_cursor = if items.len() > query.limit as usize {
        items.truncate(query.limit as usize);
        items
            .last()
            .map(|doc| encode_cursor(&timestamp(doc.updated_at), &doc.id))
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

/// Cursors are opaque to clients: hex of "updated_at|id".
fn encode_cursor(updated_at: &str, id: &str) -> String {
    format!("{updated_at}|{id}")
        .bytes()
        .map(|b| format!("{b:02x}"))
        .collect()
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
        assert_eq!(
            decode_cursor(&cursor),
            Some(("2026-01-01T00:00:00.000Z".into(), "abc".into()))
        );
        assert_eq!(decode_cursor("zz"), None);
        assert_eq!(decode_cursor(&encode_cursor("yesterday", "abc")), None);
    }
}
