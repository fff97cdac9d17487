//! Problem details (RFC 9457) as both sides read them, and the stale-revision members.

use serde::{Deserialize, Serialize};

use super::{ChangedBy, Document};
use crate::domain::{
    merge::{FieldComparison, MergeSummary},
    FieldError,
};

/// An RFC 9457 problem as the browser reads it; extension members it does not know are kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default)]
    pub detail: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl Problem {
    pub fn new(status: u16, kind: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: kind.to_owned(),
            title: title.to_owned(),
            status,
            detail: detail.into(),
            errors: Vec::new(),
            extra: serde_json::Map::new(),
        }
    }

    /// The error message for one field, if the server named it.
    pub fn error_for(&self, field: &str) -> Option<String> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    }

    /// Free slugs offered with `/problems/slug-taken`.
    pub fn suggestions(&self) -> Vec<String> {
        self.extra
            .get("suggestions")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }

    /// The stale-revision members, when this is a 412 or stale 409.
    pub fn stale(&self) -> Option<StaleRevision> {
        if self.kind != problem::STALE_REVISION {
            return None;
        }
        serde_json::from_value(serde_json::Value::Object(self.extra.clone())).ok()
    }
}

/// Extension members of `/problems/stale-revision`.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StaleRevision {
    pub your_base_rev: i64,
    pub current_rev: i64,
    pub current_etag: String,
    pub changed_by: Vec<ChangedBy>,
    pub self_conflict: bool,
    pub current: Document,
    /// Field by field: base, theirs and mine. Absent when the base revision is unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Vec<FieldComparison>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge: Option<MergeSummary>,
}

/// Problem `type` URIs (relative), one per row of the status-code table.
pub mod problem {
    pub const PRECONDITION_REQUIRED: &str = "/problems/precondition-required";
    pub const STALE_REVISION: &str = "/problems/stale-revision";
    pub const SLUG_TAKEN: &str = "/problems/slug-taken";
    pub const INVALID_STATE: &str = "/problems/invalid-state";
    pub const UNDO_CONFLICT: &str = "/problems/undo-conflict";
    pub const SUGGESTION_CONFLICT: &str = "/problems/suggestion-conflict";
    pub const VALIDATION: &str = "/problems/validation";
    pub const BAD_REQUEST: &str = "/problems/bad-request";
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "/problems/unsupported-media-type";
    pub const TOO_LARGE: &str = "/problems/too-large";
    pub const UNAUTHORIZED: &str = "/problems/unauthorized";
    pub const NOT_FOUND: &str = "/problems/not-found";
    pub const NAME_TAKEN: &str = "/problems/name-taken";
    pub const IDEMPOTENCY_MISMATCH: &str = "/problems/idempotency-mismatch";
    pub const IDEMPOTENCY_IN_FLIGHT: &str = "/problems/idempotency-in-flight";
    pub const FORBIDDEN: &str = "/problems/forbidden";
    pub const CROSS_ORIGIN: &str = "/problems/cross-origin";
    pub const TOO_MANY_REQUESTS: &str = "/problems/too-many-requests";
    pub const INTERNAL: &str = "/problems/internal";
    pub const METHOD_NOT_ALLOWED: &str = "/problems/method-not-allowed";
    pub const STALE_VERSION: &str = "/problems/stale-version";
    /// A refusal by the HTTP machinery with no more specific type (e.g. 426).
    pub const HTTP: &str = "/problems/http";
    pub const NETWORK: &str = "/problems/network";
}

/// How a request failed, as a page shows it: the HTTP status and the problem body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiFailure {
    pub status: u16,
    /// Boxed: every fallible call returns this, and a problem body is large.
    pub problem: Box<Problem>,
}

impl ApiFailure {
    pub fn network(message: impl Into<String>) -> ApiFailure {
        ApiFailure {
            status: 0,
            problem: Box::new(Problem::new(0, problem::NETWORK, "Network error", message)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Field;

    #[test]
    fn a_stale_problem_exposes_its_members() {
        let json = serde_json::json!({
            "type": "/problems/stale-revision", "title": "t", "status": 412, "detail": "d",
            "your_base_rev": 1, "current_rev": 2, "current_etag": "\"2\"", "self_conflict": false,
            "changed_by": [{"rev": 2, "by": {"id": "u", "name": "Bob"}, "at": "2026-01-01T00:00:00Z", "fields": ["body"]}],
            "current": {"id": "d", "title": "T", "slug": "t", "tags": [], "body": "", "status": "draft", "rev": 2,
                "created_at": "2026-01-01T00:00:00Z", "created_by": {"id": "u", "name": "Bob"},
                "updated_at": "2026-01-01T00:00:00Z", "updated_by": {"id": "u", "name": "Bob"}}
        });
        let problem: Problem = serde_json::from_value(json).unwrap();
        let stale = problem.stale().unwrap();
        assert_eq!(stale.current_rev, 2);
        assert_eq!(stale.changed_by[0].fields, vec![Field::Body]);
    }
}
