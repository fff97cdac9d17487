//! Comment threads (issue 23): started on a passage named in the revision the person read,
//! listed with where the passage is now, and following it through every save.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, put_body, TestApp};

pub(crate) const BODY: &str =
    "# Plan\n\nWe hire two engineers in Q4 and one designer.\nThe budget stays.\n";

/// Characters before `words` in `text` and after them: the API counts characters.
fn span(text: &str, words: &str) -> (usize, usize) {
    let at = text.find(words).expect("the words are in the text");
    let start = text[..at].chars().count();
    (start, start + words.chars().count())
}

pub(crate) async fn document(app: &TestApp, owner: &Client, body: &str) -> Value {
    let response = owner
        .post(app.url("/api/docs"))
        .json(&json!({"title": "Plan", "tags": [], "body": body}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

pub(crate) async fn start(
    app: &TestApp,
    client: &Client,
    id: &str,
    request: Value,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/docs/{id}/threads")))
        .json(&request)
        .send()
        .await
        .unwrap()
}

pub(crate) async fn threads(app: &TestApp, client: &Client, id: &str) -> Vec<Value> {
    let response = client
        .get(app.url(&format!("/api/docs/{id}/threads")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let list: Value = response.json().await.unwrap();
    list["items"].as_array().unwrap().clone()
}

async fn save(app: &TestApp, client: &Client, doc: &Value, body: &str) -> Value {
    let response = client
        .put(app.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap())))
        .header("if-match", format!("\"{}\"", doc["rev"]))
        .json(&put_body(doc, body))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

pub(crate) fn on_passage(rev: i64, text: &str, words: &str, comment: &str) -> Value {
    let (start, end) = span(text, words);
    json!({"rev": rev, "anchor": {"start": start, "end": end, "quote": words}, "text": comment})
}

#[tokio::test]
async fn a_viewer_comments_on_a_passage_and_everyone_with_access_sees_it_where_it_is() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let eve = app.user("eve").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;

    let response = start(
        &app,
        &bob,
        id,
        on_passage(1, BODY, "two engineers", "  Why two?  "),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let thread: Value = response.json().await.unwrap();
    assert_eq!(thread["author"]["name"], "bob");
    assert_eq!(thread["made_on_rev"], 1);
    assert_eq!(thread["resolved"], false);
    assert_eq!(thread["anchor"]["state"], "intact");
    assert_eq!(thread["anchor"]["quote"], "two engineers");
    assert_eq!(thread["comments"][0]["text"], "Why two?");

    let seen = threads(&app, &ann, id).await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0], thread);

    // A thread on the whole document has no passage.
    let whole = start(
        &app,
        &ann,
        id,
        json!({"rev": 1, "text": "Ready for review?"}),
    )
    .await;
    assert_eq!(whole.status(), StatusCode::CREATED);
    assert_eq!(whole.json::<Value>().await.unwrap()["anchor"], Value::Null);
    assert_eq!(threads(&app, &bob, id).await.len(), 2);

    // Outsiders learn nothing.
    let refused = eve
        .get(app.url(&format!("/api/docs/{id}/threads")))
        .send()
        .await
        .unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let refused = start(&app, &eve, id, json!({"rev": 1, "text": "Hello"})).await;
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    assert_eq!(threads(&app, &ann, id).await.len(), 2);
}

#[tokio::test]
async fn a_passage_follows_saves_marks_an_edit_and_detaches_when_deleted() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    let response = start(
        &app,
        &ann,
        id,
        on_passage(1, BODY, "two engineers", "Check."),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);

    // Text added before the passage: it moves and stays intact.
    let body2 = format!("Intro line, ünïcode.\n{BODY}");
    let doc = save(&app, &ann, &doc, &body2).await;
    let anchor = threads(&app, &ann, id).await[0]["anchor"].clone();
    assert_eq!(anchor["state"], "intact");
    let (start_at, end_at) = span(&body2, "two engineers");
    assert_eq!(
        (anchor["start"].as_u64(), anchor["end"].as_u64()),
        (Some(start_at as u64), Some(end_at as u64))
    );

    // The passage itself edited: found between its unchanged surroundings, marked changed.
    let body3 = body2.replace("two engineers", "three engineers");
    let doc = save(&app, &ann, &doc, &body3).await;
    let anchor = threads(&app, &ann, id).await[0]["anchor"].clone();
    assert_eq!(anchor["state"], "changed");
    assert_eq!(anchor["text"], "three engineers");
    assert_eq!(anchor["quote"], "two engineers");

    // Its line deleted: detached, its words kept.
    let body4 = body3.replace("We hire three engineers in Q4 and one designer.\n", "");
    save(&app, &ann, &doc, &body4).await;
    let anchor = threads(&app, &ann, id).await[0]["anchor"].clone();
    assert_eq!(anchor["state"], "detached");
    assert_eq!(anchor["text"], "three engineers");
}

#[tokio::test]
async fn a_passage_named_in_an_older_revision_is_placed_in_the_current_one() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    let body2 = format!("A new first line.\n{BODY}");
    save(&app, &ann, &doc, &body2).await;

    // Bob's page still showed revision 1.
    let response = start(&app, &ann, id, on_passage(1, BODY, "budget", "How much?")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let thread: Value = response.json().await.unwrap();
    assert_eq!(thread["made_on_rev"], 1);
    assert_eq!(thread["anchor"]["state"], "intact");
    let (start_at, _) = span(&body2, "budget");
    assert_eq!(thread["anchor"]["start"], start_at);

    // Revision 1's view shows it too, where the person saw the words.
    let then = threads_at(&app, &ann, id, "1").await;
    assert_eq!(then.status(), StatusCode::OK);
    let then: Value = then.json().await.unwrap();
    let (start_then, end_then) = span(BODY, "budget");
    let anchor = &then["items"][0]["anchor"];
    assert_eq!(
        (anchor["start"].as_u64(), anchor["end"].as_u64()),
        (Some(start_then as u64), Some(end_then as u64))
    );
    assert_eq!(anchor["text"], "budget");
}

#[tokio::test]
async fn a_refused_thread_says_why_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    let (start_at, end_at) = span(BODY, "budget");
    let chars = BODY.chars().count();
    let cases = [
        (json!({"rev": 1, "text": "   "}), "text"),
        (json!({"rev": 1, "text": "x".repeat(10_001)}), "text"),
        (json!({"rev": 1, "text": "bell \u{7}"}), "text"),
        (json!({"rev": 2, "text": "On a revision to come"}), "rev"),
        (json!({"rev": 0, "text": "Before the first"}), "rev"),
        (
            json!({"rev": 1, "anchor": {"start": chars, "end": chars + 3, "quote": "abc"}, "text": "Past the end"}),
            "anchor",
        ),
        (
            json!({"rev": 1, "anchor": {"start": start_at, "end": start_at, "quote": ""}, "text": "Nothing selected"}),
            "anchor",
        ),
        (
            json!({"rev": 1, "anchor": {"start": start_at, "end": end_at, "quote": "bonus"}, "text": "Wrong words"}),
            "anchor.quote",
        ),
    ];
    for (request, field) in cases {
        let response = start(&app, &ann, id, request.clone()).await;
        let body = problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{request}");
    }
    // Unknown fields and wrong types are refused like everywhere else.
    let response = start(
        &app,
        &ann,
        id,
        json!({"rev": 1, "text": "Hi", "color": "red"}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response = start(&app, &ann, id, json!({"rev": "one", "text": "Hi"})).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(threads(&app, &ann, id).await.is_empty());
}

#[tokio::test]
async fn undoing_a_save_moves_the_passage_back() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    let response = start(&app, &ann, id, on_passage(1, BODY, "budget", "Sure?")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let body2 = format!("Added on top.\n{BODY}");
    save(&app, &ann, &doc, &body2).await;
    let moved = threads(&app, &ann, id).await[0]["anchor"]["start"].clone();
    assert_eq!(moved, span(&body2, "budget").0);

    let response = ann
        .post(app.url(&format!("/api/docs/{id}/revisions/2/undo")))
        .header("if-match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let anchor = threads(&app, &ann, id).await[0]["anchor"].clone();
    assert_eq!(anchor["state"], "intact");
    assert_eq!(anchor["start"], span(BODY, "budget").0);
}

#[tokio::test]
async fn everyone_with_access_replies_in_order_and_a_reply_stays_in_its_own_document() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let eve = app.user("eve").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    let other = document(&app, &ann, "Another text.\n").await;
    let other_id = other["id"].as_str().unwrap();
    let response = start(&app, &ann, id, on_passage(1, BODY, "budget", "Fixed?")).await;
    let thread: Value = response.json().await.unwrap();
    let thread_id = thread["id"].as_str().unwrap();
    let reply = |client: &Client, doc_id: &str, thread_id: &str, text: &str| {
        client
            .post(app.url(&format!("/api/docs/{doc_id}/threads/{thread_id}/comments")))
            .json(&json!({ "text": text }))
            .send()
    };

    let response = reply(&bob, id, thread_id, "Yes, fixed.").await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let comment: Value = response.json().await.unwrap();
    assert_eq!(comment["author"]["name"], "bob");
    let response = reply(&ann, id, thread_id, "Thanks @bob.").await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let texts: Vec<Value> = threads(&app, &ann, id).await[0]["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].clone())
        .collect();
    assert_eq!(texts, vec!["Fixed?", "Yes, fixed.", "Thanks @bob."]);

    // Not through another document, not by an outsider, not empty; nothing changes.
    let refused = reply(&ann, other_id, thread_id, "Wrong place")
        .await
        .unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let refused = reply(&eve, id, thread_id, "Let me in").await.unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let refused = reply(&ann, id, "no-such-thread", "Hello").await.unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let refused = reply(&bob, id, thread_id, " \n ").await.unwrap();
    problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(
        threads(&app, &ann, id).await[0]["comments"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert!(threads(&app, &ann, other_id).await.is_empty());
}

#[tokio::test]
async fn resolving_names_the_version_seen_so_two_people_deciding_at_once_are_told() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let vic = app.user("vic").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "editor").await;
    app.share(&ann, id, "vic", "viewer").await;
    let response = start(&app, &vic, id, on_passage(1, BODY, "budget", "Really?")).await;
    let thread: Value = response.json().await.unwrap();
    assert_eq!(thread["version"], 1);
    let thread_id = thread["id"].as_str().unwrap();
    let decide = |client: &Client, version: Option<&str>, resolved: bool| {
        let mut request = client
            .post(app.url(&format!("/api/docs/{id}/threads/{thread_id}/resolution")))
            .json(&json!({ "resolved": resolved }));
        if let Some(version) = version {
            request = request.header("if-match", version);
        }
        request.send()
    };

    // Ann and Bob both saw version 1: Ann resolves first, Bob is told instead of overwriting.
    let response = decide(&ann, Some("\"1\""), true).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let resolved: Value = response.json().await.unwrap();
    assert_eq!(
        (resolved["resolved"].clone(), resolved["version"].clone()),
        (json!(true), json!(2))
    );
    let refused = decide(&bob, Some("\"1\""), false).await.unwrap();
    problem(
        refused,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-version",
    )
    .await;
    assert_eq!(threads(&app, &ann, id).await[0]["resolved"], true);

    // Without If-Match, as a viewer, as an outsider, or on no such thread: refused.
    let refused = decide(&bob, None, false).await.unwrap();
    problem(
        refused,
        StatusCode::PRECONDITION_REQUIRED,
        "/problems/precondition-required",
    )
    .await;
    let refused = decide(&vic, Some("\"2\""), false).await.unwrap();
    problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    let eve = app.user("eve").await;
    let refused = decide(&eve, Some("\"2\""), false).await.unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let refused = ann
        .post(app.url(&format!("/api/docs/{id}/threads/nothing/resolution")))
        .header("if-match", "\"2\"")
        .json(&json!({ "resolved": false }))
        .send()
        .await
        .unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let listed = threads(&app, &ann, id).await;
    assert_eq!(
        (listed[0]["resolved"].clone(), listed[0]["version"].clone()),
        (json!(true), json!(2))
    );

    // Bob, having seen version 2, reopens it.
    let response = decide(&bob, Some("\"2\""), false).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let reopened: Value = response.json().await.unwrap();
    assert_eq!(
        (reopened["resolved"].clone(), reopened["version"].clone()),
        (json!(false), json!(3))
    );
}

#[tokio::test]
async fn a_passage_is_named_by_which_appearance_of_its_words_it_is() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let body = "tea first, then tea again\n";
    let doc = document(&app, &ann, body).await;
    let id = doc["id"].as_str().unwrap();
    let by_occurrence = |occurrence: usize| json!({"rev": 1, "anchor": {"quote": "tea", "occurrence": occurrence}, "text": "Which?"});
    let response = start(&app, &ann, id, by_occurrence(1)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let thread: Value = response.json().await.unwrap();
    assert_eq!(
        (
            thread["anchor"]["start"].clone(),
            thread["anchor"]["end"].clone()
        ),
        (json!(16), json!(19))
    );

    // No third appearance; offsets and an occurrence at once, or neither: nothing stored.
    for refused in [
        by_occurrence(2),
        json!({"rev": 1, "anchor": {"start": 0, "end": 3, "quote": "tea", "occurrence": 0}, "text": "Both?"}),
        json!({"rev": 1, "anchor": {"quote": "tea"}, "text": "Neither?"}),
    ] {
        let response = start(&app, &ann, id, refused).await;
        problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
    }
    assert_eq!(threads(&app, &ann, id).await.len(), 1);
}

async fn threads_at(app: &TestApp, client: &Client, id: &str, rev: &str) -> reqwest::Response {
    client
        .get(app.url(&format!("/api/docs/{id}/threads?rev={rev}")))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn every_revision_shows_its_threads_where_their_passages_were_then() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let eve = app.user("eve").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    let first = start(
        &app,
        &ann,
        id,
        on_passage(1, BODY, "two engineers", "Check."),
    )
    .await;
    let first: Value = first.json().await.unwrap();
    let body2 = format!("Intro line, ünïcode.\n{BODY}");
    let doc = save(&app, &ann, &doc, &body2).await;
    let second = start(
        &app,
        &ann,
        id,
        on_passage(2, &body2, "The budget stays", "Sure?"),
    )
    .await;
    assert_eq!(second.status(), StatusCode::CREATED);
    let whole = start(&app, &ann, id, json!({"rev": 2, "text": "Overall fine."})).await;
    assert_eq!(whole.status(), StatusCode::CREATED);
    let body3 = body2.replace("two engineers", "three engineers");
    save(&app, &ann, &doc, &body3).await;

    let at = |rev: &'static str| {
        let (app, ann) = (&app, &ann);
        async move {
            let response = threads_at(app, ann, id, rev).await;
            assert_eq!(response.status(), StatusCode::OK);
            let list: Value = response.json().await.unwrap();
            list["items"].as_array().unwrap().clone()
        }
    };
    let place = |t: &Value| {
        let a = &t["anchor"];
        (
            a["start"].as_u64().unwrap() as usize,
            a["end"].as_u64().unwrap() as usize,
            a["state"].as_str().unwrap().to_owned(),
            a["text"].as_str().unwrap().to_owned(),
        )
    };

    // Revision 1: only the first thread, on the words where they were then.
    let one = at("1").await;
    assert_eq!(one.len(), 1, "{one:?}");
    assert_eq!(one[0]["id"], first["id"]);
    let (s, e) = span(BODY, "two engineers");
    assert_eq!(
        place(&one[0]),
        (s, e, "intact".into(), "two engineers".into())
    );
    assert_eq!(one[0]["comments"][0]["text"], "Check.");

    // Revision 2: the passage moved with the text added before it; the later threads are there.
    let two = at("2").await;
    assert_eq!(two.len(), 3, "{two:?}");
    let (s, e) = span(&body2, "two engineers");
    assert_eq!(
        place(&two[0]),
        (s, e, "intact".into(), "two engineers".into())
    );
    let (s, e) = span(&body2, "The budget stays");
    assert_eq!(
        place(&two[1]),
        (s, e, "intact".into(), "The budget stays".into())
    );
    assert!(two[2]["anchor"].is_null());

    // Revision 3, the current one: as the threads are now.
    assert_eq!(at("3").await, threads(&app, &ann, id).await);
    assert_eq!(place(&at("3").await[0]).2, "changed");

    // No such revision, not a revision, not theirs: refused, nothing said about the threads.
    let missing = threads_at(&app, &ann, id, "4").await;
    problem(missing, StatusCode::NOT_FOUND, "/problems/not-found").await;
    for bad in ["0", "-1", "x", "1.5"] {
        let refused = threads_at(&app, &ann, id, bad).await;
        problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
    }
    let outsider = threads_at(&app, &eve, id, "1").await;
    problem(outsider, StatusCode::NOT_FOUND, "/problems/not-found").await;

    // The old revision's page shows them too: the passage marked where it was.
    let page = ann
        .get(app.url(&format!("/docs/{id}/revisions/1")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace("<!>", "");
    let marked = format!(
        r#"<mark data-thread="{}">two engineers</mark>"#,
        first["id"].as_str().unwrap()
    );
    assert!(page.contains(&marked), "{page}");
    assert!(page.contains("1 comment thread on revision 1"), "{page}");
}

/// A thread started while a save of the same revision commits: whichever comes first, the
/// passage ends where its words are in the saved text (the thread checks the revision it
/// placed the passage in and the save moves the passages it finds; neither may miss the
/// other).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_thread_started_while_a_save_commits_marks_its_passage_in_the_saved_text() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let body2 = format!("An introduction, long enough to move the passage.\n{BODY}");
    let mut docs = Vec::new();
    for _ in 0..80 {
        docs.push(document(&app, &ann, BODY).await);
    }
    let races = docs.iter().map(|doc| {
        let (app, ann, body2) = (&app, &ann, &body2);
        async move {
            let id = doc["id"].as_str().unwrap();
            let request = on_passage(1, BODY, "two engineers", "Check.");
            let (_, started) =
                tokio::join!(save(app, ann, doc, body2), start(app, ann, id, request));
            assert_eq!(started.status(), StatusCode::CREATED);
            threads(app, ann, id).await[0]["anchor"].clone()
        }
    });
    let (start_at, end_at) = span(&body2, "two engineers");
    for anchor in futures::future::join_all(races).await {
        assert_eq!(anchor["state"], "intact", "{anchor}");
        assert_eq!(
            (anchor["start"].as_u64(), anchor["end"].as_u64()),
            (Some(start_at as u64), Some(end_at as u64)),
            "{anchor}"
        );
    }
}

/// A document whose passages are all gone stops looking for them on each save, and starts
/// again with its next passage: it still follows the saves after.
#[tokio::test]
async fn a_passage_started_after_the_others_detached_still_follows_saves() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    let first = on_passage(1, BODY, "two engineers", "Check.");
    assert_eq!(
        start(&app, &ann, id, first).await.status(),
        StatusCode::CREATED
    );
    // Its line deleted: detached; then a save with nothing left to move.
    let body2 = BODY.replace("We hire two engineers in Q4 and one designer.\n", "");
    let doc = save(&app, &ann, &doc, &body2).await;
    let doc = save(&app, &ann, &doc, &format!("{body2}More.\n")).await;
    let body3 = doc["body"].as_str().unwrap().to_owned();

    let second = on_passage(3, &body3, "budget stays", "Really?");
    assert_eq!(
        start(&app, &ann, id, second).await.status(),
        StatusCode::CREATED
    );
    let body4 = format!("A new first line.\n{body3}");
    save(&app, &ann, &doc, &body4).await;

    let listed = threads(&app, &ann, id).await;
    let anchor = listed
        .iter()
        .find(|t| t["anchor"]["quote"] == "budget stays")
        .expect("the second thread")["anchor"]
        .clone();
    let (start_at, end_at) = span(&body4, "budget stays");
    assert_eq!(anchor["state"], "intact");
    assert_eq!(
        (anchor["start"].as_u64(), anchor["end"].as_u64()),
        (Some(start_at as u64), Some(end_at as u64))
    );
}
