//! `/metrics`: Prometheus text whose counters move with real saves, conflicts, merges and
//! live sockets; open to this machine only, or to a bearer token when one is set.

use futures::{SinkExt, StreamExt};
use reqwest::{header, StatusCode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

use crate::helpers::{put_body, TestApp};

async fn scrape(app: &TestApp) -> String {
    let response = app
        .anonymous()
        .get(app.url("/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    response.text().await.unwrap()
}

/// The value of one sample line, e.g. `concord_saves_total{outcome="ok"}`; 0 if absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test]
async fn counters_move_with_saves_conflicts_and_merges() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "counted").await;
    let url = app.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap()));
    let before = scrape(&app).await;

    let put = |rev: &str, body: &str| {
        ann.put(&url)
            .header("if-match", rev)
            .json(&put_body(&doc, body))
            .send()
    };
    assert_eq!(
        put("\"1\"", "one\ntwo\nthree\n").await.unwrap().status(),
        StatusCode::OK
    );
    // Stale, and merges cleanly with revision 2 (a different line).
    assert_eq!(
        put("\"1\"", "one\ntwo\n").await.unwrap().status(),
        StatusCode::PRECONDITION_FAILED
    );
    // Stale, and conflicts (a different line added at the same place).
    assert_eq!(
        put("\"1\"", "one\ntwo\nfour\n").await.unwrap().status(),
        StatusCode::PRECONDITION_FAILED
    );
    // Merged on save.
    let merged = ann
        .put(&url)
        .header("if-match", "\"1\"")
        .header("prefer", "merge=auto")
        .json(&put_body(&doc, "one\ntwo, merged\n"))
        .send()
        .await
        .unwrap();
    assert_eq!(merged.status(), StatusCode::OK);

    let after = scrape(&app).await;
    let moved = |series: &str| sample(&after, series) - sample(&before, series);
    assert_eq!(
        moved(r#"concord_saves_total{outcome="ok"}"#),
        1.0,
        "{after}"
    );
    assert_eq!(moved(r#"concord_saves_total{outcome="stale_412"}"#), 2.0);
    assert_eq!(moved(r#"concord_saves_total{outcome="merged"}"#), 1.0);
    assert_eq!(moved(r#"concord_merges_total{result="clean"}"#), 2.0);
    assert_eq!(moved(r#"concord_merges_total{result="conflict"}"#), 1.0);
    assert_eq!(
        moved(r#"concord_http_requests_total{method="PUT",route="/api/docs/{id}",status="412"}"#),
        2.0
    );
    assert!(
        moved(
            r#"concord_http_request_duration_seconds_count{method="PUT",route="/api/docs/{id}"}"#
        ) >= 4.0
    );
    assert!(
        after.contains(r#"concord_db_pool_connections{pool="#),
        "{after}"
    );
}

#[tokio::test]
async fn live_sockets_and_their_messages_are_counted() {
    let app = TestApp::spawn().await;
    let (ann, cookie) = app.user_with_cookie("Ann").await;
    let doc = app.create(&ann, "watched").await;
    let id = doc["id"].as_str().unwrap();
    let before = scrape(&app).await;

    let mut request = app
        .url("/api/live")
        .replace("http://", "ws://")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", HeaderValue::from_str(&cookie).unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    socket
        .send(Message::Text(
            json!({"type": "watch", "doc_id": id}).to_string().into(),
        ))
        .await
        .unwrap();
    let _presence = socket.next().await;
    let saved = ann
        .put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "watched change"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    loop {
        let Some(Ok(Message::Text(text))) = socket.next().await else {
            panic!("socket closed")
        };
        if serde_json::from_str::<Value>(&text).unwrap()["type"] == "updated" {
            break;
        }
    }

    let during = scrape(&app).await;
    assert_eq!(
        sample(&during, "concord_live_sockets_open"),
        1.0,
        "{during}"
    );
    let moved = |series: &str| sample(&during, series) - sample(&before, series);
    assert!(
        moved("concord_live_messages_sent_total") >= 2.0,
        "presence and the update"
    );
    assert_eq!(moved("concord_live_fanout_delay_seconds_count"), 1.0);

    socket.close(None).await.unwrap();
    let mut closed = 1.0;
    for _ in 0..100 {
        closed = sample(&scrape(&app).await, "concord_live_sockets_open");
        if closed == 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(closed, 0.0);
}

#[tokio::test]
async fn with_a_token_only_its_bearer_may_scrape() {
    let app = TestApp::spawn_with(|s| s.metrics_token = Some("s3cret-token".into())).await;
    let client = app.anonymous();
    let without = client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(without.status(), StatusCode::NOT_FOUND);
    let wrong = client
        .get(app.url("/metrics"))
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let right = client
        .get(app.url("/metrics"))
        .bearer_auth("s3cret-token")
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::OK);
    assert!(right
        .text()
        .await
        .unwrap()
        .contains("concord_http_requests_total"));
}
