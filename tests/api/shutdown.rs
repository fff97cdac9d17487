//! SIGTERM stops the server gracefully: it stops accepting, finishes the requests in
//! flight (every save is either completed and acknowledged, or not applied), closes live
//! sockets with "service restart" (1012) so browsers reconnect at once, and exits cleanly.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};
use tokio_tungstenite::tungstenite::{client::IntoClientRequest, http::HeaderValue, Message};

use crate::{
    helpers::{in_flight_until, TestDatabase},
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

    // One save is sent up to its last bytes and held there: the server has it (its
    // metrics count it in flight) and cannot finish it before SIGTERM.
    let held = HeldSave::send(port, &cookie, &ids[0]).await;
    in_flight_until(&base, |n| n >= 1).await;
    // More large saves, racing SIGTERM: each is either finished or never applied.
    let body = "x".repeat(512 * 1024);
    let saves: Vec<_> = ids
        .iter()
        .enumerate()
        .skip(1)
        .map(|(n, id)| {
            let request = client
                .put(format!("{base}/api/docs/{id}"))
                .header("if-match", "\"1\"")
                .json(&json!({"title": "After", "slug": format!("doc-{n}"), "tags": [], "body": body}));
            tokio::spawn(async move { request.send().await })
        })
        .collect();
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
    // Shutting down, the server still takes the rest of the held save and answers it.
    assert_eq!(held.finish().await, 200, "the save in flight is finished");

    let mut answered = vec![Some(StatusCode::OK)];
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

/// A save sent but for its last bytes.
struct HeldSave {
    stream: TcpStream,
    rest: Vec<u8>,
}

impl HeldSave {
    async fn send(port: u16, cookie: &str, id: &str) -> HeldSave {
        let body = json!({"title": "After", "slug": "doc-0", "tags": [], "body": "held"})
            .to_string()
            .into_bytes();
        let head = format!(
            "PUT /api/docs/{id} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n\
             If-Match: \"1\"\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        );
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        let (first, rest) = body.split_at(body.len() / 2);
        stream.write_all(head.as_bytes()).await.unwrap();
        stream.write_all(first).await.unwrap();
        HeldSave {
            stream,
            rest: rest.to_vec(),
        }
    }

    /// Sends the rest; the answer's status.
    async fn finish(mut self) -> u16 {
        self.stream.write_all(&self.rest).await.unwrap();
        let mut answer = String::new();
        self.stream.read_to_string(&mut answer).await.unwrap();
        answer
            .split(' ')
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status in {answer:?}"))
    }
}
