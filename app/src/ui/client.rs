//! Which pages run the wasm client. A page that only shows things is rendered whole by the
//! server and downloads no client at all; its links are plain links and its forms post to
//! the server (`server/src/http/forms.rs`), which answers with a redirect back.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    /// The page hydrates: the editor and the new-document form, where typing must be kept.
    Full,
    /// Server-rendered HTML only.
    None,
}

/// The client a page at `path` needs.
pub fn client_for(path: &str) -> Client {
    let segments: Vec<&str> = path
        .split('/')
        .filter(|segment| !segment.is_empty())
        .collect();
    // The client's router (`PageRoutes` in mod.rs) has exactly these pages.
    match segments.as_slice() {
        ["docs", _] | ["new"] => Client::Full,
        _ => Client::None,
    }
}

/// An address from the router's parts: its query string comes without the `?`, its hash
/// with or without the `#`.
pub fn full_path(path: &str, search: &str, hash: &str) -> String {
    let mut full = path.to_owned();
    if !search.is_empty() {
        full.push('?');
        full.push_str(search);
    }
    if !hash.is_empty() {
        if !hash.starts_with('#') {
            full.push('#');
        }
        full.push_str(hash);
    }
    full
}

/// The client of the page being rendered, from the request's path.
pub fn current() -> Client {
    #[cfg(feature = "ssr")]
    {
        leptos::prelude::use_context::<http::request::Parts>()
            .map_or(Client::Full, |parts| client_for(parts.uri.path()))
    }
    #[cfg(not(feature = "ssr"))]
    {
        Client::Full
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_that_only_show_things_run_no_client() {
        assert_eq!(client_for("/"), Client::None);
        assert_eq!(client_for("/trash"), Client::None);
        assert_eq!(client_for("/login"), Client::None);
        assert_eq!(client_for("/signup"), Client::None);
        assert_eq!(client_for("/docs/abc/history"), Client::None);
        assert_eq!(client_for("/docs/abc/revisions/3"), Client::None);
        assert_eq!(client_for("/docs/abc/revisions/3/"), Client::None);
        assert_eq!(client_for("/no/such/page"), Client::None);
    }

    #[test]
    fn an_address_is_put_back_together_from_the_routers_parts() {
        assert_eq!(full_path("/trash", "", ""), "/trash");
        assert_eq!(
            full_path("/", "q=plan&sort=title", ""),
            "/?q=plan&sort=title"
        );
        assert_eq!(full_path("/docs/a", "", "top"), "/docs/a#top");
        assert_eq!(full_path("/docs/a", "x=1", "#top"), "/docs/a?x=1#top");
    }

    #[test]
    fn the_editor_and_the_new_document_form_run_the_client() {
        assert_eq!(client_for("/docs/abc"), Client::Full);
        assert_eq!(client_for("/docs/abc/"), Client::Full);
        assert_eq!(client_for("/new"), Client::Full);
    }
}
