//! Every bad input gets a clear problem and leaves the stored document untouched.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{problem, put_body, TestApp};

async fn setup() -> (TestApp, reqwest::Client, Value) {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    (app, ann, doc)
}

fn doc_url(app: &TestApp, doc: &Value) -> String {
    app.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap()))
}

async fn assert_untouched(app: &TestApp, client: &reqwest::Client, doc: &Value) {
    assert_eq!(&app.get(client, doc["id"].as_str().unwrap()).await, doc);
}

#[tokio::test]
async fn invalid_field_values_are_422_naming_each_field() {
    let (app, ann, doc) = setup().await;
    let tags: Vec<String> = (0..33).map(|i| format!("t{i}")).collect();

    let response = ann
        .put(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .json(&json!({"title": "  ", "slug": "Bad Slug", "tags": tags, "body": "ok"}))
        .send()
        .await
        .unwrap();

    let body = problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["title", "slug", "tags"]);
    assert_untouched(&app, &ann, &doc).await;
}

#[tokio::test]
async fn control_characters_in_the_title_are_refused() {
    let (app, ann, doc) = setup().await;
    let mut body = put_body(&doc, "ok");
    body["title"] = json!("bell\u{7}");

    let response = ann
        .put(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .json(&body)
        .send()
        .await
        .unwrap();

    let problem_body = problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(problem_body["errors"][0]["field"], "title");
    assert_untouched(&app, &ann, &doc).await;
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_422_and_a_far_larger_request_is_413() {
    let (app, ann, doc) = setup().await;
    let over = "x".repeat(1024 * 1024 + 1);
    let huge = "x".repeat(3 * 1024 * 1024);

    let response = ann
        .put(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, &over))
        .send()
        .await
        .unwrap();
    let body = problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "body");

    let response = ann
        .put(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, &huge))
        .send()
        .await
        .unwrap();
    problem(
        response,
        StatusCode::PAYLOAD_TOO_LARGE,
        "/problems/too-large",
    )
    .await;

    let exactly = "x".repeat(1024 * 1024);
    let response = ann
        .put(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, &exactly))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn malformed_json_is_400() {
    let (app, ann, doc) = setup().await;

    let response = ann
        .put(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .header("content-type", "application/json")
        .body(r#"{"title": "unterminated"#)
        .send()
        .await
        .unwrap();

    problem(response, StatusCode::BAD_REQUEST, "/problems/bad-request").await;
    assert_untouched(&app, &ann, &doc).await;
}

#[tokio::test]
async fn invalid_utf8_is_400() {
    let (app, ann, doc) = setup().await;
    let mut bytes = br#"{"title": "a", "slug": "a", "tags": [], "body": ""#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(br#""}"#);

    let response = ann
        .put(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .header("content-type", "application/json")
        .body(bytes)
        .send()
        .await
        .unwrap();

    problem(response, StatusCode::BAD_REQUEST, "/problems/bad-request").await;
    assert_untouched(&app, &ann, &doc).await;
}

#[tokio::test]
async fn a_wrong_content_type_is_415() {
    let (app, ann, doc) = setup().await;

    let put = ann
        .put(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .header("content-type", "text/plain")
        .body(put_body(&doc, "x").to_string())
        .send()
        .await
        .unwrap();
    let patch_as_json = ann
        .patch(doc_url(&app, &doc))
        .header("if-match", "\"1\"")
        .json(&json!({"body": "x"}))
        .send()
        .await
        .unwrap();

    problem(
        put,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "/problems/unsupported-media-type",
    )
    .await;
    problem(
        patch_as_json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "/problems/unsupported-media-type",
    )
    .await;
    assert_untouched(&app, &ann, &doc).await;
}

#[tokio::test]
async fn unknown_fields_and_wrong_types_are_422_naming_the_field() {
    let (app, ann, doc) = setup().await;
    let mut unknown = put_body(&doc, "x");
    unknown["colour"] = json!("red");
    let mut wrong_type = put_body(&doc, "x");
    wrong_type["tags"] = json!("not-a-list");

    for (body, field) in [(unknown, "colour"), (wrong_type, "tags")] {
        let response = ann
            .put(doc_url(&app, &doc))
            .header("if-match", "\"1\"")
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem_body = problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
        assert_eq!(problem_body["errors"][0]["field"], field);
    }
    assert_untouched(&app, &ann, &doc).await;
}

#[tokio::test]
async fn a_merge_patch_may_not_remove_fields_or_add_unknown_ones() {
    let (app, ann, doc) = setup().await;

    for (patch, field) in [
        (r#"{"title": null}"#, "title"),
        (r#"{"owner": "me"}"#, "owner"),
        (r#"{"tags": [1]}"#, "tags"),
    ] {
        // Malformed is malformed whatever revision it names: 422 before any stale check.
        for if_match in ["\"1\"", "\"7\""] {
            let response = ann
                .patch(doc_url(&app, &doc))
                .header("if-match", if_match)
                .header("content-type", "application/merge-patch+json")
                .body(patch)
                .send()
                .await
                .unwrap();
            let body = problem(
                response,
                StatusCode::UNPROCESSABLE_ENTITY,
                "/problems/validation",
            )
            .await;
            assert_eq!(body["errors"][0]["field"], field, "{patch} {if_match}");
        }
    }
    assert_untouched(&app, &ann, &doc).await;
}

#[tokio::test]
async fn bad_list_parameters_are_422_naming_the_parameter() {
    let (app, ann, _doc) = setup().await;

    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("status=gone", "status"),
        ("cursor=zz", "cursor"),
    ] {
        let response = ann
            .get(app.url(&format!("/api/docs?{query}")))
            .send()
            .await
            .unwrap();
        let body = problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}");
    }
}

#[tokio::test]
async fn unknown_api_paths_are_problem_404s() {
    let (app, ann, _doc) = setup().await;

    let response = ann.get(app.url("/api/nothing-here")).send().await.unwrap();

    problem(response, StatusCode::NOT_FOUND, "/problems/not-found").await;
}

#[tokio::test]
async fn a_method_a_route_does_not_take_is_a_405_problem_with_allow() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let doc_path = format!("/api/docs/{}", doc["id"].as_str().unwrap());
    let cases = [
        ("DELETE", "/api/docs".to_owned(), "GET,POST"),
        ("PUT", "/api/docs".to_owned(), "GET,POST"),
        ("POST", doc_path.clone(), "GET,PUT,PATCH,DELETE"),
        ("TRACE", "/api/docs".to_owned(), "GET,POST"),
        ("BREW", doc_path.clone(), "GET,PUT,PATCH,DELETE"),
    ];
    for (method, path, allowed) in cases {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = ann
            .request(method.clone(), app.url(&path))
            .send()
            .await
            .unwrap();
        let mut allow: Vec<String> = response.headers()["allow"]
            .to_str()
            .unwrap()
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| m != "HEAD")
            .collect();
        allow.sort();
        let mut expected: Vec<String> = allowed.split(',').map(str::to_owned).collect();
        expected.sort();
        assert_eq!(allow, expected, "{method} {path}");
        let body = problem(
            response,
            StatusCode::METHOD_NOT_ALLOWED,
            "/problems/method-not-allowed",
        )
        .await;
        assert!(body["detail"].as_str().unwrap().contains(method.as_str()));
    }
}

#[tokio::test]
async fn what_the_router_refuses_before_any_handler_is_a_problem_too() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;

    let bad_path = ann.get(app.url("/api/docs/%FF%FE")).send().await.unwrap();
    let body = problem(bad_path, StatusCode::BAD_REQUEST, "/problems/bad-request").await;
    assert!(body["detail"].as_str().unwrap().contains("UTF-8"));

    // A plain GET of the live channel, without the WebSocket upgrade.
    let not_upgraded = ann.get(app.url("/api/live")).send().await.unwrap();
    assert!(not_upgraded.status().is_client_error());
    assert_eq!(
        not_upgraded.headers()["content-type"],
        "application/problem+json"
    );
}

#[tokio::test]
async fn a_field_of_the_wrong_type_in_valid_json_is_a_422_naming_it() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;

    let response = ann
        .post(app.url(&format!(
            "/api/docs/{}/transitions",
            doc["id"].as_str().unwrap()
        )))
        .header("if-match", "\"1\"")
        .json(&json!({"to": 5}))
        .send()
        .await
        .unwrap();

    let body = problem(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "to");
    assert_eq!(app.get(&ann, doc["id"].as_str().unwrap()).await["rev"], 1);
}
