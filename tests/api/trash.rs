//! The trash: an owner's deleted documents listed, and restored with their whole history
//! under the usual rules — the revision it was deleted at, a free slug, the owner only.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, put_body, TestApp};

/// Ann's document saved once, then deleted (revision 3); Bob is an editor of it.
async fn deleted(app: &TestApp, slug: &str) -> (Client, Client, String) {
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let doc = app.create(&ann, slug).await;
    let id = doc["id"].as_str().unwrap().to_owned();
    app.share(&ann, &id, "Bob", "editor").await;
    let url = app.url(&format!("/api/docs/{id}"));
    let saved = ann
        .put(&url)
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "kept in history"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let gone = ann
        .delete(&url)
        .header("if-match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    (ann, bob, id)
}

async fn trash_of(app: &TestApp, client: &Client) -> Vec<Value> {
    let page: Value = client
        .get(app.url("/api/trash"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn the_owner_finds_a_deleted_document_in_the_trash_and_restores_it_with_its_history() {
    let app = TestApp::spawn().await;
    let (ann, bob, id) = deleted(&app, "plan").await;
    let items = trash_of(&app, &ann).await;
    assert_eq!(items.len(), 1);
    assert_eq!(
        (items[0]["id"].as_str(), items[0]["rev"].as_i64()),
        (Some(id.as_str()), Some(3))
    );
    assert!(
        trash_of(&app, &bob).await.is_empty(),
        "only the owner's trash"
    );

    let restore = app.url(&format!("/api/trash/{id}/restore"));
    let restored = ann
        .post(&restore)
        .header("if-match", "\"3\"")
        .send()
        .await
        .unwrap();
    assert_eq!(restored.status(), StatusCode::OK);
    assert_eq!(restored.headers()["etag"], "\"4\"");
    let doc: Value = restored.json().await.unwrap();
    assert_eq!(
        (
            doc["rev"].as_i64(),
            doc["body"].as_str(),
            doc["slug"].as_str()
        ),
        (Some(4), Some("kept in history"), Some("plan"))
    );

    assert!(trash_of(&app, &ann).await.is_empty());
    let history: Value = bob
        .get(app.url(&format!("/api/docs/{id}/revisions")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let revs: Vec<i64> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["rev"].as_i64().unwrap())
        .collect();
    assert_eq!(revs, vec![4, 3, 2, 1]);
}

#[tokio::test]
async fn restoring_follows_the_rules_of_any_change() {
    let app = TestApp::spawn().await;
    let (ann, bob, id) = deleted(&app, "plan").await;
    let restore = app.url(&format!("/api/trash/{id}/restore"));

    let without = ann.post(&restore).send().await.unwrap();
    problem(
        without,
        StatusCode::PRECONDITION_REQUIRED,
        "/problems/precondition-required",
    )
    .await;
    let stale = ann
        .post(&restore)
        .header("if-match", "\"2\"")
        .send()
        .await
        .unwrap();
    let body = problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(body["current_rev"], 3);
    let by_editor = bob
        .post(&restore)
        .header("if-match", "\"3\"")
        .send()
        .await
        .unwrap();
    problem(by_editor, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let live = app.create(&ann, "live-one").await;
    let not_trashed = ann
        .post(app.url(&format!(
            "/api/trash/{}/restore",
            live["id"].as_str().unwrap()
        )))
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    problem(not_trashed, StatusCode::NOT_FOUND, "/problems/not-found").await;

    // Its slug was taken meanwhile: refused with free ones, then restored under one.
    app.create(&ann, "plan").await;
    let clash = ann
        .post(&restore)
        .header("if-match", "\"3\"")
        .send()
        .await
        .unwrap();
    let body = problem(clash, StatusCode::CONFLICT, "/problems/slug-taken").await;
    let free = body["suggestions"][0].as_str().unwrap().to_owned();
    let bad_slug = ann
        .post(&restore)
        .header("if-match", "\"3\"")
        .json(&json!({"slug": "Not A Slug"}))
        .send()
        .await
        .unwrap();
    problem(
        bad_slug,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    let renamed = ann
        .post(&restore)
        .header("if-match", "\"3\"")
        .json(&json!({"slug": free}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    let doc: Value = renamed.json().await.unwrap();
    assert_eq!(doc["slug"], free);
    assert_eq!(trash_of(&app, &ann).await.len(), 0);
}
