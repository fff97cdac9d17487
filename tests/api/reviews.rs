//! Review before publishing (issue 24): the owner requires approval and names reviewers;
//! publishing is refused until a named reviewer approves the current revision; an approval
//! of an older revision is outdated; bad setups and reviews change nothing.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};
use crate::suggestions::kinds;
use crate::threads::document;

async fn set_up(app: &TestApp, client: &Client, id: &str, setup: Value) -> reqwest::Response {
    client
        .put(app.url(&format!("/api/docs/{id}/reviews")))
        .json(&setup)
        .send()
        .await
        .unwrap()
}

async fn review(app: &TestApp, client: &Client, id: &str, verdict: Value) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/docs/{id}/reviews")))
        .json(&verdict)
        .send()
        .await
        .unwrap()
}

async fn publish(app: &TestApp, client: &Client, id: &str, rev: i64) -> reqwest::Response {
    client
        .post(app.url(&format!("/api/docs/{id}/transitions")))
        .header("If-Match", format!("\"{rev}\""))
        .json(&json!({"to": "published"}))
        .send()
        .await
        .unwrap()
}

async fn save(app: &TestApp, client: &Client, doc: &Value, body: &str) -> Value {
    let id = doc["id"].as_str().unwrap();
    let response = client
        .put(app.url(&format!("/api/docs/{id}")))
        .header("If-Match", format!("\"{}\"", doc["rev"]))
        .json(
            &json!({"title": doc["title"], "slug": doc["slug"], "tags": doc["tags"], "body": body}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[tokio::test]
async fn publishing_waits_for_a_named_reviewers_approval_of_the_current_revision() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let cat = app.user("cat").await;
    let doc = document(&app, &ann, "Draft one.\n").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    app.share(&ann, id, "cat", "editor").await;

    // Without a requirement, publishing is as before; with one, it waits.
    let response = set_up(
        &app,
        &ann,
        id,
        json!({"required": true, "reviewers": ["Bob"]}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let reviews: Value = response.json().await.unwrap();
    assert_eq!(reviews["required"], true);
    assert_eq!(reviews["reviewers"][0]["name"], "bob");
    assert_eq!(reviews["approved"], false);
    // Bob is told he was named.
    assert_eq!(
        kinds(&app, &bob).await[0],
        ("review_requested".to_owned(), "ann".to_owned())
    );
    let refused = publish(&app, &cat, id, 1).await;
    let body = problem(refused, StatusCode::CONFLICT, "/problems/invalid-state").await;
    assert_eq!(
        body["detail"],
        "Publishing needs an approval of revision 1 from one of the named reviewers (bob)."
    );

    // Cat is no reviewer; Bob asks for changes (with a comment), then approves revision 1.
    let refused = review(&app, &cat, id, json!({"rev": 1, "verdict": "approved"})).await;
    problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    let asked = review(
        &app,
        &bob,
        id,
        json!({"rev": 1, "verdict": "changes_requested", "comment": "Say when."}),
    )
    .await;
    assert_eq!(asked.status(), StatusCode::OK);
    let approved = review(
        &app,
        &bob,
        id,
        json!({"rev": 1, "verdict": "approved", "comment": "Fine."}),
    )
    .await;
    let reviews: Value = approved.json().await.unwrap();
    assert_eq!(reviews["approved"], true);
    assert_eq!(reviews["items"][0]["verdict"], "approved");
    assert_eq!(reviews["items"][1]["comment"], "Say when.");
    assert_eq!(
        kinds(&app, &ann).await[0],
        ("reviewed".to_owned(), "bob".to_owned())
    );

    // A save since makes that approval outdated: publishing waits again.
    let doc = save(&app, &ann, &doc, "Draft two.\n").await;
    let reviews: Value = ann
        .get(app.url(&format!("/api/docs/{id}/reviews")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reviews["items"][0]["outdated"], true);
    assert_eq!(reviews["approved"], false);
    let refused = publish(&app, &ann, id, 2).await;
    let body = problem(refused, StatusCode::CONFLICT, "/problems/invalid-state").await;
    assert!(
        body["detail"].as_str().unwrap().contains("revision 2"),
        "{body}"
    );
    assert_eq!(app.get(&ann, id).await["status"], "draft");

    // Bob approves revision 2: now it publishes.
    let approved = review(&app, &bob, id, json!({"rev": 2, "verdict": "approved"})).await;
    assert_eq!(approved.status(), StatusCode::OK);
    let published = publish(&app, &ann, id, doc["rev"].as_i64().unwrap()).await;
    assert_eq!(published.status(), StatusCode::OK);
    assert_eq!(app.get(&ann, id).await["status"], "published");
}

#[tokio::test]
async fn bad_review_setups_and_reviews_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let cat = app.user("cat").await;
    app.user("dan").await;
    let doc = document(&app, &ann, "Text.\n").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    app.share(&ann, id, "cat", "editor").await;
    let invalid = StatusCode::UNPROCESSABLE_ENTITY;
    // The owner reviewing herself, someone without access, required with nobody named,
    // an unknown field.
    for setup in [
        json!({"required": true, "reviewers": ["ann"]}),
        json!({"required": true, "reviewers": ["dan"]}),
        json!({"required": true, "reviewers": []}),
        json!({"required": true, "reviewers": ["bob"], "also": 1}),
    ] {
        problem(
            set_up(&app, &ann, id, setup).await,
            invalid,
            "/problems/validation",
        )
        .await;
    }
    // Only the owner chooses.
    let refused = set_up(
        &app,
        &cat,
        id,
        json!({"required": true, "reviewers": ["bob"]}),
    )
    .await;
    problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    let reviews: Value = ann
        .get(app.url(&format!("/api/docs/{id}/reviews")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        reviews,
        json!({"required": false, "reviewers": [], "items": [], "approved": false})
    );

    let response = set_up(
        &app,
        &ann,
        id,
        json!({"required": true, "reviewers": ["bob"]}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    for verdict in [
        json!({"rev": 0, "verdict": "approved"}),
        json!({"rev": 2, "verdict": "approved"}),
        json!({"rev": 1, "verdict": "changes_requested"}),
        json!({"rev": 1, "verdict": "approved", "comment": "x".repeat(10_001)}),
        json!({"rev": 1, "verdict": "maybe"}),
    ] {
        problem(
            review(&app, &bob, id, verdict).await,
            invalid,
            "/problems/validation",
        )
        .await;
    }
    // Outsiders learn nothing.
    let dan = app.user("dan2").await;
    let refused = review(&app, &dan, id, json!({"rev": 1, "verdict": "approved"})).await;
    problem(refused, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let listed = dan
        .get(app.url(&format!("/api/docs/{id}/reviews")))
        .send()
        .await
        .unwrap();
    problem(listed, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let reviews: Value = bob
        .get(app.url(&format!("/api/docs/{id}/reviews")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reviews["items"], json!([]));
}
