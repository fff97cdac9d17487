//! Acknowledged work survives `kill -9`: a real `concord` process is killed (SIGKILL)
//! under load several times and restarted on the same database. Every create and save it
//! acknowledged is still there afterwards, and a request whose answer was lost, retried
//! with its idempotency key, gets its original answer. `CONCORD_KILLS` and
//! `CONCORD_KILL_CLIENTS` make it longer (scripts/reliability).

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio::sync::Mutex;

use crate::helpers::TestDatabase;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The `concord` binary `scripts/build` made, beside this test's own directory.
pub(crate) fn concord() -> PathBuf {
    let binary = std::env::var_os("CONCORD_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            exe.parent().unwrap().parent().unwrap().join("concord")
        });
    assert!(
        binary.exists(),
        "{} is missing: build it first (scripts/build, or cargo build -p server)",
        binary.display()
    );
    binary
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Signs Ann up on a `concord` process at `base`; her session cookie.
pub(crate) async fn sign_up_ann(base: &str) -> String {
    let signup = Client::new()
        .post(format!("{base}/api/auth/signup"))
        .json(&json!({"name": "Ann", "password": "a good password"}))
        .send()
        .await
        .unwrap();
    signup.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

pub(crate) struct Server {
    pub(crate) child: Child,
}

impl Server {
    pub(crate) async fn start(binary: &PathBuf, port: u16, database_url: &str) -> Server {
        let child = Command::new(binary)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .args(["--database-url", database_url])
            .env("RUST_LOG", "error")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let ready = format!("http://127.0.0.1:{port}/readyz");
        let started = Instant::now();
        while reqwest::get(&ready)
            .await
            .map_or(true, |r| !r.status().is_success())
        {
            assert!(started.elapsed() < Duration::from_secs(30), "no restart");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        Server { child }
    }

    /// SIGKILL: no graceful anything.
    pub(crate) fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

/// What one client knows the server acknowledged.
#[derive(Default)]
struct Acknowledged {
    doc: Option<String>,
    /// (revision, body) of every acknowledged save, in order.
    saves: Vec<(i64, String)>,
}

/// Creates a document, then chains saves on it; a request that gets no answer (the server
/// was killed) is sent again, same key, until it is answered.
async fn client_loop(
    base: String,
    cookie: String,
    index: usize,
    stop: Arc<AtomicBool>,
    ack: Arc<Mutex<Acknowledged>>,
) {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.parse().unwrap());
    let client = Client::builder()
        .default_headers(headers)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    let mut n = 0;
    let mut rev = 1;
    loop {
        let doc = ack.lock().await.doc.clone();
        let (request, body) = match &doc {
            None => (
                client
                    .post(format!("{base}/api/docs"))
                    .header("idempotency-key", format!("k{index}-create"))
                    .json(&json!({"title": "Survivor", "slug": format!("survivor-{index}"), "body": ""})),
                String::new(),
            ),
            Some(id) => {
                let body = format!("client {index} save {n}");
                (
                    client
                        .put(format!("{base}/api/docs/{id}"))
                        .header("if-match", format!("\"{rev}\""))
                        .header("idempotency-key", format!("k{index}-{n}"))
                        .json(&json!({"title": "Survivor", "slug": format!("survivor-{index}"), "tags": [], "body": body})),
                    body,
                )
            }
        };
        // Sent again and again, same key, until the server answers.
        let answer = loop {
            match request.try_clone().unwrap().send().await {
                Ok(response) => break response,
                Err(_) => tokio::time::sleep(Duration::from_millis(25)).await,
            }
        };
        let status = answer.status();
        let Ok(answer) = answer.json::<Value>().await else {
            continue;
        };
        let mut known = ack.lock().await;
        match (&doc, status) {
            (None, StatusCode::CREATED) => {
                known.doc = Some(answer["id"].as_str().unwrap().to_owned())
            }
            (Some(_), StatusCode::OK) => {
                rev = answer["rev"].as_i64().unwrap();
                known.saves.push((rev, body));
                n += 1;
            }
            (_, other) => panic!("client {index}: unexpected {other}: {answer}"),
        }
        drop(known);
        if stop.load(Ordering::Relaxed) && doc.is_some() {
            return;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_creates_and_saves_survive_kill_9() {
    let (kills, clients) = (
        setting("CONCORD_KILLS", 3),
        setting("CONCORD_KILL_CLIENTS", 4),
    );
    let binary = concord();
    let (_database, database_url) = TestDatabase::create().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");

    let server = Server::start(&binary, port, &database_url).await;
    let cookie = sign_up_ann(&base).await;
    let stop = Arc::new(AtomicBool::new(false));
    let acks: Vec<Arc<Mutex<Acknowledged>>> = (0..clients).map(|_| Arc::default()).collect();
    let runs: Vec<_> = acks
        .iter()
        .enumerate()
        .map(|(index, ack)| {
            tokio::spawn(client_loop(
                base.clone(),
                cookie.clone(),
                index,
                stop.clone(),
                ack.clone(),
            ))
        })
        .collect();

    // Creates first: a create killed mid-flight holds its key for the one-minute
    // takeover, which this test does not wait for.
    while futures::future::join_all(acks.iter().map(|a| a.lock()))
        .await
        .iter()
        .any(|a| a.doc.is_none())
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut server = server;
    for kill in 0..kills {
        // Under load for a while, at a different moment each time.
        tokio::time::sleep(Duration::from_millis(150 + 70 * kill as u64)).await;
        server.kill();
        server = Server::start(&binary, port, &database_url).await;
    }
    tokio::time::sleep(Duration::from_millis(150)).await;
    stop.store(true, Ordering::Relaxed);
    for run in runs {
        run.await.unwrap();
    }

    // Everything acknowledged is there, and nothing else.
    let check = Client::new();
    let mut violations = Vec::new();
    let (mut creates, mut saves) = (0, 0);
    for (index, ack) in acks.iter().enumerate() {
        let ack = ack.lock().await;
        let Some(id) = &ack.doc else {
            violations.push(format!("client {index} never got its create acknowledged"));
            continue;
        };
        creates += 1;
        saves += ack.saves.len();
        let url = format!("{base}/api/docs/{id}");
        let current: Value = check
            .get(&url)
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let last = ack.saves.last().map_or(1, |(rev, _)| *rev);
        if current["rev"] != last {
            violations.push(format!(
                "client {index}: current rev {} but {last} acknowledged last",
                current["rev"]
            ));
        }
        for (rev, body) in &ack.saves {
            let revision: Value = check
                .get(format!("{url}/revisions/{rev}"))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            if revision["body"] != *body {
                violations.push(format!(
                    "client {index}: rev {rev} is {} not {body:?}",
                    revision["body"]
                ));
            }
        }
        let revs: Vec<i64> = ack.saves.iter().map(|(rev, _)| *rev).collect();
        if revs != (2..=last).collect::<Vec<_>>() {
            violations.push(format!("client {index}: acknowledged revisions {revs:?}"));
        }
    }
    server.kill();
    eprintln!(
        "kill -9 check: {kills} kills, {clients} clients: {creates} creates and {saves} saves acknowledged, {} violations",
        violations.len()
    );
    assert!(violations.is_empty(), "{violations:#?}");
    assert!(saves > kills, "the server must have been under load");
}
