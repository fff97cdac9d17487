//! A one-time note for the page a form's redirect opens: what the post did, or why it was
//! refused. The server puts it in a short-lived cookie; the page shows it once and clears it.
//! Only the server writes it, so a link from elsewhere cannot make a page say anything.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Flash {
    /// Done (a status), or refused (an alert).
    pub done: bool,
    pub text: String,
    /// A page to open next, a path on this site, and its label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<(String, String)>,
    /// The name typed into a sign-in or sign-up form, to fill it in again (never a password).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl Flash {
    pub fn done(text: impl Into<String>) -> Flash {
        Flash {
            done: true,
            text: text.into(),
            link: None,
            name: None,
        }
    }

    pub fn refused(text: impl Into<String>) -> Flash {
        Flash {
            done: false,
            ..Flash::done(text)
        }
    }

    pub fn with_name(self, name: String) -> Flash {
        Flash {
            name: Some(name),
            ..self
        }
    }

    pub fn with_link(self, href: String, label: String) -> Flash {
        Flash {
            link: Some((href, label)),
            ..self
        }
    }
}

#[cfg(feature = "ssr")]
mod cookie {
    use percent_encoding::{percent_decode_str, utf8_percent_encode, NON_ALPHANUMERIC};

    use super::Flash;

    /// The cookie's name.
    pub const COOKIE: &str = "concord_flash";

    /// Long enough to follow one redirect; a note never shown is not kept.
    const SECONDS: u32 = 60;

    impl Flash {
        /// The `Set-Cookie` value that carries the note to the next page.
        pub fn set_cookie(&self, secure: bool) -> String {
            let json = serde_json::to_string(self).unwrap_or_default();
            let value = utf8_percent_encode(&json, NON_ALPHANUMERIC);
            let secure = if secure { "; Secure" } else { "" };
            format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={SECONDS}{secure}")
        }

        /// The `Set-Cookie` value that forgets a shown note.
        pub fn clear_cookie() -> String {
            format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
        }

        /// The note a `Cookie` header carries, if well formed; a link off this site is dropped.
        pub fn from_cookies(cookies: &str) -> Option<Flash> {
            let value = cookies
                .split(';')
                .filter_map(|pair| pair.trim().split_once('='))
                .find_map(|(name, value)| (name == COOKIE).then_some(value))?;
            let json = percent_decode_str(value).decode_utf8().ok()?;
            let mut flash: Flash = serde_json::from_str(&json).ok()?;
            if flash
                .link
                .as_ref()
                .is_some_and(|(href, _)| !crate::domain::is_local_path(href))
            {
                flash.link = None;
            }
            Some(flash)
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::{cookie::COOKIE, *};

    #[test]
    fn a_note_survives_the_cookie_with_any_text() {
        let flash = Flash::done("Restored “Plans; 50% done” as revision 4.")
            .with_link("/docs/abc".into(), "Open “Plans”".into())
            .with_name("Zoë=1; x".into());
        let set = flash.set_cookie(false);
        let value = set.split(';').next().unwrap();
        assert!(value.is_ascii() && !value[COOKIE.len() + 1..].contains([' ', ',', '"']));
        let header = format!("a=1; {value}; b=2");
        assert_eq!(Flash::from_cookies(&header), Some(flash));
    }

    #[test]
    fn a_link_off_this_site_is_dropped_and_garbage_is_ignored() {
        let flash = Flash::refused("No").with_link("//evil.example".into(), "Go".into());
        let value = flash.set_cookie(true).split(';').next().unwrap().to_owned();
        assert_eq!(Flash::from_cookies(&value), Some(Flash::refused("No")));
        assert_eq!(Flash::from_cookies("concord_flash=%7Bnot json"), None);
        assert_eq!(Flash::from_cookies("other=1"), None);
    }
}
