//! The few browser facilities the editor needs, with inert stand-ins outside a browser
//! (server rendering never calls them; they exist so the same code compiles there).

/// A fresh key for one save, reused by its retries.
pub fn new_idempotency_key() -> String {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    if let Some(crypto) = web_sys::window().and_then(|w| w.crypto().ok()) {
        return crypto.random_uuid();
    }
    format!(
        "{:016x}{:016x}",
        (random() * 2f64.powi(52)) as u64,
        (random() * 2f64.powi(52)) as u64
    )
}

/// A random number in [0, 1).
pub fn random() -> f64 {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        js_sys::Math::random()
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        0.5
    }
}

pub async fn sleep(duration: std::time::Duration) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    gloo_timers::future::sleep(duration).await;
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    let _ = duration;
}

/// Now, as the browser's clock has it, in RFC 3339.
pub fn now_rfc3339() -> String {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        String::from(js_sys::Date::new_0().to_iso_string())
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        String::new()
    }
}

/// The browser's local storage, if it is available (private modes may refuse it).
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

pub fn storage_get(key: &str) -> Option<String> {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        storage()?.get_item(key).ok()?
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = key;
        None
    }
}

/// Whether the value was stored; a full storage must not go unnoticed.
pub fn storage_set(key: &str, value: &str) -> bool {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        storage().is_some_and(|s| s.set_item(key, value).is_ok())
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = (key, value);
        false
    }
}

pub fn storage_remove(key: &str) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    if let Some(storage) = storage() {
        let _ = storage.remove_item(key);
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    let _ = key;
}

/// This tab's id: kept in session storage, so a reload is the same tab and another tab is not.
pub fn tab_id() -> String {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        if let Ok(Some(id)) = storage.get_item("concord:tab") {
            return id;
        }
        let id = new_idempotency_key();
        let _ = storage.set_item("concord:tab", &id);
        return id;
    }
    new_idempotency_key()
}
