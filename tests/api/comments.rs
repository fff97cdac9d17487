//! Editing and deleting comments (issue 23): only their author, only on the version seen.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};
use crate::threads::{document, on_passage, start, threads, BODY};

async fn reply(app: &TestApp, client: &Client, id: &str, thread: &str, text: &str) -> Value {
    let response = client
        .post(app.url(&format!("/api/docs/{id}/threads/{thread}/comments")))
        .json(&json!({ "text": text }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

fn texts(thread: &Value) -> Vec<String> {
    thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn an_author_edits_and_deletes_their_comment_on_the_version_they_saw() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let doc = document(&app, &ann, BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    let response = start(&app, &ann, id, on_passage(1, BODY, "budget", "Fixed?")).await;
    let thread: Value = response.json().await.unwrap();
    let thread_id = thread["id"].as_str().unwrap();
    let comment = reply(&app, &bob, id, thread_id, "Yes, fixd.").await;
    assert_eq!(
        (comment["version"].clone(), comment["edited_at"].clone()),
        (json!(1), Value::Null)
    );
    let url = app.url(&format!(
        "/api/docs/{id}/threads/{thread_id}/comments/{}",
        comment["id"].as_str().unwrap()
    ));
    let edit = |client: &Client, version: Option<&str>, text: &str| {
        let mut request = client.put(&url).json(&json!({ "text": text }));
        if let Some(version) = version {
            request = request.header("if-match", version);
        }
        request.send()
    };

    // Not someone else's, not without If-Match, not empty or naming nobody: nothing changes.
    let refused = edit(&ann, Some("\"1\""), "Mine now").await.unwrap();
    problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    let refused = edit(&bob, None, "Yes, fixed.").await.unwrap();
    problem(
        refused,
        StatusCode::PRECONDITION_REQUIRED,
        "/problems/precondition-required",
    )
    .await;
    let refused = edit(&bob, Some("\"1\""), "  ").await.unwrap();
    problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    let refused = edit(&bob, Some("\"1\""), "Ask @nobody").await.unwrap();
    let body = problem(
        refused,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert!(
        body.to_string().contains("Nobody is called @nobody"),
        "{body}"
    );
    assert_eq!(
        texts(&threads(&app, &ann, id).await[0]),
        ["Fixed?", "Yes, fixd."]
    );

    // Bob fixes his typo; a second edit on the version he first saw is refused.
    let response = edit(&bob, Some("\"1\""), "Yes, fixed.").await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let edited: Value = response.json().await.unwrap();
    assert_eq!(
        (edited["version"].clone(), edited["text"].clone()),
        (json!(2), json!("Yes, fixed."))
    );
    assert!(edited["edited_at"].is_string());
    let refused = edit(&bob, Some("\"1\""), "Yes, fixed!").await.unwrap();
    problem(
        refused,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-version",
    )
    .await;
    let listed = threads(&app, &ann, id).await;
    assert_eq!(texts(&listed[0]), ["Fixed?", "Yes, fixed."]);
    assert_eq!(listed[0]["comments"][1]["version"], 2);

    // Deleting takes the same version rule; the comment is gone from the thread.
    let refused = bob
        .delete(&url)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    problem(
        refused,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-version",
    )
    .await;
    let response = bob
        .delete(&url)
        .header("if-match", "\"2\"")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(texts(&threads(&app, &ann, id).await[0]), ["Fixed?"]);
    let refused = edit(&bob, Some("\"3\""), "Back?").await.unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;

    // A thread whose every comment is deleted is gone, and takes no replies.
    let opener = app.url(&format!(
        "/api/docs/{id}/threads/{thread_id}/comments/{}",
        thread["comments"][0]["id"].as_str().unwrap()
    ));
    let response = ann
        .delete(&opener)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert!(threads(&app, &ann, id).await.is_empty());
    let refused = bob
        .post(app.url(&format!("/api/docs/{id}/threads/{thread_id}/comments")))
        .json(&json!({ "text": "Hello?" }))
        .send()
        .await
        .unwrap();
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
}
