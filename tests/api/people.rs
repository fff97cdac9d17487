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
