//! The time the server goes by. A running server reads the system clock; tests move a
//! clock forward instead of sleeping, for everything that expires (sessions, idempotency
//! records, sign-in attempts).

use std::sync::{
    atomic::{AtomicI64, Ordering},
    Arc,
};

use chrono::{DateTime, Duration, Utc};

/// The system clock, shifted by what `advance` added (nothing, outside tests). Clones
/// share the shift, so a test keeps one and moves every part of the server with it.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    shift_ms: Arc<AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::milliseconds(self.shift_ms.load(Ordering::Relaxed))
    }

    pub fn advance(&self, by: Duration) {
        self.shift_ms
            .fetch_add(by.num_milliseconds(), Ordering::Relaxed);
    }
}
