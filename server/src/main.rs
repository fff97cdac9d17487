//! `concord serve`, `migrate`, `export`, `import` and `backup`.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Parser, Subcommand};
use server::{config::default_site_root, service::transfer, store, Application, Settings};

#[derive(Parser)]
#[command(name = "concord", about = "Concord, a collaborative document editor")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the API.
    Serve {
        #[arg(long, env = "CONCORD_ADDR", default_value = "127.0.0.1:3000")]
        addr: SocketAddr,
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/concord.db")]
        database_url: String,
        /// The built site (wasm, JS, CSS); found next to the binary by default.
        #[arg(long, env = "LEPTOS_SITE_ROOT")]
        site_root: Option<PathBuf>,
        /// How long a session lasts after signing in, in hours.
        #[arg(long, env = "CONCORD_SESSION_HOURS", default_value_t = 336)]
        session_hours: i64,
        /// How long saves' responses are kept for retries with the same Idempotency-Key, in hours.
        #[arg(long, env = "CONCORD_IDEMPOTENCY_HOURS", default_value_t = 24)]
        idempotency_hours: i64,
        /// Take client addresses from X-Forwarded-For (only behind a trusted proxy).
        #[arg(long, env = "CONCORD_TRUST_FORWARDED_FOR")]
        trust_forwarded_for: bool,
        /// Another origin allowed to send changes (repeatable), e.g. https://concord.example.
        #[arg(
            long = "allowed-origin",
            env = "CONCORD_ALLOWED_ORIGINS",
            value_delimiter = ','
        )]
        allowed_origins: Vec<String>,
        /// Mark the session cookie `Secure` (when served behind TLS).
        #[arg(long, env = "CONCORD_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Serve /metrics to `Authorization: Bearer <token>` from anywhere (without it, to
        /// this machine only).
        #[arg(long, env = "CONCORD_METRICS_TOKEN")]
        metrics_token: Option<String>,
        /// Sign-up and sign-in attempts one client address may make within the sign-in
        /// window (15 minutes) before it is refused for a while.
        #[arg(
            long,
            env = "CONCORD_SIGN_IN_ATTEMPTS_PER_ADDRESS",
            default_value_t = 100
        )]
        sign_in_attempts_per_address: u32,
        /// On SIGTERM or Ctrl-C, seconds in-flight requests may take to finish.
        #[arg(long, env = "CONCORD_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
        shutdown_grace_secs: u64,
        #[command(flatten)]
        pg: PgArgs,
    },
    /// Create or migrate the database, then exit.
    Migrate {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/concord.db")]
        database_url: String,
    },
    /// Write every account, document (with its whole history) and membership as JSON lines.
    Export {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/concord.db")]
        database_url: String,
        /// The file to write (standard output if left out).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Read an export into an empty database: all of it, or nothing.
    Import {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/concord.db")]
        database_url: String,
        /// The export to read ("-" for standard input).
        file: PathBuf,
        /// Add to a database that already holds accounts or documents.
        #[arg(long)]
        into_non_empty: bool,
    },
    /// Copy a SQLite database, consistently, while the server may be running.
    Backup {
        #[arg(long, env = "DATABASE_URL", default_value = "sqlite://data/concord.db")]
        database_url: String,
        /// The new file to write.
        file: PathBuf,
    },
}

/// PostgreSQL only: each instance's share of the server's connections.
#[derive(clap::Args)]
struct PgArgs {
    /// Connections this instance keeps to PostgreSQL at most.
    #[arg(long, env = "CONCORD_DB_MAX_CONNECTIONS", default_value_t = 16)]
    db_max_connections: u32,
    /// Cancel a statement running longer than this many seconds.
    #[arg(long, env = "CONCORD_STATEMENT_TIMEOUT_SECS", default_value_t = 30)]
    statement_timeout_secs: u64,
}

/// Says how a command ended, on standard error: done (exit 0) or why not (exit 2).
fn finish(outcome: Result<String, Box<dyn std::error::Error + Send + Sync>>) {
    match outcome {
        Ok(done) => eprintln!("concord: {done}"),
        Err(error) => {
            eprintln!("concord: {error}");
            std::process::exit(2);
        }
    }
}

/// SIGTERM (what process managers send) or Ctrl-C.
async fn stop_requested() {
    let mut terminate =
        tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async {
            match terminate.as_mut() {
                Some(signal) => { signal.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let logs = tracing_subscriber::fmt().with_env_filter(filter).json();
    // An export may go to standard output: the other commands log to standard error.
    if matches!(cli.command, Command::Serve { .. }) {
        logs.init();
    } else {
        logs.with_writer(std::io::stderr).init();
    }
    match cli.command {
        Command::Serve {
            addr,
            database_url,
            site_root,
            session_hours,
            idempotency_hours,
            trust_forwarded_for,
            allowed_origins,
            secure_cookies,
            shutdown_grace_secs,
            metrics_token,
            sign_in_attempts_per_address,
            pg,
        } => {
            let mut settings = Settings::new(addr, database_url);
            settings.site_root = site_root.unwrap_or_else(default_site_root);
            settings.session_ttl = chrono::Duration::hours(session_hours.max(1));
            settings.idempotency_ttl = chrono::Duration::hours(idempotency_hours.max(1));
            settings.secure_cookies = secure_cookies;
            settings.trust_forwarded_for = trust_forwarded_for;
            settings.address_attempt_limit = sign_in_attempts_per_address.max(1);
            settings.allowed_origins = allowed_origins;
            settings.shutdown_grace = std::time::Duration::from_secs(shutdown_grace_secs);
            settings.metrics_token = metrics_token.filter(|t| !t.is_empty());
            settings.pg = store::PgSettings {
                max_connections: pg.db_max_connections.max(2),
                statement_timeout: std::time::Duration::from_secs(pg.statement_timeout_secs.max(1)),
            };
            let app = Application::build(settings).await?;
            tracing::info!(addr = %app.local_addr(), "Concord is serving on http://{}", app.local_addr());
            app.run_until(stop_requested()).await?;
            tracing::info!("Concord stopped");
        }
        Command::Migrate { database_url } => {
            store::connect(&database_url).await?;
            tracing::info!("database is migrated");
        }
        Command::Export {
            database_url,
            output,
        } => {
            let counts = match output {
                Some(path) => {
                    let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
                    transfer::export(&database_url, &mut file).await
                }
                None => transfer::export(&database_url, &mut std::io::stdout().lock()).await,
            };
            finish(counts.map(|c| format!("exported {c}")));
        }
        Command::Import {
            database_url,
            file,
            into_non_empty,
        } => {
            let text = if file.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())
            } else {
                std::fs::read_to_string(&file)
            };
            let outcome = match text {
                Ok(text) => transfer::import(&database_url, &text, into_non_empty).await,
                Err(error) => Err(format!("cannot read {}: {error}", file.display()).into()),
            };
            finish(outcome.map(|c| format!("imported {c}")));
        }
        Command::Backup { database_url, file } => {
            let outcome = transfer::backup(&database_url, &file).await;
            finish(outcome.map(|()| format!("backed up into {}", file.display())));
        }
    }
    Ok(())
}
