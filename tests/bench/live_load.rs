//! Live-channel load benchmark, loopback only: starts `concord serve` on a fresh SQLite
//! file, opens N WebSockets watching one document, saves it K times, and reports
//! commit-to-delivery latency (all deliveries and the last socket per save) and the
//! server's resident memory.
//!
//! `cargo run --release -p concord-tests --features bench --bin live-load -- [--sockets 1000] [--saves 30] [--server target/release/concord]`

#[path = "support.rs"]
mod support;

use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;
use tokio::sync::mpsc;

use support::{create_doc, percentile, raise_open_file_limit, sign_up, watch, Reports, Server};

/// Live-channel load: N sockets watching one document, K saves, delivery latency and memory.
#[derive(Parser)]
#[command(name = "live-load")]
struct Options {
    /// WebSockets watching the document.
    #[arg(long, default_value_t = 1000)]
    sockets: usize,
    /// Saves whose delivery is timed.
    #[arg(long, default_value_t = 30)]
    saves: usize,
    /// The `concord` binary to start.
    #[arg(long, default_value = "target/release/concord")]
    server: String,
}

#[tokio::main]
async fn main() {
    let options = Options::parse();
    raise_open_file_limit();
    let dir = std::env::temp_dir().join(format!("concord-live-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let server = Server::start(
        &options.server,
        &format!("sqlite://{}/db.sqlite", dir.display()),
    )
    .await;
    let (port, base) = (server.port, server.base.clone());
    let rss_idle = server.rss_kib();
    let (client, cookie) = sign_up(&server, "bench").await;
    let doc = create_doc(&client, &server, "load").await;
    let id = doc["id"].as_str().unwrap().to_owned();

    // Every socket reports the revision it was told about, and when.
    let (deliveries, mut delivered) = mpsc::unbounded_channel::<(i64, Instant)>();
    let (ready, mut readied) = mpsc::unbounded_channel::<()>();
    let connect_started = Instant::now();
    for index in 0..options.sockets {
        let reports = Reports {
            ready: ready.clone(),
            deliveries: deliveries.clone(),
        };
        watch(port, &cookie, &id, index, reports).await;
    }
    for _ in 0..options.sockets {
        tokio::time::timeout(Duration::from_secs(60), readied.recv())
            .await
            .expect("every socket joins")
            .unwrap();
    }
    let connect_time = connect_started.elapsed();
    let rss_connected = server.rss_kib();

    let mut all = Vec::new();
    let mut last_socket = Vec::new();
    for save in 0..options.saves {
        let rev = save as i64 + 1;
        let sent = Instant::now();
        let response = client
            .put(format!("{base}/api/docs/{id}"))
            .header("if-match", format!("\"{rev}\""))
            .json(&json!({"title": "Load", "slug": "load", "tags": [], "body": format!("{}", rev)}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "save {rev}");
        let mut latest = Duration::ZERO;
        let mut received = 0;
        while received < options.sockets {
            let (delivered_rev, at) =
                tokio::time::timeout(Duration::from_secs(30), delivered.recv())
                    .await
                    .expect("every socket hears every save")
                    .unwrap();
            assert_eq!(delivered_rev, rev + 1);
            let latency = at.duration_since(sent);
            all.push(latency);
            latest = latest.max(latency);
            received += 1;
        }
        last_socket.push(latest);
    }
    let rss_after = server.rss_kib();
    all.sort();
    last_socket.sort();

    println!(
        "sockets {} · saves {} · server {}",
        options.sockets, options.saves, options.server
    );
    println!("all sockets joined in {:.2?}", connect_time);
    println!(
        "save → delivery, every delivery: p50 {:.2?}  p99 {:.2?}  max {:.2?}",
        percentile(&all, 0.5),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or_default()
    );
    println!(
        "save → delivery to the last socket: p50 {:.2?}  p99 {:.2?}",
        percentile(&last_socket, 0.5),
        percentile(&last_socket, 0.99)
    );
    println!(
        "server RSS: idle {} MiB, {} sockets {} MiB, after saves {} MiB",
        rss_idle / 1024,
        options.sockets,
        rss_connected / 1024,
        rss_after / 1024
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
