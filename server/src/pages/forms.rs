//! What the forms of pages without the client post to: the same service calls as the API,
//! answered with a redirect (303) to the page to show next, so a reload never posts again.
//! What happened travels with the redirect as a one-time note (`app::protocol::Flash`).
//! Malformed posts (not from our pages) get the API's problem answers.

use std::net::SocketAddr;

use axum::{
    extract::{ConnectInfo, Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    routing::post,
    Form, Router,
};
use serde::Deserialize;

use crate::service::{AccountError, Session};
use crate::{
    http::{auth, error::ApiError, rejections},
    service::Precondition,
    state::AppState,
};
use app::{
    domain::is_local_path,
    protocol::{Credentials, Flash, UserRef},
    ui::api::encode,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", post(sign_in))
        .route("/signup", post(sign_up))
        .route("/signout", post(sign_out))
        .route("/trash", post(restore_from_trash))
        .route("/inbox", post(mark_read))
        .route("/docs/{id}/history", post(change_history))
        .layer(axum::middleware::from_fn(rejections::as_problems))
}

#[derive(Deserialize)]
struct SignIn {
    name: String,
    password: String,
    /// The page to go on to, if it is one of this site.
    #[serde(default)]
    next: String,
}

impl SignIn {
    fn credentials(&self) -> Credentials {
        Credentials {
            name: self.name.clone(),
            password: self.password.clone(),
        }
    }
}

async fn sign_in(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    let address = auth::client_address(&state, &headers, peer);
    let old = auth::session_token(&headers);
    let session = state
        .accounts()
        .sign_in(&form.credentials(), &address, old)
        .await;
    onwards(&state, session, "/login", &form.next, form.name)
}

async fn sign_up(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Form(form): Form<SignIn>,
) -> Response {
    let address = auth::client_address(&state, &headers, peer);
    let session = state
        .accounts()
        .sign_up(&form.credentials(), &address)
        .await;
    onwards(&state, session, "/signup", &form.next, form.name)
}

/// Signed in: on to `next` with the session's cookie. Refused: back to the form at `page`,
/// with the reason (the first field's, if one is named) and the name typed.
fn onwards(
    state: &AppState,
    session: Result<Session, AccountError>,
    page: &str,
    next: &str,
    name: String,
) -> Response {
    let next = if is_local_path(next) { next } else { "/" };
    match session {
        Ok(session) => {
            let mut response = StatusCode::SEE_OTHER.into_response();
            let headers = response.headers_mut();
            if let Ok(location) = HeaderValue::from_str(next) {
                headers.insert(header::LOCATION, location);
            }
            headers.insert(header::SET_COOKIE, auth::session_cookie(state, &session));
            response
        }
        Err(error) => {
            let problem = ApiError::from(error).into_failure().problem;
            let reason = problem.errors.first().map(|e| e.message.clone());
            let flash = Flash::refused(reason.unwrap_or(problem.detail)).with_name(name);
            let back = if next == "/" {
                page.to_owned()
            } else {
                format!("{page}?next={}", encode(next))
            };
            see_other(state, &back, &flash)
        }
    }
}

/// Ends the session (if any), clears its cookie and opens the sign-in page.
async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let clear = auth::end_session(&state, &headers).await?;
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, HeaderValue::from_static("/login")),
            (header::SET_COOKIE, clear),
        ],
    )
        .into_response())
}

#[derive(Deserialize)]
struct MarkRead {
    /// The notification to mark read; empty for all of them.
    id: String,
}

async fn mark_read(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<MarkRead>,
) -> Result<Response, ApiError> {
    let user = match signed_in(&state, &headers, "/inbox").await? {
        Ok(user) => user,
        Err(again) => return Ok(again),
    };
    let which = (!form.id.is_empty()).then_some(form.id.as_str());
    let flash = match state.documents().mark_read(&user, which).await {
        Ok(()) if which.is_none() => Flash::done("Marked everything read."),
        Ok(()) => Flash::done("Marked read."),
        Err(error) => Flash::refused(format!("Not marked: {}", detail(error.into()))),
    };
    Ok(see_other(&state, "/inbox", &flash))
}

#[derive(Deserialize)]
struct Restore {
    id: String,
    /// The revision the trash page showed: restoring a newer state is refused as stale.
    rev: i64,
}

async fn restore_from_trash(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<Restore>,
) -> Result<Response, ApiError> {
    let user = match signed_in(&state, &headers, "/trash").await? {
        Ok(user) => user,
        Err(again) => return Ok(again),
    };
    let restored = state
        .documents()
        .restore_from_trash_somewhere(&form.id, &Precondition::BaseRev(form.rev), &user)
        .await;
    let flash = match restored {
        Ok((doc, moved)) => {
            let text = match moved {
                None => format!("Restored “{}” as revision {}.", doc.title, doc.rev),
                Some(free) => format!(
                    "Restored “{}” at the address “{free}”: its own is used by another document now.",
                    doc.title
                ),
            };
            let open = format!("Open “{}”", doc.title);
            Flash::done(text).with_link(format!("/docs/{}", doc.id), open)
        }
        Err(error) => Flash::refused(format!("Not restored: {}", detail(error.into()))),
    };
    Ok(see_other(&state, "/trash", &flash))
}

#[derive(Deserialize)]
struct HistoryChange {
    #[serde(rename = "do")]
    action: HistoryAction,
    rev: i64,
    /// The newest revision the history page showed: the change is made on it or refused.
    current: i64,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum HistoryAction {
    Restore,
    Undo,
}

/// Restores revision `rev` or undoes it, as a new revision, and says which.
async fn change_history(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<HistoryChange>,
) -> Result<Response, ApiError> {
    let here = format!("/docs/{}/history", encode(&id));
    let user = match signed_in(&state, &headers, &here).await? {
        Ok(user) => user,
        Err(again) => return Ok(again),
    };
    let (rev, current) = (form.rev, form.current);
    let on = Precondition::BaseRev(current);
    let documents = state.documents();
    let (changed, same, done, refused) = match form.action {
        HistoryAction::Restore => (
            documents.restore_revision(&id, &user, rev, &on).await,
            format!("Revision {rev} has the same content as the current one; nothing to restore."),
            "Restored",
            "Not restored",
        ),
        HistoryAction::Undo => (
            documents.undo(&id, &user, rev, &on).await,
            format!("Revision {rev}'s change is already gone; nothing to undo."),
            "Undid",
            "Not undone",
        ),
    };
    let flash = match changed {
        Ok(doc) if doc.rev == current => Flash::done(same),
        Ok(doc) => Flash::done(format!("{done} revision {rev} as revision {}.", doc.rev)),
        Err(error) => Flash::refused(format!("{refused}: {}", detail(error.into()))),
    };
    Ok(see_other(&state, &here, &flash))
}

/// The signed-in person, or (as `Err`) the way to the sign-in page that comes back to `here`.
async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    here: &str,
) -> Result<Result<UserRef, Response>, ApiError> {
    let cookies = headers.get(header::COOKIE).and_then(|v| v.to_str().ok());
    Ok(match auth::user_from_cookies(state, cookies).await? {
        Some(user) => Ok(user),
        None => {
            let flash = Flash::refused("Your session ended. Sign in again, then try once more.");
            let login = format!("/login?next={}", encode(here));
            Err(see_other(state, &login, &flash))
        }
    })
}

/// What a refusal says to a person: the problem's detail.
fn detail(error: ApiError) -> String {
    error.into_failure().problem.detail
}

/// The redirect to `to`, carrying `flash` for that page.
fn see_other(state: &AppState, to: &str, flash: &Flash) -> Response {
    let cookie = flash.set_cookie(state.settings.secure_cookies);
    let mut response = StatusCode::SEE_OTHER.into_response();
    let headers = response.headers_mut();
    if let Ok(location) = HeaderValue::from_str(to) {
        headers.insert(header::LOCATION, location);
    }
    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
        headers.insert(header::SET_COOKIE, cookie);
    }
    response
}
