//! The stale-revision problem field by field, and idempotent save retries.

use futures::future::join;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};

fn doc(title: &str, slug: &str, tags: &[&str], body: &str) -> Value {
    json!({"title": title, "slug": slug, "tags": tags, "body": body})
}

/// Ann creates the base; Bob saves `theirs` on it; Ann then saves `mine` on the base.
async fn stale_put(base: Value, theirs: Value, mine: Value) -> (TestApp, Value) {
    let (app, _ann, _url, body) = stale_put_by_ann(base, theirs, mine).await;
    (app, body)
}

/// As `stale_put`, also giving Ann's client and the document's URL.
async fn stale_put_by_ann(
    base: Value,
    theirs: Value,
    mine: Value,
) -> (TestApp, reqwest::Client, String, Value) {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let created: Value = ann
        .post(app.url("/api/docs"))
        .json(&base)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    app.share(&ann, created["id"].as_str().unwrap(), "Bob", "editor")
        .await;
    let url = app.url(&format!("/api/docs/{}", created["id"].as_str().unwrap()));
    let saved = bob
        .put(&url)
        .header("if-match", "\"1\"")
        .json(&theirs)
        .send()
        .await
        .unwrap();
    assert_eq!(saved.status(), StatusCode::OK);
    let response = ann
        .put(&url)
        .header("if-match", "\"1\"")
        .json(&mine)
        .send()
        .await
        .unwrap();
    let body = problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    (app, ann, url, body)
}

fn states(body: &Value) -> Vec<(String, String)> {
    body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[tokio::test]
async fn a_stale_save_reports_unchanged_theirs_only_merged_and_conflicting_fields() {
    let (_app, body) = stale_put(
        doc("Plan", "plan", &["a", "b"], "one\ntwo\nthree\n"),
        doc("Plan", "bob-slug", &["a", "b", "q4"], "ONE\ntwo\nthree\n"),
        doc("Plan", "ann-slug", &["a", "b"], "one\ntwo\nTHREE\n"),
    )
    .await;

    assert_eq!(
        states(&body),
        pairs(&[
            ("title", "unchanged"),
            ("slug", "both_conflict"),
            ("tags", "theirs_only"),
            ("body", "both_merged")
        ])
    );
    let fields = body["fields"].as_array().unwrap();
    assert_eq!(fields[0], json!({"field": "title", "state": "unchanged"}));
    assert_eq!(fields[1]["theirs"], "bob-slug");
    assert_eq!(fields[1]["mine"], "ann-slug");
    assert_eq!(fields[2]["base"], json!(["a", "b"]));
    assert_eq!(fields[2]["theirs"], json!(["a", "b", "q4"]));
    assert_eq!(fields[3]["merged"], "ONE\ntwo\nTHREE\n");
    assert_eq!(body["merge"]["clean"], false);
    assert_eq!(body["merge"]["proposal"]["slug"], "bob-slug");
    assert_eq!(body["merge"]["proposal"]["body"], "ONE\ntwo\nTHREE\n");
    assert_eq!(body["merge"]["proposal"]["tags"], json!(["a", "b", "q4"]));
}

#[tokio::test]
async fn a_stale_save_reports_mine_only_and_both_same_fields_as_a_clean_merge() {
    let (_app, body) = stale_put(
        doc("Plan", "plan", &["a"], "body\n"),
        doc("Final plan", "plan", &["a"], "body\n"),
        doc("Final plan", "plan", &["a", "mine"], "body, edited\n"),
    )
    .await;

    assert_eq!(
        states(&body),
        pairs(&[
            ("title", "both_same"),
            ("slug", "unchanged"),
            ("tags", "mine_only"),
            ("body", "mine_only")
        ])
    );
    assert_eq!(body["merge"]["clean"], true);
    assert_eq!(body["merge"]["proposal"]["tags"], json!(["a", "mine"]));
    assert_eq!(body["merge"]["proposal"]["body"], "body, edited\n");
}

#[tokio::test]
async fn overlapping_body_changes_are_a_conflict_with_hunks() {
    let (_app, body) = stale_put(
        doc("Plan", "plan", &[], "one\ntwo\nthree\n"),
        doc("Plan", "plan", &[], "one\ntwo by Bob\nthree\n"),
        doc("Plan", "plan", &[], "one\ntwo by Ann\nthree\n"),
    )
    .await;

    let fields = body["fields"].as_array().unwrap();
    assert_eq!(fields[3]["state"], "both_conflict");
    assert_eq!(
        fields[3]["hunks"],
        json!([{"base_line": 2, "base": "two\n", "theirs": "two by Bob\n", "mine": "two by Ann\n"}])
    );
    assert!(fields[3].get("merged").is_none());
    assert_eq!(body["merge"]["clean"], false);
    assert_eq!(
        body["merge"]["proposal"]["body"],
        "one\ntwo by Bob\nthree\n"
    );
}

#[tokio::test]
async fn a_client_resolving_hunk_by_hunk_keeps_their_changes_outside_the_hunks() {
    let (_app, ann, url, body) = stale_put_by_ann(
        doc("Plan", "plan", &[], "one\ntwo\nthree\nfour\nfive\n"),
        doc(
            "Plan",
            "plan",
            &[],
            "ONE by Bob\ntwo\nthree\nfour\nFIVE by Bob\n",
        ),
        doc("Plan", "plan", &[], "one by Ann\ntwo\nthree\nfour\nfive\n"),
    )
    .await;
    let body_field = &body["fields"][3];
    assert_eq!(
        body_field["segments"],
        json!([{"hunk": 0}, {"text": "two\nthree\nfour\nFIVE by Bob\n"}])
    );
    // Conflicting hunks keep theirs in the proposal; their other changes are in it too.
    assert_eq!(
        body["merge"]["proposal"]["body"],
        "ONE by Bob\ntwo\nthree\nfour\nFIVE by Bob\n"
    );

    // Keep mine for the one hunk: join the segments with my version of it.
    let resolved: String = body_field["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|segment| match segment.get("hunk") {
            Some(index) => body_field["hunks"][index.as_u64().unwrap() as usize]["mine"]
                .as_str()
                .unwrap()
                .to_owned(),
            None => segment["text"].as_str().unwrap().to_owned(),
        })
        .collect();
    let saved: Value = ann
        .put(&url)
        .header("if-match", body["current_etag"].as_str().unwrap())
        .json(&doc("Plan", "plan", &[], &resolved))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();

    assert_eq!(saved["rev"], 3);
    assert_eq!(saved["body"], "one by Ann\ntwo\nthree\nfour\nFIVE by Bob\n");
}

#[tokio::test]
async fn a_slug_conflict_is_one_hunk_like_a_text_conflict() {
    let (_app, body) = stale_put(
        doc("Plan", "plan", &[], ""),
        doc("Plan", "bob-slug", &[], ""),
        doc("Plan", "ann-slug", &[], ""),
    )
    .await;
    assert_eq!(body["fields"][1]["segments"], json!([{"hunk": 0}]));
    assert_eq!(
        body["fields"][1]["hunks"],
        json!([{"base_line": 1, "base": "plan", "theirs": "bob-slug", "mine": "ann-slug"}])
    );
}

#[tokio::test]
async fn tags_changed_on_both_sides_merge_as_sets() {
    let (_app, body) = stale_put(
        doc("Plan", "plan", &["a", "b"], ""),
        doc("Plan", "plan", &["b", "bob"], ""),
        doc("Plan", "plan", &["a", "ann"], ""),
    )
    .await;

    assert_eq!(body["fields"][2]["state"], "both_merged");
    assert_eq!(body["fields"][2]["merged"], json!(["ann", "bob"]));
}

#[tokio::test]
async fn a_stale_merge_patch_is_compared_as_the_patch_applied_to_its_base() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let created = app.create(&ann, "plan").await;
    app.share(&ann, created["id"].as_str().unwrap(), "Bob", "editor")
        .await;
    let url = app.url(&format!("/api/docs/{}", created["id"].as_str().unwrap()));
    let patch = |client: &reqwest::Client, body: &'static str| {
        client
            .patch(&url)
            .header("if-match", "\"1\"")
            .header("content-type", "application/merge-patch+json")
            .body(body)
            .send()
    };
    assert_eq!(
        patch(&bob, r#"{"body": "Bob's body"}"#)
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );

    let response = patch(&ann, r#"{"title": "Ann's title"}"#).await.unwrap();

    let body = problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(
        states(&body),
        pairs(&[
            ("title", "mine_only"),
            ("slug", "unchanged"),
            ("tags", "unchanged"),
            ("body", "theirs_only")
        ])
    );
    assert_eq!(body["merge"]["clean"], true);
    assert_eq!(body["merge"]["proposal"]["title"], "Ann's title");
    assert_eq!(body["merge"]["proposal"]["body"], "Bob's body");
}

#[tokio::test]
async fn a_base_revision_that_never_existed_gets_no_field_comparison() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let created = app.create(&ann, "plan").await;

    let response = ann
        .put(app.url(&format!("/api/docs/{}", created["id"].as_str().unwrap())))
        .header("if-match", "\"99\"")
        .json(&doc("T", "plan", &[], "x"))
        .send()
        .await
        .unwrap();

    let body = problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(body["your_base_rev"], 99);
    assert!(body.get("fields").is_none() && body.get("merge").is_none());
}

async fn put_with_key(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    key: &str,
    body: &Value,
) -> reqwest::Response {
    client
        .put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .header("idempotency-key", key)
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn retrying_a_save_with_its_idempotency_key_returns_the_original_200_not_a_412() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let created = app.create(&ann, "plan").await;
    let id = created["id"].as_str().unwrap();
    let change = doc("Plan", "plan", &[], "saved once");

    let first = put_with_key(&app, &ann, id, "save-1", &change).await;
    assert_eq!(first.status(), StatusCode::OK);
    let first_body: Value = first.json().await.unwrap();

    // The first response was "lost"; the client retries the very same request.
    let retry = put_with_key(&app, &ann, id, "save-1", &change).await;

    assert_eq!(retry.status(), StatusCode::OK);
    assert_eq!(retry.headers()["idempotent-replayed"], "true");
    assert_eq!(retry.headers()["etag"], "\"2\"");
    assert_eq!(retry.json::<Value>().await.unwrap(), first_body);
    assert_eq!(
        app.stores()
            .await
            .history
            .changes_since(id, 0)
            .await
            .unwrap()
            .len(),
        2
    );
    let without_key = ann
        .put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .json(&change)
        .send()
        .await
        .unwrap();
    problem(
        without_key,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
}

#[tokio::test]
async fn an_idempotency_key_reused_for_a_different_save_is_422() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let created = app.create(&ann, "plan").await;
    let id = created["id"].as_str().unwrap();
    put_with_key(&app, &ann, id, "save-1", &doc("Plan", "plan", &[], "first")).await;

    let other = put_with_key(
        &app,
        &ann,
        id,
        "save-1",
        &doc("Plan", "plan", &[], "different"),
    )
    .await;

    problem(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/idempotency-mismatch",
    )
    .await;
    assert_eq!(app.get(&ann, id).await["body"], "first");
}

#[tokio::test]
async fn idempotency_keys_are_scoped_per_user() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let first = app.create(&ann, "first").await;
    let second = app.create(&bob, "second").await;
    let ann_save = put_with_key(
        &app,
        &ann,
        first["id"].as_str().unwrap(),
        "k",
        &doc("A", "first", &[], "a"),
    )
    .await;

    let bob_save = put_with_key(
        &app,
        &bob,
        second["id"].as_str().unwrap(),
        "k",
        &doc("B", "second", &[], "b"),
    )
    .await;

    assert_eq!(ann_save.status(), StatusCode::OK);
    assert_eq!(bob_save.status(), StatusCode::OK);
    assert!(bob_save.headers().get("idempotent-replayed").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_simultaneous_sends_of_one_save_both_get_its_success() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let created = app.create(&ann, "plan").await;
    let id = created["id"].as_str().unwrap();
    let change = doc("Plan", "plan", &[], "sent twice");

    let (a, b) = join(
        put_with_key(&app, &ann, id, "dup", &change),
        put_with_key(&app, &ann, id, "dup", &change),
    )
    .await;

    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    assert_eq!(
        app.stores()
            .await
            .history
            .changes_since(id, 0)
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_malformed_idempotency_key_is_422_and_saves_nothing() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let created = app.create(&ann, "plan").await;
    let id = created["id"].as_str().unwrap();

    for key in ["", "has space", &"k".repeat(256)] {
        let response = put_with_key(&app, &ann, id, key, &doc("Plan", "plan", &[], "x")).await;
        let body = problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
        assert_eq!(body["errors"][0]["field"], "Idempotency-Key");
    }
    assert_eq!(app.get(&ann, id).await["rev"], 1);
}
