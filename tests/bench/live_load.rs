//! Live-channel load benchmark, loopback only: starts `concord serve` on a fresh SQLite
//! file, opens N WebSockets watching one document, saves it K times, and reports
//! commit-to-delivery latency (all deliveries and the last socket per save) and the
//! server's resident memory.
//!
//! `cargo run --release -p concord-tests --bin live-load -- [--sockets 1000] [--saves 30] [--server target/release/concord]`

use std::{
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

struct Options {
    sockets: usize,
    saves: usize,
    server: String,
}

fn options() -> Options {
    let mut options = Options {
        sockets: 1000,
        saves: 30,
        server: "target/release/concord".into(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--sockets" => options.sockets = value.parse().expect("--sockets N"),
            "--saves" => options.saves = value.parse().expect("--saves N"),
            "--server" => options.server = value,
            other => panic!("unknown flag {other}"),
        }
    }
    options
}

/// A thousand sockets need more than the usual 1024 open files, here and in the server.
fn raise_open_file_limit() {
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

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn rss_kib(server: &Child) -> u64 {
    let status =
        std::fs::read_to_string(format!("/proc/{}/status", server.id())).unwrap_or_default();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

#[tokio::main]
async fn main() {
    let options = options();
    raise_open_file_limit();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let dir = std::env::temp_dir().join(format!("concord-live-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut server = Command::new(&options.server)
        .args([
            "serve",
            "--addr",
            &format!("127.0.0.1:{port}"),
            "--database-url",
        ])
        .arg(format!("sqlite://{}/db.sqlite", dir.display()))
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", options.server));
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let started = Instant::now();
    while client.get(format!("{base}/readyz")).send().await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let rss_idle = rss_kib(&server);

    let signup = client
        .post(format!("{base}/api/auth/signup"))
        .json(&json!({"name": "bench", "password": "benchmark password"}))
        .send()
        .await
        .unwrap();
    let cookie = signup.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let doc: Value = client
        .post(format!("{base}/api/docs"))
        .json(&json!({"title": "Load", "slug": "load", "body": "0"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = doc["id"].as_str().unwrap().to_owned();

    // Every socket reports (its index, the revision it was told about, when).
    let (deliveries, mut delivered) = mpsc::unbounded_channel::<(usize, i64, Instant)>();
    let (ready, mut readied) = mpsc::unbounded_channel::<()>();
    let connect_started = Instant::now();
    for index in 0..options.sockets {
        let mut request = format!("ws://127.0.0.1:{port}/api/live")
            .into_client_request()
            .unwrap();
        request
            .headers_mut()
            .insert("cookie", HeaderValue::from_str(&cookie).unwrap());
        let (mut socket, _) = tokio_tungstenite::connect_async(request)
            .await
            .expect("connect");
        let hello = json!({"type": "hello", "tab_id": format!("tab-{index}")}).to_string();
        let watch = json!({"type": "watch", "doc_id": id}).to_string();
        socket.send(Message::Text(hello.into())).await.unwrap();
        socket.send(Message::Text(watch.into())).await.unwrap();
        let (deliveries, ready) = (deliveries.clone(), ready.clone());
        tokio::spawn(async move {
            let mut announced = false;
            while let Some(Ok(frame)) = socket.next().await {
                let Message::Text(text) = frame else { continue };
                let message: Value = serde_json::from_str(&text).unwrap();
                match message["type"].as_str() {
                    Some("presence") if !announced => {
                        announced = true;
                        let _ = ready.send(());
                    }
                    Some("updated") => {
                        let _ = deliveries.send((
                            index,
                            message["rev"].as_i64().unwrap(),
                            Instant::now(),
                        ));
                    }
                    _ => {}
                }
            }
        });
    }
    for _ in 0..options.sockets {
        tokio::time::timeout(Duration::from_secs(60), readied.recv())
            .await
            .expect("every socket joins")
            .unwrap();
    }
    let connect_time = connect_started.elapsed();
    let rss_connected = rss_kib(&server);

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
            let (_, delivered_rev, at) =
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
    let rss_after = rss_kib(&server);
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
    let _ = server.kill();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&dir);
}
