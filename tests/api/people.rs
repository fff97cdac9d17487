//! Names suggested while sharing: people whose names start with what was typed.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn names_starting_with_the_typed_text_are_suggested_ignoring_case() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    for name in ["Bob", "bobby", "Bo_b", "Carol"] {
        app.user(name).await;
    }
    let find = |prefix: &str| {
        let ann = ann.clone();
        let url = app.url(&format!("/api/users?prefix={prefix}"));
        async move {
            let response = ann.get(url).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            let body: Value = response.json().await.unwrap();
            body["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(find("BO").await, ["Bo_b", "Bob", "bobby"]);
    // `_` is a letter here, not a wildcard.
    assert_eq!(find("bo_").await, ["Bo_b"]);
    assert_eq!(find("z").await, Vec::<String>::new());

    for i in 0..12 {
        app.user(&format!("many{i:02}")).await;
    }
    assert_eq!(find("many").await.len(), 10);
}

#[tokio::test]
async fn suggestions_need_a_prefix_and_a_session() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    for query in ["", "?prefix=", "?name=a"] {
        let response = ann
            .get(app.url(&format!("/api/users{query}")))
            .send()
            .await
            .unwrap();
        problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
    }
    let anonymous = app
        .anonymous()
        .get(app.url("/api/users?prefix=a"))
        .send()
        .await
        .unwrap();
    problem(
        anonymous,
        StatusCode::UNAUTHORIZED,
        "/problems/unauthorized",
    )
    .await;
}

/// Names offered while typing `@` in a comment: the people who can read the document, so a
/// mention offered is a mention that reaches someone (issue 23).
#[tokio::test]
async fn a_comment_offers_to_mention_the_people_who_can_read_the_document() {
    let app = TestApp::spawn().await;
    let ann = app.user("ann").await;
    let bob = app.user("bob").await;
    app.user("carl").await;
    let dave = app.user("dave").await;
    let doc = crate::threads::document(&app, &ann, crate::threads::BODY).await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "bob", "viewer").await;
    app.share(&ann, id, "carl", "editor").await;
    let readers = |client: reqwest::Client, query: &'static str| {
        let url = app.url(&format!("/api/docs/{id}/people{query}"));
        async move { client.get(url).send().await.unwrap() }
    };
    let names = |response: reqwest::Response| async move {
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    // Everyone who can read it but the one asking, A to Z; dave has no access.
    assert_eq!(names(readers(bob.clone(), "").await).await, ["ann", "carl"]);
    assert_eq!(
        names(readers(bob.clone(), "?prefix=").await).await,
        ["ann", "carl"]
    );
    assert_eq!(
        names(readers(ann.clone(), "?prefix=C").await).await,
        ["carl"]
    );
    assert_eq!(
        names(readers(ann.clone(), "?prefix=d").await).await,
        Vec::<String>::new()
    );
    // An outsider learns nothing of it, not even that it exists.
    problem(
        readers(dave, "").await,
        StatusCode::NOT_FOUND,
        "/problems/not-found",
    )
    .await;
    let overlong = format!("?prefix={}", "a".repeat(41));
    let overlong: &'static str = Box::leak(overlong.into_boxed_str());
    for query in [overlong, "?name=a"] {
        problem(
            readers(ann.clone(), query).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
    }
    let anonymous = app
        .anonymous()
        .get(app.url(&format!("/api/docs/{id}/people")))
        .send()
        .await
        .unwrap();
    problem(
        anonymous,
        StatusCode::UNAUTHORIZED,
        "/problems/unauthorized",
    )
    .await;
}
