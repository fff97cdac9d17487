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

/// Ann's document requiring Bob's approval (Bob and Cat editors, Dan a viewer), approved
/// by Bob and published: revision `rev` of `doc`.
async fn published_with_approval(app: &TestApp) -> (Client, Client, Client, Client, Value) {
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    let cat = app.user("cat").await;
    let dan = app.user("dan").await;
    let doc = document(app, &ann, "We meet on Monday.\n\nBring the figures.\n").await;
    let id = doc["id"].as_str().unwrap().to_owned();
    app.share(&ann, &id, "bob", "editor").await;
    app.share(&ann, &id, "cat", "editor").await;
    app.share(&ann, &id, "dan", "viewer").await;
    let set = set_up(
        app,
        &ann,
        &id,
        json!({"required": true, "reviewers": ["bob"]}),
    )
    .await;
    assert_eq!(set.status(), StatusCode::OK);
    let approved = review(app, &bob, &id, json!({"rev": 1, "verdict": "approved"})).await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(publish(app, &ann, &id, 1).await.status(), StatusCode::OK);
    let doc = app.get(&ann, &id).await;
    (ann, bob, cat, dan, doc)
}

#[tokio::test]
async fn a_published_document_that_requires_approval_changes_only_through_suggestions() {
    let app = TestApp::spawn().await;
    let (ann, bob, cat, dan, doc) = published_with_approval(&app).await;
    let id = doc["id"].as_str().unwrap();
    let rev = doc["rev"].as_i64().unwrap();
    let edited = "We meet on Tuesday.\n\nBring the figures.\n";
    // Every way of saving directly is refused, the owner's too, and changes nothing.
    for client in [&ann, &cat] {
        let put = client
            .put(app.url(&format!("/api/docs/{id}")))
            .header("If-Match", format!("\"{rev}\""))
            .json(&json!({"title": doc["title"], "slug": doc["slug"], "tags": [], "body": edited}))
            .send()
            .await
            .unwrap();
        let body = problem(put, StatusCode::CONFLICT, "/problems/invalid-state").await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("go through suggestions"),
            "{body}"
        );
    }
    let patch = ann
        .patch(app.url(&format!("/api/docs/{id}")))
        .header("If-Match", format!("\"{rev}\""))
        .header("Content-Type", "application/merge-patch+json")
        .header("Prefer", "merge=auto")
        .body(json!({"body": edited}).to_string())
        .send()
        .await
        .unwrap();
    problem(patch, StatusCode::CONFLICT, "/problems/invalid-state").await;
    let restore = ann
        .post(app.url(&format!("/api/docs/{id}/revisions/1/restore")))
        .header("If-Match", format!("\"{rev}\""))
        .send()
        .await
        .unwrap();
    problem(restore, StatusCode::CONFLICT, "/problems/invalid-state").await;
    assert_eq!(app.get(&ann, id).await["rev"], rev);

    // Cat (an editor, not a reviewer) suggests it; she cannot accept it, nor can Ann.
    let made = cat
        .post(app.url(&format!("/api/docs/{id}/suggestions")))
        .json(&json!({"base_rev": rev, "body": edited}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let sid = made.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let accept = |client: &Client| {
        client
            .post(app.url(&format!("/api/docs/{id}/suggestions/{sid}/decisions")))
            .header("If-Match", format!("\"{rev}\""))
            .json(&json!({"accept": [0]}))
            .send()
    };
    for client in [&cat, &ann, &dan] {
        let refused = accept(client).await.unwrap();
        let body = problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;
        assert!(body["detail"].as_str().unwrap().contains("(bob)"), "{body}");
    }
    assert_eq!(app.get(&ann, id).await["rev"], rev);
    // Bob, the named reviewer, accepts it: the published text changes, reviewed.
    let accepted = accept(&bob).await.unwrap();
    assert_eq!(accepted.status(), StatusCode::OK);
    let now = app.get(&ann, id).await;
    assert_eq!(now["body"], edited);
    assert_eq!(now["status"], "published");

    // A reviewer's own suggestion waits for another reviewer.
    let own = bob
        .post(app.url(&format!("/api/docs/{id}/suggestions")))
        .json(&json!({"base_rev": now["rev"], "title": "Weekly meeting"}))
        .send()
        .await
        .unwrap();
    let own_id = own.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let refused = bob
        .post(app.url(&format!("/api/docs/{id}/suggestions/{own_id}/decisions")))
        .header("If-Match", format!("\"{}\"", now["rev"]))
        .json(&json!({"accept": [0]}))
        .send()
        .await
        .unwrap();
    let body = problem(refused, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .contains("another named reviewer"));
    // Editors may still turn it down.
    let rejected = cat
        .post(app.url(&format!("/api/docs/{id}/suggestions/{own_id}/decisions")))
        .json(&json!({"reject": [0]}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), StatusCode::OK);
    // Without the rule, editors save directly again.
    let set = set_up(
        &app,
        &ann,
        id,
        json!({"required": false, "reviewers": ["bob"]}),
    )
    .await;
    assert_eq!(set.status(), StatusCode::OK);
    let saved = cat
        .put(app.url(&format!("/api/docs/{id}")))
        .header("If-Match", format!("\"{}\"", now["rev"]))
        .json(&json!({"title": now["title"], "slug": now["slug"], "tags": [], "body": "Tuesday it is.\n"}))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
}
