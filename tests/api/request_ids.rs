//! Every request has an `x-request-id` — the client's, or one made for it — echoed on the
//! response, in problem bodies' `instance`, and in the log lines of that request.

use std::{
    io::Read,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::{
    helpers::TestApp,
    kill::{concord, free_port},
};

#[tokio::test]
async fn a_request_id_is_kept_or_made_and_names_the_problem() {
    let app = TestApp::spawn().await;
    let client = app.anonymous();

    let given = "0194f3a2-7c1e-7000-8000-00000000abcd";
    let response = client
        .get(app.url("/api/docs/none"))
        .header("x-request-id", given)
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-request-id"], given);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["instance"], format!("urn:uuid:{given}"));

    let response = client
        .get(app.url("/api/docs/none"))
        .header("x-request-id", "support-ticket-42")
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["instance"], "urn:concord:request:support-ticket-42");

    let made = client.get(app.url("/api/docs/none")).send().await.unwrap();
    let id = made.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::try_parse(&id).is_ok(), "{id}");
    let body: Value = made.json().await.unwrap();
    assert_eq!(body["instance"], format!("urn:uuid:{id}"));

    let page = client.get(app.url("/healthz")).send().await.unwrap();
    assert!(page.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn the_log_lines_of_a_request_carry_its_id() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = Command::new(concord())
        .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
        .args([
            "--database-url",
            &format!("sqlite://{}/db.sqlite", dir.path().display()),
        ])
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    while reqwest::get(format!("{base}/readyz"))
        .await
        .map_or(true, |r| !r.status().is_success())
    {
        assert!(started.elapsed() < Duration::from_secs(30));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let signed_up = client
        .post(format!("{base}/api/auth/signup"))
        .json(&json!({"name": "Ann", "password": "a good password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_up.status(), StatusCode::CREATED);
    let created: Value = client
        .post(format!("{base}/api/docs"))
        .json(&json!({"title": "Logged", "slug": "logged", "body": "one"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = format!("{base}/api/docs/{}", created["id"].as_str().unwrap());
    let body = json!({"title": "Logged", "slug": "logged", "tags": [], "body": "two"});
    client
        .put(&url)
        .header("if-match", "\"1\"")
        .json(&body)
        .send()
        .await
        .unwrap();
    // A stale save: the server logs the conflict inside the request.
    let stale = client
        .put(&url)
        .header("if-match", "\"1\"")
        .header("x-request-id", "trace-me-7")
        .json(&json!({"title": "Logged", "slug": "logged", "tags": [], "body": "three"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), StatusCode::PRECONDITION_FAILED);

    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    child.wait().unwrap();
    let mut logs = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let conflict = logs
        .lines()
        .find(|line| line.contains("stale save refused"))
        .unwrap_or_else(|| panic!("no conflict logged in:\n{logs}"));
    assert!(conflict.contains("trace-me-7"), "{conflict}");
}
