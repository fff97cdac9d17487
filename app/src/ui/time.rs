//! Moments as people say them ("5 minutes ago"), with the exact time one hover away.

use chrono::{DateTime, Utc};
#[cfg(feature = "ssr")]
use leptos::prelude::*;

/// "5 minutes ago" by the server's clock, with UTC on hover. The pages that show times
/// run no client: their inline script (`page.js`) adds the reader's local time to the hover.
#[cfg(feature = "ssr")]
#[component]
pub fn RelativeTime(at: DateTime<Utc>) -> impl IntoView {
    let utc = at.format("%Y-%m-%d %H:%M:%S UTC").to_string();
    let shown = relative(Utc::now(), at).unwrap_or_else(|| utc.clone());
    view! { <time datetime=at.to_rfc3339() title=utc>{shown}</time> }
}

/// How long ago, as people say it; `None` past a month, where the date says more.
pub fn relative(now: DateTime<Utc>, at: DateTime<Utc>) -> Option<String> {
    let seconds = (now - at).num_seconds().max(0);
    let (minutes, hours, days) = (seconds / 60, seconds / 3600, seconds / 86_400);
    let plural = |n: i64, unit: &str| {
        if n == 1 {
            format!("1 {unit} ago")
        } else {
            format!("{n} {unit}s ago")
        }
    };
    Some(match () {
        _ if seconds < 45 => "just now".to_owned(),
        _ if minutes < 1 => "1 minute ago".to_owned(),
        _ if hours < 1 => plural(minutes, "minute"),
        _ if days < 1 => plural(hours, "hour"),
        _ if days == 1 => "yesterday".to_owned(),
        _ if days < 31 => plural(days, "day"),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn moments_are_said_as_people_say_them() {
        let now = Utc::now();
        let ago = |d: Duration| relative(now, now - d);
        assert_eq!(ago(Duration::seconds(3)).as_deref(), Some("just now"));
        assert_eq!(ago(Duration::seconds(50)).as_deref(), Some("1 minute ago"));
        assert_eq!(ago(Duration::minutes(5)).as_deref(), Some("5 minutes ago"));
        assert_eq!(ago(Duration::minutes(61)).as_deref(), Some("1 hour ago"));
        assert_eq!(ago(Duration::hours(23)).as_deref(), Some("23 hours ago"));
        assert_eq!(ago(Duration::hours(30)).as_deref(), Some("yesterday"));
        assert_eq!(ago(Duration::days(4)).as_deref(), Some("4 days ago"));
        assert_eq!(ago(Duration::days(40)), None);
        // A clock a little behind the server's is "just now", not the future.
        assert_eq!(ago(Duration::seconds(-5)).as_deref(), Some("just now"));
    }
}
