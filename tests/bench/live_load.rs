//! Live-channel load benchmark, loopback only. Starts `concord serve`: one instance on a
//! fresh SQLite file, or `--instances N` on a fresh database of the PostgreSQL server at
//! `--pg-url`. Opens the sockets watching one document, spread over the instances, waits
//! until every socket's presence counts them all, saves the document K times on the first
//! instance and times each save's delivery to every socket, then closes half the sockets
//! and waits until the rest count what is left. Reports delivery latency, each server's
//! memory per 1,000 sockets and the presence writes each instance made while people came
//! and went (coalesced: a few a second, whatever the crowd).
//!
//! `target/release/live-load [--sockets 1000] [--saves 30] [--server target/release/concord]
//!   [--pg-url postgres://… --instances 2]` (`scripts/bench-live` runs it on PostgreSQL)

#[path = "support.rs"]
mod support;

use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser};
use serde_json::json;
use tokio::sync::mpsc;

use support::{
    client_cpu, create_doc, fresh_pg_database, percentile, postgres_url, raise_open_file_limit,
    sign_up, watch, Reports, Server,
};

/// Live-channel load: sockets watching one document, saves, delivery latency, memory and
/// presence writes.
#[derive(Parser)]
#[command(name = "live-load")]
struct Options {
    /// WebSockets watching the document, over all instances.
    #[arg(long, default_value_t = 1000)]
    sockets: usize,
    /// Saves whose delivery is timed.
    #[arg(long, default_value_t = 30)]
    saves: usize,
    /// The `concord` binary to start.
    #[arg(long, default_value = "target/release/concord")]
    server: String,
    /// Run on a fresh database of this PostgreSQL server instead of SQLite.
    #[arg(long, value_name = "postgres://…", value_parser = postgres_url)]
    pg_url: Option<String>,
    /// Instances sharing the sockets (several need --pg-url).
    #[arg(long, default_value_t = 1)]
    instances: usize,
}

const PRESENCE_WRITES: &str = "concord_live_presence_writes_total";

#[tokio::main]
async fn main() {
    let options = Options::parse();
    if options.instances == 0 || (options.instances > 1 && options.pg_url.is_none()) {
        Options::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--instances above 1 needs --pg-url: instances share one PostgreSQL database",
            )
            .exit();
    }
    raise_open_file_limit();
    let dir = std::env::temp_dir().join(format!("concord-live-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let database = match &options.pg_url {
        Some(url) => fresh_pg_database(url, "live"),
        None => format!("sqlite://{}/db.sqlite", dir.display()),
    };
    let mut servers = Vec::new();
    for _ in 0..options.instances {
        servers.push(Server::start(&options.server, &database).await);
    }
    let rss_idle: Vec<u64> = servers.iter().map(Server::rss_kib).collect();
    let (client, cookie) = sign_up(&servers[0], "bench").await;
    let doc = create_doc(&client, &servers[0], "load").await;
    let id = doc["id"].as_str().unwrap().to_owned();
    let writes_before = writes(&servers).await;

    // Every socket reports the revision it was told about, and when, and each presence.
    let (deliveries, mut delivered) = mpsc::unbounded_channel::<(i64, Instant)>();
    let (ready, mut readied) = mpsc::unbounded_channel::<()>();
    let (presence, mut heard) = mpsc::unbounded_channel::<(usize, u64)>();
    let connect_started = Instant::now();
    let mut sockets = Vec::with_capacity(options.sockets);
    for index in 0..options.sockets {
        let reports = Reports {
            ready: ready.clone(),
            deliveries: deliveries.clone(),
            presence: Some(presence.clone()),
        };
        let port = servers[index % servers.len()].port;
        sockets.push(watch(port, &cookie, &id, index, reports).await);
    }
    for _ in 0..options.sockets {
        tokio::time::timeout(Duration::from_secs(120), readied.recv())
            .await
            .expect("every socket joins")
            .unwrap();
    }
    let connect_time = connect_started.elapsed();
    let mut latest = vec![0_u64; options.sockets];
    let all_here = (0..options.sockets).collect::<Vec<_>>();
    settle(&mut heard, &mut latest, &all_here, options.sockets as u64).await;
    let settled = connect_started.elapsed();
    let writes_joined = writes(&servers).await;
    let rss_connected: Vec<u64> = servers.iter().map(Server::rss_kib).collect();

    let mut all = Vec::new();
    let mut last_socket = Vec::new();
    // Where the machine's time goes while saves are delivered: each server, this client.
    let cpu_before: Vec<Duration> = servers.iter().map(Server::cpu).collect();
    let client_before = client_cpu();
    let saving = Instant::now();
    for save in 0..options.saves {
        let rev = save as i64 + 1;
        let sent = Instant::now();
        let response = client
            .put(format!("{}/api/docs/{id}", servers[0].base))
            .header("if-match", format!("\"{rev}\""))
            .json(&json!({"title": "Load", "slug": "load", "tags": [], "body": format!("{}", rev)}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "save {rev}");
        let mut slowest = Duration::ZERO;
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
            slowest = slowest.max(latency);
            received += 1;
        }
        last_socket.push(slowest);
    }
    let saved = saving.elapsed();
    let cpu_saving: Vec<Duration> = servers
        .iter()
        .zip(&cpu_before)
        .map(|(s, before)| s.cpu().saturating_sub(*before))
        .collect();
    let client_saving = client_cpu().saturating_sub(client_before);
    let rss_after: Vec<u64> = servers.iter().map(Server::rss_kib).collect();
    all.sort();
    last_socket.sort();

    // Half of them leave at once; the others' presence must come down to the rest.
    let leave_started = Instant::now();
    let writes_before_leaving = writes(&servers).await;
    let staying: Vec<usize> = (0..options.sockets).filter(|i| i % 2 == 1).collect();
    for (index, socket) in sockets.iter().enumerate() {
        if index % 2 == 0 {
            socket.abort();
        }
    }
    settle(&mut heard, &mut latest, &staying, staying.len() as u64).await;
    let left = leave_started.elapsed();
    let writes_left = writes(&servers).await;

    let backend = match options.pg_url {
        Some(_) => format!("PostgreSQL, {} instance(s)", options.instances),
        None => "SQLite, 1 instance".to_owned(),
    };
    println!(
        "sockets {} · saves {} · {backend} · server {}",
        options.sockets, options.saves, options.server
    );
    println!(
        "all sockets joined in {connect_time:.2?}; every socket's presence counted {} after {settled:.2?}",
        options.sockets
    );
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
        "half left: every remaining socket's presence counted {} after {left:.2?}",
        staying.len()
    );
    let per_save = |cpu: Duration| cpu / options.saves.max(1) as u32;
    let servers_cpu: Duration = cpu_saving.iter().sum();
    println!(
        "CPU per save while delivering (of {:.2?} wall per save): servers {:.2?} ({}), this client {:.2?}",
        saved / options.saves.max(1) as u32,
        per_save(servers_cpu),
        cpu_saving
            .iter()
            .map(|c| format!("{:.2?}", per_save(*c)))
            .collect::<Vec<_>>()
            .join(" + "),
        per_save(client_saving)
    );
    let per_instance = options.sockets as f64 / options.instances as f64;
    for (n, server) in servers.iter().enumerate() {
        let joined = writes_joined[n] - writes_before[n];
        let leaving = writes_left[n] - writes_before_leaving[n];
        println!(
            "instance {n} (pid {}): RSS idle {} MiB, connected {} MiB, after saves {} MiB → {:.0} KiB per 1,000 sockets; presence writes: {joined} in the {settled:.1?} {per_instance:.0} took to join, {leaving} in the {left:.2?} half took to leave",
            server.pid(),
            rss_idle[n] / 1024,
            rss_connected[n] / 1024,
            rss_after[n] / 1024,
            (rss_connected[n].saturating_sub(rss_idle[n])) as f64 / per_instance * 1000.0,
        );
    }
    drop(sockets);
    drop(servers);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Each instance's presence writes so far (0 on SQLite, which shares nothing).
async fn writes(servers: &[Server]) -> Vec<f64> {
    let mut counted = Vec::with_capacity(servers.len());
    for server in servers {
        counted.push(server.metric(PRESENCE_WRITES).await);
    }
    counted
}

/// Waits (up to a minute) until the latest presence of every socket in `watching` counts
/// `expected` viewers.
async fn settle(
    heard: &mut mpsc::UnboundedReceiver<(usize, u64)>,
    latest: &mut [u64],
    watching: &[usize],
    expected: u64,
) {
    let mut right = watching.iter().filter(|&&s| latest[s] == expected).count();
    let watched: std::collections::HashSet<usize> = watching.iter().copied().collect();
    while right < watching.len() {
        let (socket, total) = tokio::time::timeout(Duration::from_secs(60), heard.recv())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "presence never settled: {right} of {} sockets count {expected}",
                    watching.len()
                )
            })
            .unwrap();
        let was = std::mem::replace(&mut latest[socket], total);
        if watched.contains(&socket) {
            match (was == expected, total == expected) {
                (false, true) => right += 1,
                (true, false) => right -= 1,
                _ => {}
            }
        }
    }
}
