//! SIGTERM stops the server gracefully: it stops accepting, finishes the requests in
//! flight (every save is either completed and acknowledged, or not applied), closes live
//! sockets with "service restart" (1012) so browsers reconnect at once, and exits cleanly.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

use crate::{
    helpers::TestDatabase,
    kill::{concord, free_port, sign_up_ann, Server},
};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigterm_finishes_saves_in_flight_closes_live_sockets_and_exits() {
    let binary = concord();
    let (_database, database_url) = TestDatabase::create().await;
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = Server::start(&binary, port, &database_url).await;

    let cookie = sign_up_ann(&base).await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("cookie", cookie.parse().unwrap());
    let client = Client::builder().default_headers(headers).build().unwrap();
    let mut ids = Vec::new();
    for n in 0..24 {
        let created: Value = client
            .post(format!("{base}/api/docs"))
            .json(&json!({"title": "Before", "slug": format!("doc-{n}"), "body": "before"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }

    // A live watcher of the first document.
    let mut request = format!("ws://127.0.0.1:{port}/api/live")
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("cookie", HeaderValue::from_str(&cookie).unwrap());
    let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
    let watch = json!({"type": "watch", "doc_id": ids[0]}).to_string();
    socket.send(Message::Text(watch.into())).await.unwrap();
    while let Some(Ok(frame)) = socket.next().await {
        if matches!(frame, Message::Text(_)) {
            break; // the first presence: the watch is in place
        }
    }

    // Large saves, so some are still being received or written when SIGTERM arrives.
    let body = "x".repeat(512 * 1024);
    let saves: Vec<_> = ids
        .iter()
        .enumerate()
        .map(|(n, id)| {
            let request = client
                .put(format!("{base}/api/docs/{id}"))
                .header("if-match", "\"1\"")
                .json(&json!({"title": "After", "slug": format!("doc-{n}"), "tags": [], "body": body}));
            tokio::spawn(async move { request.send().await })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(15)).await;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(
        unsafe { libc::kill(server.child.id() as i32, libc::SIGTERM) },
        0
    );

    let closed = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                _ => break None,
            }
        }
    })
    .await
    .expect("the live socket is closed");
    assert_eq!(closed, Some(1012), "closed with 'service restart'");

    let mut answered = Vec::new();
    for save in saves {
        answered.push(match save.await.unwrap() {
            Ok(response) => Some(response.status()),
            Err(_) => None,
        });
    }
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the server exits after its grace period"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "a clean exit: {status:?}");
    drop(server);

    // Restarted on the same database: each save was either acknowledged and is there, or
    // got no answer and was not applied.
    let server = Server::start(&binary, port, &database_url).await;
    let mut acknowledged = 0;
    for (id, answer) in ids.iter().zip(&answered) {
        let doc: Value = client
            .get(format!("{base}/api/docs/{id}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        match answer {
            Some(StatusCode::OK) => {
                acknowledged += 1;
                assert_eq!(
                    (doc["rev"].as_i64(), doc["title"].as_str()),
                    (Some(2), Some("After"))
                );
            }
            Some(other) => panic!("a save was answered {other}"),
            None => assert_eq!(
                (doc["rev"].as_i64(), doc["title"].as_str()),
                (Some(1), Some("Before")),
                "an unanswered save was applied"
            ),
        }
    }
    assert!(
        acknowledged > 0,
        "saves in flight were finished, not dropped: {answered:?}"
    );
    server.kill();
}
