//! Every refusal under `/api` is `application/problem+json`, also those the HTTP machinery
//! makes before a handler runs: a method the route does not have (405, with `Allow`), a
//! path or query that does not parse, a WebSocket upgrade without its headers. They are
//! rewritten here into the one problem format, keeping their status and reason.

use axum::{
    extract::Request,
    http::header,
    middleware::Next,
    response::{IntoResponse, Response},
};

use super::error::ApiError;

/// Longest reason kept from a rejection's plain-text body.
const REASON_LIMIT: usize = 4 * 1024;

pub async fn as_problems(request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let response = next.run(request).await;
    let status = response.status();
    let refused = status.is_client_error() || status.is_server_error();
    if !refused || is_problem(&response) {
        return response;
    }
    let error = if status == axum::http::StatusCode::METHOD_NOT_ALLOWED {
        let allow = response.headers().get(header::ALLOW).cloned();
        ApiError::MethodNotAllowed { method, allow }
    } else {
        let reason = axum::body::to_bytes(response.into_body(), REASON_LIMIT)
            .await
            .map(|bytes| String::from_utf8_lossy(&bytes).trim().to_owned())
            .unwrap_or_default();
        ApiError::Rejected {
            status,
            detail: sentence(&reason, status),
        }
    };
    error.into_response()
}

fn is_problem(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/problem+json"))
}

/// axum's reasons ("Invalid URL: Invalid UTF-8 in `id`") as a sentence.
fn sentence(reason: &str, status: axum::http::StatusCode) -> String {
    if reason.is_empty() {
        return format!(
            "The request was refused ({}).",
            status.canonical_reason().unwrap_or("no reason given")
        );
    }
    if reason.ends_with('.') {
        reason.to_owned()
    } else {
        format!("{reason}.")
    }
}
