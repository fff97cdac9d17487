//! Moments shown in the reader's own time zone, with UTC one hover away.

use chrono::{DateTime, Utc};
use leptos::prelude::*;

use super::browser;

/// The server renders UTC (it does not know the reader's zone); once running in the
/// browser the text becomes local time. `title` always holds the UTC time.
#[component]
pub fn LocalTime(at: DateTime<Utc>) -> impl IntoView {
    let utc = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let shown = RwSignal::new(utc.clone());
    Effect::new(move |_| {
        if let Some(local) = browser::local_time(at) {
            shown.set(local);
        }
    });
    view! { <time datetime=at.to_rfc3339() title=utc>{move || shown.get()}</time> }
}
