//! Workflow transitions and the 409s that say what to do next.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{problem, put_body, TestApp};

async fn transition(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    rev: i64,
    to: &str,
) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/docs/{id}/transitions")))
        .header("if-match", format!("\"{rev}\""))
        .json(&json!({"to": to}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_document_is_published_archived_and_restored_to_draft_each_as_a_revision() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();

    for (rev, to) in [(1, "published"), (2, "archived"), (3, "draft")] {
        let response = transition(&app, &ann, id, rev, to).await;
        assert_eq!(response.status(), StatusCode::OK, "{to}");
        assert_eq!(response.headers()["etag"], format!("\"{}\"", rev + 1));
        let moved: Value = response.json().await.unwrap();
        assert_eq!(moved["status"], to);
        assert_eq!(moved["body"], doc["body"]);
    }
    let history = app.stores().await.history.revisions(id).await.unwrap();
    let statuses: Vec<_> = history
        .iter()
        .map(|r| (r.rev, r.status.as_str(), r.fields.clone()))
        .collect();
    assert_eq!(statuses[0], (4, "draft", vec![app::domain::Field::Status]));
    assert_eq!(
        statuses[2],
        (2, "published", vec![app::domain::Field::Status])
    );
}

#[tokio::test]
async fn refused_transitions_are_409_naming_the_state_and_the_allowed_ones() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();

    let archive_draft = transition(&app, &ann, id, 1, "archived").await;
    let body = problem(
        archive_draft,
        StatusCode::CONFLICT,
        "/problems/invalid-state",
    )
    .await;
    assert_eq!(body["state"], "draft");
    assert_eq!(body["allowed"], json!(["published"]));

    transition(&app, &ann, id, 1, "published").await;
    let again = transition(&app, &ann, id, 2, "published").await;
    let body = problem(again, StatusCode::CONFLICT, "/problems/invalid-state").await;
    assert_eq!(body["state"], "published");
    assert_eq!(body["allowed"], json!(["archived"]));
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("already published"));

    transition(&app, &ann, id, 2, "archived").await;
    let republish = transition(&app, &ann, id, 3, "published").await;
    let body = problem(republish, StatusCode::CONFLICT, "/problems/invalid-state").await;
    assert_eq!(body["allowed"], json!(["draft"]));
    assert_eq!(app.get(&ann, id).await["rev"], 3);
}

#[tokio::test]
async fn an_archived_document_is_read_only_until_restored() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    transition(&app, &ann, id, 1, "published").await;
    transition(&app, &ann, id, 2, "archived").await;
    let url = app.url(&format!("/api/docs/{id}"));

    let edit = ann
        .put(&url)
        .header("if-match", "\"3\"")
        .json(&put_body(&doc, "changed"))
        .send()
        .await
        .unwrap();
    let body = problem(edit, StatusCode::CONFLICT, "/problems/invalid-state").await;
    assert_eq!(body["state"], "archived");
    assert_eq!(body["allowed"], json!(["draft"]));
    let restore = ann
        .post(app.url(&format!("/api/docs/{id}/revisions/1/restore")))
        .header("if-match", "\"3\"")
        .send()
        .await
        .unwrap();
    problem(restore, StatusCode::CONFLICT, "/problems/invalid-state").await;

    transition(&app, &ann, id, 3, "draft").await;
    let edit = ann
        .put(&url)
        .header("if-match", "\"4\"")
        .json(&put_body(&doc, "changed"))
        .send()
        .await
        .unwrap();
    assert_eq!(edit.status(), StatusCode::OK);
}

#[tokio::test]
async fn transitions_need_the_current_revision() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    let url = app.url(&format!("/api/docs/{id}/transitions"));

    let missing = ann
        .post(&url)
        .json(&json!({"to": "published"}))
        .send()
        .await
        .unwrap();
    problem(
        missing,
        StatusCode::PRECONDITION_REQUIRED,
        "/problems/precondition-required",
    )
    .await;
    let stale = transition(&app, &ann, id, 7, "published").await;
    problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    let stale_body = ann
        .post(&url)
        .json(&json!({"to": "published", "base_rev": 7}))
        .send()
        .await
        .unwrap();
    problem(stale_body, StatusCode::CONFLICT, "/problems/stale-revision").await;
    let unknown = ann
        .post(&url)
        .header("if-match", "\"1\"")
        .json(&json!({"to": "deleted"}))
        .send()
        .await
        .unwrap();
    let body = problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "to");
    assert_eq!(app.get(&ann, id).await["status"], "draft");
}
