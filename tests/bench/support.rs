//! What the benchmarks share: starting `concord serve` on loopback, signing up, reading a
//! process's memory, percentiles.

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::{json, Value};

/// A thousand sockets need more than the usual 1024 open files, here and in the server.
pub fn raise_open_file_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: plain libc calls on a valid, owned struct.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max.min(65536);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// A fresh database named `bench_<pid>_<name>` on the PostgreSQL server of `pg_url`.
#[allow(dead_code)] // each benchmark binary includes this file
pub fn fresh_pg_database(pg_url: &str, name: &str) -> String {
    let database = format!("bench_{}_{name}", std::process::id());
    let created = std::process::Command::new("psql")
        .args([pg_url, "-qc"])
        .arg(format!("CREATE DATABASE {database}"))
        .status()
        .expect("psql runs");
    assert!(created.success(), "create database {database}");
    let (server, _) = pg_url.rsplit_once('/').expect("a URL with a path");
    format!("{server}/{database}")
}

/// A `postgres://` URL, for a command-line flag.
#[allow(dead_code)] // each benchmark binary includes this file
pub fn postgres_url(url: &str) -> Result<String, String> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(url.to_owned())
    } else {
        Err("expected a postgres:// URL".into())
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A running `concord serve`, killed when dropped.
pub struct Server {
    pub base: String,
    pub port: u16,
    child: Child,
}

impl Server {
    /// Starts the binary on a free loopback port and waits until it is ready.
    pub async fn start(binary: &str, database_url: &str) -> Server {
        let port = free_port();
        let child = Command::new(binary)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--database-url", database_url])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        let server = Server {
            base: format!("http://127.0.0.1:{port}"),
            port,
            child,
        };
        let client = reqwest::Client::new();
        let started = Instant::now();
        while client
            .get(format!("{}/readyz", server.base))
            .send()
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(
                started.elapsed() < Duration::from_secs(30),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        server
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    #[allow(dead_code)] // each benchmark binary includes this file
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The server's resident memory (`VmRSS`), in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }
}

impl Server {
    /// The server's CPU time so far (user + system).
    #[allow(dead_code)] // each benchmark binary includes this file
    pub fn cpu(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        let ticks: u64 = stat
            .rsplit_once(") ")
            .map(|(_, rest)| {
                rest.split(' ')
                    .skip(11)
                    .take(2)
                    .filter_map(|t| t.parse::<u64>().ok())
                    .sum()
            })
            .unwrap_or(0);
        // SAFETY: sysconf has no preconditions.
        let per_sec = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as f64;
        Duration::from_secs_f64(ticks as f64 / per_sec)
    }

    /// A counter or gauge of the server's `/metrics` (0 when absent).
    #[allow(dead_code)] // each benchmark binary includes this file
    pub async fn metric(&self, name: &str) -> f64 {
        let text = reqwest::get(self.url("/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|line| {
                line.strip_prefix(name)?
                    .strip_prefix(' ')?
                    .trim()
                    .parse()
                    .ok()
            })
            .unwrap_or(0.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Signs up a user on `server`; returns a client holding the session and the cookie.
pub async fn sign_up(server: &Server, name: &str) -> (reqwest::Client, String) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(server.url("/api/auth/signup"))
        .json(&json!({"name": name, "password": "benchmark password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "sign up {name}");
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    (client, cookie)
}

pub async fn create_doc(client: &reqwest::Client, server: &Server, slug: &str) -> Value {
    let response = client
        .post(server.url("/api/docs"))
        .json(&json!({"title": "Load", "slug": slug, "body": "0"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "create {slug}");
    response.json().await.unwrap()
}

/// This process's CPU time so far.
#[allow(dead_code)] // each benchmark binary includes this file
pub fn client_cpu() -> Duration {
    // SAFETY: getrusage fills the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[allow(dead_code)] // each benchmark binary includes this file; not every one prints milliseconds
pub fn ms(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// Where a watching socket reports: once when it first hears presence (its watch is in
/// place), then (revision, when) for every `updated` it receives, and, if asked, the total
/// of every presence it hears (socket, viewers counted).
pub struct Reports {
    pub ready: tokio::sync::mpsc::UnboundedSender<()>,
    pub deliveries: tokio::sync::mpsc::UnboundedSender<(i64, Instant)>,
    pub presence: Option<tokio::sync::mpsc::UnboundedSender<(usize, u64)>>,
}

/// Opens a live socket on `port` with the session `cookie`, watches `doc_id`, and reports
/// what it hears until the socket closes or the returned task is aborted (which closes it).
pub async fn watch(
    port: u16,
    cookie: &str,
    doc_id: &str,
    tab: usize,
    reports: Reports,
) -> tokio::task::JoinHandle<()> {
    use futures::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};
    let mut request = format!("ws://127.0.0.1:{port}/api/live")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", HeaderValue::from_str(cookie).unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect");
    let hello = json!({"type": "hello", "tab_id": format!("tab-{tab}")}).to_string();
    let watch = json!({"type": "watch", "doc_id": doc_id}).to_string();
    socket.send(Message::Text(hello.into())).await.unwrap();
    socket.send(Message::Text(watch.into())).await.unwrap();
    tokio::spawn(async move {
        let mut announced = false;
        while let Some(Ok(frame)) = socket.next().await {
            let Message::Text(text) = frame else { continue };
            // Only what is read, without building the whole message: with ten thousand
            // sockets in this one process, its parsing is a share of what is measured.
            let message: Heard = serde_json::from_str(&text).unwrap();
            match Some(message.kind) {
                Some("presence") => {
                    if !announced {
                        announced = true;
                        let _ = reports.ready.send(());
                    }
                    if let Some(presence) = &reports.presence {
                        let _ = presence.send((tab, message.total.unwrap_or_default()));
                    }
                }
                Some("updated") => {
                    let rev = message.rev.unwrap();
                    let _ = reports.deliveries.send((rev, Instant::now()));
                }
                _ => {}
            }
        }
    })
}

/// What a watching socket reads of a message.
#[derive(serde::Deserialize)]
struct Heard<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    rev: Option<i64>,
    total: Option<u64>,
}
