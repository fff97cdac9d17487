//! Sign-up, sign-in and sign-out.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::{use_location, use_query_map};

use super::{api, flash, Session};
use crate::{domain::is_local_path, protocol::Credentials};

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    SignIn,
    SignUp,
}

#[component]
pub fn SignInPage() -> impl IntoView {
    view! { <AuthForm mode=Mode::SignIn/> }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! { <AuthForm mode=Mode::SignUp/> }
}

/// A plain form the server answers (`server/src/pages/forms.rs`): signed in, it goes on to
/// `next`; refused, it comes back here with the reason and the name typed.
#[component]
fn AuthForm(mode: Mode) -> impl IntoView {
    // Back to the page the person came from, if it is a page of this site.
    let next = use_query_map()
        .read_untracked()
        .get("next")
        .filter(|next| is_local_path(next))
        .unwrap_or_else(|| "/".to_owned());
    let (refused, name) = match flash::take() {
        Some(flash) => ((!flash.done).then_some(flash.text), flash.name),
        None => (None, None),
    };
    // Refused with a name kept: the password is what to type next.
    let again = name.is_some();
    let (heading, action, path, autocomplete) = match mode {
        Mode::SignIn => ("Sign in", "Sign in", "/login", "current-password"),
        Mode::SignUp => ("Create an account", "Sign up", "/signup", "new-password"),
    };
    let other = match mode {
        Mode::SignIn => view! { <p>"New here? " <a href=format!("/signup{}", keep_next(&next))>"Create an account"</a></p> }.into_any(),
        Mode::SignUp => view! { <p>"Have an account? " <a href=format!("/login{}", keep_next(&next))>"Sign in"</a></p> }.into_any(),
    };
    view! {
        <h1>{heading}</h1>
        <form class="auth" method="post" action=path>
            <input type="hidden" name="next" value=next/>
            <label for="name">"Name"</label>
            <input id="name" name="name" autocomplete="username" required value=name/>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete=autocomplete required autofocus=again/>
            <p role="alert" class="error">{refused}</p>
            <button type="submit">{action}</button>
        </form>
        {other}
    }
}

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

fn keep_next(next: &str) -> String {
    if next == "/" {
        String::new()
    } else {
        format!("?next={}", api::encode(next))
    }
}

/// The sign-in page's address, returning to the page on screen afterwards.
pub fn sign_in_here() -> impl Fn() -> String + Clone + Send + Sync + 'static {
    let location = use_location();
    move || {
        let here = format!("{}{}", location.pathname.get(), location.search.get());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_only_to_pages_of_this_site() {
        for local in ["/", "/docs/abc", "/?q=plan&sort=title"] {
            assert!(is_local_path(local), "{local}");
        }
        for elsewhere in [
            "//evil.example/x",
            "https://evil.example",
            "/\\evil.example",
            "docs",
        ] {
            assert!(!is_local_path(elsewhere), "{elsewhere}");
        }
        assert_eq!(keep_next("/"), "");
        assert_eq!(keep_next("/docs/a?b=c"), "?next=%2Fdocs%2Fa%3Fb%3Dc");
    }
}
