//! The Leptos application: page shell, routes, and the session every page shares.

pub mod api;
mod auth;
mod browser;
pub mod client;
mod diff;
mod draft;
mod editor;
mod fields;
#[cfg(feature = "ssr")]
mod flash;
#[cfg(feature = "ssr")]
mod history;
mod hunk;
#[cfg(feature = "ssr")]
mod inbox;
mod later;
#[cfg(feature = "ssr")]
mod list;
mod live;
mod new_doc;
mod passage;
mod preview;
#[cfg(feature = "ssr")]
mod reader;
pub mod retry;
mod reviewed;
#[cfg(feature = "ssr")]
mod reviews;
#[cfg(feature = "ssr")]
mod revision;
mod share;
#[cfg(feature = "ssr")]
mod signin;
mod suggested;
#[cfg(feature = "ssr")]
mod suggestions;
mod tabs;
#[cfg(feature = "ssr")]
mod threads;
mod time;
#[cfg(feature = "ssr")]
mod trash;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::protocol::{ApiFailure, UserRef};

pub use browser::note_typed_early;

/// Who is signed in, loaded once per page and refreshed after signing in or out; and
/// Moves on whenever the live channel says something in the person's inbox is new: the
/// header asks for the unread count again.
#[derive(Clone, Copy)]
pub struct InboxNews(pub RwSignal<u64>);

/// whether the server has since said the session ended (a 401 while signed in).
#[derive(Clone, Copy)]
pub struct Session(
    pub Resource<Result<Option<UserRef>, ApiFailure>>,
    pub RwSignal<bool>,
);

impl Session {
    /// Who was signed in when the page loaded (or since signing in again).
    fn user(self) -> Option<UserRef> {
        self.0.get().and_then(Result::ok).flatten()
    }
}

/// Starts the client once the browser is idle, and asks for none of it before: the server's
/// HTML paints first. (Leptos's `HydrationScripts` preloads the client as the page is
/// parsed, even when deferred; on a slow connection a download started before the first
/// paint delays it, docs/decisions.md.) The files are the ones `scripts/build` names.
#[component]
fn ClientScript(options: LeptosOptions) -> impl IntoView {
    let (pkg, name) = (&options.site_pkg_dir, &options.output_name);
    let start = format!(
        "const start = () => import('/{pkg}/{name}.js').then((client) => \
         client.default({{ module_or_path: '/{pkg}/{name}_bg.wasm' }}).then(() => client.hydrate()));\n\
         if ('requestIdleCallback' in window) requestIdleCallback(start, {{ timeout: 2000 }});\n\
         else setTimeout(start, 0);"
    );
    view! { <script type="module" nonce=leptos::nonce::use_nonce() inner_html=start></script> }
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    content_security_policy();
    let client = client::current();
    let wasm = client == client::Client::Full;
    // Pages without the client are marked ready from the start, as hydrated ones are once
    // the client runs: tests and slow connections can tell when a page answers to input.
    let ready = (!wasm).then_some("none");
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                // Named by content (scripts/build): the same name for the script, the wasm
                // and the styles.
                <link rel="stylesheet" href=format!("/pkg/{}.css", options.output_name)/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                {wasm.then(|| view! { <ClientScript options/> })}
                <MetaTags/>
            </head>
            <body data-client=ready>
                <App/>
                {(!wasm).then(|| view! {
                    <script nonce=leptos::nonce::use_nonce() inner_html=include_str!("page.js")></script>
                })}
                {(client == client::Client::Reader).then(|| view! {
                    <script nonce=leptos::nonce::use_nonce() inner_html=include_str!("reader.js")></script>
                    <script nonce=leptos::nonce::use_nonce() inner_html=include_str!("comments.js")></script>
                    <script nonce=leptos::nonce::use_nonce() inner_html=include_str!("suggest.js")></script>
                })}
            </body>
        </html>
    }
}

/// Pages may run only this site's scripts and wasm, and the inline hydration scripts
/// carrying this response's nonce; nothing from a document's content.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    use http::{header::CONTENT_SECURITY_POLICY, HeaderValue};
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    let nonce = leptos::nonce::use_nonce()
        .map(|n| format!(" 'nonce-{n}'"))
        .unwrap_or_default();
    let policy = format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{nonce}; style-src 'self'; \
         img-src 'self' https: data:; connect-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// Focus goes to each new page's heading after in-app navigation (not on the first load,
/// nor when only the query changes, as when filtering the list).
#[component]
fn FocusOnNavigate() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    Effect::new(move |previous: Option<String>| {
        let path = location.pathname.get();
        if previous.is_some_and(|p| p != path) {
            browser::focus_main_heading();
        }
        path
    });
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let me = Resource::new(|| (), |_| api::me());
    let ended = RwSignal::new(false);
    provide_context(Session(me, ended));
    provide_context(InboxNews(RwSignal::new(0)));
    // Any request the server refuses with 401 says the session ended.
    Effect::new(move |_| browser::on_session_ended(ended));

    view! {
        <Title text="Concord"/>
        <Router>
            <FocusOnNavigate/>
            <a class="skip" href="#main">"Skip to content"</a>
            <Header/>
            <auth::SignInAgain/>
            <main id="main">
                <PageRoutes/>
            </main>
        </Router>
    }
}

/// Every page, as the server renders it.
#[cfg(feature = "ssr")]
#[component]
fn PageRoutes() -> impl IntoView {
    use leptos_router::SsrMode;
    view! {
        <Routes fallback=|| view! { <h1>"Page not found"</h1> }>
            <Route path=path!("/") view=list::DocListPage ssr=SsrMode::Async/>
            <Route path=path!("/login") view=signin::SignInPage ssr=SsrMode::Async/>
            <Route path=path!("/signup") view=signin::SignUpPage ssr=SsrMode::Async/>
            <Route path=path!("/new") view=new_doc::NewDocPage/>
            // Rendered whole before it is sent (the read view runs no client to fill it in).
            <Route path=path!("/docs/:id") view=DocumentPage ssr=SsrMode::Async/>
            <Route path=path!("/docs/:id/history") view=history::HistoryPage ssr=SsrMode::Async/>
            <Route path=path!("/docs/:id/revisions/:rev") view=revision::RevisionPage ssr=SsrMode::Async/>
            <Route path=path!("/trash") view=trash::TrashPage ssr=SsrMode::Async/>
            <Route path=path!("/inbox") view=inbox::InboxPage ssr=SsrMode::Async/>
        </Routes>
    }
}

/// The pages the client renders: those that hydrate (`client.rs`). Any other page a link
/// leads to is loaded from the server, so the wasm carries none of their code.
#[cfg(not(feature = "ssr"))]
#[component]
fn PageRoutes() -> impl IntoView {
    view! {
        <Routes fallback=ServerPage>
            <Route path=path!("/new") view=new_doc::NewDocPage/>
            <Route path=path!("/docs/:id") view=DocumentPage/>
        </Routes>
    }
}

/// A document's page: the editor, or for a person who may only read it the server's read
/// view (`client.rs`), which the client never renders.
#[component]
fn DocumentPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if client::current() == client::Client::Reader {
        return reader::ReaderPage().into_any();
    }
    editor::EditorPage().into_any()
}

/// A page the client does not render. Reached by the client's own navigation, the browser
/// loads it from the server (the router has not yet shown the new address, so it is read
/// from the router); while hydrating, the server's answer was a missing page, which this
/// repeats instead of loading it again forever.
#[cfg(not(feature = "ssr"))]
#[component]
fn ServerPage() -> impl IntoView {
    if browser::hydrated() {
        let location = leptos_router::hooks::use_location();
        let url = client::full_path(
            &location.pathname.get_untracked(),
            &location.search.get_untracked(),
            &location.hash.get_untracked(),
        );
        browser::load(&url);
    }
    view! { <h1>"Page not found"</h1> }
}

#[component]
fn Header() -> impl IntoView {
    let session = expect_context::<Session>();
    let news = expect_context::<InboxNews>().0;
    let unread = Resource::new(move || news.get(), |_| api::unread());
    view! {
        <header class="top">
            <nav aria-label="Main">
                <a href="/" class="brand">"Concord"</a>
                <Transition fallback=|| ()>
                    {move || {
                        session.0.get().map(|me| match me {
                            Ok(Some(user)) if !session.1.get() => view! {
                                <InboxLink unread/>
                                <span class="who">"Signed in as " <strong>{user.name}</strong></span>
                                <auth::SignOutButton/>
                            }
                            .into_any(),
                            _ => view! {
                                <a href=auth::sign_in_here()>"Sign in"</a>
                                <a href="/signup">"Sign up"</a>
                            }
                            .into_any(),
                        })
                    }}
                </Transition>
            </nav>
        </header>
    }
}

/// The way to the inbox, with how many notifications are unread (`unread`: made with the
/// header, so the server and the hydrating client create their resources in one order).
#[component]
fn InboxLink(unread: Resource<Result<u64, ApiFailure>>) -> impl IntoView {
    move || {
        let count = unread.get().and_then(Result::ok).unwrap_or(0);
        let label = match count {
            0 => "Inbox".to_owned(),
            1 => "Inbox, 1 unread".to_owned(),
            n => format!("Inbox, {n} unread"),
        };
        view! {
            <a href="/inbox" aria-label=label>
                "Inbox"
                {(count > 0).then(|| view! { " " <span class="badge count" aria-hidden="true">{count}</span> })}
            </a>
        }
    }
}

/// Shows its children to signed-in people and a way to sign in to everybody else.
#[component]
fn SignedIn(children: ChildrenFn) -> impl IntoView {
    let session = expect_context::<Session>();
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                session.0.get().map(|me| match me {
                    Ok(Some(_)) => children().into_any(),
                    Ok(None) => view! {
                        <h1>"Welcome to Concord"</h1>
                        <p>
                            "Please " <a href=auth::sign_in_here()>"sign in"</a> " or "
                            <a href="/signup">"create an account"</a> " to see the documents."
                        </p>
                    }
                    .into_any(),
                    Err(failure) => view! { <p role="alert">{failure.problem.detail}</p> }.into_any(),
                })
            }}
        </Suspense>
    }
}
