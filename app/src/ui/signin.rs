//! The sign-in and sign-up pages: plain forms the server renders and answers
//! (`server/src/pages/forms.rs`), with no client.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{api, flash};
use crate::domain::is_local_path;

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

fn keep_next(next: &str) -> String {
    if next == "/" {
        String::new()
    } else {
        format!("?next={}", api::encode(next))
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
