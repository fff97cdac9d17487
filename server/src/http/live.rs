//! `GET /api/live`: the WebSocket upgrade, for signed-in users on this site's pages.

use std::sync::atomic::Ordering;

use axum::{
    extract::{ws::rejection::WebSocketUpgradeRejection, State, WebSocketUpgrade},
    http::{header, HeaderMap},
    response::{IntoResponse, Response},
};

use super::{
    auth::user_from_cookies,
    error::ApiError,
    openapi::{Forbidden, ProblemDoc, Unauthorized},
    security::from_this_site,
};
use crate::{
    live::{serve_connection, Connection},
    state::AppState,
};
use utoipa_axum::{router::OpenApiRouter, routes};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(upgrade))
}

#[utoipa::path(get, operation_id = "live", path = "/live", tag = "live",
    description = "Upgrades to a WebSocket carrying JSON messages tagged by `type` (see the spec, section 5).",
    responses((status = 101, description = "Switching to the WebSocket protocol"),
        (status = 400, description = "Not a WebSocket upgrade", body = ProblemDoc, content_type = "application/problem+json"),
        Unauthorized, Forbidden))]
async fn upgrade(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    // A page on another site could otherwise open a socket with this user's cookie.
    if !from_this_site(&state, &headers) {
        return Err(ApiError::CrossOrigin);
    }
    let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    let user = user_from_cookies(&state, cookies)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("Sign in to receive live updates.".into()))?;
    let upgrade = upgrade.map_err(|_| {
        ApiError::BadRequest("This endpoint speaks WebSocket: send an upgrade request.".into())
    })?;
    let connection = Connection {
        id: state.connections.fetch_add(1, Ordering::Relaxed),
        user,
        hub: state.hub.clone(),
        members: state.stores.members.clone(),
        heartbeat: state.settings.heartbeat,
        timeout: state.settings.peer_timeout,
    };
    // Clients send only small messages: small buffers keep a thousand sockets cheap.
    let upgrade = upgrade
        .read_buffer_size(4 * 1024)
        .write_buffer_size(16 * 1024)
        .max_message_size(64 * 1024);
    Ok(upgrade
        .on_upgrade(move |socket| serve_connection(socket, connection))
        .into_response())
}
