//! The document list: the user's documents, filtered, newest change first, keyset-paged.

use sqlx::QueryBuilder;

use super::{dialect, Db, Pool};

use crate::store::{
    cursor,
    rows::{contains_pattern, summary_from_row, timestamp, SUMMARY_COLUMNS},
    ListQuery, Ownership, StoreError, StoreResult,
};
use app::protocol::DocPage;

pub async fn list_docs(pool: &Pool, query: &ListQuery) -> StoreResult<DocPage> {
    let mut sql = QueryBuilder::<Db>::new(format!(
        "SELECT {SUMMARY_COLUMNS} WHERE d.deleted_at IS NULL"
    ));
    sql.push(" AND (d.owner_id = ")
        .push_bind(query.user_id.clone());
    sql.push(" OR EXISTS (SELECT 1 FROM memberships m WHERE m.doc_id = d.id AND m.user_id = ")
        .push_bind(query.user_id.clone())
        .push("))");
    if let Some(text) = query.text.as_deref().filter(|t| !t.is_empty()) {
        sql.push(" AND d.search_text LIKE ")
            .push_bind(contains_pattern(text))
            .push(" ESCAPE '\\'");
    }
    if let Some(status) = query.status {
        sql.push(" AND d.status = ").push_bind(status.as_str());
    }
    if let Some(tag) = &query.tag {
        dialect::has_tag(&mut sql, tag);
    }
    match query.owner {
        Some(Ownership::Mine) => {
            sql.push(" AND d.owner_id = ")
                .push_bind(query.user_id.clone());
        }
        Some(Ownership::SharedWithMe) => {
            sql.push(" AND d.owner_id <> ")
                .push_bind(query.user_id.clone());
        }
        None => {}
    }
    if let Some(raw) = &query.cursor {
        let after = cursor::decode(raw).ok_or(StoreError::BadCursor)?;
        sql.push(" AND (d.updated_at < ")
            .push_bind(after.updated_at.clone());
        sql.push(" OR (d.updated_at = ")
            .push_bind(after.updated_at)
            .push(" AND d.id < ")
            .push_bind(after.id)
            .push("))");
    }
    sql.push(" ORDER BY d.updated_at DESC, d.id DESC LIMIT ")
        .push_bind(i64::from(query.limit) + 1);
    let rows = sql.build().fetch_all(pool).await?;
    let mut items = rows
        .iter()
        .map(summary_from_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let next_cursor = if items.len() > query.limit as usize {
        items.truncate(query.limit as usize);
        items
            .last()
            .map(|doc| cursor::encode(&timestamp(doc.updated_at), &doc.id))
    } else {
        None
    };
    Ok(DocPage { items, next_cursor })
}
