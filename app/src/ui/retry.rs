//! Retrying saves that failed for passing reasons: exponential backoff with full jitter.
//! Conflicts and invalid input are never retried.

use std::{future::Future, time::Duration};

use leptos::prelude::{GetUntracked, RwSignal, Set};

use super::browser;
use crate::protocol::ApiFailure;

/// The first retry waits up to this long; each further one up to twice as long as the last.
const BASE: Duration = Duration::from_secs(1);
/// No single wait is longer than this.
const CAP: Duration = Duration::from_secs(30);
/// After this many retries the editor stops and says so; the draft keeps the text.
pub const MAX_RETRIES: u32 = 8;

/// Network errors (status 0), rate limiting and a gateway or server that is briefly away.
pub fn is_transient(status: u16) -> bool {
    matches!(status, 0 | 429 | 502 | 503 | 504)
}

/// Full jitter: a uniformly random wait between zero and the exponential bound, so many
/// clients that failed together do not retry together. `unit` is a random number in [0, 1).
pub fn delay(retry: u32, unit: f64) -> Duration {
    let bound = BASE
        .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1)))
        .min(CAP);
    bound.mul_f64(unit.clamp(0.0, 1.0))
}

/// What the status line says while waiting, e.g. "Not saved — offline, retrying in 4 s".
pub fn waiting_message(status: u16, seconds_left: u64) -> String {
    let reason = match status {
        0 => "offline",
        429 => "the server is busy",
        _ => "the server is unavailable",
    };
    format!("Not saved — {reason}, retrying in {seconds_left} s")
}

/// A page's view of its retries: the status line, whether a retry is being waited for
/// (to offer "Retry now"), and the person's wish not to wait.
#[derive(Clone, Copy)]
pub struct Retrying {
    pub status: RwSignal<String>,
    pub waiting: RwSignal<bool>,
    pub now: RwSignal<bool>,
}

impl Retrying {
    pub fn new(status: RwSignal<String>) -> Retrying {
        Retrying {
            status,
            waiting: RwSignal::new(false),
            now: RwSignal::new(false),
        }
    }

    /// "Retry now": the wait ends at once.
    pub fn retry_now(self) {
        self.now.set(true);
    }
}

/// Runs `attempt` until it succeeds, fails for good, or has been retried `MAX_RETRIES`
/// times; while waiting, the status line counts down to the next try.
pub async fn with_retries<T, F, Fut>(status: RwSignal<String>, attempt: F) -> Result<T, ApiFailure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiFailure>>,
{
    retrying(Retrying::new(status), attempt).await
}

/// As `with_retries`, and "Retry now" ends a wait early.
pub async fn retrying<T, F, Fut>(retry: Retrying, mut attempt: F) -> Result<T, ApiFailure>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiFailure>>,
{
    let mut retries = 0;
    retry.now.set(false);
    // "Retry now" stays offered from the first passing failure to the outcome, through the
    // attempts between waits, so the button is never pulled from under a click.
    let outcome = loop {
        match attempt().await {
            Err(failure) if is_transient(failure.status) && retries < MAX_RETRIES => {
                retries += 1;
                retry.waiting.set(true);
                countdown(retry, failure.status, delay(retries, browser::random())).await;
            }
            outcome => break outcome,
        }
    };
    retry.waiting.set(false);
    outcome
}

async fn countdown(retry: Retrying, failed_with: u16, delay: Duration) {
    // Short steps, so "Retry now" is felt at once.
    const STEP: Duration = Duration::from_millis(200);
    // A click during the attempt before this wait counts: this wait is skipped.
    let mut left = delay;
    while !left.is_zero() && !retry.now.get_untracked() {
        let seconds = left.as_secs() + u64::from(left.subsec_nanos() > 0);
        retry.status.set(waiting_message(failed_with, seconds));
        let step = left.min(STEP);
        browser::sleep(step).await;
        left -= step;
    }
    retry.now.set(false);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_passing_failures_are_retried() {
        for status in [0, 429, 502, 503, 504] {
            assert!(is_transient(status));
        }
        for status in [400, 401, 409, 412, 413, 422, 500] {
            assert!(!is_transient(status));
        }
    }

    #[test]
    fn the_bound_doubles_up_to_the_cap() {
        assert_eq!(delay(1, 0.999_999).as_millis(), 999);
        assert_eq!(delay(3, 0.5), Duration::from_secs(2));
        assert_eq!(delay(10, 1.0), CAP);
        assert_eq!(delay(40, 1.0), CAP);
    }

    #[test]
    fn jitter_spans_zero_to_the_bound() {
        assert_eq!(delay(4, 0.0), Duration::ZERO);
        assert!(delay(4, 0.25) < delay(4, 0.75));
    }

    #[test]
    fn the_status_line_says_why_and_when() {
        assert_eq!(
            waiting_message(0, 4),
            "Not saved — offline, retrying in 4 s"
        );
        assert_eq!(
            waiting_message(503, 1),
            "Not saved — the server is unavailable, retrying in 1 s"
        );
    }
}
