//! The one error type of the HTTP boundary and the one place it becomes problem+json.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};
use serde_json::{json, Value};

use crate::{
    metrics::{MergeOutcome, ProblemKind},
    service::{AccountError, DocError, Stale},
    store::StoreError,
};
use app::{
    domain::{Field, FieldError, Role, Status},
    protocol::{problem, ApiFailure, Problem, StaleRevision},
};

#[derive(Debug)]
pub enum ApiError {
    PreconditionRequired,
    /// 412 when the client sent `If-Match`, 409 when it sent a stale `base_rev`.
    Stale {
        status: StatusCode,
        detail: String,
        explanation: Box<StaleRevision>,
    },
    /// A compare-and-set failed where no caller could build the full stale-revision body.
    StaleUnexplained,
    /// `suggestions` are free variants of the slug.
    SlugTaken {
        slug: String,
        suggestions: Vec<String>,
    },
    InvalidState {
        state: Status,
        allowed: Vec<Status>,
        detail: String,
    },
    /// Undoing revision `rev` clashes with later changes to the same places of `fields`.
    UndoConflict {
        rev: i64,
        fields: Vec<Field>,
    },
    Validation(Vec<FieldError>),
    BadRequest(String),
    UnsupportedMediaType(String),
    TooLarge,
    Unauthorized(String),
    /// A member whose role does not allow this change.
    Forbidden {
        role: Role,
        detail: String,
    },
    /// An unsafe request sent from another site's page.
    CrossOrigin,
    /// Too many sign-in attempts; try again after this many seconds.
    TooManyRequests {
        retry_after: u64,
    },
    NotFound,
    NameTaken,
    /// The idempotency key was used before for a different request.
    IdempotencyMismatch,
    /// The first request with this idempotency key is still running.
    IdempotencyInFlight,
    /// Details go to the log only.
    Internal(String),
    /// The route exists but not for this method; `allow` lists those it has.
    MethodNotAllowed {
        method: String,
        allow: Option<axum::http::HeaderValue>,
    },
    /// Refused by the HTTP machinery before any handler ran (a path or query that does
    /// not parse, an upgrade without its headers): the status it chose and its reason.
    Rejected {
        status: StatusCode,
        detail: String,
    },
}

impl ApiError {
    pub fn validation(field: &str, message: impl Into<String>) -> ApiError {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn internal(error: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(error.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            ApiError::Stale { status, .. } => *status,
            ApiError::StaleUnexplained => StatusCode::CONFLICT,
            ApiError::SlugTaken { .. }
            | ApiError::InvalidState { .. }
            | ApiError::NameTaken
            | ApiError::UndoConflict { .. }
            | ApiError::IdempotencyInFlight => StatusCode::CONFLICT,
            ApiError::Validation(_) | ApiError::IdempotencyMismatch => {
                StatusCode::UNPROCESSABLE_ENTITY
            }
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } | ApiError::CrossOrigin => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Rejected { status, .. } => *status,
        }
    }

    /// The RFC 9457 body. `instance` names this occurrence so a log line can be found from it.
    pub fn problem(&self) -> Problem {
        let status = self.status().as_u16();
        let mut problem = match self {
            ApiError::PreconditionRequired => Problem::new(
                status,
                problem::PRECONDITION_REQUIRED,
                "This change needs the revision you edited",
                "Send If-Match with the ETag of the revision you edited (or base_rev in the body), so nobody's work is overwritten.",
            ),
            ApiError::Stale { detail, explanation, .. } => {
                let mut p = Problem::new(status, problem::STALE_REVISION, "The document changed since you loaded it", detail.clone());
                if let Value::Object(map) = serde_json::to_value(explanation.as_ref()).unwrap_or_default() {
                    p.extra.extend(map);
                }
                p
            }
            ApiError::StaleUnexplained => Problem::new(
                status,
                problem::STALE_REVISION,
                "The document changed since you loaded it",
                "Somebody saved a newer revision meanwhile. Reload the document, reapply your change and save again.",
            ),
            ApiError::SlugTaken { slug, suggestions } => {
                let hint = match suggestions.first() {
                    Some(free) => format!(" \"{free}\" is free."),
                    None => String::new(),
                };
                let mut p = Problem::new(
                    status,
                    problem::SLUG_TAKEN,
                    "That slug is taken",
                    if slug.is_empty() {
                        "Another document already uses that slug. Choose a different slug.".to_owned()
                    } else {
                        format!("Another document already uses the slug \"{slug}\". Choose a different slug.{hint}")
                    },
                );
                p.extra.insert("slug".into(), json!(slug));
                p.extra.insert("suggestions".into(), json!(suggestions));
                p.errors = vec![FieldError::new("slug", format!("The slug \"{slug}\" is already taken."))];
                p
            }
            ApiError::InvalidState { state, allowed, detail } => {
                let mut p = Problem::new(status, problem::INVALID_STATE, "Not allowed in the document's current state", detail.clone());
                p.extra.insert("state".into(), json!(state));
                p.extra.insert("allowed".into(), json!(allowed));
                p
            }
            ApiError::UndoConflict { rev, fields } => {
                let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
                let mut p = Problem::new(
                    status,
                    problem::UNDO_CONFLICT,
                    "This change cannot be undone by itself",
                    format!(
                        "Later revisions changed the same places ({}) that revision {rev} changed. Compare the revisions and edit the document by hand.",
                        names.join(", ")
                    ),
                );
                p.extra.insert("rev".into(), json!(rev));
                p.extra.insert("fields".into(), json!(fields));
                p
            }
            ApiError::Validation(errors) => {
                let detail = errors.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join(" ");
                let mut p = Problem::new(status, problem::VALIDATION, "Some fields are invalid", detail);
                p.errors = errors.clone();
                p
            }
            ApiError::BadRequest(detail) => Problem::new(status, problem::BAD_REQUEST, "Malformed request", detail.clone()),
            ApiError::UnsupportedMediaType(detail) => {
                Problem::new(status, problem::UNSUPPORTED_MEDIA_TYPE, "Unsupported content type", detail.clone())
            }
            ApiError::TooLarge => Problem::new(
                status,
                problem::TOO_LARGE,
                "Request too large",
                "The request body is larger than allowed: a document body may be at most 1 MiB.",
            ),
            ApiError::Unauthorized(detail) => Problem::new(status, problem::UNAUTHORIZED, "Not signed in", detail.clone()),
            ApiError::Forbidden { role, detail } => {
                let mut p = Problem::new(status, problem::FORBIDDEN, "Your role does not allow this", detail.clone());
                p.extra.insert("role".into(), json!(role));
                p
            }
            ApiError::CrossOrigin => Problem::new(
                status,
                problem::CROSS_ORIGIN,
                "Request from another site refused",
                "Changes can only be made from Concord's own pages. Open Concord directly and try again.",
            ),
            ApiError::TooManyRequests { retry_after } => {
                let mut p = Problem::new(
                    status,
                    problem::TOO_MANY_REQUESTS,
                    "Too many attempts",
                    format!("Too many sign-in attempts. Wait {} and try again.", minutes(*retry_after)),
                );
                p.extra.insert("retry_after".into(), json!(retry_after));
                p
            }
            ApiError::MethodNotAllowed { method, allow } => Problem::new(
                status,
                problem::METHOD_NOT_ALLOWED,
                "Method not allowed",
                match allow.as_ref().and_then(|a| a.to_str().ok()) {
                    Some(allowed) => format!("This address does not take {method}; it takes {allowed}."),
                    None => format!("This address does not take {method}."),
                },
            ),
            ApiError::Rejected { status: code, detail } => {
                let kind = match *code {
                    StatusCode::BAD_REQUEST => problem::BAD_REQUEST,
                    StatusCode::NOT_FOUND => problem::NOT_FOUND,
                    StatusCode::PAYLOAD_TOO_LARGE => problem::TOO_LARGE,
                    StatusCode::UNSUPPORTED_MEDIA_TYPE => problem::UNSUPPORTED_MEDIA_TYPE,
                    StatusCode::UNPROCESSABLE_ENTITY => problem::VALIDATION,
                    _ => problem::HTTP,
                };
                let title = code.canonical_reason().unwrap_or("Request refused");
                Problem::new(status, kind, title, detail.clone())
            }
            ApiError::NotFound => Problem::new(
                status,
                problem::NOT_FOUND,
                "Not found",
                "There is no such document, or you do not have access to it.",
            ),
            ApiError::NameTaken => Problem::new(
                status,
                problem::NAME_TAKEN,
                "That name is taken",
                "Somebody already uses that name. Choose another one.",
            ),
            ApiError::IdempotencyMismatch => Problem::new(
                status,
                problem::IDEMPOTENCY_MISMATCH,
                "Idempotency key reused for a different request",
                "This Idempotency-Key was already used for a different request. Use a new key for a new change.",
            ),
            ApiError::IdempotencyInFlight => Problem::new(
                status,
                problem::IDEMPOTENCY_IN_FLIGHT,
                "The first request with this key is still running",
                "A request with this Idempotency-Key is still being processed. Retry in a moment to get its result.",
            ),
            ApiError::Internal(_) => Problem::new(
                status,
                problem::INTERNAL,
                "Something went wrong on our side",
                "The request could not be completed. Nothing was changed; please try again.",
            ),
        };
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
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::NameTaken => ApiError::NameTaken,
            StoreError::BadCursor => {
                ApiError::validation("cursor", "The cursor is not one this server gave out.")
            }
            // Callers that can name the slug or build the stale-revision body handle these
            // themselves; one that did not still answers with the right status, not a 500.
            StoreError::SlugTaken => {
                tracing::warn!("a slug clash reached the generic error mapping");
                ApiError::SlugTaken {
                    slug: String::new(),
                    suggestions: Vec::new(),
                }
            }
            StoreError::IdempotencyKeyUsed => ApiError::IdempotencyInFlight,
            StoreError::Stale => {
                tracing::warn!("a stale revision reached the generic error mapping");
                ApiError::StaleUnexplained
            }
            other @ (StoreError::Database(_)
            | StoreError::Migrate(_)
            | StoreError::Unsupported(_)) => ApiError::internal(other),
        }
    }
}

impl From<DocError> for ApiError {
    fn from(error: DocError) -> ApiError {
        match error {
            DocError::NotFound => ApiError::NotFound,
            DocError::Stale(stale) => {
                let Stale {
                    detail,
                    explanation,
                    via_header,
                } = *stale;
                ApiError::Stale {
                    // If-Match is the HTTP precondition (412); a body's base_rev is content.
                    status: if via_header {
                        StatusCode::PRECONDITION_FAILED
                    } else {
                        StatusCode::CONFLICT
                    },
                    detail,
                    explanation: Box::new(explanation),
                }
            }
            DocError::InvalidState {
                state,
                allowed,
                detail,
            } => ApiError::InvalidState {
                state,
                allowed,
                detail,
            },
            DocError::SlugTaken { slug, suggestions } => ApiError::SlugTaken { slug, suggestions },
            DocError::Invalid(errors) => ApiError::Validation(errors),
            DocError::Forbidden { role, detail } => ApiError::Forbidden { role, detail },
            DocError::UndoConflict { rev, fields } => ApiError::UndoConflict { rev, fields },
            DocError::Store(error) => error.into(),
        }
    }
}

impl From<AccountError> for ApiError {
    fn from(error: AccountError) -> ApiError {
        match error {
            AccountError::Invalid(errors) => ApiError::Validation(errors),
            AccountError::NameTaken => ApiError::NameTaken,
            AccountError::Mismatch => {
                ApiError::Unauthorized("That name and password do not match an account.".into())
            }
            AccountError::TooMany { retry_after } => ApiError::TooManyRequests { retry_after },
            AccountError::Store(error) => error.into(),
            AccountError::Internal(error) => ApiError::Internal(error),
        }
    }
}

impl ApiError {
    /// The status and the exact bytes of the body, for responses that are also recorded.
    pub fn into_parts(self) -> (StatusCode, String) {
        (
            self.status(),
            serde_json::to_string(&self.problem()).unwrap_or_default(),
        )
    }
}

/// A problem response from its status and serialised body.
pub fn problem_response(status: StatusCode, body: String) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}

fn minutes(seconds: u64) -> String {
    match seconds.div_ceil(60) {
        0 | 1 => "a minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let retry_after = match &self {
            ApiError::IdempotencyInFlight => Some(1),
            ApiError::TooManyRequests { retry_after } => Some(*retry_after),
            _ => None,
        };
        let allow = match &self {
            ApiError::MethodNotAllowed { allow, .. } => allow.clone(),
            _ => None,
        };
        let kind = match &self {
            ApiError::Stale { .. } | ApiError::StaleUnexplained => problem::STALE_REVISION,
            ApiError::SlugTaken { .. } => problem::SLUG_TAKEN,
            ApiError::InvalidState { .. } => problem::INVALID_STATE,
            _ => "other",
        };
        let merge = match &self {
            ApiError::Stale { explanation, .. } => explanation
                .merge
                .as_ref()
                .map(|m| MergeOutcome { clean: m.clean }),
            _ => None,
        };
        let (status, body) = self.into_parts();
        let mut response = problem_response(status, body);
        response.extensions_mut().insert(ProblemKind(kind));
        if let Some(merge) = merge {
            response.extensions_mut().insert(merge);
        }
        if let Some(allow) = allow {
            response.headers_mut().insert(header::ALLOW, allow);
        }
        if let Some(seconds) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
        {
            response.headers_mut().insert(header::RETRY_AFTER, seconds);
        }
        response
    }
}

/// A handler that panicked answers like any other failure of ours: a 500 problem that
/// says nothing of the cause, which goes to the log.
pub fn on_panic(cause: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let cause = cause
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| cause.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "a panic".to_owned());
    ApiError::Internal(format!("handler panicked: {cause}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_a_500_problem_that_keeps_its_cause_to_the_log() {
        let response = on_panic(Box::new("secret detail: table users"));

        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(
            response.headers()[header::CONTENT_TYPE],
            "application/problem+json"
        );
        let body = axum::body::to_bytes(response.into_body(), 64 * 1024)
            .await
            .unwrap();
        let text = String::from_utf8(body.to_vec()).unwrap();
        assert!(text.contains("/problems/internal"));
        assert!(!text.contains("secret"));
    }

    #[test]
    fn a_known_store_outcome_that_reached_the_generic_mapping_keeps_its_own_status() {
        let cases = [
            (
                StoreError::SlugTaken,
                StatusCode::CONFLICT,
                "/problems/slug-taken",
            ),
            (
                StoreError::Stale,
                StatusCode::CONFLICT,
                "/problems/stale-revision",
            ),
            (
                StoreError::IdempotencyKeyUsed,
                StatusCode::CONFLICT,
                "/problems/idempotency-in-flight",
            ),
            (
                StoreError::NotFound,
                StatusCode::NOT_FOUND,
                "/problems/not-found",
            ),
            (
                StoreError::NameTaken,
                StatusCode::CONFLICT,
                "/problems/name-taken",
            ),
            (
                StoreError::BadCursor,
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/validation",
            ),
        ];
        for (error, status, kind) in cases {
            let api = ApiError::from(error);
            assert_eq!(api.status(), status);
            assert_eq!(api.problem().kind, kind);
        }
    }
}
