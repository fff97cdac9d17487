//! Which pages run the wasm client. A page that only shows things is rendered whole by the
//! server and downloads no client at all; its links are plain links and its forms post to
//! the server (`server/src/pages/forms.rs`), which answers with a redirect back.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Client {
    /// The page hydrates: the editor and the new-document form, where typing must be kept.
    Full,
    /// A document's read view for a person who may only read it: server-rendered, kept
    /// current by the inline live script (`reader.js`), no wasm.
    Reader,
    /// Server-rendered HTML only.
    None,
}

/// Put on a document page's request by the server when the person may only read the
/// document (`server/src/pages/reader.rs`): only the server knows the role before rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MayOnlyRead;

fn segments(path: &str) -> Vec<&str> {
    path.split('/')
        .filter(|segment| !segment.is_empty())
        .collect()
}

/// The document whose page (editor or read view) `path` is, if it is one.
pub fn document_page(path: &str) -> Option<&str> {
    match segments(path).as_slice() {
        ["docs", id] => Some(id),
        _ => None,
    }
}

/// The client a page at `path` needs, knowing whether its reader may only read it.
pub fn client_for(path: &str, may_only_read: bool) -> Client {
    // The client's router (`PageRoutes` in mod.rs) has exactly these pages.
    match segments(path).as_slice() {
        ["docs", _] if may_only_read => Client::Reader,
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
        leptos::prelude::use_context::<http::request::Parts>().map_or(Client::Full, |parts| {
            client_for(
                parts.uri.path(),
                parts.extensions.get::<MayOnlyRead>().is_some(),
            )
        })
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
        for may_only_read in [false, true] {
            for path in [
                "/",
                "/trash",
                "/inbox",
                "/login",
                "/signup",
                "/docs/abc/history",
                "/docs/abc/revisions/3",
                "/docs/abc/revisions/3/",
                "/no/such/page",
            ] {
                assert_eq!(client_for(path, may_only_read), Client::None, "{path}");
            }
        }
    }

    #[test]
    fn a_person_who_may_only_read_a_document_gets_its_read_view_without_the_client() {
        assert_eq!(client_for("/docs/abc", true), Client::Reader);
        assert_eq!(client_for("/docs/abc/", true), Client::Reader);
        assert_eq!(client_for("/new", true), Client::Full);
    }

    #[test]
    fn only_a_documents_own_address_is_its_page() {
        assert_eq!(document_page("/docs/abc"), Some("abc"));
        assert_eq!(document_page("/docs/abc/"), Some("abc"));
        assert_eq!(document_page("/docs/abc/history"), None);
        assert_eq!(document_page("/docs"), None);
        assert_eq!(document_page("/new"), None);
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
        assert_eq!(client_for("/docs/abc", false), Client::Full);
        assert_eq!(client_for("/docs/abc/", false), Client::Full);
        assert_eq!(client_for("/new", false), Client::Full);
    }
}
