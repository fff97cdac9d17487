//! The document list: the user's documents, filtered, sorted by last change or by title,
//! keyset-paged both ways, with the number of matches and, for a search, the words around
//! each hit.

use sqlx::QueryBuilder;

use super::{dialect, Db, Pool};

use crate::store::{
    cursor::{self, Cursor, Direction, Sort},
    rows::{contains_pattern, summary_from_row, timestamp, Columns, SUMMARY_COLUMNS, SUMMARY_FROM},
    ListQuery, Ownership, StoreError, StoreResult,
};
use app::{domain::snippet::snippet, protocol::DocPage};

pub async fn list_docs(pool: &Pool, query: &ListQuery) -> StoreResult<DocPage> {
    let boundary = match &query.cursor {
        None => None,
        Some(raw) => Some(
            cursor::decode(raw)
                .filter(|c| c.sort == query.sort)
                .ok_or(StoreError::BadCursor)?,
        ),
    };
    let backwards = boundary
        .as_ref()
        .is_some_and(|c| c.direction == Direction::Before);
    let key = match query.sort {
        Sort::Updated => "d.updated_at",
        Sort::Title => "LOWER(d.title)",
    };
    let text = query.text.as_deref().filter(|t| !t.is_empty());
    // Updated: newest first; title: A to Z. Going backwards the order turns round.
    let descending = (query.sort == Sort::Updated) != backwards;
    let mut sql = select_page(query, key, boundary.as_ref(), descending, text.is_some());
    let rows = sql.build().fetch_all(pool).await?;
    let mut page = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut summary = summary_from_row(row)?;
        if let Some(text) = text {
            summary.snippet = snippet(&row.text("body")?, text);
        }
        page.push((summary, row.text("sort_key")?));
    }
    let more = page.len() > query.limit as usize;
    page.truncate(query.limit as usize);
    if backwards {
        page.reverse();
    }
    let at = |(doc, key): &(app::protocol::DocSummary, String), direction| {
        // The change time as stored is what the query compares, to the millisecond.
        let key = match query.sort {
            Sort::Updated => timestamp(doc.updated_at),
            Sort::Title => key.clone(),
        };
        cursor::encode(query.sort, direction, &key, &doc.id)
    };
    // Forwards, a cursor means pages before this one; backwards, we came from a later one.
    let (has_before, has_after) = match (&boundary, backwards) {
        (None, _) => (false, more),
        (Some(_), false) => (true, more),
        (Some(_), true) => (more, true),
    };
    let prev_cursor = page
        .first()
        .filter(|_| has_before)
        .map(|first| at(first, Direction::Before));
    let next_cursor = page
        .last()
        .filter(|_| has_after)
        .map(|last| at(last, Direction::After));
    let total = count(pool, query).await?;
    Ok(DocPage {
        items: page.into_iter().map(|(doc, _)| doc).collect(),
        next_cursor,
        prev_cursor,
        total,
    })
}

/// One page's query: the summaries, the user's role on each, past `boundary` in the list's
/// order, one more than the page holds (so it is known whether more follow).
fn select_page<'q>(
    query: &'q ListQuery,
    key: &str,
    boundary: Option<&Cursor>,
    descending: bool,
    with_body: bool,
) -> QueryBuilder<'q, Db> {
    let mut sql = QueryBuilder::<Db>::new(format!("SELECT {SUMMARY_COLUMNS}, {key} AS sort_key"));
    sql.push(", CASE WHEN d.owner_id = ")
        .push_bind(query.user_id.clone())
        .push(" THEN 'owner' ELSE (SELECT m.role FROM memberships m WHERE m.doc_id = d.id AND m.user_id = ")
        .push_bind(query.user_id.clone())
        .push(") END AS your_role");
    if with_body {
        sql.push(", d.body");
    }
    sql.push(format!(" {SUMMARY_FROM}"));
    push_filters(&mut sql, query);
    if let Some(boundary) = boundary {
        let beyond = if descending { "<" } else { ">" };
        sql.push(format!(" AND ({key} {beyond} "))
            .push_bind(boundary.key.clone())
            .push(format!(" OR ({key} = "))
            .push_bind(boundary.key.clone())
            .push(format!(" AND d.id {beyond} "))
            .push_bind(boundary.id.clone())
            .push("))");
    }
    let order = if descending { "DESC" } else { "ASC" };
    sql.push(format!(" ORDER BY sort_key {order}, d.id {order} LIMIT "))
        .push_bind(i64::from(query.limit) + 1);
    sql
}

/// How many documents match, on all pages.
async fn count(pool: &Pool, query: &ListQuery) -> StoreResult<i64> {
    let mut sql = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM documents d");
    push_filters(&mut sql, query);
    Ok(sql.build_query_scalar::<i64>().fetch_one(pool).await?)
}

/// Live documents the user may see, narrowed by the query's filters.
fn push_filters(sql: &mut QueryBuilder<'_, Db>, query: &ListQuery) {
    sql.push(" WHERE d.deleted_at IS NULL AND (d.owner_id = ")
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
        dialect::has_tag(sql, tag);
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
}
