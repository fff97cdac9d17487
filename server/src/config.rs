//! Settings of a running server, and where the built site (wasm, JS, CSS) is found. The
//! flags and variables of `concord serve` are derived from these very fields (their doc
//! comments are the help text), so a setting is declared once; the fields marked `skip`
//! are not flags, and tests set them directly.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::Duration,
};

use clap::Parser;

/// Everything `concord serve` can be told.
#[derive(Debug, Clone, clap::Args)]
pub struct Settings {
    #[arg(long, env = "CONCORD_ADDR", default_value = "127.0.0.1:3000")]
    pub addr: SocketAddr,
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/concord.db")]
    pub database_url: String,
    /// The built site (wasm, JS, CSS); found next to the binary by default.
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value_os_t = default_site_root(), hide_default_value = true)]
    pub site_root: PathBuf,
    /// How long a session lasts after signing in, in hours.
    #[arg(long = "session-hours", value_name = "SESSION_HOURS", env = "CONCORD_SESSION_HOURS", default_value = "336", value_parser = hours)]
    pub session_ttl: chrono::Duration,
    /// How long saves' responses are kept for retries with the same Idempotency-Key, in hours.
    #[arg(long = "idempotency-hours", value_name = "IDEMPOTENCY_HOURS", env = "CONCORD_IDEMPOTENCY_HOURS", default_value = "24", value_parser = hours)]
    pub idempotency_ttl: chrono::Duration,
    /// Mark the session cookie `Secure` (when served behind TLS).
    #[arg(long, env = "CONCORD_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Sign-in rate limiting: failures per account and attempts per client address that
    /// are allowed within `auth_window`.
    #[arg(skip = chrono::Duration::minutes(15))]
    pub auth_window: chrono::Duration,
    #[arg(skip = 5u32)]
    pub account_failure_limit: u32,
    /// Sign-up and sign-in attempts one client address may make within the sign-in
    /// window (15 minutes) before it is refused for a while.
    #[arg(long = "sign-in-attempts-per-address", value_name = "SIGN_IN_ATTEMPTS_PER_ADDRESS", env = "CONCORD_SIGN_IN_ATTEMPTS_PER_ADDRESS", default_value = "100", value_parser = at_least::<1>)]
    pub address_attempt_limit: u32,
    /// Take client addresses from X-Forwarded-For (only behind a trusted proxy).
    #[arg(long, env = "CONCORD_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Another origin allowed to send changes (repeatable), e.g. https://concord.example.
    #[arg(
        long = "allowed-origin",
        env = "CONCORD_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,
    /// The live channel pings every `heartbeat` and drops a peer silent for `peer_timeout`.
    #[arg(skip = Duration::from_secs(15))]
    pub heartbeat: Duration,
    #[arg(skip = Duration::from_secs(30))]
    pub peer_timeout: Duration,
    /// Messages a live watcher may fall behind by before it is told to resync.
    #[arg(skip = 64usize)]
    pub live_backlog: usize,
    /// Presence changes within this time are announced together.
    #[arg(skip = Duration::from_millis(50))]
    pub presence_delay: Duration,
    #[command(flatten)]
    pub pg: PgSettings,
    /// What "now" is; tests move it forward instead of sleeping.
    #[arg(skip)]
    pub clock: crate::clock::Clock,
    /// On PostgreSQL, how often this instance tells the others it is alive, and after
    /// how long without that its viewers leave everybody's presence.
    #[arg(skip = Liveness { heartbeat: Duration::from_secs(10), timeout: Duration::from_secs(30) })]
    pub instance_liveness: Liveness,
    /// On SIGTERM or Ctrl-C, seconds in-flight requests may take to finish.
    #[arg(long = "shutdown-grace-secs", value_name = "SHUTDOWN_GRACE_SECS", env = "CONCORD_SHUTDOWN_GRACE_SECS", default_value = "10", value_parser = seconds::<0>)]
    pub shutdown_grace: Duration,
    /// Serve /metrics to `Authorization: Bearer <token>` from anywhere (without it, to
    /// this machine only).
    /// (An empty token is no token.)
    #[arg(long, env = "CONCORD_METRICS_TOKEN")]
    pub metrics_token: Option<String>,
}

/// PostgreSQL only: each instance's share of the server's connections.
#[derive(Debug, Clone, Copy, clap::Args)]
pub struct PgSettings {
    /// Connections this instance keeps to PostgreSQL at most.
    #[arg(long = "db-max-connections", value_name = "DB_MAX_CONNECTIONS", env = "CONCORD_DB_MAX_CONNECTIONS", default_value = "16", value_parser = at_least::<2>)]
    pub max_connections: u32,
    /// Cancel a statement running longer than this many seconds, so one stuck query
    /// cannot hold a connection (and its locks) forever.
    #[arg(long = "statement-timeout-secs", value_name = "STATEMENT_TIMEOUT_SECS", env = "CONCORD_STATEMENT_TIMEOUT_SECS", default_value = "30", value_parser = seconds::<1>)]
    pub statement_timeout: Duration,
}

impl Default for PgSettings {
    fn default() -> PgSettings {
        Settings::defaults().pg
    }
}

/// How often an instance says it is alive, and after how long without that its viewers
/// no longer count.
#[derive(Debug, Clone, Copy)]
pub struct Liveness {
    pub heartbeat: Duration,
    pub timeout: Duration,
}

/// The settings alone, to parse them without a command around them.
#[derive(Parser)]
struct Only {
    #[command(flatten)]
    settings: Settings,
}

impl Settings {
    /// The defaults of `concord serve` for an address and a database; tests change the
    /// rest as they need. (The environment is not read.)
    pub fn new(addr: SocketAddr, database_url: impl Into<String>) -> Settings {
        Settings {
            addr,
            database_url: database_url.into(),
            ..Settings::defaults()
        }
    }

    fn defaults() -> Settings {
        let command = <Only as clap::CommandFactory>::command();
        // Each flag with its default and no variable: what `concord serve` means when told
        // nothing.
        let command = command.mut_args(|arg| arg.env(None::<&str>));
        let matches = command.get_matches_from(["concord"]);
        <Only as clap::FromArgMatches>::from_arg_matches(&matches)
            .expect("the defaults parse")
            .settings
    }
}

fn hours(raw: &str) -> Result<chrono::Duration, String> {
    let hours: i64 = raw.parse().map_err(|e| format!("{e}"))?;
    Ok(chrono::Duration::hours(hours.max(1)))
}

fn seconds<const MIN: u64>(raw: &str) -> Result<Duration, String> {
    let seconds: u64 = raw.parse().map_err(|e| format!("{e}"))?;
    Ok(Duration::from_secs(seconds.max(MIN)))
}

fn at_least<const MIN: u32>(raw: &str) -> Result<u32, String> {
    let n: u32 = raw.parse().map_err(|e| format!("{e}"))?;
    Ok(n.max(MIN))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Settings {
        let args = std::iter::once("concord").chain(args.iter().copied());
        Only::try_parse_from(args).expect("flags parse").settings
    }

    #[test]
    fn flags_set_their_fields_and_floors_hold() {
        let settings = parse(&[
            "--session-hours",
            "0",
            "--db-max-connections",
            "1",
            "--allowed-origin",
            "https://a.example,https://b.example",
            "--shutdown-grace-secs",
            "3",
        ]);
        assert_eq!(settings.session_ttl, chrono::Duration::hours(1));
        assert_eq!(settings.pg.max_connections, 2);
        assert_eq!(settings.allowed_origins.len(), 2);
        assert_eq!(settings.shutdown_grace, Duration::from_secs(3));
    }

    #[test]
    fn the_defaults_are_those_of_a_serve_told_nothing() {
        let defaults = Settings::new("127.0.0.1:3000".parse().unwrap(), "sqlite://x.db");
        assert_eq!(defaults.session_ttl, chrono::Duration::days(14));
        assert_eq!(defaults.idempotency_ttl, chrono::Duration::hours(24));
        assert_eq!(defaults.address_attempt_limit, 100);
        assert_eq!(defaults.pg.statement_timeout, Duration::from_secs(30));
        assert_eq!(defaults.instance_liveness.timeout, Duration::from_secs(30));
        assert!(defaults.metrics_token.is_none() && !defaults.secure_cookies);
    }
}
