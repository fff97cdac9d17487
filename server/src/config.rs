//! Settings of a running server, and where the built site (wasm, JS, CSS) is found.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

/// Everything `concord serve` can be told; see `main.rs` for flags and variables.
#[derive(Debug, Clone)]
pub struct Settings {
    pub addr: SocketAddr,
    pub database_url: String,
    pub site_root: PathBuf,
    pub session_ttl: chrono::Duration,
    /// How long a save's response is kept for retries with the same `Idempotency-Key`.
    pub idempotency_ttl: chrono::Duration,
    /// Adds `Secure` to the session cookie; set it when serving behind TLS.
    pub secure_cookies: bool,
    /// Sign-in rate limiting: failures per account and attempts per client address that
    /// are allowed within `auth_window`.
    pub auth_window: chrono::Duration,
    pub account_failure_limit: u32,
    pub address_attempt_limit: u32,
    /// Take the client address from `X-Forwarded-For` (only behind a trusted proxy).
    pub trust_forwarded_for: bool,
    /// Other origins whose pages may send unsafe requests (besides this host's own).
    pub allowed_origins: Vec<String>,
    /// The live channel pings every `heartbeat` and drops a peer silent for `peer_timeout`.
    pub heartbeat: std::time::Duration,
    pub peer_timeout: std::time::Duration,
    /// Messages a live watcher may fall behind by before it is told to resync.
    pub live_backlog: usize,
    /// Presence changes within this time are announced together.
    pub presence_delay: std::time::Duration,
    /// Pool size and statement timeout on PostgreSQL.
    pub pg: crate::store::PgSettings,
    /// What "now" is; tests move it forward instead of sleeping.
    pub clock: crate::clock::Clock,
    /// On PostgreSQL, how often this instance tells the others it is alive, and after
    /// how long without that its viewers leave everybody's presence.
    pub instance_liveness: crate::live::cluster::Liveness,
    /// On SIGTERM or Ctrl-C, how long in-flight requests may take to finish.
    pub shutdown_grace: std::time::Duration,
    /// `/metrics` answers only `Authorization: Bearer <token>` when set, else only loopback.
    pub metrics_token: Option<String>,
}

impl Settings {
    /// Defaults for a local run; tests override the address and database.
    pub fn new(addr: SocketAddr, database_url: impl Into<String>) -> Settings {
        Settings {
            addr,
            database_url: database_url.into(),
            site_root: default_site_root(),
            session_ttl: chrono::Duration::days(14),
            idempotency_ttl: chrono::Duration::hours(24),
            secure_cookies: false,
            auth_window: chrono::Duration::minutes(15),
            account_failure_limit: 5,
            address_attempt_limit: 100,
            trust_forwarded_for: false,
            allowed_origins: Vec::new(),
            heartbeat: std::time::Duration::from_secs(15),
            peer_timeout: std::time::Duration::from_secs(30),
            live_backlog: 64,
            presence_delay: std::time::Duration::from_millis(50),
            pg: crate::store::PgSettings::default(),
            clock: crate::clock::Clock::default(),
            instance_liveness: crate::live::cluster::Liveness {
                heartbeat: std::time::Duration::from_secs(10),
                timeout: std::time::Duration::from_secs(30),
            },
            shutdown_grace: std::time::Duration::from_secs(10),
            metrics_token: None,
        }
    }
}

/// The site built by `scripts/build`, wherever `concord` is started from: next to the
/// binary (release layout `bin/concord` + `bin/site`), in the target dir the binary was
/// built into (`target/debug/concord` → `target/site`), or under the current directory.
pub fn default_site_root() -> PathBuf {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf));
    let mut candidates = Vec::new();
    if let Some(dir) = exe_dir {
        candidates.push(dir.join("site"));
        if let Some(parent) = dir.parent() {
            candidates.push(parent.join("site"));
        }
    }
    candidates.push(PathBuf::from("target/site"));
    candidates
        .iter()
        .find(|dir| dir.join("pkg").is_dir())
        .cloned()
        .unwrap_or_else(|| PathBuf::from("target/site"))
}
