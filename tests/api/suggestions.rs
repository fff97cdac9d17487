//! Suggestions (issue 24): a viewer proposes changes on a revision; the owner accepts some
//! hunks and rejects others; the history says who suggested and who accepted; outdated
//! hunks, two reviewers at once and bad input are refused and change nothing.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};
use crate::live::{next_matching, next_of, watcher};
use crate::threads::document;

const BODY: &str = "We hire two engineers in Q4.\n\nThe budget stays flat.\n\nReview in May.\n";
const SUGGESTED: &str =
    "We hire three engineers in Q4.\n\nThe budget grows a little.\n\nReview in June.\n";

async fn suggest(app: &TestApp, client: &Client, id: &str, request: Value) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/docs/{id}/suggestions")))
        .json(&request)
        .send()
        .await
        .unwrap()
}

async fn suggestions(app: &TestApp, client: &Client, id: &str) -> Vec<Value> {
    let response = client
        .get(app.url(&format!("/api/docs/{id}/suggestions")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let list: Value = response.json().await.unwrap();
    list["items"].as_array().unwrap().clone()
}

async fn decide(
    app: &TestApp,
    client: &Client,
    (id, suggestion): (&str, &str),
    if_match: Option<i64>,
    decisions: Value,
) -> reqwest::Response {
    let mut request = client
        .post(app.url(&format!(
            "/api/docs/{id}/suggestions/{suggestion}/decisions"
        )))
        .json(&decisions);
    if let Some(rev) = if_match {
        request = request.header("If-Match", format!("\"{rev}\""));
    }
    request.send().await.unwrap()
}

/// (kind, by) of a person's notifications, newest first.
pub(crate) async fn kinds(app: &TestApp, client: &Client) -> Vec<(String, String)> {
    let inbox: Value = client
        .get(app.url("/api/notifications"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["by"]["name"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// (removed, inserted, state) of each hunk.
fn hunks(suggestion: &Value) -> Vec<(String, String, String)> {
    suggestion["hunks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["removed"].as_str().unwrap().to_owned(),
                h["inserted"].as_str().unwrap().to_owned(),
                h["state"].as_str().unwrap().to_owned(),
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

/// The owner saves `body` over revision 1 of the plan.
async fn save_over(app: &TestApp, owner: &Client, id: &str, body: &str) {
    let response = owner
        .put(app.url(&format!("/api/docs/{id}")))
        .header("If-Match", "\"1\"")
        .json(&json!({"title": "Plan", "slug": "plan", "tags": [], "body": body}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

/// Ann's document, Bob a viewer of it, Bob's suggestion of three changes.
async fn suggested(app: &TestApp) -> (Client, Client, String, Value) {
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let doc = document(app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap().to_owned();
    app.share(&ann, &id, "bob", "viewer").await;
    let response = suggest(
        app,
        &bob,
        &id,
        json!({"base_rev": 1, "body": SUGGESTED, "note": "Numbers from the plan."}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let suggestion: Value = response.json().await.unwrap();
    (ann, bob, id, suggestion)
}

#[tokio::test]
async fn a_viewer_suggests_the_owner_accepts_some_hunks_and_rejects_the_rest() {
    let app = TestApp::spawn().await;
    let (ann, bob, id, suggestion) = suggested(&app).await;
    let sid = suggestion["id"].as_str().unwrap();
    assert_eq!(suggestion["author"]["name"], "bob");
    assert_eq!(suggestion["note"], "Numbers from the plan.");
    assert_eq!(suggestion["state"], "open");
    assert_eq!(
        hunks(&suggestion),
        owned(&[
            ("two", "three", "open"),
            ("stays flat", "grows a little", "open"),
            ("May", "June", "open"),
        ])
    );
    assert_eq!(suggestion["hunks"][1]["before"], "The budget ");
    assert_eq!(suggestion["hunks"][1]["after"], ".");
    // Ann, who may decide, is told.
    assert_eq!(
        kinds(&app, &ann).await,
        [("suggestion".to_owned(), "bob".to_owned())]
    );
    // The document did not change; everyone with access sees the suggestion.
    assert_eq!(app.get(&ann, &id).await["rev"], 1);
    assert_eq!(
        suggestions(&app, &ann, &id).await,
        std::slice::from_ref(&suggestion)
    );

    // Bob may only suggest: deciding is for editors and the owner.
    let refused = decide(&app, &bob, (&id, sid), Some(1), json!({"accept": [0]})).await;
    problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;

    // Ann accepts the first and the last: one new revision, naming Bob's suggestion.
    let response = decide(&app, &ann, (&id, sid), Some(1), json!({"accept": [0, 2]})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let decided: Value = response.json().await.unwrap();
    assert_eq!(decided["rev"], 2);
    assert_eq!(
        hunks(&decided["suggestion"]),
        owned(&[
            ("two", "three", "accepted"),
            ("stays flat", "grows a little", "open"),
            ("May", "June", "accepted"),
        ])
    );
    assert_eq!(
        decided["suggestion"]["hunks"][0]["decided_by"]["name"],
        "ann"
    );
    assert_eq!(
        kinds(&app, &bob).await[0],
        ("decided".to_owned(), "ann".to_owned())
    );
    let doc = app.get(&ann, &id).await;
    assert_eq!(
        doc["body"],
        "We hire three engineers in Q4.\n\nThe budget stays flat.\n\nReview in June.\n"
    );
    let history: Value = ann
        .get(app.url(&format!("/api/docs/{id}/revisions")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(history["items"][0]["by"]["name"], "ann");
    assert_eq!(history["items"][0]["suggested_by"]["name"], "bob");
    assert!(history["items"][1].get("suggested_by").is_none());

    // She rejects the middle one (no new revision, no If-Match needed): the suggestion,
    // every hunk decided, closes; nothing more can be decided on it.
    let response = decide(&app, &ann, (&id, sid), None, json!({"reject": [1]})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let decided: Value = response.json().await.unwrap();
    assert_eq!(decided["rev"], 2);
    assert_eq!(decided["suggestion"]["state"], "closed");
    assert_eq!(decided["suggestion"]["hunks"][1]["state"], "rejected");
    let again = decide(&app, &ann, (&id, sid), Some(2), json!({"accept": [1]})).await;
    problem(again, StatusCode::CONFLICT, "/problems/suggestion-conflict").await;
    assert_eq!(app.get(&ann, &id).await["rev"], 2);
}

#[tokio::test]
async fn a_hunk_whose_words_changed_since_is_outdated_and_cannot_be_accepted_blindly() {
    let app = TestApp::spawn().await;
    let (ann, _bob, id, suggestion) = suggested(&app).await;
    let sid = suggestion["id"].as_str().unwrap();
    // Ann rewrites the budget sentence herself, and adds a line elsewhere.
    save_over(
        &app,
        &ann,
        &id,
        "We hire two engineers in Q4.\n\nThe budget is cut.\n\nReview in May.\nSigned.\n",
    )
    .await;
    let shown = &suggestions(&app, &ann, &id).await[0];
    assert_eq!(
        hunks(shown),
        owned(&[
            ("two", "three", "open"),
            ("stays flat", "grows a little", "outdated"),
            ("May", "June", "open"),
        ])
    );
    let refused = decide(&app, &ann, (&id, sid), Some(2), json!({"accept": [1, 2]})).await;
    let body = problem(
        refused,
        StatusCode::CONFLICT,
        "/problems/suggestion-conflict",
    )
    .await;
    assert_eq!(body["hunks"], json!([1]));
    assert_eq!(app.get(&ann, &id).await["rev"], 2);
    // The others still apply, around her edit.
    let response = decide(&app, &ann, (&id, sid), Some(2), json!({"accept": [0, 2]})).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        app.get(&ann, &id).await["body"],
        "We hire three engineers in Q4.\n\nThe budget is cut.\n\nReview in June.\nSigned.\n"
    );
}

#[tokio::test]
async fn two_reviewers_accepting_at_once_are_caught_by_the_revision_never_both_applied() {
    let app = TestApp::spawn().await;
    let (ann, _bob, id, suggestion) = suggested(&app).await;
    let sid = suggestion["id"].as_str().unwrap();
    let cat = app.user("cat").await;
    app.share(&ann, &id, "cat", "editor").await;
    let (first, second) = tokio::join!(
        decide(&app, &ann, (&id, sid), Some(1), json!({"accept": [0]})),
        decide(&app, &cat, (&id, sid), Some(1), json!({"accept": [0]})),
    );
    let mut statuses = [first.status(), second.status()];
    statuses.sort();
    // One goes through; the other is told the revision moved on (or, having queued behind
    // it on the suggestion, that the hunk was decided meanwhile).
    assert_eq!(statuses[0], StatusCode::OK, "{statuses:?}");
    assert!(
        [StatusCode::CONFLICT, StatusCode::PRECONDITION_FAILED].contains(&statuses[1]),
        "{statuses:?}"
    );
    let doc = app.get(&ann, &id).await;
    assert_eq!(doc["rev"], 2);
    assert_eq!(doc["body"].as_str().unwrap().matches("three").count(), 1);
    // On a stale revision, always 412 with the usual explanation.
    let stale = decide(&app, &cat, (&id, sid), Some(1), json!({"accept": [2]})).await;
    problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
}

#[tokio::test]
async fn bad_suggestions_and_decisions_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let (ann, bob, id, suggestion) = suggested(&app).await;
    let sid = suggestion["id"].as_str().unwrap();
    let dan = app.user("dan").await;
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    for request in [
        json!({"base_rev": 0, "body": SUGGESTED}),
        json!({"base_rev": 9, "body": SUGGESTED}),
        json!({"base_rev": 1, "body": BODY}),
        json!({"base_rev": 1}),
        json!({"base_rev": 1, "body": SUGGESTED, "note": "x".repeat(10_001)}),
        json!({"base_rev": 1, "body": SUGGESTED, "note": "bell\u{7}"}),
        json!({"base_rev": 1, "title": ""}),
        json!({"base_rev": 1, "body": SUGGESTED, "slug": "elsewhere"}),
    ] {
        let refused = suggest(&app, &bob, &id, request.clone()).await;
        let body = problem(refused, invalid, "/problems/validation").await;
        assert!(body["detail"].as_str().is_some(), "{request}: {body}");
    }
    // An outsider learns nothing.
    problem(
        suggest(&app, &dan, &id, json!({"base_rev": 1, "body": SUGGESTED})).await,
        StatusCode::NOT_FOUND,
        "/problems/not-found",
    )
    .await;
    let listed = dan
        .get(app.url(&format!("/api/docs/{id}/suggestions")))
        .send()
        .await
        .unwrap();
    problem(listed, StatusCode::NOT_FOUND, "/problems/not-found").await;
    problem(
        decide(&app, &dan, (&id, sid), Some(1), json!({"accept": [0]})).await,
        StatusCode::NOT_FOUND,
        "/problems/not-found",
    )
    .await;
    // Decisions: a hunk that does not exist, one named twice, none at all, accepting
    // without If-Match, a suggestion that does not exist.
    for decisions in [
        json!({"accept": [3]}),
        json!({"accept": [0], "reject": [0]}),
        json!({}),
        json!({"accept": [0], "also": 1}),
    ] {
        let refused = decide(&app, &ann, (&id, sid), Some(1), decisions).await;
        problem(refused, invalid, "/problems/validation").await;
    }
    let refused = decide(&app, &ann, (&id, sid), None, json!({"accept": [0]})).await;
    problem(
        refused,
        StatusCode::PRECONDITION_REQUIRED,
        "/problems/precondition-required",
    )
    .await;
    let refused = decide(&app, &ann, (&id, "nope"), Some(1), json!({"accept": [0]})).await;
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    // Only its author withdraws it; withdrawn, it can no longer be decided.
    let url = app.url(&format!("/api/docs/{id}/suggestions/{sid}"));
    let refused = ann.delete(&url).send().await.unwrap();
    problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    assert_eq!(
        bob.delete(&url).send().await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    let refused = decide(&app, &ann, (&id, sid), Some(1), json!({"accept": [0]})).await;
    problem(
        refused,
        StatusCode::CONFLICT,
        "/problems/suggestion-conflict",
    )
    .await;
    let refused = bob.delete(&url).send().await.unwrap();
    problem(
        refused,
        StatusCode::CONFLICT,
        "/problems/suggestion-conflict",
    )
    .await;
    // Nothing of all that changed the document or stored another suggestion.
    assert_eq!(app.get(&ann, &id).await["rev"], 1);
    let listed = suggestions(&app, &ann, &id).await;
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["state"], "withdrawn");
}

#[tokio::test]
async fn watchers_hear_of_a_suggestion_as_it_is_made() {
    let app = TestApp::spawn().await;
    let (ann, ann_cookie) = app.user_with_cookie("ann").await;
    let bob = app.user("bob").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    let mut socket = watcher(&app, &ann_cookie, "ann-tab", id).await;
    // Watching once the room says who is here.
    next_of(&mut socket, "presence").await;
    let response = suggest(&app, &bob, id, json!({"base_rev": 1, "title": "Plan B"})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let made: Value = response.json().await.unwrap();
    let heard = next_matching(&mut socket, "a suggestion", |m| m["type"] == "suggested").await;
    assert_eq!(heard["suggestion_id"], made["id"]);
    assert_eq!(heard["by"]["name"], "bob");
    // Ann, told of it in her inbox, hears that her count changed.
    next_matching(&mut socket, "her inbox changing", |m| {
        m["type"] == "notified"
    })
    .await;
}

#[tokio::test]
async fn the_author_updates_an_outdated_suggestion_which_replaces_the_old_one() {
    let app = TestApp::spawn().await;
    let (ann, bob, id, suggestion) = suggested(&app).await;
    let sid = suggestion["id"].as_str().unwrap();
    save_over(
        &app,
        &ann,
        &id,
        "We hire two engineers in Q4.\n\nThe budget is cut.\n\nReview in May.\n",
    )
    .await;
    // What Bob starts from: his values and the revision he suggested them on.
    let values: Value = bob
        .get(app.url(&format!("/api/docs/{id}/suggestions/{sid}/values")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(values["base_rev"], 1);
    assert_eq!(values["base"]["body"], BODY);
    assert_eq!(values["proposed"]["body"], SUGGESTED);
    // Bob suggests again on revision 2, replacing the old one.
    let updated_body =
        "We hire three engineers in Q4.\n\nThe budget is cut, then grows.\n\nReview in June.\n";
    let replacing = json!({"base_rev": 2, "body": updated_body, "replaces": sid});
    // Only its author replaces it.
    let refused = suggest(&app, &ann, &id, replacing.clone()).await;
    problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    let response = suggest(&app, &bob, &id, replacing.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let new: Value = response.json().await.unwrap();
    let list = suggestions(&app, &ann, &id).await;
    let state = |wanted: &str| {
        list.iter()
            .find(|s| s["id"] == wanted)
            .map(|s| s["state"].as_str().unwrap().to_owned())
    };
    assert_eq!(state(sid).as_deref(), Some("withdrawn"));
    assert_eq!(state(new["id"].as_str().unwrap()).as_deref(), Some("open"));
    assert!(hunks(&new).iter().all(|(_, _, state)| state == "open"));
    // The old one cannot be replaced twice, nor can a suggestion that is not there.
    let again = suggest(&app, &bob, &id, replacing).await;
    problem(again, StatusCode::CONFLICT, "/problems/suggestion-conflict").await;
    let nowhere = suggest(
        &app,
        &bob,
        &id,
        json!({"base_rev": 2, "body": updated_body, "replaces": "no-such-suggestion"}),
    )
    .await;
    let body = problem(
        nowhere,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "replaces");
    assert_eq!(suggestions(&app, &ann, &id).await.len(), 2);
    // Outsiders learn nothing of it.
    let eve = app.user("eve").await;
    let hidden = eve
        .get(app.url(&format!("/api/docs/{id}/suggestions/{sid}/values")))
        .send()
        .await
        .unwrap();
    problem(hidden, StatusCode::NOT_FOUND, "/problems/not-found").await;
}
