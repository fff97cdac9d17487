//! Converting between SQLite's text columns and the domain's types.

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{sqlite::SqliteRow, Row};

use crate::store::{StoreError, StoreResult};
use app::{
    domain::{Fields, Status},
    protocol::{Document, UserRef},
};

pub fn document_from_row(row: &SqliteRow) -> StoreResult<Document> {
    Ok(Document {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        slug: row.try_get("slug")?,
        tags: parse_tags(row.try_get("tags")?)?,
        body: row.try_get("body")?,
        status: parse_status(row.try_get("status")?)?,
        rev: row.try_get("rev")?,
        created_at: parse_time(row.try_get("created_at")?)?,
        created_by: UserRef {
            id: row.try_get("created_by")?,
            name: row.try_get("created_by_name")?,
        },
        updated_at: parse_time(row.try_get("updated_at")?)?,
        updated_by: UserRef {
            id: row.try_get("updated_by")?,
            name: row.try_get("updated_by_name")?,
        },
    })
}

/// The editable fields of a `documents` or `revisions` row.
pub fn fields_from_row(row: &SqliteRow) -> StoreResult<Fields> {
    Ok(Fields {
        title: row.try_get("title")?,
        slug: row.try_get("slug")?,
        tags: parse_tags(row.try_get("tags")?)?,
        body: row.try_get("body")?,
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

pub fn decode_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(error.to_string().into()))
}
