//! Sign-up, sign-in and sign-out.

use leptos::{ev::SubmitEvent, prelude::*, task::spawn_local};
use leptos_router::hooks::use_navigate;

use super::{api, Session};
use crate::protocol::Credentials;

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

#[component]
fn AuthForm(mode: Mode) -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        let credentials = Credentials {
            name: name.get_untracked(),
            password: password.get_untracked(),
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = match mode {
                Mode::SignIn => api::sign_in(credentials).await,
                Mode::SignUp => api::sign_up(credentials).await,
            };
            busy.set(false);
            match result {
                Ok(_) => {
                    session.0.refetch();
                    navigate("/", Default::default());
                }
                Err(failure) => {
                    let message = failure.problem.errors.first().map(|e| e.message.clone());
                    error.set(Some(message.unwrap_or(failure.problem.detail)));
                }
            }
        });
    };

    let (heading, action, autocomplete) = match mode {
        Mode::SignIn => ("Sign in", "Sign in", "current-password"),
        Mode::SignUp => ("Create an account", "Sign up", "new-password"),
    };
    view! {
        <h1>{heading}</h1>
        <form class="auth" on:submit=on_submit>
            <label for="name">"Name"</label>
            <input id="name" name="name" autocomplete="username" required bind:value=name/>
            <label for="password">"Password"</label>
            <input id="password" name="password" type="password" autocomplete=autocomplete required bind:value=password/>
            <p role="alert" class="error">{move || error.get()}</p>
            <button type="submit" disabled=move || busy.get()>{action}</button>
        </form>
        {match mode {
            Mode::SignIn => view! { <p>"New here? " <a href="/signup">"Create an account"</a></p> }.into_any(),
            Mode::SignUp => view! { <p>"Have an account? " <a href="/login">"Sign in"</a></p> }.into_any(),
        }}
    }
}

#[component]
pub fn SignOutButton() -> impl IntoView {
    let session = expect_context::<Session>();
    let navigate = use_navigate();
    let on_click = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Signed out locally either way: a failed request leaves at worst a session that expires.
            let _ = api::sign_out().await;
            session.0.refetch();
            navigate("/login", Default::default());
        });
    };
    view! { <button type="button" on:click=on_click>"Sign out"</button> }
}
