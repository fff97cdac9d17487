//! Notifications (issue 23): mentions, replies, comments on one's document and shares reach
//! the people concerned, live watchers hear of every thread change, and nothing is shown of
//! a document one can no longer read.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};
use crate::live::{next_matching, next_of, watcher};
use crate::threads::{document, on_passage, start, threads, BODY};

async fn inbox(app: &TestApp, client: &Client) -> Value {
    let response = client
        .get(app.url("/api/notifications"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// (kind, by, excerpt) of each notification, newest first.
fn told(inbox: &Value) -> Vec<(String, String, String)> {
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["by"]["name"].as_str().unwrap().to_owned(),
                n["excerpt"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn owned(items: &[(&str, &str, &str)]) -> Vec<(String, String, String)> {
    items
        .iter()
        .map(|(a, b, c)| (a.to_string(), b.to_string(), c.to_string()))
        .collect()
}

#[tokio::test]
async fn mentions_replies_comments_and_shares_reach_the_people_concerned_once() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let cat = app.user("cat").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    assert_eq!(
        told(&inbox(&app, &bob).await),
        owned(&[("shared", "ann", "")])
    );

    // A mention of nobody is refused and tells nobody.
    let refused = start(&app, &bob, id, on_passage(1, BODY, "budget", "Ask @nobody")).await;
    problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert!(threads(&app, &ann, id).await.is_empty());
    assert_eq!(inbox(&app, &ann).await["unread"], 0);

    // Bob mentions Ann (the owner: told once, as mentioned) and Cat (no access: not told).
    let response = start(
        &app,
        &bob,
        id,
        on_passage(1, BODY, "budget", "@ann @cat why?"),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let thread: Value = response.json().await.unwrap();
    let thread_id = thread["id"].as_str().unwrap();
    // Bob is told whom his words did not reach, and so is everyone reading the thread.
    assert_eq!(thread["comments"][0]["unreached"], json!(["cat"]));
    let listed = threads(&app, &ann, id).await;
    assert_eq!(listed[0]["comments"][0]["unreached"], json!(["cat"]));
    let anns = inbox(&app, &ann).await;
    assert_eq!(told(&anns), owned(&[("mention", "bob", "@ann @cat why?")]));
    assert_eq!(anns["unread"], 1);
    assert_eq!(anns["items"][0]["doc_title"], "Plan");
    assert_eq!(
        anns["items"][0]["link"],
        format!("/docs/{id}#thread-{thread_id}")
    );
    assert_eq!(told(&inbox(&app, &cat).await), owned(&[]));

    // Ann answers in Bob's thread: Bob hears of the reply, Ann of nothing new.
    let response = ann
        .post(app.url(&format!("/api/docs/{id}/threads/{thread_id}/comments")))
        .json(&json!({ "text": "Because." }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let bobs = inbox(&app, &bob).await;
    assert_eq!(
        told(&bobs),
        owned(&[("reply", "ann", "Because."), ("shared", "ann", "")])
    );
    assert_eq!(bobs["unread"], 2);

    // Read one, then all; someone else's is not found and stays unread.
    let newest = bobs["items"][0]["id"].as_str().unwrap();
    let response = bob
        .post(app.url(&format!("/api/notifications/{newest}/read")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let bobs = inbox(&app, &bob).await;
    assert_eq!(
        (bobs["unread"].clone(), bobs["items"][0]["read"].clone()),
        (json!(1), json!(true))
    );
    let anns_first = anns["items"][0]["id"].as_str().unwrap();
    let refused = bob
        .post(app.url(&format!("/api/notifications/{anns_first}/read")))
        .send()
        .await
        .unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    assert_eq!(inbox(&app, &ann).await["unread"], 1);
    let response = bob
        .post(app.url("/api/notifications/read"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(inbox(&app, &bob).await["unread"], 0);

    // Cat, given access, starts a thread: Ann hears of a comment on her document.
    app.share(&ann, id, "cat", "viewer").await;
    // Now a reader, Cat is no longer shown as out of reach of Bob's mention.
    let listed = threads(&app, &ann, id).await;
    assert!(
        listed[0]["comments"][0].get("unreached").is_none(),
        "{listed:?}"
    );
    start(&app, &cat, id, json!({"rev": 1, "text": "Looks good."})).await;
    assert_eq!(
        told(&inbox(&app, &ann).await)[0],
        ("comment".into(), "cat".into(), "Looks good.".into())
    );

    // Bob loses access: nothing of the document is shown to him any more.
    let response = ann
        .delete(app.url(&format!("/api/docs/{id}/members/bob")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let bobs = inbox(&app, &bob).await;
    assert_eq!(
        (told(&bobs), bobs["unread"].clone()),
        (owned(&[]), json!(0))
    );
    let refused = app
        .anonymous()
        .get(app.url("/api/notifications"))
        .send()
        .await
        .unwrap();
    problem(refused, StatusCode::UNAUTHORIZED, "/problems/unauthorized").await;
}

#[tokio::test]
async fn watchers_hear_of_every_thread_change_as_it_commits() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("ann").await;
    let (bob, bob_cookie) = app.user_with_cookie("bob").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    let mut anns_tab = watcher(&app, &ann_cookie, "ann-1", id).await;
    let mut bobs_tab = watcher(&app, &bob_cookie, "bob-1", id).await;
    next_of(&mut anns_tab, "presence").await;
    next_of(&mut bobs_tab, "presence").await;

    let response = start(&app, &bob, id, on_passage(1, BODY, "budget", "Sure?")).await;
    let thread: Value = response.json().await.unwrap();
    let thread_id = thread["id"].as_str().unwrap();
    for tab in [&mut anns_tab, &mut bobs_tab] {
        let heard = next_of(tab, "discussed").await;
        assert_eq!(
            (
                heard["doc_id"].as_str(),
                heard["thread_id"].as_str(),
                heard["by"]["name"].as_str()
            ),
            (Some(id), Some(thread_id), Some("bob"))
        );
    }
    let response = ann
        .post(app.url(&format!("/api/docs/{id}/threads/{thread_id}/resolution")))
        .header("if-match", "\"1\"")
        .json(&json!({ "resolved": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let heard = next_of(&mut bobs_tab, "discussed").await;
    assert_eq!(heard["by"]["name"], "ann");
}

#[tokio::test]
async fn the_inbox_page_says_who_did_what_where_and_marks_read_with_a_form() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("ann").await;
    let bob = app.user("bob").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    start(
        &app,
        &bob,
        id,
        json!({"rev": 1, "text": "@ann have a look"}),
    )
    .await;

    let page = ann.get(app.url("/inbox")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"data-client="none""#), "no client: {html}");
    assert!(html.contains("bob mentioned you on “Plan”"), "{html}");
    assert!(html.contains(r#"aria-label="Inbox, 1 unread""#), "{html}");
    assert!(
        html.contains(&format!(r##"href="/docs/{id}#thread-"##)),
        "{html}"
    );

    let form = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let posted = form
        .post(app.url("/inbox"))
        .header("cookie", &ann_cookie)
        .header("origin", app.url(""))
        .form(&[("id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::SEE_OTHER);
    assert_eq!(posted.headers()["location"], "/inbox");
    assert_eq!(inbox(&app, &ann).await["unread"], 0);
    let html = ann
        .get(app.url("/inbox"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Everything is read."), "{html}");
    assert!(html.contains(r#"aria-label="Inbox""#), "{html}");

    // Without a session the form leads to signing in, and marks nothing.
    let anonymous = form
        .post(app.url("/inbox"))
        .header("origin", app.url(""))
        .form(&[("id", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(anonymous.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
}

#[tokio::test]
async fn the_people_told_hear_it_live_in_every_tab_whatever_it_shows_and_nobody_else() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("ann").await;
    let (bob, bob_cookie) = app.user_with_cookie("bob").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    let other = document(&app, &ann, "Another text.").await;
    app.share(&ann, id, "bob", "viewer").await;
    // Ann has only her other document open; Bob the discussed one.
    let mut anns_tab = watcher(&app, &ann_cookie, "ann-1", other["id"].as_str().unwrap()).await;
    let mut bobs_tab = watcher(&app, &bob_cookie, "bob-1", id).await;
    next_of(&mut anns_tab, "presence").await;
    next_of(&mut bobs_tab, "presence").await;

    let response = start(&app, &bob, id, on_passage(1, BODY, "budget", "@ann sure?")).await;
    let thread: Value = response.json().await.unwrap();
    let thread_id = thread["id"].as_str().unwrap();
    assert_eq!(
        next_matching(&mut anns_tab, "news", |m| m["type"] != "presence").await,
        json!({"type": "notified"})
    );
    let response = ann
        .post(app.url(&format!("/api/docs/{id}/threads/{thread_id}/comments")))
        .json(&json!({"text": "Yes."}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    // Bob is not told of his own comment; he is of Ann's reply in his thread. (A `notified`
    // may overtake the `discussed` sent just before it: they travel different queues.)
    let mut heard = Vec::new();
    for _ in 0..3 {
        let message = next_matching(&mut bobs_tab, "news", |m| m["type"] != "presence").await;
        heard.push((
            message["type"].as_str().unwrap().to_owned(),
            message["by"]["name"].as_str().map(str::to_owned),
        ));
    }
    heard.sort();
    assert_eq!(
        heard,
        [
            ("discussed".to_owned(), Some("ann".to_owned())),
            ("discussed".to_owned(), Some("bob".to_owned())),
            ("notified".to_owned(), None),
        ]
    );
    // The share, then Ann's reply.
    assert_eq!(inbox(&app, &bob).await["unread"], 2);
}
