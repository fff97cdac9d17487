//! Two instances on one database, as behind a load balancer: what one does, the other sees
//! and enforces. Sessions, sign-in limits, idempotency and slugs live in the database and
//! hold on both backends; live updates and presence cross instances on PostgreSQL (SQLite
//! is one process by design, so those tests run in the PostgreSQL pass only).

use std::time::Duration;

use futures::future::join;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::config::Liveness;
use sqlx::{Connection, PgConnection};

use crate::{
    creates::claim_in_flight,
    helpers::{problem, put_body, TestApp},
    live::{next_matching, next_of, present, send, watcher, Socket},
    security::sign_in,
};

#[tokio::test]
async fn a_session_made_on_one_instance_works_and_ends_on_the_other() {
    let a = TestApp::spawn().await;
    let b = a.another_instance(|_| {}).await;
    let ann = a.user("Ann").await;

    let me: Value = ann
        .get(b.url("/api/auth/me"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["name"], "Ann");
    ann.post(b.url("/api/auth/logout")).send().await.unwrap();
    let after = ann.get(a.url("/api/docs")).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_sign_in_limit_counts_failures_on_every_instance() {
    let a = TestApp::spawn().await;
    let b = a.another_instance(|_| {}).await;
    a.user("Ann").await;

    for app in [&a, &a, &a, &b, &b] {
        assert_eq!(
            sign_in(app, "Ann", "wrong guess").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }

    assert_eq!(
        sign_in(&b, "Ann", "a good password").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        sign_in(&a, "Ann", "a good password").await.status(),
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[tokio::test]
async fn an_idempotent_create_is_replayed_by_the_other_instance() {
    let a = TestApp::spawn().await;
    let b = a.another_instance(|_| {}).await;
    let ann = a.user("Ann").await;
    let body = json!({"title": "Plan", "slug": "plan", "tags": [], "body": "x"});
    let create = |app: &TestApp, body: &Value| {
        ann.post(app.url("/api/docs"))
            .header("idempotency-key", "create-plan-1")
            .json(body)
            .send()
    };

    let first = create(&a, &body).await.unwrap();
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    let again = create(&b, &body).await.unwrap();

    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    assert_eq!(again.json::<Value>().await.unwrap()["id"], first["id"]);
    let other = json!({"title": "Other", "slug": "other", "tags": [], "body": "y"});
    let mismatch = create(&b, &other).await.unwrap();
    problem(
        mismatch,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/idempotency-mismatch",
    )
    .await;
}

#[tokio::test]
async fn a_create_still_running_on_one_instance_is_in_flight_on_the_other() {
    let a = TestApp::spawn().await;
    let b = a.another_instance(|_| {}).await;
    let ann = a.user("Ann").await;
    let create = app::protocol::CreateDoc {
        title: "Plan".into(),
        slug: "plan".into(),
        tags: vec![],
        body: String::new(),
    };
    // Instance A's request has claimed the key and not finished.
    claim_in_flight(&a, &ann, "busy", &create).await;

    let on_b = ann
        .post(b.url("/api/docs"))
        .header("idempotency-key", "busy")
        .json(&create)
        .send()
        .await
        .unwrap();

    problem(
        on_b,
        StatusCode::CONFLICT,
        "/problems/idempotency-in-flight",
    )
    .await;
}

#[tokio::test]
async fn two_instances_racing_for_one_slug_create_exactly_one_document() {
    let a = TestApp::spawn().await;
    let b = a.another_instance(|_| {}).await;
    let ann = a.user("Ann").await;
    let body = json!({"title": "Plan", "slug": "contested", "tags": [], "body": "x"});

    let (on_a, on_b) = join(
        ann.post(a.url("/api/docs")).json(&body).send(),
        ann.post(b.url("/api/docs")).json(&body).send(),
    )
    .await;

    let mut statuses = vec![on_a.unwrap().status(), on_b.unwrap().status()];
    statuses.sort();
    assert_eq!(statuses, vec![StatusCode::CREATED, StatusCode::CONFLICT]);
}

/// Ann owns a document shared with Bob as an editor; each watches it on their instance.
async fn two_watchers(a: &TestApp, b: &TestApp) -> (reqwest::Client, Value, Socket, Socket) {
    let (ann, ann_cookie) = a.user_with_cookie("Ann").await;
    let (_bob, bob_cookie) = a.user_with_cookie("Bob").await;
    let doc = a.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    a.share(&ann, id, "Bob", "editor").await;
    let mut ann_socket = watcher(a, &ann_cookie, "ann-tab", id).await;
    let mut bob_socket = watcher(b, &bob_cookie, "bob-tab", id).await;
    // The first presence each receives says its watch is in place.
    next_of(&mut ann_socket, "presence").await;
    next_of(&mut bob_socket, "presence").await;
    (ann, doc, ann_socket, bob_socket)
}

/// Waits (up to two seconds) for a presence listing exactly `names`.
async fn presence_of(socket: &mut Socket, names: &[&str]) -> Value {
    let wait = async {
        loop {
            let presence = next_of(socket, "presence").await;
            let listed: Vec<String> = present(&presence).into_iter().map(|v| v.0).collect();
            if listed == names {
                return presence;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(2), wait)
        .await
        .unwrap_or_else(|_| panic!("presence never became {names:?}"))
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it (--include-ignored)"]
async fn a_save_on_one_instance_reaches_a_watcher_on_the_other() {
    let a = TestApp::spawn_postgres_with(|_| {}).await;
    let b = a.another_instance(|_| {}).await;
    let (ann, doc, _ann_socket, mut bob_socket) = two_watchers(&a, &b).await;

    let saved = ann
        .put(a.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap())))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "new body"))
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);

    let updated = next_of(&mut bob_socket, "updated").await;
    assert_eq!(updated["rev"], 2);
    assert_eq!(updated["by"]["name"], "Ann");
    assert_eq!(updated["fields"], json!(["body"]));
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it (--include-ignored)"]
async fn a_role_changed_on_one_instance_reaches_the_member_watching_on_the_other() {
    let a = TestApp::spawn_postgres_with(|_| {}).await;
    let b = a.another_instance(|_| {}).await;
    let (ann, doc, _ann_socket, mut bob_socket) = two_watchers(&a, &b).await;
    let id = doc["id"].as_str().unwrap();

    a.share(&ann, id, "Bob", "viewer").await;
    let told = next_of(&mut bob_socket, "role").await;
    assert_eq!(told["role"], "viewer");
    assert_eq!(told["by"]["name"], "Ann");

    let removed = ann
        .delete(a.url(&format!("/api/docs/{id}/members/Bob")))
        .send()
        .await
        .unwrap();
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    assert_eq!(next_of(&mut bob_socket, "not_found").await["doc_id"], id);
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it (--include-ignored)"]
async fn presence_spans_instances_and_an_instance_that_stops_beating_leaves_it() {
    // Heartbeats come often so the test is quick; an instance's heartbeat ages only by the
    // servers' clock, which the test moves: nothing here waits for time to pass.
    let timeout = Duration::from_secs(60);
    let quick = |settings: &mut server::Settings| {
        settings.instance_liveness = Liveness {
            heartbeat: Duration::from_millis(50),
            timeout,
        }
    };
    let a = TestApp::spawn_postgres_with(quick).await;
    let b = a.another_instance(quick).await;
    let (_ann, doc, mut ann_socket, mut bob_socket) = two_watchers(&a, &b).await;
    let id = doc["id"].as_str().unwrap();

    presence_of(&mut ann_socket, &["Ann", "Bob"]).await;
    presence_of(&mut bob_socket, &["Ann", "Bob"]).await;
    send(
        &mut bob_socket,
        json!({"type": "editing", "doc_id": id, "dirty": true}),
    )
    .await;
    // Heartbeats may announce the same two a few times before Bob's change arrives.
    let dirty = async {
        loop {
            let presence = presence_of(&mut ann_socket, &["Ann", "Bob"]).await;
            if present(&presence)[1].2 {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(5), dirty)
        .await
        .expect("Bob's unsaved changes show on A");

    // A third instance that stops beating (it died without a word): its viewer shows
    // while its last heartbeat is fresh by the servers' clock...
    let mut db = PgConnection::connect(&a.database_url).await.unwrap();
    let now = a
        .clock
        .now()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    sqlx::query("INSERT INTO instances (id, started_at, seen_at) VALUES ('ghost', $1, $1)")
        .bind(&now)
        .execute(&mut db)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO presence (instance_id, doc_id, position, user_id, user_name, tab_id, dirty) \
         VALUES ('ghost', $1, 0, 'ghost-user', 'Cyd', 'cyd-tab', false)",
    )
    .bind(id)
    .execute(&mut db)
    .await
    .unwrap();
    let changed = json!({"event": "presence", "doc_id": id}).to_string();
    sqlx::query("SELECT pg_notify('concord_live', $1)")
        .bind(changed)
        .execute(&mut db)
        .await
        .unwrap();
    presence_of(&mut ann_socket, &["Ann", "Bob", "Cyd"]).await;
    // ...and still shows while no time passes for the servers, heartbeats going on...
    let later = tokio::time::timeout(
        Duration::from_millis(500),
        next_of(&mut ann_socket, "presence"),
    )
    .await;
    if let Ok(presence) = later {
        let listed: Vec<String> = present(&presence).into_iter().map(|v| v.0).collect();
        assert_eq!(
            listed,
            ["Ann", "Bob", "Cyd"],
            "nothing ages by the wall clock"
        );
    }
    // ...then goes once the clock is past its timeout, while the live instances, which go
    // on beating, stay.
    a.clock
        .advance(chrono::Duration::from_std(timeout).unwrap() + chrono::Duration::seconds(1));
    presence_of(&mut ann_socket, &["Ann", "Bob"]).await;
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it (--include-ignored)"]
async fn a_dropped_notification_connection_tells_watchers_to_resync_and_recovers() {
    let a = TestApp::spawn_postgres_with(|_| {}).await;
    let b = a.another_instance(|_| {}).await;
    let (ann, doc, mut ann_socket, _bob_socket) = two_watchers(&a, &b).await;

    let mut db = PgConnection::connect(&a.database_url).await.unwrap();
    let killed: i64 = sqlx::query_scalar(
        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity \
         WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(killed, 2, "each instance listens on one connection");

    next_of(&mut ann_socket, "resync").await;
    // Once reconnected, updates flow again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut rev = 1;
    loop {
        let saved = ann
            .put(b.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap())))
            .header("if-match", format!("\"{rev}\""))
            .json(&put_body(&doc, &format!("body {rev}")))
            .send()
            .await
            .unwrap();
        assert_eq!(saved.status(), StatusCode::OK);
        rev += 1;
        let heard = tokio::time::timeout(Duration::from_millis(500), async {
            loop {
                let updated = next_of(&mut ann_socket, "updated").await;
                if updated["rev"] == rev {
                    return;
                }
            }
        })
        .await;
        if heard.is_ok() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "updates never flowed again"
        );
    }
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it (--include-ignored)"]
async fn two_instances_migrating_one_new_database_at_once_both_start() {
    let a = TestApp::spawn_postgres_with(|_| {}).await;
    // A second, empty database on the same server, migrated by two instances at once.
    let mut admin = PgConnection::connect(&a.database_url).await.unwrap();
    let name = format!("concord_race_{}", uuid::Uuid::now_v7().simple());
    sqlx::raw_sql(&format!(r#"CREATE DATABASE "{name}""#))
        .execute(&mut admin)
        .await
        .unwrap();
    let mut url = reqwest::Url::parse(&a.database_url).unwrap();
    url.set_path(&name);
    let url = url.to_string();

    let (first, second) = join(server::store::connect(&url), server::store::connect(&url)).await;

    assert!(first.is_ok(), "{:?}", first.err());
    assert!(second.is_ok(), "{:?}", second.err());
    let mut db = PgConnection::connect(&url).await.unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM _sqlx_migrations")
        .fetch_one(&mut db)
        .await
        .unwrap();
    // Every migration exactly once.
    let migrations = std::fs::read_dir(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../server/migrations/postgres"
    ))
    .unwrap()
    .count();
    assert_eq!(applied, migrations as i64);
    drop((first, second));
    let _ = db.close().await;
    let _ = sqlx::raw_sql(&format!(r#"DROP DATABASE "{name}" WITH (FORCE)"#))
        .execute(&mut admin)
        .await;
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it (--include-ignored)"]
async fn a_suggestion_made_on_one_instance_reaches_and_tells_the_owner_watching_on_the_other() {
    let a = TestApp::spawn_postgres_with(|_| {}).await;
    let b = a.another_instance(|_| {}).await;
    let (ann, ann_cookie) = a.user_with_cookie("Ann").await;
    let bob = a.user("Bob").await;
    let doc = a.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    a.share(&ann, id, "Bob", "viewer").await;
    let mut ann_socket = watcher(&b, &ann_cookie, "ann-tab", id).await;
    next_of(&mut ann_socket, "presence").await;

    let made = bob
        .post(a.url(&format!("/api/docs/{id}/suggestions")))
        .json(&json!({"base_rev": 1, "title": "Plan B"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), StatusCode::CREATED);
    let heard = next_matching(&mut ann_socket, "a suggestion", |m| {
        m["type"] == "suggested"
    })
    .await;
    assert_eq!(heard["by"]["name"], "Bob");
    // Her inbox, told in the instance Bob used, changes on the page open on the other.
    next_matching(&mut ann_socket, "her inbox changing", |m| {
        m["type"] == "notified"
    })
    .await;
}

/// An instance's presence writes so far (`/metrics`).
async fn presence_writes(app: &TestApp) -> u64 {
    let text = reqwest::get(app.url("/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("concord_live_presence_writes_total "))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
#[ignore = "PostgreSQL only: the PostgreSQL pass runs it (--include-ignored)"]
async fn a_crowd_coming_and_starting_to_type_is_written_to_shared_presence_a_few_times() {
    // Every join and every toggle is announced at once on the instance (no delay), so
    // only the shared writes' own coalescing keeps their number down.
    let at_once = |settings: &mut server::Settings| settings.presence_delay = Duration::ZERO;
    let a = TestApp::spawn_postgres_with(at_once).await;
    let b = a.another_instance(at_once).await;
    let (ann, cookie) = a.user_with_cookie("Ann").await;
    let doc = a.create(&ann, "crowd").await;
    let id = doc["id"].as_str().unwrap();
    let mut far = watcher(&b, &cookie, "far", id).await;
    next_of(&mut far, "presence").await;
    let before = presence_writes(&a).await;

    let mut crowd = Vec::new();
    for n in 0..40 {
        crowd.push(watcher(&a, &cookie, &format!("tab-{n}"), id).await);
    }
    for socket in &mut crowd {
        send(
            socket,
            json!({"type": "editing", "doc_id": id, "dirty": true}),
        )
        .await;
    }
    // The other instance's watcher ends up counting all of them, every one typing.
    let counted = async {
        loop {
            let presence = next_of(&mut far, "presence").await;
            let typing = present(&presence).iter().filter(|v| v.2).count();
            if presence["total"] == 41 && typing == 40 {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), counted)
        .await
        .expect("the crowd shows on the other instance");
    let written = presence_writes(&a).await - before;
    assert!(
        (1..=12).contains(&written),
        "80 changes took {written} presence writes"
    );
}
