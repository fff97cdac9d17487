//! The live channel with real WebSocket clients: presence, updates, refusals, dead peers.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::{
    connect_async,
    tungstenite::{client::IntoClientRequest, http::HeaderValue, Message},
    MaybeTlsStream, WebSocketStream,
};

use crate::helpers::{put_body, TestApp};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn connect(
    app: &TestApp,
    cookie: Option<&str>,
    origin: Option<&str>,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let mut request = app
        .base
        .replace("http://", "ws://")
        .add("/api/live")
        .into_client_request()
        .unwrap();
    if let Some(cookie) = cookie {
        request
            .headers_mut()
            .insert("cookie", HeaderValue::from_str(cookie).unwrap());
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", HeaderValue::from_str(origin).unwrap());
    }
    connect_async(request).await.map(|(socket, _)| socket)
}

trait Add {
    fn add(self, tail: &str) -> String;
}
impl Add for String {
    fn add(mut self, tail: &str) -> String {
        self.push_str(tail);
        self
    }
}

pub(crate) async fn watcher(app: &TestApp, cookie: &str, tab: &str, doc_id: &str) -> Socket {
    let mut socket = connect(app, Some(cookie), Some(&app.base))
        .await
        .expect("upgrade");
    send(&mut socket, json!({"type": "hello", "tab_id": tab})).await;
    send(&mut socket, json!({"type": "watch", "doc_id": doc_id})).await;
    socket
}

pub(crate) async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .unwrap();
}

/// The next message of the given type, skipping others; fails after five seconds.
pub(crate) async fn next_of(socket: &mut Socket, kind: &str) -> Value {
    next_matching(socket, kind, |message| message["type"] == kind).await
}

/// The next message `wanted` accepts (described as `what` if none comes), skipping others;
/// fails after five seconds.
pub(crate) async fn next_matching(
    socket: &mut Socket,
    what: &str,
    wanted: impl Fn(&Value) -> bool,
) -> Value {
    let wait = async {
        while let Some(frame) = socket.next().await {
            if let Message::Text(text) = frame.unwrap() {
                let message: Value = serde_json::from_str(&text).unwrap();
                if wanted(&message) {
                    return message;
                }
            }
        }
        panic!("socket closed while waiting for {what}");
    };
    // A wait, not a measure: generous enough for a NOTIFY through a PostgreSQL busy with
    // eight tests at once on two cores (2 s was once too short there); a message that
    // never comes still fails.
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .unwrap_or_else(|_| panic!("no {what} within 5 s"))
}

/// The next presence whose tabs satisfy `wanted`, skipping earlier ones (presence can lag a
/// message behind on PostgreSQL); fails when five seconds pass without a presence.
pub(crate) async fn presence_where(socket: &mut Socket, wanted: impl Fn(&[&str]) -> bool) -> Value {
    loop {
        let presence = next_of(socket, "presence").await;
        let shown = present(&presence);
        let tabs: Vec<&str> = shown.iter().map(|(_, tab, _)| tab.as_str()).collect();
        if wanted(&tabs) {
            return presence;
        }
    }
}

pub(crate) fn present(presence: &Value) -> Vec<(String, String, bool)> {
    presence["viewers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["user"]["name"].as_str().unwrap().to_owned(),
                v["tab_id"].as_str().unwrap().to_owned(),
                v["dirty"] == true,
            )
        })
        .collect()
}

#[tokio::test]
async fn presence_shows_who_joins_edits_and_leaves() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("Ann").await;
    let (_bob, bob_cookie) = app.user_with_cookie("Bob").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "Bob", "viewer").await;

    let mut ann_socket = watcher(&app, &ann_cookie, "ann-tab", id).await;
    assert_eq!(
        present(&next_of(&mut ann_socket, "presence").await),
        vec![("Ann".into(), "ann-tab".into(), false)]
    );
    let mut bob_socket = watcher(&app, &bob_cookie, "bob-tab", id).await;
    let both = vec![
        ("Ann".to_owned(), "ann-tab".to_owned(), false),
        ("Bob".to_owned(), "bob-tab".to_owned(), false),
    ];
    assert_eq!(present(&next_of(&mut ann_socket, "presence").await), both);
    assert_eq!(present(&next_of(&mut bob_socket, "presence").await), both);

    send(
        &mut bob_socket,
        json!({"type": "editing", "doc_id": id, "dirty": true}),
    )
    .await;
    assert!(present(&next_of(&mut ann_socket, "presence").await)[1].2);

    bob_socket.close(None).await.unwrap();
    assert_eq!(
        present(&next_of(&mut ann_socket, "presence").await),
        vec![("Ann".into(), "ann-tab".into(), false)]
    );
}

#[tokio::test]
async fn every_watcher_gets_updated_within_milliseconds_of_a_save() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("Ann").await;
    let (_bob, bob_cookie) = app.user_with_cookie("Bob").await;
    let (_cy, cy_cookie) = app.user_with_cookie("Cy").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "Bob", "editor").await;
    app.share(&ann, id, "Cy", "viewer").await;
    let mut sockets = Vec::new();
    for (cookie, tab) in [(&ann_cookie, "a"), (&bob_cookie, "b"), (&cy_cookie, "c")] {
        let mut socket = watcher(&app, cookie, tab, id).await;
        next_of(&mut socket, "presence").await;
        sockets.push(socket);
    }

    let saved = ann
        .put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "new text"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);

    for socket in &mut sockets {
        let updated = next_of(socket, "updated").await;
        assert_eq!(updated["doc_id"], id);
        assert_eq!(updated["rev"], 2);
        assert_eq!(updated["by"]["name"], "Ann");
        assert_eq!(updated["fields"], json!(["body"]));
        assert!(updated["at"].as_str().is_some());
    }
    let publish = ann
        .post(app.url(&format!("/api/docs/{id}/transitions")))
        .header("if-match", "\"2\"")
        .json(&json!({"to": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(publish.status(), StatusCode::OK);
    assert_eq!(
        next_of(&mut sockets[2], "updated").await["fields"],
        json!(["status"])
    );
}

#[tokio::test]
async fn upgrades_without_a_session_or_from_another_site_are_refused() {
    let app = TestApp::spawn().await;
    let (_ann, cookie) = app.user_with_cookie("Ann").await;

    let anonymous = connect(&app, None, Some(&app.base)).await.unwrap_err();
    let cross_site = connect(&app, Some(&cookie), Some("http://evil.example"))
        .await
        .unwrap_err();

    for (error, status) in [(anonymous, 401), (cross_site, 403)] {
        match error {
            tokio_tungstenite::tungstenite::Error::Http(response) => {
                assert_eq!(response.status().as_u16(), status)
            }
            other => panic!("expected an HTTP refusal, got {other:?}"),
        }
    }
    assert!(connect(&app, Some(&cookie), Some(&app.base)).await.is_ok());
}

#[tokio::test]
async fn watching_a_document_you_cannot_see_is_not_found_either_way() {
    let app = TestApp::spawn().await;
    let (ann, _) = app.user_with_cookie("Ann").await;
    let (_eve, eve_cookie) = app.user_with_cookie("Eve").await;
    let doc = app.create(&ann, "secret").await;
    let id = doc["id"].as_str().unwrap();

    let mut socket = watcher(&app, &eve_cookie, "eve", id).await;
    let hidden = next_of(&mut socket, "not_found").await;
    send(
        &mut socket,
        json!({"type": "watch", "doc_id": "no-such-document"}),
    )
    .await;
    let missing = next_of(&mut socket, "not_found").await;

    assert_eq!(hidden["doc_id"], id);
    assert_eq!(missing["doc_id"], "no-such-document");
    assert_eq!(app.hub.watchers(id), 0);
}

#[tokio::test]
async fn a_silent_peer_is_dropped_and_the_others_see_it_leave() {
    let app = TestApp::spawn_with(|s| {
        s.heartbeat = Duration::from_millis(100);
        s.peer_timeout = Duration::from_millis(300);
    })
    .await;
    let (ann, ann_cookie) = app.user_with_cookie("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    let mut alive = watcher(&app, &ann_cookie, "alive", id).await;
    next_of(&mut alive, "presence").await;

    // This peer joins, then never reads again: it never answers a ping. (Presence can lag a
    // message behind on PostgreSQL, where it is read back from the shared rows: each step
    // waits for the presence that shows it; `next_of` fails after five seconds without one.)
    let silent = watcher(&app, &ann_cookie, "silent", id).await;
    presence_where(&mut alive, |tabs| tabs.contains(&"silent")).await;

    // The live peer keeps answering pings by reading; the silent one is dropped.
    let presence = presence_where(&mut alive, |tabs| !tabs.contains(&"silent")).await;
    assert_eq!(
        present(&presence),
        vec![("Ann".into(), "alive".into(), false)]
    );
    assert_eq!(app.hub.watchers(id), 1);
    drop(silent);
}

#[tokio::test]
async fn garbage_gets_an_invalid_reply_and_the_socket_stays_open() {
    let app = TestApp::spawn().await;
    let (_ann, cookie) = app.user_with_cookie("Ann").await;
    let mut socket = connect(&app, Some(&cookie), Some(&app.base)).await.unwrap();

    send(&mut socket, json!({"type": "shout"})).await;
    let invalid = next_of(&mut socket, "invalid").await;
    send(&mut socket, json!({"type": "ping"})).await;

    assert!(invalid["message"].as_str().unwrap().contains("shout"));
    next_of(&mut socket, "pong").await;
}

#[tokio::test]
async fn a_member_removed_while_watching_stops_hearing_about_the_document() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("Ann").await;
    let (_bob, bob_cookie) = app.user_with_cookie("Bob").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "Bob", "viewer").await;
    let mut ann_socket = watcher(&app, &ann_cookie, "a", id).await;
    let mut bob_socket = watcher(&app, &bob_cookie, "b", id).await;
    next_of(&mut bob_socket, "presence").await;

    let removed = ann
        .delete(app.url(&format!("/api/docs/{id}/members/Bob")))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);

    assert_eq!(next_of(&mut bob_socket, "not_found").await["doc_id"], id);
    loop {
        let presence = next_of(&mut ann_socket, "presence").await;
        if present(&presence).len() == 1 {
            break;
        }
    }
    ann.put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "secret"))
        .send()
        .await
        .unwrap();
    next_of(&mut ann_socket, "updated").await;
    let leaked = tokio::time::timeout(
        Duration::from_millis(300),
        next_of(&mut bob_socket, "updated"),
    )
    .await;
    assert!(leaked.is_err(), "a removed member still heard an update");
}

#[tokio::test]
async fn a_member_whose_role_changes_hears_it_at_once_and_nobody_else_does() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("Ann").await;
    let (_bob, bob_cookie) = app.user_with_cookie("Bob").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "Bob", "viewer").await;
    let mut ann_socket = watcher(&app, &ann_cookie, "a", id).await;
    let mut bob_socket = watcher(&app, &bob_cookie, "b", id).await;
    next_of(&mut bob_socket, "presence").await;

    for role in ["editor", "viewer"] {
        app.share(&ann, id, "Bob", role).await;
        let told = next_of(&mut bob_socket, "role").await;
        assert_eq!(told["doc_id"], id);
        assert_eq!(told["role"], role);
        assert_eq!(told["by"]["name"], "Ann");
    }
    let overheard =
        tokio::time::timeout(Duration::from_millis(300), next_of(&mut ann_socket, "role")).await;
    assert!(overheard.is_err(), "the owner heard another person's role");
}

#[tokio::test]
async fn owners_editors_and_viewers_may_watch_outsiders_get_not_found_and_strangers_no_socket() {
    let app = TestApp::spawn().await;
    let (owner, owner_cookie) = app.user_with_cookie("Owner").await;
    let (_e, editor_cookie) = app.user_with_cookie("Editor").await;
    let (_v, viewer_cookie) = app.user_with_cookie("Viewer").await;
    let (_o, outsider_cookie) = app.user_with_cookie("Outsider").await;
    let doc = app.create(&owner, "plan").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&owner, id, "Editor", "editor").await;
    app.share(&owner, id, "Viewer", "viewer").await;

    for (cookie, role) in [
        (&owner_cookie, "owner"),
        (&editor_cookie, "editor"),
        (&viewer_cookie, "viewer"),
    ] {
        // The first presence a new watcher hears may be one sent as the previous watcher
        // left, before its own join (on PostgreSQL, presence is read back from the shared
        // rows): its own must follow (`next_of` fails after five seconds without one).
        let mut socket = watcher(&app, cookie, role, id).await;
        presence_where(&mut socket, |tabs| tabs.contains(&role)).await;
    }
    let mut outsider = watcher(&app, &outsider_cookie, "outsider", id).await;
    assert_eq!(next_of(&mut outsider, "not_found").await["doc_id"], id);
    assert!(connect(&app, None, Some(&app.base)).await.is_err());
}

/// A watch asked for while the person's access is being taken away: whichever comes
/// first, they hear nothing of the document's later saves (the access checked before the
/// watch began may be gone by the time it begins).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_watch_racing_its_members_removal_never_hears_of_later_saves() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("Ann").await;
    let (_bob, bob_cookie) = app.user_with_cookie("Bob").await;
    let mut docs = Vec::new();
    for round in 0..40 {
        let doc = app.create(&ann, &format!("watch-race-{round}")).await;
        app.share(&ann, doc["id"].as_str().unwrap(), "Bob", "viewer")
            .await;
        docs.push(doc);
    }
    let rounds = docs.iter().enumerate().map(|(round, doc)| {
        let (app, ann, ann_cookie, bob_cookie) = (&app, &ann, &ann_cookie, &bob_cookie);
        async move {
            let id = doc["id"].as_str().unwrap();
            // Ann watches too: the document's room outlives Bob's watch.
            let mut ann_socket = watcher(app, ann_cookie, "a", id).await;
            next_of(&mut ann_socket, "presence").await;
            let mut socket = connect(app, Some(bob_cookie), Some(&app.base))
                .await
                .unwrap();
            let removal = ann
                .delete(app.url(&format!("/api/docs/{id}/members/Bob")))
                .send();
            // The watch sent a little later each round, so some rounds land in the
            // moment between the access check and the watch beginning.
            let later = std::time::Instant::now() + Duration::from_micros(150 * round as u64);
            let watch = async {
                while std::time::Instant::now() < later {
                    tokio::task::yield_now().await;
                }
                send(&mut socket, json!({"type": "watch", "doc_id": id})).await
            };
            let (_, removed) = tokio::join!(watch, removal);
            assert_eq!(removed.unwrap().status(), StatusCode::NO_CONTENT);
            let saved = ann
                .put(app.url(&format!("/api/docs/{id}")))
                .header("if-match", "\"1\"")
                .json(&put_body(doc, "after Bob left"))
                .send()
                .await
                .unwrap();
            assert_eq!(saved.status(), StatusCode::OK);
            let leaked =
                tokio::time::timeout(Duration::from_millis(500), next_of(&mut socket, "updated"))
                    .await;
            leaked.is_ok()
        }
    });
    let leaks = futures::future::join_all(rounds)
        .await
        .into_iter()
        .filter(|leaked| *leaked)
        .count();
    assert_eq!(
        leaks, 0,
        "{leaks} of 40 removed watchers heard a later save"
    );
}
