//! Converting between stored columns and the domain's types, for every backend: both keep
//! timestamps as RFC 3339 text (UTC, milliseconds, so they sort as text) and tags as a
//! JSON array in text.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{ColumnIndex, Decode, Row, Type};

use crate::store::{StoreError, StoreResult};
use app::{
    domain::{anchor::AnchorState, Fields, Role, Status},
    protocol::{Document, UserRef},
};

/// A row of either backend whose text and integer columns can be read by name.
pub trait Columns {
    fn text(&self, column: &str) -> StoreResult<String>;
    fn int(&self, column: &str) -> StoreResult<i64>;
    fn maybe_text(&self, column: &str) -> StoreResult<Option<String>>;
    fn flag(&self, column: &str) -> StoreResult<bool>;
    fn maybe_int(&self, column: &str) -> StoreResult<Option<i64>>;
}

impl<R> Columns for R
where
    R: Row,
    for<'c> &'c str: ColumnIndex<R>,
    for<'r> String: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> i64: Decode<'r, R::Database> + Type<R::Database>,
    for<'r> bool: Decode<'r, R::Database> + Type<R::Database>,
{
    fn text(&self, column: &str) -> StoreResult<String> {
        Ok(self.try_get::<String, _>(column)?)
    }

    fn int(&self, column: &str) -> StoreResult<i64> {
        Ok(self.try_get::<i64, _>(column)?)
    }

    fn maybe_text(&self, column: &str) -> StoreResult<Option<String>> {
        Ok(self.try_get::<Option<String>, _>(column)?)
    }

    fn flag(&self, column: &str) -> StoreResult<bool> {
        Ok(self.try_get::<bool, _>(column)?)
    }

    fn maybe_int(&self, column: &str) -> StoreResult<Option<i64>> {
        Ok(self.try_get::<Option<i64>, _>(column)?)
    }
}

pub fn document_from_row(row: &impl Columns) -> StoreResult<Document> {
    Ok(Document {
        id: row.text("id")?,
        title: row.text("title")?,
        slug: row.text("slug")?,
        tags: parse_tags(&row.text("tags")?)?,
        body: row.text("body")?,
        status: parse_status(&row.text("status")?)?,
        rev: row.int("rev")?,
        created_at: parse_time(&row.text("created_at")?)?,
        created_by: UserRef {
            id: row.text("created_by")?,
            name: row.text("created_by_name")?,
        },
        updated_at: parse_time(&row.text("updated_at")?)?,
        updated_by: UserRef {
            id: row.text("updated_by")?,
            name: row.text("updated_by_name")?,
        },
    })
}

/// The editable fields of a `documents` or `revisions` row.
pub fn fields_from_row(row: &impl Columns) -> StoreResult<Fields> {
    Ok(Fields {
        title: row.text("title")?,
        slug: row.text("slug")?,
        tags: parse_tags(&row.text("tags")?)?,
        body: row.text("body")?,
    })
}

pub fn user_from_row(row: &impl Columns, id: &str, name: &str) -> StoreResult<UserRef> {
    Ok(UserRef {
        id: row.text(id)?,
        name: row.text(name)?,
    })
}

pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn parse_time(raw: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(decode_error)
}

pub fn tags_json(tags: &[String]) -> String {
    serde_json::Value::from(tags.to_vec()).to_string()
}

pub fn parse_tags(raw: &str) -> StoreResult<Vec<String>> {
    serde_json::from_str(raw).map_err(decode_error)
}

pub fn parse_status(raw: &str) -> StoreResult<Status> {
    Status::parse(raw).ok_or_else(|| decode_error(format!("unknown status {raw:?}")))
}

/// How an anchor's state is stored.
pub fn anchor_state_name(state: AnchorState) -> &'static str {
    match state {
        AnchorState::Intact => "intact",
        AnchorState::Changed => "changed",
        AnchorState::Detached => "detached",
    }
}

pub fn anchor_state_of(name: &str) -> StoreResult<AnchorState> {
    match name {
        "intact" => Ok(AnchorState::Intact),
        "changed" => Ok(AnchorState::Changed),
        "detached" => Ok(AnchorState::Detached),
        _ => Err(StoreError::Unsupported("unknown anchor state")),
    }
}

pub fn decode_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(error.to_string().into()))
}

/// What the list and search compare against: title, slug and body, case-folded.
pub fn search_text(fields: &Fields) -> String {
    app::domain::fold_case(&format!(
        "{}\n{}\n{}",
        fields.title, fields.slug, fields.body
    ))
}

/// A `LIKE` pattern matching `text` anywhere, with the wildcards in it escaped (`\`).
pub fn contains_pattern(text: &str) -> String {
    format!("%{}%", escape_like(&app::domain::fold_case(text)))
}

/// A `LIKE … ESCAPE '\'` pattern for folded text starting with `text`.
pub fn prefix_pattern(text: &str) -> String {
    format!("{}%", escape_like(&app::domain::fold_case(text)))
}

/// `%`, `_` and `\` as plain characters.
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// The columns a list row needs (no body, which may be a mebibyte), from
/// `SUMMARY_FROM`; each query adds the asking user's role as `your_role`.
pub const SUMMARY_COLUMNS: &str = "d.id, d.title, d.slug, d.tags, d.status, d.rev, \
     d.updated_at, d.updated_by, uu.name AS updated_by_name, d.owner_id, uo.name AS owner_name";
pub const SUMMARY_FROM: &str = "FROM documents d JOIN users uu ON uu.id = d.updated_by \
     JOIN users uo ON uo.id = d.owner_id";

pub fn summary_from_row(row: &impl Columns) -> StoreResult<app::protocol::DocSummary> {
    Ok(app::protocol::DocSummary {
        id: row.text("id")?,
        title: row.text("title")?,
        slug: row.text("slug")?,
        tags: parse_tags(&row.text("tags")?)?,
        status: parse_status(&row.text("status")?)?,
        rev: row.int("rev")?,
        updated_at: parse_time(&row.text("updated_at")?)?,
        updated_by: user_from_row(row, "updated_by", "updated_by_name")?,
        owner: user_from_row(row, "owner_id", "owner_name")?,
        your_role: {
            let raw = row.text("your_role")?;
            Role::parse(&raw).ok_or_else(|| decode_error(format!("unknown role {raw:?}")))?
        },
        snippet: None,
    })
}

/// A `revisions` row joined with its author's name (`author_id`, `name`).
pub fn revision_summary_from_row(
    row: &impl Columns,
) -> StoreResult<app::protocol::RevisionSummary> {
    Ok(app::protocol::RevisionSummary {
        rev: row.int("rev")?,
        by: user_from_row(row, "author_id", "name")?,
        at: parse_time(&row.text("created_at")?)?,
        fields: parse_fields_list(&row.text("changed_fields")?)?,
        status: parse_status(&row.text("status")?)?,
        merge_base: row.maybe_int("merge_base")?,
        suggested_by: match row.maybe_text("suggested_by")? {
            Some(id) => Some(UserRef {
                id,
                name: row.text("suggested_name")?,
            }),
            None => None,
        },
    })
}

pub fn revision_from_row(row: &impl Columns) -> StoreResult<app::protocol::Revision> {
    let summary = revision_summary_from_row(row)?;
    let fields = fields_from_row(row)?;
    Ok(app::protocol::Revision {
        rev: summary.rev,
        by: summary.by,
        at: summary.at,
        fields: summary.fields,
        status: summary.status,
        merge_base: summary.merge_base,
        title: fields.title,
        slug: fields.slug,
        tags: fields.tags,
        body: fields.body,
    })
}

pub fn changed_by_from_row(row: &impl Columns) -> StoreResult<app::protocol::ChangedBy> {
    Ok(app::protocol::ChangedBy {
        rev: row.int("rev")?,
        by: user_from_row(row, "author_id", "name")?,
        at: parse_time(&row.text("created_at")?)?,
        fields: parse_fields_list(&row.text("changed_fields")?)?,
    })
}

/// An `idempotency_keys` row.
pub fn stored_response_from_row(row: &impl Columns) -> StoreResult<super::StoredResponse> {
    Ok(super::StoredResponse {
        fingerprint: row.text("fingerprint")?,
        in_flight: row.flag("in_flight")?,
        status: u16::try_from(row.int("status")?).map_err(decode_error)?,
        etag: row.maybe_text("etag")?,
        location: row.maybe_text("location")?,
        body: row.text("body")?,
    })
}

pub fn fields_list_json(fields: &[app::domain::Field]) -> StoreResult<String> {
    serde_json::to_string(fields).map_err(decode_error)
}

fn parse_fields_list(raw: &str) -> StoreResult<Vec<app::domain::Field>> {
    serde_json::from_str(raw).map_err(decode_error)
}
