//! The RFC 9457 body of each refusal: its type and title (a table), the sentence a person
//! can act on, and the members beyond the standard ones.

use axum::http::StatusCode;
use serde_json::{json, Value};

use super::error::ApiError;
use app::{
    domain::FieldError,
    protocol::{problem, ApiFailure, Problem},
};

impl ApiError {
    /// The RFC 9457 body. `instance` names this occurrence so a log line can be found from it.
    pub fn problem(&self) -> Problem {
        let (kind, title) = self.kind();
        let mut problem = Problem::new(self.status().as_u16(), kind, title, self.detail());
        self.extend(&mut problem);
        let instance = super::request_id::instance();
        if let ApiError::Internal(cause) = self {
            tracing::error!(%instance, %cause, "internal error");
        }
        problem.extra.insert("instance".into(), json!(instance));
        problem
    }

    pub fn into_failure(self) -> ApiFailure {
        ApiFailure {
            status: self.status().as_u16(),
            problem: Box::new(self.problem()),
        }
    }

    /// The problem type a client branches on, and its title.
    fn kind(&self) -> (&'static str, &'static str) {
        use ApiError::*;
        match self {
            PreconditionRequired => (
                problem::PRECONDITION_REQUIRED,
                "This change needs the revision you edited",
            ),
            Stale { .. } | StaleUnexplained => (
                problem::STALE_REVISION,
                "The document changed since you loaded it",
            ),
            StaleVersion(_) => (problem::STALE_VERSION, "It changed since you loaded it"),
            SlugTaken { .. } => (problem::SLUG_TAKEN, "That slug is taken"),
            InvalidState { .. } => (
                problem::INVALID_STATE,
                "Not allowed in the document's current state",
            ),
            UndoConflict { .. } => (
                problem::UNDO_CONFLICT,
                "This change cannot be undone by itself",
            ),
            Undecidable { .. } => (
                problem::SUGGESTION_CONFLICT,
                "These suggested changes cannot be decided so",
            ),
            Validation(_) => (problem::VALIDATION, "Some fields are invalid"),
            BadRequest(_) => (problem::BAD_REQUEST, "Malformed request"),
            UnsupportedMediaType(_) => {
                (problem::UNSUPPORTED_MEDIA_TYPE, "Unsupported content type")
            }
            TooLarge => (problem::TOO_LARGE, "Request too large"),
            Unauthorized(_) => (problem::UNAUTHORIZED, "Not signed in"),
            Forbidden { .. } => (problem::FORBIDDEN, "Your role does not allow this"),
            CrossOrigin => (problem::CROSS_ORIGIN, "Request from another site refused"),
            TooManyRequests { .. } => (problem::TOO_MANY_REQUESTS, "Too many attempts"),
            MethodNotAllowed { .. } => (problem::METHOD_NOT_ALLOWED, "Method not allowed"),
            Rejected { status, .. } => (
                rejected_kind(*status),
                status.canonical_reason().unwrap_or("Request refused"),
            ),
            NotFound => (problem::NOT_FOUND, "Not found"),
            NameTaken => (problem::NAME_TAKEN, "That name is taken"),
            IdempotencyMismatch => (
                problem::IDEMPOTENCY_MISMATCH,
                "Idempotency key reused for a different request",
            ),
            IdempotencyInFlight => (
                problem::IDEMPOTENCY_IN_FLIGHT,
                "The first request with this key is still running",
            ),
            Internal(_) => (problem::INTERNAL, "Something went wrong on our side"),
        }
    }

    /// The sentence a person can act on.
    fn detail(&self) -> String {
        use ApiError::*;
        let fixed = match self {
            PreconditionRequired => "Send If-Match with the ETag of the revision you edited (or base_rev in the body), so nobody's work is overwritten.",
            StaleUnexplained => "Somebody saved a newer revision meanwhile. Reload the document, reapply your change and save again.",
            TooLarge => "The request body is larger than allowed: a document body may be at most 1 MiB.",
            CrossOrigin => "Changes can only be made from Concord's own pages. Open Concord directly and try again.",
            NotFound => "There is no such document, or you do not have access to it.",
            NameTaken => "Somebody already uses that name. Choose another one.",
            IdempotencyMismatch => "This Idempotency-Key was already used for a different request. Use a new key for a new change.",
            IdempotencyInFlight => "A request with this Idempotency-Key is still being processed. Retry in a moment to get its result.",
            Internal(_) => "The request could not be completed. Nothing was changed; please try again.",
            Stale { detail, .. }
            | InvalidState { detail, .. }
            | BadRequest(detail)
            | UnsupportedMediaType(detail)
            | Unauthorized(detail)
            | Forbidden { detail, .. }
            | StaleVersion(detail)
            | Undecidable { detail, .. }
            | Rejected { detail, .. } => detail,
            SlugTaken { slug, suggestions } if !slug.is_empty() => {
                let hint = match suggestions.first() {
                    Some(free) => format!(" \"{free}\" is free."),
                    None => String::new(),
                };
                return format!("Another document already uses the slug \"{slug}\". Choose a different slug.{hint}");
            }
            SlugTaken { .. } => "Another document already uses that slug. Choose a different slug.",
            UndoConflict { rev, fields } => {
                let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
                return format!(
                    "Later revisions changed the same places ({}) that revision {rev} changed. Compare the revisions and edit the document by hand.",
                    names.join(", ")
                );
            }
            Validation(errors) => {
                let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
                return messages.join(" ");
            }
            TooManyRequests { retry_after } => {
                return format!("Too many sign-in attempts. Wait {} and try again.", minutes(*retry_after));
            }
            MethodNotAllowed { method, allow } => {
                return match allow.as_ref().and_then(|a| a.to_str().ok()) {
                    Some(allowed) => format!("This address does not take {method}; it takes {allowed}."),
                    None => format!("This address does not take {method}."),
                };
            }
        };
        fixed.to_owned()
    }

    /// The members beyond the standard ones, and the field errors.
    fn extend(&self, p: &mut Problem) {
        match self {
            ApiError::Stale { explanation, .. } => {
                if let Value::Object(map) =
                    serde_json::to_value(explanation.as_ref()).unwrap_or_default()
                {
                    p.extra.extend(map);
                }
            }
            ApiError::SlugTaken { slug, suggestions } => {
                p.extra.insert("slug".into(), json!(slug));
                p.extra.insert("suggestions".into(), json!(suggestions));
                p.errors = vec![FieldError::new(
                    "slug",
                    format!("The slug \"{slug}\" is already taken."),
                )];
            }
            ApiError::InvalidState { state, allowed, .. } => {
                p.extra.insert("state".into(), json!(state));
                p.extra.insert("allowed".into(), json!(allowed));
            }
            ApiError::UndoConflict { rev, fields } => {
                p.extra.insert("rev".into(), json!(rev));
                p.extra.insert("fields".into(), json!(fields));
            }
            ApiError::Undecidable { hunks, .. } => {
                p.extra.insert("hunks".into(), json!(hunks));
            }
            ApiError::Validation(errors) => p.errors = errors.clone(),
            ApiError::Forbidden { role, .. } => {
                p.extra.insert("role".into(), json!(role));
            }
            ApiError::TooManyRequests { retry_after } => {
                p.extra.insert("retry_after".into(), json!(retry_after));
            }
            _ => {}
        }
    }
}

/// The problem type of a refusal the HTTP machinery made, by its status.
fn rejected_kind(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => problem::BAD_REQUEST,
        StatusCode::NOT_FOUND => problem::NOT_FOUND,
        StatusCode::PAYLOAD_TOO_LARGE => problem::TOO_LARGE,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => problem::UNSUPPORTED_MEDIA_TYPE,
        StatusCode::UNPROCESSABLE_ENTITY => problem::VALIDATION,
        _ => problem::HTTP,
    }
}

fn minutes(seconds: u64) -> String {
    match seconds.div_ceil(60) {
        0 | 1 => "a minute".to_owned(),
        n => format!("{n} minutes"),
    }
}
