//! Shows, once, what the last form post did: the note the server's redirect carried
//! (`protocol::Flash`). Only pages without the client are redirect targets, so the hydrated
//! client never needs to render one.

use leptos::prelude::*;

use crate::protocol::Flash;

/// The note the request carries, and the instruction to forget it: once per page.
pub fn take() -> Option<Flash> {
    #[cfg(feature = "ssr")]
    {
        use http::{header, HeaderValue};
        let parts = use_context::<http::request::Parts>()?;
        let cookies = parts.headers.get(header::COOKIE)?.to_str().ok()?;
        let flash = Flash::from_cookies(cookies)?;
        let clear = HeaderValue::from_str(&Flash::clear_cookie());
        if let (Some(response), Ok(clear)) = (use_context::<leptos_axum::ResponseOptions>(), clear)
        {
            response.append_header(header::SET_COOKIE, clear);
        }
        Some(flash)
    }
    #[cfg(not(feature = "ssr"))]
    {
        None
    }
}

#[component]
pub fn FlashNote() -> impl IntoView {
    take().map(
        |Flash {
             done, text, link, ..
         }| {
            let text = if done {
                view! { <p role="status" class="status">{text}</p> }.into_any()
            } else {
                view! { <p role="alert" class="error">{text}</p> }.into_any()
            };
            let link = link.map(|(href, label)| view! { <p><a href=href>{label}</a></p> });
            view! { {text} {link} }
        },
    )
}
