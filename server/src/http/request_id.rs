//! `x-request-id`: kept from the request when it is a sensible token, made otherwise
//! (UUID v7); echoed on the response, carried by every log line of the request (a span
//! field) and by problem bodies' `instance`, so a user's error report finds its logs.

use axum::{
    extract::Request,
    http::{HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use tracing::Instrument;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

tokio::task_local! {
    static REQUEST_ID: String;
}

pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = request
        .headers()
        .get(&HEADER)
        .and_then(|v| v.to_str().ok())
        .filter(|id| (1..=128).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic()))
        .map(str::to_owned)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    let value = HeaderValue::from_str(&id).expect("visible ASCII is a valid header value");
    request.headers_mut().insert(HEADER, value.clone());
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %request.method(),
        path = %request.uri().path()
    );
    let mut response = REQUEST_ID
        .scope(id, next.run(request).instrument(span))
        .await;
    response.headers_mut().insert(HEADER, value);
    response
}

/// The `instance` of a problem answered to the current request: `urn:uuid:<id>` for a
/// UUID, else `urn:concord:request:<id>`; outside a request, a fresh UUID.
pub fn instance() -> String {
    let id = REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| uuid::Uuid::now_v7().to_string());
    if uuid::Uuid::try_parse(&id).is_ok() {
        format!("urn:uuid:{id}")
    } else {
        let safe: String = id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        format!("urn:concord:request:{safe}")
    }
}
