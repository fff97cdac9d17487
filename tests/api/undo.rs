//! "Undo this change": one revision's change taken back, everything after it kept.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, put_body, TestApp};

/// Revision 2 (Ann): "one\ntwo\nthree\n", no tags. 3 (Bob): line two changed, tag "b"
/// added. 4 (Ann): line three changed. Ann owns it, Bob edits.
async fn history(app: &TestApp) -> (Client, Client, String) {
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap().to_owned();
    app.share(&ann, &id, "Bob", "editor").await;
    let url = app.url(&format!("/api/docs/{id}"));
    for (client, rev, body, tags) in [
        (&ann, 1, "one\ntwo\nthree\n", json!([])),
        (&bob, 2, "one\nTWO\nthree\n", json!(["b"])),
        (&ann, 3, "one\nTWO\nTHREE\n", json!(["b"])),
    ] {
        let mut put = put_body(&doc, body);
        put["tags"] = tags;
        let response = client
            .put(&url)
            .header("if-match", format!("\"{rev}\""))
            .json(&put)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }
    (ann, bob, id)
}

async fn undo(
    app: &TestApp,
    client: &Client,
    id: &str,
    rev: i64,
    if_match: Option<&str>,
) -> reqwest::Response {
    let mut request = client.post(app.url(&format!("/api/docs/{id}/revisions/{rev}/undo")));
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn undoing_a_revision_takes_back_only_its_change() {
    let app = TestApp::spawn().await;
    let (ann, _bob, id) = history(&app).await;

    let response = undo(&app, &ann, &id, 3, Some("\"4\"")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"5\"");
    let doc: Value = response.json().await.unwrap();
    // Bob's revision 3 changed line two and added "b"; Ann's line three (4) stays.
    assert_eq!(doc["body"], "one\ntwo\nTHREE\n");
    assert_eq!(doc["tags"], json!([]));
    let history = app.stores().await.history.revisions(&id).await.unwrap();
    assert_eq!(history.len(), 5, "a new revision; none rewritten");
    assert_eq!(history[0].by.name, "Ann");
}

#[tokio::test]
async fn an_undo_that_clashes_with_a_later_change_is_409_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (ann, bob, id) = history(&app).await;
    // Revision 5 changes line two again, where revision 3 had changed it.
    let doc = app.get(&bob, &id).await;
    bob.put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"4\"")
        .json(&put_body(&doc, "one\nTwo, once more\nTHREE\n"))
        .send()
        .await
        .unwrap();

    let response = undo(&app, &ann, &id, 3, Some("\"5\"")).await;
    let body = problem(response, StatusCode::CONFLICT, "/problems/undo-conflict").await;
    assert_eq!(body["fields"], json!(["body"]));
    assert_eq!(body["rev"], 3);
    assert_eq!(app.get(&ann, &id).await["rev"], 5);
}

#[tokio::test]
async fn an_undo_names_its_base_like_any_change() {
    let app = TestApp::spawn().await;
    let (ann, _bob, id) = history(&app).await;

    let missing = undo(&app, &ann, &id, 3, None).await;
    problem(
        missing,
        StatusCode::PRECONDITION_REQUIRED,
        "/problems/precondition-required",
    )
    .await;
    let stale = undo(&app, &ann, &id, 3, Some("\"3\"")).await;
    let body = problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(body["current_rev"], 4);
    // A stale base_rev in the body is 409, as for every change.
    let stale_body = ann
        .post(app.url(&format!("/api/docs/{id}/revisions/3/undo")))
        .json(&json!({"base_rev": 2}))
        .send()
        .await
        .unwrap();
    problem(stale_body, StatusCode::CONFLICT, "/problems/stale-revision").await;
    assert_eq!(app.get(&ann, &id).await["rev"], 4);
}

#[tokio::test]
async fn what_cannot_be_undone_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (ann, bob, id) = history(&app).await;
    let carol = app.user("Carol").await;
    app.share(&ann, &id, "Carol", "viewer").await;
    let url = app.url(&format!("/api/docs/{id}/transitions"));
    let published = ann
        .post(&url)
        .header("if-match", "\"4\"")
        .json(&json!({"to": "published"}))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), StatusCode::OK);

    for (rev, field_hint) in [(1, "created"), (5, "only the status"), (9, "")] {
        let response = undo(&app, &ann, &id, rev, Some("\"5\"")).await;
        if field_hint.is_empty() {
            problem(response, StatusCode::NOT_FOUND, "/problems/not-found").await;
            continue;
        }
        let body = problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "rev");
        assert!(
            body["detail"].as_str().unwrap().contains(field_hint),
            "{body}"
        );
    }
    let viewer = undo(&app, &carol, &id, 3, Some("\"5\"")).await;
    problem(viewer, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    let stranger = app.user("Dan").await;
    let outsider = undo(&app, &stranger, &id, 3, Some("\"5\"")).await;
    problem(outsider, StatusCode::NOT_FOUND, "/problems/not-found").await;

    // Archived documents are read-only: 409 invalid-state.
    let archived = bob
        .post(&url)
        .header("if-match", "\"5\"")
        .json(&json!({"to": "archived"}))
        .send()
        .await
        .unwrap();
    assert_eq!(archived.status(), StatusCode::OK);
    let response = undo(&app, &ann, &id, 3, Some("\"6\"")).await;
    problem(response, StatusCode::CONFLICT, "/problems/invalid-state").await;
    assert_eq!(app.get(&ann, &id).await["rev"], 6);
}
