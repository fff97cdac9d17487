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

/// The thread whose highlighted passage a click landed on (the first, where passages
/// overlap); none when the click ended a selection of words, which stays.
pub fn clicked_passage(ev: &leptos::ev::MouseEvent) -> Option<String> {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let selected = web_sys::window()
            .and_then(|w| w.get_selection().ok().flatten())
            .is_some_and(|s| !s.is_collapsed());
        if selected {
            return None;
        }
        let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
        let mark = target.closest("mark[data-thread]").ok().flatten()?;
        let threads = mark.get_attribute("data-thread")?;
        threads.split(' ').next().map(str::to_owned)
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = ev;
        None
    }
}

/// Moves focus to the element with this id, if the page has it.
pub fn focus_id(id: &str) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let element = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(id))
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
        }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    let _ = id;
}

thread_local! {
    static TYPED_EARLY: std::cell::RefCell<super::fields::TypedEarly> =
        std::cell::RefCell::new(super::fields::TypedEarly::default());
}

/// Notes what the person typed into the server's form before the client ran. Hydration
/// puts the server's values back into the fields, so the entry point calls this just
/// before it; the editor takes the note once it runs (`typed_early`).
pub fn note_typed_early() {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let document = web_sys::window().and_then(|w| w.document());
        let read = |id: &str| {
            let element = document.as_ref()?.get_element_by_id(id)?;
            if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
                return Some((input.value(), input.default_value()));
            }
            let area = element.dyn_ref::<web_sys::HtmlTextAreaElement>()?;
            Some((area.value(), area.default_value().ok()?))
        };
        let typed = super::fields::TypedEarly::from_page(read);
        TYPED_EARLY.with(|note| *note.borrow_mut() = typed);
    }
}

/// What `note_typed_early` found, once: later calls get nothing.
pub fn typed_early() -> super::fields::TypedEarly {
    TYPED_EARLY.with(|note| note.take())
}

/// Whether the client has finished hydrating this page (the entry point marks the body).
#[cfg(not(feature = "ssr"))]
pub fn hydrated() -> bool {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.body())
            .and_then(|b| b.get_attribute("data-hydrated"))
            .is_some_and(|v| v == "true")
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        false
    }
}

/// Leaves this page for `url`, loaded from the server like any link to another site.
#[cfg(not(feature = "ssr"))]
pub fn load(url: &str) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    if let Some(window) = web_sys::window() {
        let _ = window.location().assign(url);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = url;
}

/// After navigating inside the app, moves focus to the new page's main heading (once its
/// data has loaded, for up to two seconds), so keyboard and screen-reader users start there.
pub fn focus_main_heading() {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let heading = || {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.query_selector("main h1").ok().flatten())
        };
        // Called as the location changes, possibly before the old page is replaced.
        let old = heading();
        leptos::task::spawn_local(async move {
            use wasm_bindgen::JsCast;
            for _ in 0..40 {
                sleep(std::time::Duration::from_millis(50)).await;
                let Some(heading) = heading() else { continue };
                if old
                    .as_ref()
                    .is_some_and(|old| *old == heading && old.is_connected())
                {
                    continue;
                }
                let _ = heading.set_attribute("tabindex", "-1");
                if let Ok(heading) = heading.dyn_into::<web_sys::HtmlElement>() {
                    let _ = heading.focus();
                }
                return;
            }
        });
    }
}

/// Asks the person to confirm; outside a browser, yes.
pub fn confirm(question: &str) -> bool {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        web_sys::window()
            .and_then(|w| w.confirm_with_message(question).ok())
            .unwrap_or(true)
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = question;
        true
    }
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
thread_local! {
    static SESSION_ENDED: std::cell::Cell<Option<leptos::prelude::RwSignal<bool>>> =
        const { std::cell::Cell::new(None) };
}

/// Where to say that the server refused a request for want of a session.
pub fn on_session_ended(ended: leptos::prelude::RwSignal<bool>) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    SESSION_ENDED.with(|cell| cell.set(Some(ended)));
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    let _ = ended;
}

/// The server answered 401: the session this page had is over.
#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
pub fn session_ended() {
    if let Some(ended) = SESSION_ENDED.with(std::cell::Cell::get) {
        leptos::prelude::Set::set(&ended, true);
    }
}

/// The browser's clock; `None` on the server.
pub fn now() -> Option<chrono::DateTime<chrono::Utc>> {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        chrono::DateTime::from_timestamp_millis(js_sys::Date::now() as i64)
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        None
    }
}

/// `at` in the browser's time zone, as "2026-11-26 14:05:03"; `None` outside a browser.
pub fn local_time(at: chrono::DateTime<chrono::Utc>) -> Option<String> {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
            at.timestamp_millis() as f64
        ));
        Some(format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            date.get_full_year(),
            date.get_month() + 1,
            date.get_date(),
            date.get_hours(),
            date.get_minutes(),
            date.get_seconds()
        ))
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = at;
        None
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

/// Whether local storage holds `key`: asked without copying the value out.
pub fn storage_has(key: &str) -> bool {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        storage().is_some_and(|s| js_sys::Reflect::has(&s, &key.into()).unwrap_or(false))
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = key;
        false
    }
}

/// Every key in local storage.
pub fn storage_keys() -> Vec<String> {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        let Some(storage) = storage() else {
            return Vec::new();
        };
        let count = storage.length().unwrap_or(0);
        (0..count)
            .filter_map(|i| storage.key(i).ok().flatten())
            .collect()
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    Vec::new()
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

/// Asks before this page is left while `unsaved()` says there is unsaved input: on a
/// reload or close (the browser's own prompt) and on a link inside the app (a confirm
/// dialog, checked before the router sees the click). Stops asking when dropped.
pub struct LeaveGuard {
    /// Browser code is single-threaded; the wrapper lets the guard live in reactive storage.
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    listeners: send_wrapper::SendWrapper<Vec<LeaveListener>>,
}

#[cfg(all(feature = "hydrate", not(feature = "ssr")))]
type LeaveListener = (
    &'static str,
    bool,
    wasm_bindgen::closure::Closure<dyn FnMut(web_sys::Event)>,
);

pub fn guard_leaving(
    unsaved: impl Fn() -> bool + Clone + 'static,
    question: &'static str,
) -> LeaveGuard {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::{closure::Closure, JsCast};
        let on_link = {
            let unsaved = unsaved.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
                let link = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                    .and_then(|el| el.closest("a[href]").ok().flatten());
                if link.is_none() || !unsaved() {
                    return;
                }
                let leave = web_sys::window()
                    .and_then(|w| w.confirm_with_message(question).ok())
                    .unwrap_or(true);
                if !leave {
                    ev.prevent_default();
                    ev.stop_propagation();
                }
            })
        };
        let on_unload = Closure::<dyn FnMut(web_sys::Event)>::new(move |ev: web_sys::Event| {
            if unsaved() {
                ev.prevent_default();
            }
        });
        let listeners = vec![("click", true, on_link), ("beforeunload", false, on_unload)];
        if let Some(window) = web_sys::window() {
            for (kind, capture, listener) in &listeners {
                let _ = window.add_event_listener_with_callback_and_bool(
                    kind,
                    listener.as_ref().unchecked_ref(),
                    *capture,
                );
            }
        }
        LeaveGuard {
            listeners: send_wrapper::SendWrapper::new(listeners),
        }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = (unsaved, question);
        LeaveGuard {}
    }
}

impl Drop for LeaveGuard {
    fn drop(&mut self) {
        #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
        if let Some(window) = web_sys::window() {
            use wasm_bindgen::JsCast;
            for (kind, capture, listener) in self.listeners.iter() {
                let _ = window.remove_event_listener_with_callback_and_bool(
                    kind,
                    listener.as_ref().unchecked_ref(),
                    *capture,
                );
            }
        }
    }
}

/// The text field that has the focus: its id, its selection (in UTF-16 units, as the
/// browser counts) and how far it is scrolled.
#[derive(Debug, Clone, PartialEq)]
pub struct FocusedField {
    pub id: String,
    pub start: u32,
    pub end: u32,
    pub scroll_top: i32,
    /// The field's full scrollable height, to turn lines into pixels.
    pub scroll_height: i32,
}

pub fn focused_field() -> Option<FocusedField> {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let active = web_sys::window()?.document()?.active_element()?;
        let id = active.id();
        if let Some(area) = active.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            return Some(FocusedField {
                id,
                start: area.selection_start().ok()??,
                end: area.selection_end().ok()??,
                scroll_top: area.scroll_top(),
                scroll_height: area.scroll_height(),
            });
        }
        let input = active.dyn_ref::<web_sys::HtmlInputElement>()?;
        Some(FocusedField {
            id,
            start: input.selection_start().ok()??,
            end: input.selection_end().ok()??,
            scroll_top: 0,
            scroll_height: 0,
        })
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    None
}

/// Puts `value` into the focused field at once, with its selection and scroll, before the
/// page re-renders it: re-rendering an unchanged value leaves the caret where it is, where
/// a changed one would send it to the end.
pub fn put_into_focused(field: &FocusedField, value: &str) {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let Some(element) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id(&field.id))
        else {
            return;
        };
        if let Some(area) = element.dyn_ref::<web_sys::HtmlTextAreaElement>() {
            area.set_value(value);
            let _ = area.set_selection_range(field.start, field.end);
            area.set_scroll_top(field.scroll_top);
        } else if let Some(input) = element.dyn_ref::<web_sys::HtmlInputElement>() {
            input.set_value(value);
            let _ = input.set_selection_range(field.start, field.end);
        }
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    let _ = (field, value);
}

/// Where the selection of the text field `id` is (UTF-16 offsets, as the browser counts),
/// also after it lost the focus: a textarea keeps its selection.
pub fn selection_in(id: &str) -> Option<(u32, u32)> {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let element = web_sys::window()?.document()?.get_element_by_id(id)?;
        let area = element.dyn_ref::<web_sys::HtmlTextAreaElement>()?;
        Some((area.selection_start().ok()??, area.selection_end().ok()??))
    }
    #[cfg(not(all(feature = "hydrate", not(feature = "ssr"))))]
    {
        let _ = id;
        None
    }
}

/// Brings the element the address's fragment names (`#thread-…`) into view and gives it the
/// focus, for parts drawn after the page ran, which the browser's own jump missed.
pub fn reveal_fragment() {
    #[cfg(all(feature = "hydrate", not(feature = "ssr")))]
    {
        use wasm_bindgen::JsCast;
        let Some(window) = web_sys::window() else {
            return;
        };
        let Ok(hash) = window.location().hash() else {
            return;
        };
        let Some(id) = hash.strip_prefix('#').filter(|id| !id.is_empty()) else {
            return;
        };
        let found = window.document().and_then(|d| d.get_element_by_id(id));
        if let Some(element) = found.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            element.scroll_into_view();
            let _ = element.focus();
        }
    }
}
