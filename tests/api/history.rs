//! Revisions, diffs between any two, and restoring an old revision as a new one.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{problem, put_body, TestApp};

async fn three_revisions(app: &TestApp) -> (reqwest::Client, String) {
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap().to_owned();
    app.share(&ann, &id, "Bob", "editor").await;
    let url = app.url(&format!("/api/docs/{id}"));
    bob.put(&url)
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "one\nTWO\n"))
        .send()
        .await
        .unwrap();
    let mut third = put_body(&doc, "one\nTWO\n");
    third["tags"] = json!(["a", "c"]);
    ann.put(&url)
        .header("if-match", "\"2\"")
        .json(&third)
        .send()
        .await
        .unwrap();
    (ann, id)
}

#[tokio::test]
async fn the_history_lists_every_revision_newest_first_with_who_when_and_what() {
    let app = TestApp::spawn().await;
    let (ann, id) = three_revisions(&app).await;

    let list: Value = ann
        .get(app.url(&format!("/api/docs/{id}/revisions")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let items = list["items"].as_array().unwrap();
    let summary: Vec<_> = items
        .iter()
        .map(|r| {
            (
                r["rev"].clone(),
                r["by"]["name"].clone(),
                r["fields"].clone(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (json!(3), json!("Ann"), json!(["tags"])),
            (json!(2), json!("Bob"), json!(["body"])),
            (
                json!(1),
                json!("Ann"),
                json!(["title", "slug", "tags", "body"])
            ),
        ]
    );
    assert!(items[0]["at"].as_str().is_some());
}

#[tokio::test]
async fn one_revision_has_its_full_values() {
    let app = TestApp::spawn().await;
    let (ann, id) = three_revisions(&app).await;

    let first: Value = ann
        .get(app.url(&format!("/api/docs/{id}/revisions/1")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(first["rev"], 1);
    assert_eq!(first["body"], "one\ntwo\n");
    assert_eq!(first["tags"], json!(["a", "b"]));
    assert_eq!(first["status"], "draft");
    let missing = ann
        .get(app.url(&format!("/api/docs/{id}/revisions/9")))
        .send()
        .await
        .unwrap();
    problem(missing, StatusCode::NOT_FOUND, "/problems/not-found").await;
    let bad = ann
        .get(app.url(&format!("/api/docs/{id}/revisions/zero")))
        .send()
        .await
        .unwrap();
    problem(
        bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
}

#[tokio::test]
async fn the_diff_of_two_revisions_is_field_by_field_with_line_and_word_hunks() {
    let app = TestApp::spawn().await;
    let (ann, id) = three_revisions(&app).await;

    let diff: Value = ann
        .get(app.url(&format!("/api/docs/{id}/diff?from=1&to=3")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(
        (diff["from"].clone(), diff["to"].clone()),
        (json!(1), json!(3))
    );
    let fields = diff["fields"].as_array().unwrap();
    let changed: Vec<_> = fields
        .iter()
        .filter(|f| f["changed"] == true)
        .map(|f| f["field"].clone())
        .collect();
    assert_eq!(changed, vec![json!("tags"), json!("body")]);
    let tags = &fields[2];
    assert_eq!(
        (tags["added"].clone(), tags["removed"].clone()),
        (json!(["c"]), json!(["b"]))
    );
    let body = &fields[3];
    assert_eq!(
        body["lines"],
        json!([
            {"kind": "equal", "text": "one\n"}, {"kind": "delete", "text": "two\n"}, {"kind": "insert", "text": "TWO\n"}
        ])
    );
    assert!(body["words"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w == &json!({"kind": "insert", "text": "TWO"})));
}

#[tokio::test]
async fn diff_parameters_are_checked() {
    let app = TestApp::spawn().await;
    let (ann, id) = three_revisions(&app).await;

    for (query, status) in [
        ("from=1", 422),
        ("from=a&to=2", 422),
        ("from=1&to=99", 404),
        ("from=1&to=2&x=1", 422),
    ] {
        let response = ann
            .get(app.url(&format!("/api/docs/{id}/diff?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), status, "{query}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
}

#[tokio::test]
async fn restoring_an_old_revision_writes_a_new_one_and_keeps_history() {
    let app = TestApp::spawn().await;
    let (ann, id) = three_revisions(&app).await;
    let url = app.url(&format!("/api/docs/{id}/revisions/1/restore"));

    let without = ann.post(&url).send().await.unwrap();
    problem(
        without,
        StatusCode::PRECONDITION_REQUIRED,
        "/problems/precondition-required",
    )
    .await;
    let stale = ann
        .post(&url)
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
    // Restoring is "mine": revision 1's values, compared against the base the client named.
    assert_eq!(body["fields"][2]["state"], "theirs_only");
    assert_eq!(body["fields"][3]["state"], "mine_only");

    // A JSON `null` body says "no body", as the description allows.
    let restored = ann
        .post(&url)
        .header("if-match", "\"3\"")
        .header("content-type", "application/json")
        .body("null")
        .send()
        .await
        .unwrap();

    assert_eq!(restored.status(), StatusCode::OK);
    assert_eq!(restored.headers()["etag"], "\"4\"");
    let doc: Value = restored.json().await.unwrap();
    assert_eq!(
        (doc["rev"].clone(), doc["body"].clone(), doc["tags"].clone()),
        (json!(4), json!("one\ntwo\n"), json!(["a", "b"]))
    );
    let history = app.stores().await.history.revisions(&id).await.unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(
        history[0]
            .fields
            .iter()
            .map(|f| f.name())
            .collect::<Vec<_>>(),
        vec!["tags", "body"]
    );
    let with_base_rev = ann
        .post(&url)
        .json(&json!({"base_rev": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(with_base_rev.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_history_of_an_unknown_document_is_404() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;

    let response = ann
        .get(app.url("/api/docs/nope/revisions"))
        .send()
        .await
        .unwrap();

    problem(response, StatusCode::NOT_FOUND, "/problems/not-found").await;
}
