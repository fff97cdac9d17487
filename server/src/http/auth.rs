//! Accounts and sessions: sign up, sign in, sign out, and who is asking.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    error::ApiError,
    extract::JsonBody,
    openapi::{BadBody, ProblemDoc, TooMany, Unauthorized},
};
use crate::{service::Session, state::AppState};
use app::protocol::{Credentials, UserRef};

/// The session cookie; named in the API's description too.
pub use app::protocol::SESSION_COOKIE as COOKIE;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(sign_in))
        .routes(routes!(sign_out))
        .routes(routes!(me))
}

/// The signed-in user of a request; 401 otherwise.
pub struct CurrentUser(pub UserRef);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let cookies = parts
            .headers
            .get(header::COOKIE)
            .and_then(|v| v.to_str().ok());
        match user_from_cookies(state, cookies).await? {
            Some(user) => Ok(CurrentUser(user)),
            None => Err(signed_out()),
        }
    }
}

/// The session token a request carries, not yet checked: for a handler whose service
/// checks it together with what the request reads (one query instead of two). 401
/// without one.
pub struct SessionToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for SessionToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        session_token(&parts.headers)
            .map(|token| SessionToken(token.to_owned()))
            .ok_or_else(signed_out)
    }
}

/// What a request without a live session gets.
pub fn signed_out() -> ApiError {
    ApiError::Unauthorized("Sign in to continue.".into())
}

/// The user whose session token is in a `Cookie` header, if the session is live.
pub async fn user_from_cookies(
    state: &AppState,
    cookies: Option<&str>,
) -> Result<Option<UserRef>, ApiError> {
    let Some(token) = cookies.and_then(|c| cookie_value(c, COOKIE)) else {
        return Ok(None);
    };
    Ok(state.accounts().session_user(token).await?)
}

#[utoipa::path(post, operation_id = "signUp", path = "/auth/signup", tag = "auth", security(()),
    request_body = Credentials,
    responses(
        (status = 201, body = UserRef, description = "Signed up and signed in",
            headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 409, description = "The name is taken (`/problems/name-taken`)", body = ProblemDoc, content_type = "application/problem+json"),
        BadBody, TooMany))]
async fn sign_up(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<Credentials>,
) -> Result<Response, ApiError> {
    let address = client_address(&state, &headers, peer);
    let session = state.accounts().sign_up(&input, &address).await?;
    let cookie = session_cookie(&state, &session);
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        Json(session.user),
    )
        .into_response())
}

#[utoipa::path(post, operation_id = "signIn", path = "/auth/login", tag = "auth", security(()),
    request_body = Credentials,
    responses(
        (status = 200, body = UserRef, description = "Signed in",
            headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 401, description = "Name and password do not match", body = ProblemDoc, content_type = "application/problem+json"),
        BadBody, TooMany))]
async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    JsonBody(input): JsonBody<Credentials>,
) -> Result<Response, ApiError> {
    let address = client_address(&state, &headers, peer);
    let old = session_token(&headers);
    let session = state.accounts().sign_in(&input, &address, old).await?;
    let cookie = session_cookie(&state, &session);
    Ok(([(header::SET_COOKIE, cookie)], Json(session.user)).into_response())
}

#[utoipa::path(post, operation_id = "signOut", path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out; the cookie is cleared",
        headers(("Set-Cookie" = String)))))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let clear = end_session(&state, &headers).await?;
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

/// Ends the session a request's cookie names, if any, and returns the cookie that clears it:
/// for the API's sign-out and the page's alike.
pub async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<HeaderValue, ApiError> {
    if let Some(token) = session_token(headers) {
        state.accounts().sign_out(token).await?;
    }
    Ok(cookie(state, "", 0))
}

#[utoipa::path(get, operation_id = "me", path = "/auth/me", tag = "auth",
    responses((status = 200, body = UserRef, description = "Who is signed in"), Unauthorized))]
async fn me(CurrentUser(user): CurrentUser) -> Json<UserRef> {
    Json(user)
}

/// The client's IP address: the peer, or behind a trusted proxy the first forwarded one.
pub fn client_address(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
    let forwarded = state
        .settings
        .trust_forwarded_for
        .then(|| {
            headers
                .get("x-forwarded-for")?
                .to_str()
                .ok()?
                .split(',')
                .next()
                .map(|a| a.trim().to_owned())
        })
        .flatten()
        .filter(|a| !a.is_empty());
    forwarded.unwrap_or_else(|| peer.ip().to_string())
}

/// The session token a request's `Cookie` header carries.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    let cookies = headers.get(header::COOKIE)?.to_str().ok()?;
    cookie_value(cookies, COOKIE)
}

/// The cookie that keeps a new session, for as long as it lasts.
pub fn session_cookie(state: &AppState, session: &Session) -> HeaderValue {
    let max_age = state.settings.session_ttl.num_seconds();
    cookie(state, &session.token, max_age)
}

fn cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    let secure = if state.settings.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie =
        format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&cookie).expect("cookie is ASCII")
}

fn cookie_value<'a>(cookies: &'a str, name: &str) -> Option<&'a str> {
    cookies
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        assert_eq!(
            cookie_value("a=1; concord_session=xyz; b=2", COOKIE),
            Some("xyz")
        );
        assert_eq!(cookie_value("a=1", COOKIE), None);
        assert_eq!(cookie_value("concord_session=", COOKIE), None);
    }
}
