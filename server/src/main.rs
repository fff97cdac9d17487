//! `concord serve`, `migrate`, `export`, `import` and `backup`.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use server::{service::transfer, store, Application, Settings};

#[derive(Parser)]
#[command(name = "concord", about = "Concord, a collaborative document editor")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the app and the API.
    Serve(Box<Settings>),
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
    if matches!(cli.command, Command::Serve(_)) {
        logs.init();
    } else {
        logs.with_writer(std::io::stderr).init();
    }
    match cli.command {
        Command::Serve(settings) => {
            let app = Application::build(*settings).await?;
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
