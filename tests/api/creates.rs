//! Idempotent creates and unique slugs.

use std::time::Duration;

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sqlx::{Connection, PgConnection};
use tokio::io::AsyncWriteExt;

use app::protocol::CreateDoc;

use crate::helpers::{in_flight_until, problem, put_body, TestApp};

async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    key: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = client.post(app.url("/api/docs")).json(body);
    if let Some(key) = key {
        request = request.header("idempotency-key", key);
    }
    request.send().await.unwrap()
}

async fn count(app: &TestApp, client: &reqwest::Client) -> usize {
    let page: Value = client
        .get(app.url("/api/docs?limit=100"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().len()
}

#[tokio::test]
async fn repeating_a_create_with_its_key_replays_the_first_response_byte_for_byte() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let body = json!({"title": "Plan", "slug": "plan"});

    let first = post(&app, &ann, Some("create-1"), &body).await;
    let (status, location, etag) = (
        first.status(),
        first.headers()["location"].clone(),
        first.headers()["etag"].clone(),
    );
    let first_bytes = first.bytes().await.unwrap();
    let again = post(&app, &ann, Some("create-1"), &body).await;

    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.headers()["etag"], etag);
    assert_eq!(again.bytes().await.unwrap(), first_bytes);
    assert_eq!(count(&app, &ann).await, 1);
}

#[tokio::test]
async fn a_refused_create_is_replayed_as_refused() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bad = json!({"title": "", "slug": "plan"});

    let first = post(&app, &ann, Some("k"), &bad).await;
    let first_body = problem(
        first,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    let again = post(&app, &ann, Some("k"), &bad).await;

    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again_body = problem(
        again,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(again_body, first_body);
}

#[tokio::test]
async fn a_key_reused_for_a_different_create_is_422() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    post(
        &app,
        &ann,
        Some("k"),
        &json!({"title": "Plan", "slug": "plan"}),
    )
    .await;

    let other = post(
        &app,
        &ann,
        Some("k"),
        &json!({"title": "Other", "slug": "other"}),
    )
    .await;

    problem(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/idempotency-mismatch",
    )
    .await;
    assert_eq!(count(&app, &ann).await, 1);
}

#[tokio::test]
async fn create_keys_are_scoped_per_user() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;

    let a = post(
        &app,
        &ann,
        Some("same"),
        &json!({"title": "A", "slug": "a"}),
    )
    .await;
    let b = post(
        &app,
        &bob,
        Some("same"),
        &json!({"title": "B", "slug": "b"}),
    )
    .await;

    assert_eq!(
        (a.status(), b.status()),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert!(b.headers().get("idempotent-replayed").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_creates_with_one_key_make_exactly_one_document() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let body = json!({"title": "Plan", "slug": "plan", "body": "x".repeat(200_000)});

    let responses = join_all((0..6).map(|_| post(&app, &ann, Some("double-click"), &body))).await;

    let mut created = 0;
    for response in responses {
        match response.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                problem(
                    response,
                    StatusCode::CONFLICT,
                    "/problems/idempotency-in-flight",
                )
                .await;
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(created >= 1);
    assert_eq!(count(&app, &ann).await, 1);
}

#[tokio::test]
async fn a_key_whose_first_request_is_still_running_gets_409_with_retry_after() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let create = CreateDoc {
        title: "Plan".into(),
        slug: "plan".into(),
        tags: vec![],
        body: String::new(),
    };
    // The first request has claimed the key and not finished, as the store sees it.
    claim_in_flight(&app, &ann, "busy", &create).await;

    let response = post(
        &app,
        &ann,
        Some("busy"),
        &serde_json::to_value(&create).unwrap(),
    )
    .await;

    assert_eq!(response.headers()["retry-after"], "1");
    problem(
        response,
        StatusCode::CONFLICT,
        "/problems/idempotency-in-flight",
    )
    .await;
    assert_eq!(count(&app, &ann).await, 0);
}

#[tokio::test]
async fn a_taken_slug_is_409_with_free_suggestions() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    for slug in ["plan", "plan-2"] {
        post(&app, &ann, None, &json!({"title": "Plan", "slug": slug})).await;
    }

    let taken = post(&app, &ann, None, &json!({"title": "Plan", "slug": "plan"})).await;

    let body = problem(taken, StatusCode::CONFLICT, "/problems/slug-taken").await;
    assert_eq!(body["suggestions"], json!(["plan-3", "plan-4", "plan-5"]));
    assert_eq!(body["errors"][0]["field"], "slug");
    let accepted = post(
        &app,
        &ann,
        None,
        &json!({"title": "Plan", "slug": "plan-3"}),
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_creates_racing_for_one_slug_give_one_201_and_one_409() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let body = json!({"title": "Plan", "slug": "contested"});

    let (a, b) = tokio::join!(post(&app, &ann, None, &body), post(&app, &bob, None, &body));

    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    assert_eq!(count(&app, &ann).await + count(&app, &bob).await, 1);
}

#[tokio::test]
async fn an_expired_key_is_forgotten_and_may_be_used_afresh() {
    let app =
        TestApp::spawn_with(|s| s.idempotency_ttl = chrono::Duration::milliseconds(300)).await;
    let ann = app.user("Ann").await;
    post(
        &app,
        &ann,
        Some("old"),
        &json!({"title": "First", "slug": "first"}),
    )
    .await;
    app.clock.advance(chrono::Duration::milliseconds(400));

    let reused = post(
        &app,
        &ann,
        Some("old"),
        &json!({"title": "Second", "slug": "second"}),
    )
    .await;

    assert_eq!(reused.status(), StatusCode::CREATED);
    assert!(reused.headers().get("idempotent-replayed").is_none());
    let store = app.stores().await;
    app.clock.advance(chrono::Duration::milliseconds(400));
    assert_eq!(
        store
            .keys
            .expire_idempotency_keys(app.clock.now() - chrono::Duration::milliseconds(300))
            .await
            .unwrap(),
        1
    );
    assert_eq!(count(&app, &ann).await, 2);
}

#[tokio::test]
async fn a_claim_whose_request_died_a_minute_ago_is_taken_over() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let create = CreateDoc {
        title: "Plan".into(),
        slug: "plan".into(),
        tags: vec![],
        body: String::new(),
    };
    let me: Value = ann
        .get(app.url("/api/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // A first request claimed the key 61 s ago and never finished (its process died).
    let canonical = serde_json::to_vec(&create).unwrap();
    let fingerprint = server::http::idempotency::fingerprint("POST", "/api/docs", b"", &canonical);
    let then = chrono::Utc::now() - chrono::Duration::seconds(61);
    app.stores()
        .await
        .keys
        .claim_idempotency_key(
            me["id"].as_str().unwrap(),
            "orphan",
            &fingerprint,
            then,
            then,
            then - chrono::Duration::seconds(60),
        )
        .await
        .unwrap();

    let retry = post(
        &app,
        &ann,
        Some("orphan"),
        &serde_json::to_value(&create).unwrap(),
    )
    .await;

    assert_eq!(retry.status(), StatusCode::CREATED);
    assert!(retry.headers().get("idempotent-replayed").is_none());
    assert_eq!(count(&app, &ann).await, 1);
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it (--include-ignored)"]
async fn a_create_whose_client_went_away_still_finishes_and_its_retry_replays_it() {
    // Holding back the create's insert needs a lock on one table only: PostgreSQL.
    let app = TestApp::spawn_postgres_with(|_| {}).await;
    let (ann, cookie) = app.user_with_cookie("Ann").await;
    let mut db = PgConnection::connect(&app.database_url).await.unwrap();
    let mut lock = db.begin().await.unwrap();
    sqlx::query("LOCK TABLE documents IN SHARE ROW EXCLUSIVE MODE")
        .execute(&mut *lock)
        .await
        .unwrap();

    // The request claims its key, then waits on the lock; its client goes away.
    let body = json!({"title": "Plan", "slug": "plan", "tags": [], "body": ""}).to_string();
    let socket = send_raw_create(&app, &cookie, "gone", &body).await;
    let claims = "SELECT count(*) FROM idempotency_keys WHERE key = 'gone'";
    let mut observer = PgConnection::connect(&app.database_url).await.unwrap();
    while sqlx::query_scalar::<_, i64>(claims)
        .fetch_one(&mut observer)
        .await
        .unwrap()
        == 0
    {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(socket);
    // The server saw its client go (the request is no longer in flight)...
    in_flight_until(&app.base, |n| n == 0).await;
    // ...but the create still runs, held by the lock, so its key is rightly in flight.
    let busy = post(
        &app,
        &ann,
        Some("gone"),
        &serde_json::from_str(&body).unwrap(),
    )
    .await;
    assert_eq!(busy.status(), StatusCode::CONFLICT);

    // Once it can, it finishes on its own, and the retry gets its answer.
    lock.rollback().await.unwrap();
    let retry = retry_until_settled(&app, &ann, "gone", &body).await;
    assert_eq!(retry.status(), StatusCode::CREATED);
    assert_eq!(
        retry.headers().get("idempotent-replayed").unwrap(),
        "true",
        "the first request created it"
    );
    assert_eq!(count(&app, &ann).await, 1);
}

#[tokio::test]
async fn creates_cut_off_at_any_point_finish_or_vanish_and_a_retry_never_meets_a_stuck_key() {
    let app = TestApp::spawn().await;
    let (ann, cookie) = app.user_with_cookie("Ann").await;
    // Clients that go away before, during and after the claim: from at once to well after
    // the answer.
    let delays_us: Vec<u64> = (0..24)
        .map(|i| i * 250)
        .chain([8_000, 15_000, 30_000])
        .collect();
    for (i, delay) in delays_us.iter().enumerate() {
        let key = format!("cut-{i}");
        let body =
            json!({"title": format!("Plan {i}"), "slug": format!("plan-{i}"), "tags": [], "body": ""})
                .to_string();
        let socket = send_raw_create(&app, &cookie, &key, &body).await;
        tokio::time::sleep(Duration::from_micros(*delay)).await;
        drop(socket);
        let retry = retry_until_settled(&app, &ann, &key, &body).await;
        assert_eq!(
            retry.status(),
            StatusCode::CREATED,
            "{key} after {delay} µs"
        );
    }
    // Exactly one document per key, whether the first request or its retry made it.
    assert_eq!(count(&app, &ann).await, delays_us.len());
}

#[tokio::test]
async fn saves_cut_off_at_any_point_are_saved_once_and_a_retry_is_never_a_conflict() {
    let app = TestApp::spawn().await;
    let (ann, cookie) = app.user_with_cookie("Ann").await;
    let doc: Value = post(
        &app,
        &ann,
        None,
        &json!({"title": "Plan", "slug": "plan", "tags": [], "body": ""}),
    )
    .await
    .json()
    .await
    .unwrap();
    let id = doc["id"].as_str().unwrap();
    let delays_us: Vec<u64> = (0..16)
        .map(|i| i * 250)
        .chain([8_000, 15_000, 30_000])
        .collect();
    for (rev, (i, delay)) in (1..).zip(delays_us.iter().enumerate()) {
        let key = format!("save-{i}");
        let body = put_body(&doc, &format!("text {i}")).to_string();
        let socket = send_raw_save(&app, &cookie, id, rev, &key, &body).await;
        tokio::time::sleep(Duration::from_micros(*delay)).await;
        drop(socket);
        // The same request again: saved now, or the first attempt's answer replayed; never
        // "in flight" and never a conflict with its own first attempt.
        let retry = ann
            .put(app.url(&format!("/api/docs/{id}")))
            .header("if-match", format!("\"{rev}\""))
            .header("idempotency-key", &key)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(retry.status(), StatusCode::OK, "{key} after {delay} µs");
        let saved: Value = retry.json().await.unwrap();
        assert_eq!(saved["rev"], rev + 1, "{key} is saved once");
    }
}

/// Writes a keyed save on a socket of its own, which the caller may drop at any moment.
async fn send_raw_save(
    app: &TestApp,
    cookie: &str,
    id: &str,
    rev: i64,
    key: &str,
    body: &str,
) -> tokio::net::TcpStream {
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "PUT /api/docs/{id} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nIdempotency-Key: {key}\r\n\
         If-Match: \"{rev}\"\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    socket
}

/// Writes a keyed create on a socket of its own, which the caller may drop at any moment.
async fn send_raw_create(
    app: &TestApp,
    cookie: &str,
    key: &str,
    body: &str,
) -> tokio::net::TcpStream {
    let addr = app.base.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let request = format!(
        "POST /api/docs HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nIdempotency-Key: {key}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    socket.write_all(request.as_bytes()).await.unwrap();
    socket
}

/// Retries a keyed create while its first request may legitimately still run (409 in
/// flight), for at most three seconds: a key still in flight after that is stuck.
async fn retry_until_settled(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    body: &str,
) -> reqwest::Response {
    let body: Value = serde_json::from_str(body).unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(3);
    loop {
        let retry = post(app, client, Some(key), &body).await;
        if retry.status() != StatusCode::CONFLICT {
            return retry;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{key} is still in flight 3 s after its client went away"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Claims `key` for `create` in the store, as a first request that has not finished would.
pub(crate) async fn claim_in_flight(
    app: &TestApp,
    client: &reqwest::Client,
    key: &str,
    create: &CreateDoc,
) {
    let me: Value = client
        .get(app.url("/api/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    // What the server fingerprints: the parsed body, serialised again.
    let canonical = serde_json::to_vec(create).unwrap();
    let fingerprint = server::http::idempotency::fingerprint("POST", "/api/docs", b"", &canonical);
    let now = chrono::Utc::now();
    app.stores()
        .await
        .keys
        .claim_idempotency_key(
            me["id"].as_str().unwrap(),
            key,
            &fingerprint,
            now,
            now,
            now - chrono::Duration::seconds(60),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn a_document_needs_only_a_title_and_gets_a_free_slug_made_from_it() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let create = |body: serde_json::Value| {
        let ann = ann.clone();
        let url = app.url("/api/docs");
        async move { ann.post(url).json(&body).send().await.unwrap() }
    };

    let mut slugs = Vec::new();
    for body in [
        json!({"title": "Q4 Plan: draft!"}),
        json!({"title": "Q4 plan – draft", "slug": ""}),
        json!({"title": "Планы на квартал"}),
        json!({"title": "北京计划"}),
        json!({"title": "!!!"}),
    ] {
        let response = create(body.clone()).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{body}");
        let doc: serde_json::Value = response.json().await.unwrap();
        slugs.push(doc["slug"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        slugs,
        [
            "q4-plan-draft",
            "q4-plan-draft-2",
            "plany-na-kvartal",
            "bei-jing-ji-hua",
            "doc"
        ]
    );

    // A slug that is given is the person's choice: checked, never replaced.
    let blank = create(json!({"title": "Blank", "slug": "  "})).await;
    let body = problem(
        blank,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "slug");
    let taken = create(json!({"title": "Again", "slug": "doc"})).await;
    problem(taken, StatusCode::CONFLICT, "/problems/slug-taken").await;
}
