//! The browser entry point: hydrates the server-rendered page with the same `App`.

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Hydrating puts the server's values back into the form: what was typed is read first.
    app::ui::note_typed_early();
    leptos::mount::hydrate_body(app::App);
    // Tests (and people with slow connections) can tell when the page has become interactive.
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let _ = body.set_attribute("data-hydrated", "true");
    }
}
