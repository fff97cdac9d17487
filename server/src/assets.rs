//! The client's built files. `scripts/build` names them by content hash and writes the
//! name to `site/assets.txt`; they are served precompressed (brotli, gzip) and cached for
//! good, since a changed file gets a new name.

use std::path::Path;

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::Response,
    Router,
};
use tower_http::services::{ServeDir, ServeFile};

/// The hashed stem of the script, wasm and styles ("concord.<hash>"); plain "concord"
/// for a site built before hashing.
pub fn output_name(site_root: &Path) -> String {
    std::fs::read_to_string(site_root.join("assets.txt"))
        .ok()
        .map(|name| name.trim().to_owned())
        .filter(|name| {
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        })
        .unwrap_or_else(|| "concord".to_owned())
}

/// `/pkg`: the files with `Range`, `If-Modified-Since` and precompressed variants as
/// `ServeDir` answers them, and a year's `immutable` on every file found (no `public`: no
/// Authorization header comes with them, so any cache may keep them anyway).
pub fn service(site_root: &Path) -> Router {
    let files = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .fallback_service(files)
        .layer(axum::middleware::map_response(immutable))
}

/// `/favicon.svg` with `Range` and `If-Modified-Since` answered (the fallback that serves the
/// site's other files drops a request's headers). The compression layer may encode its 200,
/// so its 206 and 304 say `Vary` too.
pub fn icon<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    Router::new()
        .route_service(
            "/favicon.svg",
            ServeFile::new(site_root.join("favicon.svg")),
        )
        .layer(axum::middleware::map_response(varies))
}

/// Every answer for a file found (200, 206, 304) says it varies by `Accept-Encoding`: each
/// file has brotli and gzip twins, so a shared cache must not hand one to a client that did
/// not ask for it. (`ServeDir` says so only on the uncompressed 200.)
async fn immutable(response: Response) -> Response {
    let mut response = varies(response).await;
    if found(&response) {
        response.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("max-age=31536000, immutable"),
        );
    }
    response
}

async fn varies(mut response: Response) -> Response {
    if found(&response) {
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    response
}

fn found(response: &Response) -> bool {
    response.status().is_success() || response.status() == StatusCode::NOT_MODIFIED
}
