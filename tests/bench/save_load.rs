//! `save-load`: what the server answers under save load, beside the storage's own ceiling.
//! Starts the real server on a fresh database on a free loopback port (or targets `--url`),
//! runs each workload for `--secs`, checks the history afterwards (every acknowledged save is
//! exactly one revision, nothing lost or extra), and prints a table.
//!
//! `cargo build --release -p server -p concord-tests --features concord-tests/bench && target/release/save-load
//!   [--server target/release/concord] [--url http://127.0.0.1:PORT] [--pg-url postgres://…]
//!   [--secs 5] [--only own,race,lines,reads,sizes,ceiling]`
//!
//! The client is kept light (bodies built once, revisions read from `ETag`, JSON parsed only
//! where a real client must) and its CPU time is printed beside the server's, so a reader
//! can see which of the two was the limit.

#[path = "support.rs"]
#[allow(dead_code)] // shared with the other benchmarks, which use other parts of it
mod support;

use std::{
    sync::{
        atomic::{AtomicBool, AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use clap::Parser;
use reqwest::{header, Client, StatusCode};
use serde_json::{json, Value};
use sqlx::Connection;

use support::{client_cpu, free_port, percentile, Server};

/// Saves and reads under load beside the storage's own ceiling.
#[derive(Parser)]
#[command(name = "save-load")]
struct Options {
    /// The `concord` binary to start (unless --url is given).
    #[arg(long, default_value = "target/release/concord")]
    server: String,
    /// A running server to load instead of starting one.
    #[arg(long, value_name = "http://127.0.0.1:PORT", value_parser = trimmed_url)]
    url: Option<String>,
    /// Run on a fresh database on this PostgreSQL server instead of SQLite.
    #[arg(long, value_name = "postgres://…")]
    pg_url: Option<String>,
    /// Seconds each workload runs.
    #[arg(long, default_value_t = 5)]
    secs: u64,
    /// Only these workloads (all when left out).
    #[arg(long, value_delimiter = ',', value_parser = ["own", "race", "lines", "reads", "sizes", "ceiling"])]
    only: Vec<String>,
}

fn trimmed_url(url: &str) -> Result<String, String> {
    Ok(url.trim_end_matches('/').to_owned())
}

impl Options {
    fn runs(&self, workload: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|o| o == workload)
    }
}

/// The server under load: one we started (whose memory and CPU we can read) or a URL.
struct Target {
    base: String,
    server: Option<Server>,
    client: Client,
    peak_rss_kib: Arc<AtomicU64>,
    sampling: Arc<AtomicBool>,
}

impl Target {
    async fn start(options: &Options, database_url: Option<&str>) -> Target {
        let server = match (&options.url, database_url) {
            (Some(_), _) => None,
            (None, Some(database)) => Some(Server::start(&options.server, database).await),
            (None, None) => unreachable!("a URL or a database"),
        };
        let base = options
            .url
            .clone()
            .unwrap_or_else(|| server.as_ref().unwrap().base.clone());
        let client = Client::builder()
            .cookie_store(true)
            .pool_max_idle_per_host(64)
            .build()
            .unwrap();
        let name = format!("load-{}-{}", std::process::id(), free_port());
        let response = client
            .post(format!("{base}/api/auth/signup"))
            .json(&json!({"name": name, "password": "benchmark password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "sign up");
        let target = Target {
            base,
            server,
            client,
            peak_rss_kib: Arc::new(AtomicU64::new(0)),
            sampling: Arc::new(AtomicBool::new(true)),
        };
        if let Some(pid) = target.server.as_ref().map(Server::pid) {
            let (peak, sampling) = (target.peak_rss_kib.clone(), target.sampling.clone());
            std::thread::spawn(move || {
                while sampling.load(Ordering::Relaxed) {
                    peak.fetch_max(rss_kib(pid), Ordering::Relaxed);
                    std::thread::sleep(Duration::from_millis(50));
                }
            });
        }
        target
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates a document; its id and slug (a save must name the slug).
    async fn create(&self, slug: &str, body: &str) -> (String, String) {
        let response = self
            .client
            .post(self.url("/api/docs"))
            .json(&json!({"title": "Load", "slug": slug, "body": body}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "create {slug}");
        let doc: Value = response.json().await.unwrap();
        (doc["id"].as_str().unwrap().to_owned(), slug.to_owned())
    }

    /// The server's CPU time so far (user + system), if we started it.
    fn server_cpu(&self) -> Option<Duration> {
        self.server.as_ref().map(Server::cpu)
    }

    /// Every acknowledged save is exactly one revision: 1..=rev, nothing missing or extra.
    async fn check_history(&self, id: &str, acknowledged: usize) -> i64 {
        let doc: Value = self.get_json(&format!("/api/docs/{id}")).await;
        let rev = doc["rev"].as_i64().unwrap();
        let list: Value = self.get_json(&format!("/api/docs/{id}/revisions")).await;
        let mut revs: Vec<i64> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rev"].as_i64().unwrap())
            .collect();
        revs.sort();
        assert_eq!(
            revs,
            (1..=rev).collect::<Vec<_>>(),
            "history of {id} is 1..={rev}"
        );
        assert_eq!(
            rev,
            1 + acknowledged as i64,
            "every acknowledged save of {id} is one revision"
        );
        rev
    }

    async fn get_json(&self, path: &str) -> Value {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        self.sampling.store(false, Ordering::Relaxed);
    }
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn put_body(slug: &str, body: &str) -> String {
    json!({"title": "Load", "slug": slug, "tags": [], "body": body}).to_string()
}

fn etag_rev(response: &reqwest::Response) -> i64 {
    response.headers()[header::ETAG]
        .to_str()
        .unwrap()
        .trim_matches('"')
        .parse()
        .unwrap()
}

/// One table row: a workload's answers, latencies and the CPU each side spent.
struct Row {
    label: String,
    per_sec: f64,
    unit: &'static str,
    latencies: Vec<(&'static str, Vec<Duration>)>,
    server_cpu: Option<Duration>,
    client_cpu: Duration,
    note: String,
}

fn print_row(row: &Row) {
    let mut cells = Vec::new();
    for (name, latencies) in &row.latencies {
        if latencies.is_empty() {
            continue;
        }
        cells.push(format!(
            "{name} {} / {} / {} ms",
            f2(percentile(latencies, 0.5)),
            f2(percentile(latencies, 0.99)),
            f2(percentile(latencies, 0.999))
        ));
    }
    let cpu = match row.server_cpu {
        Some(server) => format!(
            "{:.1} s / {:.1} s",
            server.as_secs_f64(),
            row.client_cpu.as_secs_f64()
        ),
        None => format!("? / {:.1} s", row.client_cpu.as_secs_f64()),
    };
    println!(
        "| {} | {:.0} {} | {} | {} | {} |",
        row.label,
        row.per_sec,
        row.unit,
        cells.join("; "),
        cpu,
        row.note
    );
}

fn f2(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

fn sorted(mut v: Vec<Duration>) -> Vec<Duration> {
    v.sort();
    v
}

/// Measures CPU on both sides around one workload.
struct Clock {
    started: Instant,
    server: Option<Duration>,
    client: Duration,
}

impl Clock {
    fn start(target: &Target) -> Clock {
        Clock {
            started: Instant::now(),
            server: target.server_cpu(),
            client: client_cpu(),
        }
    }

    fn stop(&self, target: &Target) -> (Duration, Option<Duration>, Duration) {
        let server = target
            .server_cpu()
            .zip(self.server)
            .map(|(now, then)| now - then);
        (self.started.elapsed(), server, client_cpu() - self.client)
    }
}

/// (a) `clients` connections, each chaining `If-Match` saves of its own document.
async fn own_documents(target: &Target, clients: usize, secs: u64, body_bytes: usize) -> Row {
    let filler = "x".repeat(body_bytes.saturating_sub(16));
    let mut docs = Vec::new();
    for c in 0..clients {
        let slug = format!("own-{clients}-{body_bytes}-{c}-{}", free_port());
        docs.push(target.create(&slug, "0").await);
    }
    // Bodies built before the clock starts: the client does as little as it can.
    let variants = if body_bytes > 64 * 1024 { 2 } else { 16 };
    let bodies: Vec<Vec<String>> = docs
        .iter()
        .map(|(_, slug)| {
            (0..variants)
                .map(|n| put_body(slug, &format!("{n}\n{filler}")))
                .collect()
        })
        .collect();
    let clock = Clock::start(target);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for ((id, _), bodies) in docs.iter().zip(bodies) {
        let (client, url) = (
            target.client.clone(),
            target.url(&format!("/api/docs/{id}")),
        );
        tasks.push(tokio::spawn(async move {
            let (mut rev, mut latencies) = (1_i64, Vec::new());
            while Instant::now() < deadline {
                let sent = Instant::now();
                let response = client
                    .put(&url)
                    .header(header::IF_MATCH, format!("\"{rev}\""))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(bodies[rev as usize % bodies.len()].clone())
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), StatusCode::OK);
                rev = etag_rev(&response);
                response.bytes().await.unwrap();
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    let mut per_doc = Vec::new();
    for task in tasks {
        let latencies = task.await.unwrap();
        per_doc.push(latencies.len());
        all.extend(latencies);
    }
    let (elapsed, server_cpu, client_cpu) = clock.stop(target);
    for ((id, _), saved) in docs.iter().zip(&per_doc) {
        target.check_history(id, *saved).await;
    }
    let size = match body_bytes {
        0..=64 => "tiny".to_owned(),
        b if b < 1024 * 1024 => format!("{} KiB", b / 1024),
        b => format!("{} MiB", b / (1024 * 1024)),
    };
    Row {
        label: format!("(a) {clients} connection(s), own documents, {size} bodies"),
        per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        unit: "saves/s",
        latencies: vec![("200", sorted(all))],
        server_cpu,
        client_cpu,
        note: "history ✓".into(),
    }
}

/// (b) `clients` read-modify-write one document: read, save on what was read; a 412 means
/// somebody else won.
async fn race(target: &Target, clients: usize, secs: u64) -> Row {
    let (id, slug) = target
        .create(&format!("race-{clients}-{}", free_port()), "0")
        .await;
    let url = target.url(&format!("/api/docs/{id}"));
    let clock = Clock::start(target);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, url, slug) = (target.client.clone(), url.clone(), slug.clone());
        tasks.push(tokio::spawn(async move {
            let (mut saved, mut refused) = (Vec::new(), Vec::new());
            let mut n = 0;
            while Instant::now() < deadline {
                let read = client.get(&url).send().await.unwrap();
                let rev = etag_rev(&read);
                read.bytes().await.unwrap();
                n += 1;
                // Unique text: saving what is already stored would record nothing.
                let body = put_body(&slug, &format!("client {c} edit {n}"));
                let sent = Instant::now();
                let response = client
                    .put(&url)
                    .header(header::IF_MATCH, format!("\"{rev}\""))
                    .header(header::CONTENT_TYPE, "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = response.status();
                response.bytes().await.unwrap();
                match status {
                    StatusCode::OK => saved.push(sent.elapsed()),
                    StatusCode::PRECONDITION_FAILED => refused.push(sent.elapsed()),
                    other => panic!("unexpected {other}"),
                }
            }
            (saved, refused)
        }));
    }
    let (mut saved, mut refused) = (Vec::new(), Vec::new());
    for task in tasks {
        let (s, r) = task.await.unwrap();
        saved.extend(s);
        refused.extend(r);
    }
    let (elapsed, server_cpu, client_cpu) = clock.stop(target);
    let rev = target.check_history(&id, saved.len()).await;
    let every = sorted(saved.iter().chain(&refused).copied().collect());
    Row {
        label: format!("(b) {clients} clients racing one document"),
        per_sec: (saved.len() + refused.len()) as f64 / elapsed.as_secs_f64(),
        unit: "answers/s",
        note: format!(
            "{} saved, {} refused; history ✓ (rev {rev})",
            saved.len(),
            refused.len()
        ),
        latencies: vec![
            ("all", every),
            ("200", sorted(saved)),
            ("412", sorted(refused)),
        ],
        server_cpu,
        client_cpu,
    }
}

/// (c) `clients` people each editing their own line of one document, each saving on the
/// revision it last saw. With `merge`, `Prefer: merge=auto`; without, a 412 is answered as
/// the editor does: take `current` from the problem, re-apply my line, send again.
async fn distinct_lines(target: &Target, clients: usize, secs: u64, merge: bool) -> Row {
    let line = |c: usize, n: usize| format!("line {c}: edit {n}");
    let start: String = (0..clients).map(|c| format!("{}\n", line(c, 0))).collect();
    let (id, slug) = target
        .create(&format!("lines-{clients}-{merge}-{}", free_port()), &start)
        .await;
    let url = target.url(&format!("/api/docs/{id}"));
    let clock = Clock::start(target);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (client, url, start, slug) = (
            target.client.clone(),
            url.clone(),
            start.clone(),
            slug.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let (mut rev, mut seen) = (1_i64, start);
            let (mut acknowledged, mut requests, mut first_try, mut n) = (Vec::new(), 0, 0, 0);
            while Instant::now() < deadline {
                n += 1;
                let began = Instant::now();
                let mut attempts = 0;
                loop {
                    attempts += 1;
                    requests += 1;
                    let body: String = seen
                        .lines()
                        .enumerate()
                        .map(|(i, l)| {
                            if i == c {
                                format!("{}\n", line(c, n))
                            } else {
                                format!("{l}\n")
                            }
                        })
                        .collect();
                    let mut request = client
                        .put(&url)
                        .header(header::IF_MATCH, format!("\"{rev}\""))
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(put_body(&slug, &body));
                    if merge {
                        request = request.header("prefer", "merge=auto");
                    }
                    let response = request.send().await.unwrap();
                    let status = response.status();
                    let answer: Value = response.json().await.unwrap();
                    match status {
                        StatusCode::OK => {
                            rev = answer["rev"].as_i64().unwrap();
                            seen = answer["body"].as_str().unwrap().to_owned();
                            break;
                        }
                        StatusCode::PRECONDITION_FAILED => {
                            rev = answer["current"]["rev"].as_i64().unwrap();
                            seen = answer["current"]["body"].as_str().unwrap().to_owned();
                        }
                        other => panic!("unexpected {other}: {answer}"),
                    }
                }
                if attempts == 1 {
                    first_try += 1;
                }
                acknowledged.push(began.elapsed());
            }
            (acknowledged, requests, first_try, n)
        }));
    }
    let (mut acknowledged, mut requests, mut first_try) = (Vec::new(), 0, 0);
    let mut last_edit = Vec::new();
    for task in tasks {
        let (a, r, f, n) = task.await.unwrap();
        acknowledged.extend(a);
        requests += r;
        first_try += f;
        last_edit.push(n);
    }
    let (elapsed, server_cpu, client_cpu) = clock.stop(target);
    let rev = target.check_history(&id, acknowledged.len()).await;
    // Nothing lost: every line holds its writer's last acknowledged edit.
    let doc: Value = target.get_json(&format!("/api/docs/{id}")).await;
    let expected: String = last_edit
        .iter()
        .enumerate()
        .map(|(c, n)| format!("{}\n", line(c, *n)))
        .collect();
    assert_eq!(
        doc["body"].as_str().unwrap(),
        expected,
        "every writer's last edit is there"
    );
    let saves = acknowledged.len();
    Row {
        label: format!(
            "(c) {clients} clients, one line each, {}",
            if merge { "Prefer: merge=auto" } else { "412 then resend (no merge)" }
        ),
        per_sec: saves as f64 / elapsed.as_secs_f64(),
        unit: "saves/s",
        note: format!(
            "{:.1} % in one request, {:.2} requests per save, {:.0} answers/s; lines ✓ history ✓ (rev {rev})",
            100.0 * first_try as f64 / saves as f64,
            requests as f64 / saves as f64,
            requests as f64 / elapsed.as_secs_f64()
        ),
        latencies: vec![("ack", sorted(acknowledged))],
        server_cpu,
        client_cpu,
    }
}

/// (d) `clients` reading one document, with `If-None-Match` (304s) or without.
/// What a read workload asks for.
#[derive(Clone, Copy, PartialEq)]
enum Read {
    /// `If-None-Match` with the current tag: 304.
    Conditional,
    /// The whole 1 KiB document: 200.
    Full,
    /// `/healthz`, which touches neither session nor database: what HTTP alone costs
    /// this server and this client on this machine, the floor under every read.
    Floor,
}

async fn reads(target: &Target, clients: usize, secs: u64, kind: Read) -> Row {
    let body = "word ".repeat(200);
    let (id, _) = target
        .create(&format!("reads-{clients}-{}", free_port()), &body)
        .await;
    let rev = 1;
    let url = match kind {
        Read::Floor => target.url("/healthz"),
        _ => target.url(&format!("/api/docs/{id}")),
    };
    let expected = match kind {
        Read::Conditional => StatusCode::NOT_MODIFIED,
        _ => StatusCode::OK,
    };
    let clock = Clock::start(target);
    let deadline = Instant::now() + Duration::from_secs(secs);
    let mut tasks = Vec::new();
    for _ in 0..clients {
        let (client, url) = (target.client.clone(), url.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let sent = Instant::now();
                let mut request = client.get(&url);
                if kind == Read::Conditional {
                    request = request.header(header::IF_NONE_MATCH, format!("\"{rev}\""));
                }
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), expected);
                response.bytes().await.unwrap();
                latencies.push(sent.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let (elapsed, server_cpu, client_cpu) = clock.stop(target);
    let (what, status) = match kind {
        Read::Conditional => ("If-None-Match (304)", "304"),
        Read::Full => ("full 1 KiB document (200)", "200"),
        Read::Floor => ("the floor: `/healthz`, no session, no database", "200"),
    };
    Row {
        label: format!("(d) {clients} clients reading, {what}"),
        per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        unit: "reads/s",
        latencies: vec![(status, sorted(all))],
        server_cpu,
        client_cpu,
        note: String::new(),
    }
}

/// The ceiling's tables: SQLite reads `BIGINT` as an integer too.
const CEILING_TABLES: [&str; 2] = [
    "CREATE TABLE documents (id TEXT PRIMARY KEY, body TEXT NOT NULL, rev BIGINT NOT NULL, updated_at TEXT NOT NULL)",
    "CREATE TABLE revisions (doc_id TEXT NOT NULL REFERENCES documents (id), rev BIGINT NOT NULL, body TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (doc_id, rev))",
];

/// The ceiling's work, the same on either database (sqlx's types differ, so a macro):
/// `$open` is a cloneable closure opening one connection; `$writers` connections each
/// chain compare-and-set transactions (update with `rev` check + revision insert) on a
/// document of their own for `$secs`. Gives (commit latencies, elapsed, this process's CPU).
macro_rules! measure_ceiling {
    ($open:expr, $writers:expr, $secs:expr) => {{
        let open = $open;
        let mut setup = open().await.unwrap();
        for statement in CEILING_TABLES {
            sqlx::query(statement).execute(&mut setup).await.unwrap();
        }
        for w in 0..$writers {
            sqlx::query("INSERT INTO documents VALUES ($1, '0', 1, '')")
                .bind(format!("doc-{w}"))
                .execute(&mut setup)
                .await
                .unwrap();
        }
        let started = Instant::now();
        let cpu = client_cpu();
        let deadline = started + Duration::from_secs($secs);
        let mut tasks = Vec::new();
        for w in 0..$writers {
            let open = open.clone();
            tasks.push(tokio::spawn(async move {
                let mut db = open().await.unwrap();
                let (id, mut rev, mut latencies) = (format!("doc-{w}"), 1_i64, Vec::new());
                while Instant::now() < deadline {
                    let sent = Instant::now();
                    let body = format!("save {rev}");
                    let mut tx = db.begin().await.unwrap();
                    let updated = sqlx::query(
                        "UPDATE documents SET body = $1, rev = rev + 1, updated_at = $2 WHERE id = $3 AND rev = $4",
                    )
                    .bind(&body)
                    .bind("2026-11-26T00:00:00Z")
                    .bind(&id)
                    .bind(rev)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                    assert_eq!(updated.rows_affected(), 1);
                    sqlx::query("INSERT INTO revisions VALUES ($1, $2, $3, $4)")
                        .bind(&id)
                        .bind(rev + 1)
                        .bind(&body)
                        .bind("2026-11-26T00:00:00Z")
                        .execute(&mut *tx)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                    rev += 1;
                    latencies.push(sent.elapsed());
                }
                latencies
            }));
        }
        let mut all = Vec::new();
        for task in tasks {
            all.extend(task.await.unwrap());
        }
        (all, started.elapsed(), client_cpu() - cpu)
    }};
}

fn ceiling_row(label: String, all: Vec<Duration>, elapsed: Duration, cpu: Duration) -> Row {
    Row {
        label,
        per_sec: all.len() as f64 / elapsed.as_secs_f64(),
        unit: "tx/s",
        latencies: vec![("commit", sorted(all))],
        server_cpu: None,
        client_cpu: cpu,
        note: "same compare-and-set + revision insert".into(),
    }
}

/// The storage ceiling on the server's SQLite settings (WAL, synchronous=FULL).
async fn sqlite_ceiling(writers: usize, secs: u64) -> Row {
    use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
    let dir =
        std::env::temp_dir().join(format!("concord-ceiling-{}-{writers}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let connect = SqliteConnectOptions::new()
        .filename(dir.join("ceiling.db"))
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Full)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(10));
    let open = move || {
        let connect = connect.clone();
        async move { sqlx::SqliteConnection::connect_with(&connect).await }
    };
    let (all, elapsed, cpu) = measure_ceiling!(open, writers, secs);
    let _ = std::fs::remove_dir_all(&dir);
    let label =
        format!("ceiling: {writers} in-process sqlx writer(s), SQLite WAL synchronous=FULL");
    ceiling_row(label, all, elapsed, cpu)
}

/// The same ceiling on PostgreSQL, in a database of its own on the given server.
async fn postgres_ceiling(pg_url: &str, writers: usize, secs: u64) -> Row {
    let name = format!("ceiling_{}_{writers}", std::process::id());
    let mut admin = sqlx::PgConnection::connect(pg_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = format!("{}/{name}", pg_url.rsplit_once('/').unwrap().0);
    let open = move || {
        let url = url.clone();
        async move { sqlx::PgConnection::connect(&url).await }
    };
    let (all, elapsed, cpu) = measure_ceiling!(open, writers, secs);
    let label = format!("ceiling: {writers} in-process sqlx writer(s), PostgreSQL");
    ceiling_row(label, all, elapsed, cpu)
}

async fn run(options: &Options, backend: &str, database: Option<String>) {
    let target = Target::start(options, database.as_deref()).await;
    let secs = options.secs;
    println!();
    println!("### {backend} — {} s per workload", secs);
    println!();
    println!("| workload | rate | latency p50 / p99 / p999 | CPU server / client | checked |");
    println!("|---|---:|---|---|---|");
    let mut rows = Vec::new();
    let show = |row: Row, rows: &mut Vec<(String, f64)>| {
        print_row(&row);
        rows.push((row.label.clone(), row.per_sec));
    };
    if options.runs("own") {
        for clients in [1, 8] {
            show(own_documents(&target, clients, secs, 16).await, &mut rows);
        }
    }
    if options.runs("race") {
        for clients in [8, 32] {
            show(race(&target, clients, secs).await, &mut rows);
        }
    }
    if options.runs("lines") {
        for merge in [false, true] {
            show(distinct_lines(&target, 8, secs, merge).await, &mut rows);
        }
    }
    if options.runs("reads") {
        for clients in [8, 32] {
            for kind in [Read::Conditional, Read::Full, Read::Floor] {
                show(reads(&target, clients, secs, kind).await, &mut rows);
            }
        }
    }
    if options.runs("sizes") {
        for bytes in [1024, 100 * 1024, 1024 * 1024] {
            show(own_documents(&target, 1, secs, bytes).await, &mut rows);
        }
    }
    if options.runs("ceiling") && options.url.is_none() {
        let ceilings = if backend == "SQLite" {
            vec![sqlite_ceiling(1, secs).await, sqlite_ceiling(8, secs).await]
        } else {
            let pg = options.pg_url.as_deref().unwrap();
            vec![
                postgres_ceiling(pg, 1, secs).await,
                postgres_ceiling(pg, 8, secs).await,
            ]
        };
        for (writers, ceiling) in [1, 8].into_iter().zip(ceilings) {
            print_row(&ceiling);
            let concord = rows.iter().find(|(label, _)| {
                label.starts_with(&format!("(a) {writers} connection(s), own documents, tiny"))
            });
            if let Some((_, rate)) = concord {
                println!(
                    "| Concord ÷ ceiling, {writers} writer(s) | {:.2} | | | |",
                    rate / ceiling.per_sec
                );
            }
        }
    }
    if target.server.is_some() {
        println!(
            "| server memory | peak RSS {} MiB | | | |",
            target.peak_rss_kib.load(Ordering::Relaxed) / 1024
        );
    }
}

#[tokio::main]
async fn main() {
    let options = Options::parse();
    support::raise_open_file_limit();
    if options.url.is_some() {
        run(&options, "given server", None).await;
        return;
    }
    let dir = std::env::temp_dir().join(format!("concord-save-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    run(
        &options,
        "SQLite",
        Some(format!("sqlite://{}/db.sqlite", dir.display())),
    )
    .await;
    let _ = std::fs::remove_dir_all(&dir);
    if let Some(pg_url) = &options.pg_url {
        let name = format!("save_load_{}", std::process::id());
        let mut admin = sqlx::PgConnection::connect(pg_url).await.unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .unwrap();
        let database = format!("{}/{name}", pg_url.rsplit_once('/').unwrap().0);
        run(&options, "PostgreSQL", Some(database)).await;
    }
}
