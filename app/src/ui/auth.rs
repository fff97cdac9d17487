//! Signing out, the way to the sign-in page, and signing in again where the session ended.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_location;

use super::{api, Session};
use crate::protocol::Credentials;

/// A plain form, so it works on pages without the client too: the server ends the session,
/// clears the cookie and sends the browser to the sign-in page.
#[component]
pub fn SignOutButton() -> impl IntoView {
    view! {
        <form class="sign-out" method="post" action="/signout">
            <button type="submit">"Sign out"</button>
        </form>
    }
}

/// The sign-in page's address, returning to the page on screen afterwards.
pub fn sign_in_here() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let location = use_location();
    move || {
        let here = super::client::full_path(&location.pathname.get(), &location.search.get(), "");
        match here.as_str() {
            "/" | "/login" | "/signup" => "/login".to_owned(),
            _ if here.starts_with("/login?") || here.starts_with("/signup?") => "/login".to_owned(),
            _ => format!("/login?next={}", api::encode(&here)),
        }
    }
}

/// When the session ends while a page is open: sign in again right here, without leaving
/// the page or losing anything typed on it.
#[component]
pub fn SignInAgain() -> impl IntoView {
    let session = expect_context::<Session>();
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let dismissed = RwSignal::new(false);
    let who = move || session.user().map(|user| user.name);
    let shown = move || session.1.get() && !dismissed.get() && who().is_some();
    Effect::new(move |_| {
        if !session.1.get() {
            dismissed.set(false);
        }
    });
    // The dialog takes the focus as it opens, so keyboard and screen-reader users are in it.
    let password_input = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = password_input.get() {
            // Once it is in the document: an element is handed over before it is attached.
            request_animation_frame(move || {
                let _ = input.focus();
            });
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(name) = who() else {
            return;
        };
        busy.set(true);
        error.set(None);
        let credentials = Credentials {
            name,
            password: password.get_untracked(),
        };
        spawn_local(async move {
            let result = api::sign_in(credentials).await;
            busy.set(false);
            match result {
                // The same person as before: nothing on the page needs to load again.
                Ok(_) => {
                    password.set(String::new());
                    session.1.set(false);
                }
                Err(failure) => {
                    let message = failure.problem.errors.first().map(|e| e.message.clone());
                    error.set(Some(message.unwrap_or(failure.problem.detail)));
                }
            }
        });
    };
    view! {
        <Show when=shown>
            <section class="sign-in-again" role="dialog" aria-labelledby="again-heading">
                <h2 id="again-heading">"Your session has ended"</h2>
                <p>{move || format!(
                    "Sign in again as {} to go on. Nothing on this page is lost: what you typed stays here.",
                    who().unwrap_or_default()
                )}</p>
                <form on:submit=on_submit>
                    <label for="again-password">"Password"</label>
                    <input id="again-password" type="password" autocomplete="current-password" required node_ref=password_input bind:value=password/>
                    <button type="submit" class="primary" disabled=move || busy.get()>"Sign in again"</button>
                    <button type="button" on:click=move |_| dismissed.set(true)>"Not now"</button>
                </form>
                <p role="alert" class="error">{move || error.get()}</p>
            </section>
        </Show>
    }
}
