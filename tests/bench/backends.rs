//! SQLite and PostgreSQL side by side in one run, loopback only: sequential saves, clients
//! racing read-modify-write on one document, and live delivery to 1,000 sockets (one
//! instance on SQLite; two instances sharing the sockets on PostgreSQL). Every run starts
//! fresh databases; the PostgreSQL server is the caller's (`scripts/bench-backends` starts
//! a tuned throwaway one).
//!
//! `target/release/backends --pg-url postgres://postgres@127.0.0.1:PORT/postgres
//!   [--server target/release/concord] [--saves 1000] [--race-secs 5] [--sockets 1000] [--live-saves 30]`

#[path = "support.rs"]
mod support;

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use clap::Parser;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use support::{
    create_doc, fresh_pg_database, ms, percentile, postgres_url, raise_open_file_limit, sign_up,
    watch, Reports, Server,
};

/// SQLite and PostgreSQL side by side: sequential saves, racing clients, live delivery.
#[derive(Parser)]
#[command(name = "backends")]
struct Options {
    /// The PostgreSQL server to create the benchmark's databases on.
    #[arg(long, value_name = "postgres://…", value_parser = postgres_url)]
    pg_url: String,
    /// The `concord` binary to start.
    #[arg(long, default_value = "target/release/concord")]
    server: String,
    /// Sequential saves per backend.
    #[arg(long, default_value_t = 1000)]
    saves: usize,
    /// How long clients race on one document, in seconds.
    #[arg(long, default_value_t = 5)]
    race_secs: u64,
    /// WebSockets watching the document in the live measurement.
    #[arg(long, default_value_t = 1000)]
    sockets: usize,
    /// Saves whose delivery is timed.
    #[arg(long, default_value_t = 30)]
    live_saves: usize,
}

/// A fresh database for one measurement.
fn fresh_database(backend: Backend, options: &Options, name: &str) -> String {
    match backend {
        Backend::Sqlite => {
            let dir =
                std::env::temp_dir().join(format!("concord-bench-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            format!("sqlite://{}/db.sqlite", dir.display())
        }
        Backend::Postgres => fresh_pg_database(&options.pg_url, name),
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

fn body_of(doc: &Value, text: String) -> Value {
    json!({"title": doc["title"], "slug": doc["slug"], "tags": doc["tags"], "body": text})
}

/// One client chaining `If-Match` saves of one document: saves/s, p50, p99.
async fn sequential(server: &Server, saves: usize) -> (f64, Duration, Duration) {
    let (client, _) = sign_up(server, "sequential").await;
    let doc = create_doc(&client, server, "sequential").await;
    let url = server.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap()));
    let mut latencies = Vec::with_capacity(saves);
    let started = Instant::now();
    for rev in 1..=saves as i64 {
        let sent = Instant::now();
        let response = client
            .put(&url)
            .header("if-match", format!("\"{rev}\""))
            .json(&body_of(&doc, format!("save {rev}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        response.bytes().await.unwrap();
        latencies.push(sent.elapsed());
    }
    let rate = saves as f64 / started.elapsed().as_secs_f64();
    latencies.sort();
    (
        rate,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
    )
}

struct Race {
    answers_per_sec: f64,
    saved: usize,
    refused: usize,
    p99: Duration,
    final_rev: i64,
}

/// `clients` read-modify-write one document for `secs`: each reads, then saves with the
/// revision it read; a 412 means somebody else won. Checks the history afterwards.
async fn race(server: &Server, clients: usize, secs: u64, slug: &str) -> Race {
    let (client, _) = sign_up(server, slug).await;
    let doc = create_doc(&client, server, slug).await;
    let url = Arc::new(server.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap())));
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for index in 0..clients {
        let (client, url, doc) = (client.clone(), url.clone(), doc.clone());
        tasks.push(tokio::spawn(async move {
            let mut answers = Vec::new();
            let mut n = 0;
            while Instant::now() < deadline {
                let current: Value = client
                    .get(url.as_str())
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                n += 1;
                let sent = Instant::now();
                let response = client
                    .put(url.as_str())
                    .header("if-match", format!("\"{}\"", current["rev"]))
                    .json(&body_of(&doc, format!("client {index} edit {n}")))
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                response.bytes().await.unwrap();
                answers.push((status, sent.elapsed()));
            }
            answers
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let saved = all.iter().filter(|(s, _)| *s == 200).count();
    let refused = all.iter().filter(|(s, _)| *s == 412).count();
    assert_eq!(saved + refused, all.len(), "only 200 and 412 answers");
    let mut latencies: Vec<Duration> = all.iter().map(|(_, l)| *l).collect();
    latencies.sort();
    let final_doc: Value = client
        .get(url.as_str())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let final_rev = final_doc["rev"].as_i64().unwrap();
    // Every acknowledged save is exactly one revision: no lost or extra write.
    assert_eq!(
        final_rev,
        1 + saved as i64,
        "history has every acknowledged save"
    );
    Race {
        answers_per_sec: all.len() as f64 / secs as f64,
        saved,
        refused,
        p99: percentile(&latencies, 0.99),
        final_rev,
    }
}

struct Live {
    joined: Duration,
    p50: Duration,
    p99: Duration,
    rss_mib: Vec<(u64, u64)>,
}

/// `sockets` watchers spread over `servers`, saves through the first: save → delivery.
async fn live(servers: &[Server], sockets: usize, saves: usize) -> Live {
    let idle: Vec<u64> = servers.iter().map(Server::rss_kib).collect();
    let (client, cookie) = sign_up(&servers[0], "live").await;
    let doc = create_doc(&client, &servers[0], "live").await;
    let id = doc["id"].as_str().unwrap().to_owned();
    let (deliveries, mut delivered) = mpsc::unbounded_channel::<(i64, Instant)>();
    let (ready, mut readied) = mpsc::unbounded_channel::<()>();
    let started = Instant::now();
    for index in 0..sockets {
        let port = servers[index % servers.len()].port;
        let reports = Reports {
            ready: ready.clone(),
            deliveries: deliveries.clone(),
            presence: None,
        };
        // Detached: the socket stays open until the benchmark ends.
        drop(watch(port, &cookie, &id, index, reports).await);
    }
    for _ in 0..sockets {
        tokio::time::timeout(Duration::from_secs(120), readied.recv())
            .await
            .expect("every socket joins")
            .unwrap();
    }
    let joined = started.elapsed();
    let connected: Vec<u64> = servers.iter().map(Server::rss_kib).collect();
    let url = servers[0].url(&format!("/api/docs/{id}"));
    let mut all = Vec::new();
    for rev in 1..=saves as i64 {
        let sent = Instant::now();
        let response = client
            .put(&url)
            .header("if-match", format!("\"{rev}\""))
            .json(&body_of(&doc, format!("{rev}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        for _ in 0..sockets {
            let (heard, at) = tokio::time::timeout(Duration::from_secs(30), delivered.recv())
                .await
                .expect("every socket hears every save")
                .unwrap();
            assert_eq!(heard, rev + 1);
            all.push(at.duration_since(sent));
        }
    }
    all.sort();
    Live {
        joined,
        p50: percentile(&all, 0.5),
        p99: percentile(&all, 0.99),
        rss_mib: idle
            .iter()
            .zip(&connected)
            .map(|(i, c)| (i / 1024, c / 1024))
            .collect(),
    }
}

struct Report {
    sequential: (f64, Duration, Duration),
    races: Vec<(usize, Race)>,
    live: Live,
    instances: usize,
}

async fn measure(backend: Backend, options: &Options) -> Report {
    eprintln!("{}: sequential saves…", backend.name());
    let server = Server::start(&options.server, &fresh_database(backend, options, "saves")).await;
    let sequential = sequential(&server, options.saves).await;
    let mut races = Vec::new();
    for clients in [8, 32] {
        eprintln!("{}: {clients} clients racing…", backend.name());
        races.push((
            clients,
            race(
                &server,
                clients,
                options.race_secs,
                &format!("race-{clients}"),
            )
            .await,
        ));
    }
    drop(server);
    eprintln!("{}: {} live sockets…", backend.name(), options.sockets);
    let database = fresh_database(backend, options, "live");
    let instances = if backend == Backend::Postgres { 2 } else { 1 };
    let mut servers = Vec::new();
    for _ in 0..instances {
        servers.push(Server::start(&options.server, &database).await);
    }
    let live = live(&servers, options.sockets, options.live_saves).await;
    Report {
        sequential,
        races,
        live,
        instances,
    }
}

fn row(label: &str, sqlite: String, postgres: String) {
    println!("| {label} | {sqlite} | {postgres} |");
}

#[tokio::main]
async fn main() {
    let options = Options::parse();
    raise_open_file_limit();
    let sqlite = measure(Backend::Sqlite, &options).await;
    let postgres = measure(Backend::Postgres, &options).await;
    let both = |f: &dyn Fn(&Report) -> String| (f(&sqlite), f(&postgres));

    println!("| measure | SQLite | PostgreSQL |");
    println!("|---|---:|---:|");
    let (a, b) = both(&|r| format!("{:.0}", r.sequential.0));
    row(
        &format!("{} sequential saves: saves/s", options.saves),
        a,
        b,
    );
    let (a, b) = both(&|r| format!("{} / {}", ms(r.sequential.1), ms(r.sequential.2)));
    row("sequential saves: p50 / p99", a, b);
    for index in 0..2 {
        let clients = sqlite.races[index].0;
        let (a, b) = both(&|r| {
            let race = &r.races[index].1;
            format!(
                "{:.0} ({} saved, {} refused, rev {})",
                race.answers_per_sec, race.saved, race.refused, race.final_rev
            )
        });
        row(
            &format!("{clients} clients racing one document: answers/s"),
            a,
            b,
        );
        let (a, b) = both(&|r| ms(r.races[index].1.p99));
        row(
            &format!("{clients} clients racing: p99 of every answer"),
            a,
            b,
        );
    }
    let (a, b) = both(&|r| {
        format!(
            "{} instance(s), joined in {:.2?}",
            r.instances, r.live.joined
        )
    });
    row(&format!("{} live sockets", options.sockets), a, b);
    let (a, b) = both(&|r| format!("{} / {}", ms(r.live.p50), ms(r.live.p99)));
    row("save → delivery, every delivery: p50 / p99", a, b);
    let (a, b) = both(&|r| {
        r.live
            .rss_mib
            .iter()
            .map(|(idle, with)| format!("{idle} → {with} MiB"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    row("RSS per instance: idle → with sockets", a, b);
}
