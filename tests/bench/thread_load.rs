//! Comments at scale (issue 23), loopback only: a document of about 1 MiB with 1,000 open
//! threads spread over it. Times saves that move every anchor (a line put at the top of
//! the body) against the same saves of the same document without threads, and the read of
//! its threads the editor makes once it runs; then checks that every anchor still holds
//! its words.
//!
//! `cargo run --release -p concord-tests --features bench --bin thread-load -- [--threads 1000] [--saves 40] [--database-url URL] [--server target/release/concord]`

#[allow(dead_code)] // shared by every benchmark program; this one uses part of it
#[path = "support.rs"]
mod support;

use std::time::{Duration, Instant};

use clap::Parser;
use reqwest::{header, Client, StatusCode};
use serde_json::{json, Value};

use support::{ms, percentile, sign_up, Server};

/// Saves of a large document with many open threads, against the same without threads.
#[derive(Parser)]
#[command(name = "thread-load")]
struct Options {
    /// Open threads on the discussed document, spread evenly over its lines.
    #[arg(long, default_value_t = 1000)]
    threads: usize,
    /// Saves timed on each document.
    #[arg(long, default_value_t = 40)]
    saves: usize,
    /// The database (default: a fresh SQLite file).
    #[arg(long)]
    database_url: Option<String>,
    /// The `concord` binary to start.
    #[arg(long, default_value = "target/release/concord")]
    server: String,
}

/// Lines of prose up to just under the body limit, each naming its paragraph once.
fn body(top: &str) -> (String, usize) {
    let mut text = top.to_owned();
    let mut lines = 0;
    loop {
        let line = format!(
            "Line {lines}: the quick brown fox jumps over the lazy dog, paragraph {lines}.\n"
        );
        if text.len() + line.len() + 200 > 1024 * 1024 {
            return (text, lines);
        }
        text.push_str(&line);
        lines += 1;
    }
}

async fn create(client: &Client, server: &Server, title: &str, text: &str) -> String {
    let response = client
        .post(server.url("/api/docs"))
        .json(&json!({"title": title, "body": text}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "create {title}");
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// `saves` saves of document `id`, each with one more line at the top; their latencies.
async fn saves(
    client: &Client,
    server: &Server,
    id: &str,
    title: &str,
    saves: usize,
) -> Vec<Duration> {
    let url = server.url(&format!("/api/docs/{id}"));
    let mut latencies = Vec::new();
    for save in 0..saves {
        let top: String = (0..=save).map(|n| format!("New line {n}.\n")).collect();
        let request =
            json!({"title": title, "slug": title.to_lowercase(), "tags": [], "body": body(&top).0})
                .to_string();
        let sent = Instant::now();
        let response = client
            .put(&url)
            .header(header::IF_MATCH, format!("\"{}\"", save + 1))
            .header(header::CONTENT_TYPE, "application/json")
            .body(request)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "save {save} of {title}");
        response.bytes().await.unwrap();
        latencies.push(sent.elapsed());
    }
    latencies.sort();
    latencies
}

fn line(name: &str, sorted: &[Duration]) {
    println!(
        "{name}: p50 {}, p99 {}, max {} (n={})",
        ms(percentile(sorted, 0.5)),
        ms(percentile(sorted, 0.99)),
        ms(*sorted.last().unwrap()),
        sorted.len()
    );
}

#[tokio::main]
async fn main() {
    let options = Options::parse();
    let dir = std::env::temp_dir().join(format!("concord-thread-load-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let database = options
        .database_url
        .clone()
        .unwrap_or_else(|| format!("sqlite://{}/db.sqlite", dir.display()));
    let server = Server::start(&options.server, &database).await;
    let (client, _) = sign_up(&server, "bench").await;
    let (text, lines) = body("");
    println!(
        "a body of {} bytes, {lines} lines; {} threads",
        text.len(),
        options.threads
    );

    let plain = create(&client, &server, "Plain", &text).await;
    let discussed = create(&client, &server, "Discussed", &text).await;
    let started = Instant::now();
    for n in 0..options.threads {
        let paragraph = n * lines / options.threads.max(1);
        let response = client
            .post(server.url(&format!("/api/docs/{discussed}/threads")))
            .json(&json!({
                "rev": 1,
                "text": format!("Comment {n}"),
                "anchor": {"quote": format!("paragraph {paragraph}."), "occurrence": 0},
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "thread {n}");
    }
    println!(
        "{} threads started in {:.1} s",
        options.threads,
        started.elapsed().as_secs_f64()
    );

    let without = saves(&client, &server, &plain, "Plain", options.saves).await;
    let with = saves(&client, &server, &discussed, "Discussed", options.saves).await;
    line("save, no threads", &without);
    line(&format!("save moving {} anchors", options.threads), &with);
    let added = |p: f64| percentile(&with, p).saturating_sub(percentile(&without, p));
    println!(
        "added by the threads: p50 {}, p99 {}",
        ms(added(0.5)),
        ms(added(0.99))
    );

    let mut reads = Vec::new();
    let mut size = 0;
    for _ in 0..20 {
        let sent = Instant::now();
        let response = client
            .get(server.url(&format!("/api/docs/{discussed}/threads")))
            .header(header::ACCEPT_ENCODING, "br")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        size = response.bytes().await.unwrap().len();
        reads.push(sent.elapsed());
    }
    reads.sort();
    line(
        &format!("the editor's read of its threads ({size} bytes as sent)"),
        &reads,
    );

    // Every passage still holds its words, now further down.
    let threads: Value = client
        .get(server.url(&format!("/api/docs/{discussed}/threads")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let items = threads["items"].as_array().unwrap();
    assert_eq!(items.len(), options.threads);
    for thread in items {
        let anchor = &thread["anchor"];
        assert_eq!(anchor["state"], "intact", "{thread}");
        assert_eq!(anchor["text"], anchor["quote"], "{thread}");
    }
    println!(
        "all {} anchors intact after {} saves",
        items.len(),
        options.saves
    );
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
}
