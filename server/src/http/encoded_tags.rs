//! A document's revision tag per representation. Compressed, its `ETag` names the coding
//! too ("3-br"), so no cache takes one coding's bytes for another's (RFC 9110 8.8.3), and
//! `If-Match` / `If-None-Match` map every spelling back to revision 3
//! (`service::strong_rev`): compressing a document never changes what a save is based on.

use axum::{
    extract::Request,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    middleware::Next,
    response::Response,
};

use crate::service::{strong_rev, CODINGS};

/// Runs outside the compression layer, where the coding of the body is known.
pub async fn per_encoding(request: Request, next: Next) -> Response {
    let asked = tags(request.headers());
    let mut response = next.run(request).await;
    let Some(rev) = response
        .headers()
        .get(header::ETAG)
        .and_then(|t| t.to_str().ok())
        .and_then(strong_rev)
    else {
        return response;
    };
    let coding = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|c| c.to_str().ok())
        .filter(|c| CODINGS.contains(c))
        .map(str::to_owned);
    let tag = match coding {
        Some(coding) => Some(format!("\"{rev}-{coding}\"")),
        // A 304 answers for the copy the client holds: its own tag goes back.
        None if response.status() == StatusCode::NOT_MODIFIED => {
            asked.into_iter().find(|t| strong_rev(t) == Some(rev))
        }
        None => None,
    };
    let headers = response.headers_mut();
    if let Some(tag) = tag.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert(header::ETAG, tag);
    }
    // Every answer that could have been compressed says so, 304s included.
    let varies = headers
        .get_all(header::VARY)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding"));
    if !varies {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

/// The entity tags of `If-None-Match`, weak or strong (it compares weakly).
fn tags(headers: &HeaderMap) -> Vec<String> {
    headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/").to_owned())
        .collect()
}
