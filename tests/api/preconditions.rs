//! The one rule for status codes: 428, 412 and 409 around the revision a change is based on.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{problem, put_body, TestApp};

#[tokio::test]
async fn saving_without_if_match_or_base_rev_returns_428_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    let url = app.url(&format!("/api/docs/{id}"));

    let put = ann
        .put(&url)
        .json(&put_body(&doc, "overwrite"))
        .send()
        .await
        .unwrap();
    let patch = ann
        .patch(&url)
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"body": "overwrite"}"#)
        .send()
        .await
        .unwrap();
    let delete = ann.delete(&url).send().await.unwrap();
    let wildcard = ann
        .put(&url)
        .header("if-match", "*")
        .json(&put_body(&doc, "overwrite"))
        .send()
        .await
        .unwrap();

    for response in [put, patch, delete, wildcard] {
        problem(
            response,
            StatusCode::PRECONDITION_REQUIRED,
            "/problems/precondition-required",
        )
        .await;
    }
    assert_eq!(app.get(&ann, id).await, doc);
}

#[tokio::test]
async fn saving_with_a_stale_etag_returns_412_with_who_changed_what_and_the_current_document() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "Bob", "editor").await;
    let url = app.url(&format!("/api/docs/{id}"));
    let saved = bob
        .put(&url)
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "Bob's text"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);

    let response = ann
        .put(&url)
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "Ann's text"))
        .send()
        .await
        .unwrap();

    let body = problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(body["your_base_rev"], 1);
    assert_eq!(body["current_rev"], 2);
    assert_eq!(body["current_etag"], "\"2\"");
    assert_eq!(body["self_conflict"], false);
    assert_eq!(body["changed_by"][0]["rev"], 2);
    assert_eq!(body["changed_by"][0]["by"]["name"], "Bob");
    assert_eq!(body["changed_by"][0]["fields"], json!(["body"]));
    assert!(body["changed_by"][0]["at"].as_str().is_some());
    assert_eq!(body["current"]["body"], "Bob's text");
    assert_eq!(body["detail"], "Bob saved revision 2 while you were editing revision 1. Review the changes and save again.");
    assert_eq!(app.get(&ann, id).await["body"], "Bob's text");
}

#[tokio::test]
async fn a_stale_save_over_your_own_newer_revision_is_a_self_conflict() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let url = app.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap()));
    ann.put(&url)
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "tab one"))
        .send()
        .await
        .unwrap();

    let response = ann
        .put(&url)
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "tab two"))
        .send()
        .await
        .unwrap();

    let body = problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(body["self_conflict"], true);
    assert!(body["detail"]
        .as_str()
        .unwrap()
        .starts_with("You (in another tab or window) saved revision 2"));
}

#[tokio::test]
async fn a_weak_etag_never_matches_even_for_the_current_revision() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();

    let response = ann
        .put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "W/\"1\"")
        .json(&put_body(&doc, "weak"))
        .send()
        .await
        .unwrap();

    problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(app.get(&ann, id).await["rev"], 1);
}

#[tokio::test]
async fn a_stale_base_rev_in_the_body_returns_409_and_a_current_one_saves() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    let url = app.url(&format!("/api/docs/{id}"));
    let mut body = put_body(&doc, "first");
    body["base_rev"] = json!(1);
    assert_eq!(
        ann.put(&url).json(&body).send().await.unwrap().status(),
        StatusCode::OK
    );

    body["body"] = json!("second, from a stale base");
    let stale = ann.put(&url).json(&body).send().await.unwrap();
    let problem_body = problem(stale, StatusCode::CONFLICT, "/problems/stale-revision").await;
    assert_eq!(problem_body["your_base_rev"], 1);
    assert_eq!(problem_body["current_rev"], 2);

    let patch = ann
        .patch(&url)
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"body": "patched", "base_rev": 2}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(patch.status(), StatusCode::OK);
    assert_eq!(app.get(&ann, id).await["body"], "patched");
}

#[tokio::test]
async fn changes_to_an_unknown_document_are_404_before_any_precondition() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;

    let response = ann
        .put(app.url("/api/docs/00000000-0000-7000-8000-000000000000"))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "x"))
        .send()
        .await
        .unwrap();

    problem(response, StatusCode::NOT_FOUND, "/problems/not-found").await;
}

#[tokio::test]
async fn only_the_exact_etag_matches_not_another_spelling_of_its_revision() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let url = app.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap()));
    let put = |tag: &'static str| {
        ann.put(&url)
            .header("if-match", tag)
            .json(&put_body(&doc, "changed"))
            .send()
    };

    for tag in ["\"01\"", "\"+1\"", "\"1.0\"", "\" 1\""] {
        let response = put(tag).await.unwrap();
        problem(
            response,
            StatusCode::PRECONDITION_FAILED,
            "/problems/stale-revision",
        )
        .await;
    }
    assert_eq!(put("\"1\"").await.unwrap().status(), StatusCode::OK);

    let read = |tag: &'static str| ann.get(&url).header("if-none-match", tag).send();
    assert_eq!(read("\"02\"").await.unwrap().status(), StatusCode::OK);
    assert_eq!(read("\"+2\"").await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        read("W/\"2\"").await.unwrap().status(),
        StatusCode::NOT_MODIFIED
    );
}
