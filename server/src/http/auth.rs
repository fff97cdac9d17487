//! Accounts and sessions: sign up, sign in, sign out, and who is asking.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, FromRequestParts, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use rand::RngCore;
use sha2::{Digest, Sha256};

use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    error::ApiError,
    extract::JsonBody,
    openapi::{BadBody, ProblemDoc, TooMany, Unauthorized},
};
use crate::{state::AppState, store::StoreError};
use app::{
    domain::{parse_password, parse_user_name},
    protocol::{Credentials, UserRef},
};

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
            None => Err(ApiError::Unauthorized("Sign in to continue.".into())),
        }
    }
}

/// The user whose session token is in a `Cookie` header, if the session is live.
pub async fn user_from_cookies(
    state: &AppState,
    cookies: Option<&str>,
) -> Result<Option<UserRef>, ApiError> {
    let Some(token) = cookies.and_then(|c| cookie_value(c, COOKIE)) else {
        return Ok(None);
    };
    Ok(state
        .stores
        .accounts
        .session_user(&token_hash(token), state.settings.clock.now())
        .await?)
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
    reserve_attempt(&state, None, &address).await?;
    let errors: Vec<_> = [
        parse_user_name(&input.name).err(),
        parse_password(&input.password).err(),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let hash = hash_password(input.password).await?;
    let id = uuid::Uuid::now_v7().to_string();
    let user = match state
        .stores
        .accounts
        .create_user(&id, &input.name, &hash, state.settings.clock.now())
        .await
    {
        Err(StoreError::NameTaken) => return Err(ApiError::NameTaken),
        other => other?,
    };
    let cookie = start_session(&state, &user).await?;
    Ok((
        StatusCode::CREATED,
        [(header::SET_COOKIE, cookie)],
        Json(user),
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
    reserve_attempt(&state, Some(&input.name), &address).await?;
    let record = state.stores.accounts.find_user(&input.name).await?;
    // Unknown names are checked against a real hash too, so timing does not reveal who has an account.
    let (hash, user) = match record {
        Some(record) => (record.password_hash, Some(record.user)),
        None => (dummy_hash(&state).await?, None),
    };
    let verified = verify_password(input.password, hash).await?;
    // A failure stays recorded: it was counted when reserved.
    let Some(user) = user.filter(|_| verified) else {
        return Err(ApiError::Unauthorized(
            "That name and password do not match an account.".into(),
        ));
    };
    state
        .stores
        .accounts
        .clear_auth_failures(&input.name)
        .await?;
    // A new session on every sign-in: a session id planted before it is worth nothing after.
    if let Some(old) = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|c| cookie_value(c, COOKIE))
    {
        state
            .stores
            .accounts
            .delete_session(&token_hash(old))
            .await?;
    }
    let cookie = start_session(&state, &user).await?;
    Ok(([(header::SET_COOKIE, cookie)], Json(user)).into_response())
}

#[utoipa::path(post, operation_id = "signOut", path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Signed out; the cookie is cleared",
        headers(("Set-Cookie" = String)))))]
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    if let Some(token) = cookies.and_then(|c| cookie_value(c, COOKIE)) {
        state
            .stores
            .accounts
            .delete_session(&token_hash(token))
            .await?;
    }
    let clear = session_cookie(&state, "", 0);
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, clear)]).into_response())
}

#[utoipa::path(get, operation_id = "me", path = "/auth/me", tag = "auth",
    responses((status = 200, body = UserRef, description = "Who is signed in"), Unauthorized))]
async fn me(CurrentUser(user): CurrentUser) -> Json<UserRef> {
    Json(user)
}

/// The client's IP address: the peer, or behind a trusted proxy the first forwarded one.
fn client_address(state: &AppState, headers: &HeaderMap, peer: SocketAddr) -> String {
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

/// Counts this attempt first, then checks the limits with it included: of attempts sent
/// at once, each sees every one recorded before it, so no more than the limit get past
/// (checking before recording let 37 of 40 parallel guesses through). 429 once an account
/// has too many recent failed sign-ins or an address too many attempts; a refused attempt
/// is forgotten again, so refusals alone do not lengthen a lock-out.
async fn reserve_attempt(
    state: &AppState,
    account: Option<&str>,
    address: &str,
) -> Result<(), ApiError> {
    let settings = &state.settings;
    let now = state.settings.clock.now();
    let reserved = state
        .stores
        .accounts
        .record_auth_attempt(account, address, now)
        .await?;
    let (failures, attempts) = state
        .stores
        .accounts
        .auth_attempts(
            account.unwrap_or_default(),
            address,
            now - settings.auth_window,
        )
        .await?;
    if (account.is_some() && failures > settings.account_failure_limit)
        || attempts > settings.address_attempt_limit
    {
        tracing::warn!(account = account.unwrap_or_default(), %address, failures, attempts, "sign-in rate limited");
        state.stores.accounts.forget_auth_attempt(reserved).await?;
        return Err(ApiError::TooManyRequests {
            retry_after: settings.auth_window.num_seconds().max(1) as u64,
        });
    }
    Ok(())
}

async fn start_session(state: &AppState, user: &UserRef) -> Result<HeaderValue, ApiError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = hex(&bytes);
    let now = state.settings.clock.now();
    let ttl = state.settings.session_ttl;
    state
        .stores
        .accounts
        .create_session(&token_hash(&token), &user.id, now, now + ttl)
        .await?;
    Ok(session_cookie(state, &token, ttl.num_seconds()))
}

fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
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

fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn dummy_hash(state: &AppState) -> Result<String, ApiError> {
    let hash = state
        .dummy_hash
        .get_or_try_init(|| hash_password("not a real password".into()));
    hash.await.cloned()
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), off the async workers.
pub async fn hash_password(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)
}

async fn verify_password(password: String, hash: String) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(ApiError::internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(ApiError::internal)?
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
