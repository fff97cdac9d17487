use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn signing_up_signs_in_with_an_http_only_lax_cookie() {
    let app = TestApp::spawn().await;
    let client = app.anonymous();

    let response = client
        .post(app.url("/api/auth/signup"))
        .json(&json!({"name": "Ann", "password": "a good password"}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("concord_session="));
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let me: serde_json::Value = client
        .get(app.url("/api/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Ann");
}

#[tokio::test]
async fn names_are_unique_regardless_of_case() {
    let app = TestApp::spawn().await;
    app.user("Ann").await;

    let response = app
        .anonymous()
        .post(app.url("/api/auth/signup"))
        .json(&json!({"name": "ann", "password": "another password"}))
        .send()
        .await
        .unwrap();

    problem(response, StatusCode::CONFLICT, "/problems/name-taken").await;
}

#[tokio::test]
async fn sign_up_names_invalid_names_and_short_passwords() {
    let app = TestApp::spawn().await;

    let response = app
        .anonymous()
        .post(app.url("/api/auth/signup"))
        .json(&json!({"name": "no spaces allowed", "password": "short"}))
        .send()
        .await
        .unwrap();

    let body = problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    let fields: Vec<_> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].clone())
        .collect();
    assert_eq!(fields, vec![json!("name"), json!("password")]);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_name_get_the_same_401() {
    let app = TestApp::spawn().await;
    app.user("Ann").await;
    let client = app.anonymous();

    let wrong = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"name": "Ann", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    let unknown = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"name": "Nobody", "password": "not the password"}))
        .send()
        .await
        .unwrap();

    let wrong = problem(wrong, StatusCode::UNAUTHORIZED, "/problems/unauthorized").await;
    let unknown = problem(unknown, StatusCode::UNAUTHORIZED, "/problems/unauthorized").await;
    assert_eq!(wrong["detail"], unknown["detail"]);
    let ok = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"name": "ann", "password": "a good password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
}

#[tokio::test]
async fn signing_out_ends_the_session_on_the_server() {
    let app = TestApp::spawn().await;
    let client = app.anonymous();
    let response = client
        .post(app.url("/api/auth/signup"))
        .json(&json!({"name": "Ann", "password": "a good password"}))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    let out = client
        .post(app.url("/api/auth/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);

    // A copy of the old cookie, replayed, no longer opens anything.
    let replay = reqwest::Client::new()
        .get(app.url("/api/auth/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    problem(replay, StatusCode::UNAUTHORIZED, "/problems/unauthorized").await;
}

#[tokio::test]
async fn documents_need_a_session() {
    let app = TestApp::spawn().await;
    let anonymous = app.anonymous();

    let list = anonymous.get(app.url("/api/docs")).send().await.unwrap();
    let create = anonymous
        .post(app.url("/api/docs"))
        .json(&json!({"title": "T", "slug": "t"}))
        .send()
        .await
        .unwrap();

    problem(list, StatusCode::UNAUTHORIZED, "/problems/unauthorized").await;
    problem(create, StatusCode::UNAUTHORIZED, "/problems/unauthorized").await;
}

#[tokio::test]
async fn names_are_unique_and_sign_in_regardless_of_case_beyond_ascii() {
    let app = TestApp::spawn().await;
    app.user("Émile").await;

    let taken = app
        .anonymous()
        .post(app.url("/api/auth/signup"))
        .json(&json!({"name": "éMILE", "password": "another password"}))
        .send()
        .await
        .unwrap();
    problem(taken, StatusCode::CONFLICT, "/problems/name-taken").await;

    let client = app.anonymous();
    let signed_in = client
        .post(app.url("/api/auth/login"))
        .json(&json!({"name": "ÉMILE", "password": "a good password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), StatusCode::OK);
    let me: serde_json::Value = client
        .get(app.url("/api/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Émile");
}
