//! Cross-origin refusals, sign-in rate limits, session rotation, security headers and
//! sanitised Markdown.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};

#[tokio::test]
async fn unsafe_requests_from_another_sites_page_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let body = json!({"title": "Plan", "slug": "plan"});

    let by_origin = ann
        .post(app.url("/api/docs"))
        .header("origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    let by_fetch_site = ann
        .post(app.url("/api/docs"))
        .header("sec-fetch-site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    let sign_in = app
        .anonymous()
        .post(app.url("/api/auth/login"))
        .header("origin", "http://evil.example")
        .json(&json!({"name": "Ann", "password": "a good password"}))
        .send()
        .await
        .unwrap();

    for response in [by_origin, by_fetch_site, sign_in] {
        problem(response, StatusCode::FORBIDDEN, "/problems/cross-origin").await;
    }
    let list: Value = ann
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
    let same_origin = ann
        .post(app.url("/api/docs"))
        .header("origin", app.base.clone())
        .header("sec-fetch-site", "same-origin")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::CREATED);
    let reading = ann
        .get(app.url("/api/docs"))
        .header("origin", "http://evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(reading.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_allowed_origin_may_send_changes() {
    let app =
        TestApp::spawn_with(|s| s.allowed_origins = vec!["https://concord.example".into()]).await;
    let ann = app.user("Ann").await;

    let response = ann
        .post(app.url("/api/docs"))
        .header("origin", "https://concord.example")
        .json(&json!({"title": "Plan", "slug": "plan"}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
}

pub(crate) async fn sign_in(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    app.anonymous()
        .post(app.url("/api/auth/login"))
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn guessing_a_password_is_stopped_with_429_and_retry_after() {
    let app = TestApp::spawn().await;
    app.user("Ann").await;

    for _ in 0..5 {
        assert_eq!(
            sign_in(&app, "Ann", "wrong guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let limited = sign_in(&app, "ann", "a good password").await;

    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 0);
    problem(
        limited,
        StatusCode::TOO_MANY_REQUESTS,
        "/problems/too-many-requests",
    )
    .await;
    // Other accounts are not locked out by Ann's attacker.
    app.user("Bob").await;
    assert_eq!(
        sign_in(&app, "Bob", "a good password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_successful_sign_in_forgets_earlier_failures() {
    let app = TestApp::spawn().await;
    app.user("Ann").await;
    for _ in 0..4 {
        sign_in(&app, "Ann", "typo").await;
    }
    assert_eq!(
        sign_in(&app, "Ann", "a good password").await.status(),
        StatusCode::OK
    );

    for _ in 0..4 {
        assert_eq!(
            sign_in(&app, "Ann", "typo").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(
        sign_in(&app, "Ann", "a good password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn one_address_is_limited_across_accounts() {
    let app = TestApp::spawn_with(|s| s.address_attempt_limit = 3).await;
    for name in ["A1", "A2", "A3"] {
        app.user(name).await;
    }

    let fourth = app
        .anonymous()
        .post(app.url("/api/auth/signup"))
        .json(&json!({"name": "A4", "password": "a good password"}))
        .send()
        .await
        .unwrap();

    problem(
        fourth,
        StatusCode::TOO_MANY_REQUESTS,
        "/problems/too-many-requests",
    )
    .await;
    assert_eq!(
        sign_in(&app, "A4", "a good password").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn signing_in_again_replaces_the_session_it_was_sent_with() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let old = ann.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(old.status(), StatusCode::OK);
    let signup_cookie = {
        // The cookie the client holds now, as an attacker who planted it would know it.
        let client = app.anonymous();
        let response = client
            .post(app.url("/api/auth/login"))
            .json(&json!({"name": "Ann", "password": "a good password"}))
            .send()
            .await
            .unwrap();
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned()
    };

    let rotated = reqwest::Client::new()
        .post(app.url("/api/auth/login"))
        .header("cookie", signup_cookie.clone())
        .json(&json!({"name": "Ann", "password": "a good password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rotated.status(), StatusCode::OK);
    let fresh = rotated.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();

    assert_ne!(fresh, signup_cookie);
    let planted = reqwest::Client::new()
        .get(app.url("/api/auth/me"))
        .header("cookie", signup_cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(planted.status(), StatusCode::UNAUTHORIZED);
    let current = reqwest::Client::new()
        .get(app.url("/api/auth/me"))
        .header("cookie", fresh)
        .send()
        .await
        .unwrap();
    assert_eq!(current.status(), StatusCode::OK);
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_that_allows_only_the_own_scripts_and_wasm() {
    let app = TestApp::spawn().await;

    let page = app.anonymous().get(app.url("/login")).send().await.unwrap();

    let headers = page.headers().clone();
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(
        policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-"),
        "{policy}"
    );
    assert!(policy.contains("frame-ancestors 'none'"));
    assert!(!policy.contains("unsafe-inline"));
    let html = page.text().await.unwrap();
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(html.contains(&format!("nonce=\"{nonce}\"")));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "same-origin");
    let api = app
        .anonymous()
        .get(app.url("/api/auth/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn the_markdown_preview_keeps_formatting_and_drops_anything_that_could_run() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let body = "# Heading\n\n<script>alert(1)</script>\n\n<img src=x onerror=\"alert(2)\">\n\n[click](javascript:alert(3)) [ok](https://example.com)";

    let preview: Value = ann
        .post(app.url("/api/preview"))
        .json(&json!({"body": body}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    let html = preview["html"].as_str().unwrap();
    assert!(html.contains("<h1>Heading</h1>"));
    assert!(html.contains("href=\"https://example.com\""));
    for forbidden in ["<script", "onerror", "javascript:"] {
        assert!(!html.contains(forbidden), "{forbidden} in {html}");
    }
}

#[tokio::test]
async fn the_preview_highlights_the_passages_asked_for_and_refuses_any_out_of_place() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let preview = |passages: Value| {
        ann.post(app.url("/api/preview"))
            .json(&json!({"body": "Né **two** words", "passages": passages}))
            .send()
    };
    // Characters, not bytes: "é" is two bytes.
    let marked: Value = preview(json!([{"start": 3, "end": 9, "thread": "t-1"}]))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // The passage spans the asterisks; only words are marked.
    assert_eq!(
        marked["html"],
        "<p>Né <strong><mark data-thread=\"t-1\">two</mark></strong> words</p>\n"
    );
    for (passages, field) in [
        (
            json!([{"start": 2, "end": 2, "thread": "t"}]),
            "passages[0]",
        ),
        (
            json!([{"start": 0, "end": 17, "thread": "t"}]),
            "passages[0]",
        ),
        (
            json!([{"start": 0, "end": 1, "thread": "<b>"}]),
            "passages[0].thread",
        ),
    ] {
        let refused = preview(passages).await.unwrap();
        let body = problem(
            refused,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field);
    }
    let unknown = preview(json!([{"start": 0, "end": 1, "thread": "t", "color": "red"}]))
        .await
        .unwrap();
    problem(
        unknown,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
}

#[tokio::test]
async fn a_session_expires_on_the_server_after_its_time_to_live() {
    let app = TestApp::spawn_with(|s| s.session_ttl = chrono::Duration::seconds(1)).await;
    let (_ann, cookie) = app.user_with_cookie("Ann").await;
    // The cookie is sent by hand, as a client that ignores Max-Age would.
    let me = || {
        reqwest::Client::new()
            .get(app.url("/api/auth/me"))
            .header("cookie", cookie.clone())
            .send()
    };
    assert_eq!(me().await.unwrap().status(), StatusCode::OK);

    app.clock.advance(chrono::Duration::milliseconds(1200));

    problem(
        me().await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "/problems/unauthorized",
    )
    .await;
}

#[tokio::test]
async fn forty_parallel_guesses_at_one_password_get_at_most_five_checked() {
    let app = TestApp::spawn().await;
    app.user("Ann").await;

    let guesses = (0..40).map(|_| sign_in(&app, "Ann", "wrong guess"));
    let answers = futures::future::join_all(guesses).await;

    let count = |status| answers.iter().filter(|r| r.status() == status).count();
    let (checked, limited) = (
        count(StatusCode::UNAUTHORIZED),
        count(StatusCode::TOO_MANY_REQUESTS),
    );
    assert!(checked <= 5, "{checked} guesses were checked");
    assert_eq!(checked + limited, 40);
}

#[tokio::test]
async fn expired_sessions_are_deleted_from_the_database() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let store = app.stores().await;

    let kept = store
        .accounts
        .expire_sessions(chrono::Utc::now())
        .await
        .unwrap();
    assert_eq!(kept, 0, "a live session stays");
    let later = chrono::Utc::now() + chrono::Duration::days(15);
    let deleted = store.accounts.expire_sessions(later).await.unwrap();

    assert_eq!(deleted, 1);
    let me = ann.get(app.url("/api/auth/me")).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);
}

/// A document's read checks the session and the document together: whatever the
/// document, a session that ended or expired is 401 (it learns nothing of the document),
/// a live one reads what it may and gets 404 for the rest.
#[tokio::test]
async fn a_document_read_needs_a_live_session_before_anything_is_said_of_the_document() {
    let app = TestApp::spawn_with(|s| s.session_ttl = chrono::Duration::seconds(10)).await;
    let (ann, ann_cookie) = app.user_with_cookie("Ann").await;
    let (_bob, bob_cookie) = app.user_with_cookie("Bob").await;
    let doc = app.create(&ann, "read-in-session").await;
    let id = doc["id"].as_str().unwrap();
    let gone = app.create(&ann, "read-in-session-gone").await;
    let gone_id = gone["id"].as_str().unwrap();
    ann.delete(app.url(&format!("/api/docs/{gone_id}")))
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let read = |cookie: &str, id: &str| {
        reqwest::Client::new()
            .get(app.url(&format!("/api/docs/{id}")))
            .header("cookie", cookie.to_owned())
            .send()
    };

    let mine = read(&ann_cookie, id).await.unwrap();
    assert_eq!(mine.status(), StatusCode::OK);
    assert_eq!(mine.headers()["etag"], "\"1\"");
    for (cookie, id) in [
        (&bob_cookie, id),
        (&ann_cookie, gone_id),
        (&ann_cookie, "no-such-document"),
    ] {
        problem(
            read(cookie, id).await.unwrap(),
            StatusCode::NOT_FOUND,
            "/problems/not-found",
        )
        .await;
    }

    app.clock.advance(chrono::Duration::seconds(11));
    for id in [id, gone_id, "no-such-document"] {
        problem(
            read(&ann_cookie, id).await.unwrap(),
            StatusCode::UNAUTHORIZED,
            "/problems/unauthorized",
        )
        .await;
    }
    for cookie in ["", "concord_session=forged"] {
        problem(
            read(cookie, id).await.unwrap(),
            StatusCode::UNAUTHORIZED,
            "/problems/unauthorized",
        )
        .await;
    }
}

/// A save checks the session together with the document and role: an ended session is
/// 401 whatever the document, a viewer 403, an outsider 404 — and none of them changes it.
#[tokio::test]
async fn a_save_in_an_ended_session_or_without_the_right_changes_nothing() {
    let app = TestApp::spawn_with(|s| s.session_ttl = chrono::Duration::seconds(10)).await;
    let (ann, ann_cookie) = app.user_with_cookie("Ann").await;
    let (_bob, bob_cookie) = app.user_with_cookie("Bob").await;
    let (_cy, cy_cookie) = app.user_with_cookie("Cy").await;
    let doc = app.create(&ann, "saved-in-session").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "Bob", "viewer").await;
    let put = |cookie: &str, id: &str| {
        reqwest::Client::new()
            .put(app.url(&format!("/api/docs/{id}")))
            .header("cookie", cookie.to_owned())
            .header("if-match", "\"1\"")
            .json(&crate::helpers::put_body(&doc, "changed"))
            .send()
    };
    let patch = |cookie: &str, id: &str| {
        reqwest::Client::new()
            .patch(app.url(&format!("/api/docs/{id}")))
            .header("cookie", cookie.to_owned())
            .header("if-match", "\"1\"")
            .header("content-type", "application/merge-patch+json")
            .body(json!({"body": "changed"}).to_string())
            .send()
    };

    for (status, kind, cookie) in [
        (StatusCode::FORBIDDEN, "/problems/forbidden", &bob_cookie),
        (StatusCode::NOT_FOUND, "/problems/not-found", &cy_cookie),
    ] {
        problem(put(cookie, id).await.unwrap(), status, kind).await;
        problem(patch(cookie, id).await.unwrap(), status, kind).await;
    }
    app.clock.advance(chrono::Duration::seconds(11));
    for id in [id, "no-such-document"] {
        for answer in [put(&ann_cookie, id).await, patch(&ann_cookie, id).await] {
            problem(
                answer.unwrap(),
                StatusCode::UNAUTHORIZED,
                "/problems/unauthorized",
            )
            .await;
        }
    }
    let stores = app.stores().await;
    let stored = stores.docs.get_doc(id).await.unwrap().unwrap();
    assert_eq!(
        (stored.rev, stored.body.as_str()),
        (1, doc["body"].as_str().unwrap())
    );
}
