//! The one error type of the HTTP boundary and the one place it becomes problem+json.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
};

use crate::{
    metrics::{MergeOutcome, ProblemKind},
    service::{AccountError, DocError, Stale},
    store::StoreError,
};
use app::{
    domain::{Field, FieldError, Role, Status},
    protocol::{problem, StaleRevision},
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
    /// `If-Match` named an older version of a thread or comment.
    StaleVersion(String),
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
    /// Hunks of a suggestion that cannot be decided so.
    Undecidable {
        detail: String,
        hunks: Vec<usize>,
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
            ApiError::StaleVersion(_) => StatusCode::PRECONDITION_FAILED,
            ApiError::SlugTaken { .. }
            | ApiError::InvalidState { .. }
            | ApiError::NameTaken
            | ApiError::UndoConflict { .. }
            | ApiError::Undecidable { .. }
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
            StoreError::AlreadyDecided => ApiError::Undecidable {
                detail: "Somebody decided on these changes meanwhile. Load the suggestion again."
                    .into(),
                hunks: Vec::new(),
            },
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
            DocError::VersionStale(detail) => ApiError::StaleVersion(detail),
            DocError::Undecidable { detail, hunks } => ApiError::Undecidable { detail, hunks },
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
