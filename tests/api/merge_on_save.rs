//! `Prefer: merge=auto`: a stale save merged on the server in one request when it merges
//! cleanly, the usual stale-revision answer when it does not, and nothing without asking.

use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};

const BASE: &str = "one\ntwo\nthree\nfour\nfive\n";

/// Ann's document at revision 1 with `BASE`, shared with Bob as an editor, and Bob's
/// change of its first line saved as revision 2.
async fn moved_on() -> (TestApp, Client, Client, String) {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let created: Value = ann
        .post(app.url("/api/docs"))
        .json(&doc("Plan", &["a"], BASE))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    app.share(&ann, &id, "Bob", "editor").await;
    let url = app.url(&format!("/api/docs/{id}"));
    let bobs = bob
        .put(&url)
        .header("if-match", "\"1\"")
        .json(&doc("Plan", &["a"], &BASE.replace("one", "ONE by Bob")))
        .send()
        .await
        .unwrap();
    assert_eq!(bobs.status(), StatusCode::OK);
    (app, ann, bob, url)
}

fn doc(title: &str, tags: &[&str], body: &str) -> Value {
    json!({"title": title, "slug": "plan", "tags": tags, "body": body})
}

fn merging(request: RequestBuilder) -> RequestBuilder {
    request.header("prefer", "merge=auto")
}

fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

async fn history(client: &Client, url: &str) -> Vec<Value> {
    let list: Value = client
        .get(format!("{url}/revisions"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    list["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_stale_save_that_merges_cleanly_is_saved_as_a_merge_in_one_request() {
    let (_app, ann, _bob, url) = moved_on().await;
    let mine = BASE.replace("four", "four by Ann");
    let response = merging(ann.put(&url).header("if-match", "\"1\""))
        .json(&doc("Plan", &["a"], &mine))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "etag").as_deref(), Some("\"3\""));
    assert_eq!(
        header(&response, "preference-applied").as_deref(),
        Some("merge=auto")
    );
    assert_eq!(header(&response, "merged-over").as_deref(), Some("2"));
    let saved: Value = response.json().await.unwrap();
    assert_eq!(saved["rev"], 3);
    assert_eq!(saved["body"], "ONE by Bob\ntwo\nthree\nfour by Ann\nfive\n");

    let items = history(&ann, &url).await;
    assert_eq!(items[0]["rev"], 3);
    assert_eq!(items[0]["merge_base"], 1, "{items:?}");
    assert_eq!(items[0]["fields"], json!(["body"]));
    assert!(items[1].get("merge_base").is_none(), "{items:?}");
}

#[tokio::test]
async fn different_words_of_one_line_merge_on_save() {
    let (_app, _ann, bob, url) = moved_on().await;
    let put = |rev: i64, body: String| {
        merging(bob.put(&url).header("if-match", format!("\"{rev}\"")))
            .json(&doc("Plan", &["a"], &body))
            .send()
    };
    let base = BASE
        .replace("one", "ONE by Bob")
        .replace("two", "two little pigs");
    assert_eq!(put(2, base.clone()).await.unwrap().status(), StatusCode::OK);
    let theirs = base.replace("little", "big");
    assert_eq!(put(3, theirs).await.unwrap().status(), StatusCode::OK);
    // From revision 3, a word added at the end of the line revision 4 changed.
    let response = put(3, base.replace("pigs", "pigs here")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let saved: Value = response.json().await.unwrap();
    assert_eq!(saved["body"], base.replace("little pigs", "big pigs here"));
}

#[tokio::test]
async fn without_the_preference_a_stale_save_is_refused_as_before() {
    let (_app, ann, _bob, url) = moved_on().await;
    let mine = BASE.replace("four", "four by Ann");
    for prefer in [None, Some("merge=manual"), Some("return=minimal")] {
        let mut request = ann.put(&url).header("if-match", "\"1\"");
        if let Some(prefer) = prefer {
            request = request.header("prefer", prefer);
        }
        let response = request
            .json(&doc("Plan", &["a"], &mine))
            .send()
            .await
            .unwrap();
        assert!(header(&response, "preference-applied").is_none());
        let body = problem(
            response,
            StatusCode::PRECONDITION_FAILED,
            "/problems/stale-revision",
        )
        .await;
        assert_eq!(body["merge"]["clean"], true, "{prefer:?}");
    }
    assert_eq!(history(&ann, &url).await.len(), 2);
}

#[tokio::test]
async fn the_preference_is_found_among_others_and_in_any_case() {
    let (_app, ann, _bob, url) = moved_on().await;
    let mine = BASE.replace("four", "four by Ann");
    let response = ann
        .put(&url)
        .header("if-match", "\"1\"")
        .header("prefer", "return=representation, MERGE=\"auto\"; strict")
        .json(&doc("Plan", &["a"], &mine))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(&response, "merged-over").as_deref(), Some("2"));
}

#[tokio::test]
async fn a_conflicting_save_gets_the_usual_stale_answer_and_changes_nothing() {
    let (_app, ann, bob, url) = moved_on().await;
    let mine = BASE.replace("one", "ONE by Ann");
    let response = merging(ann.put(&url).header("if-match", "\"1\""))
        .json(&doc("Plan", &["a"], &mine))
        .send()
        .await
        .unwrap();
    assert!(header(&response, "preference-applied").is_none());
    let body = problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(body["current_rev"], 2);
    assert_eq!(body["merge"]["clean"], false);
    let conflicting: Vec<&Value> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["state"] == "both_conflict")
        .collect();
    assert_eq!(conflicting.len(), 1);
    assert_eq!(conflicting[0]["field"], "body");

    let current: Value = bob.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(current["rev"], 2);
    assert_eq!(current["body"], BASE.replace("one", "ONE by Bob"));
    assert_eq!(history(&ann, &url).await.len(), 2);
}

#[tokio::test]
async fn a_body_base_rev_merges_too_and_a_clash_then_is_a_409() {
    let (_app, ann, _bob, url) = moved_on().await;
    let mut clashing = doc("Plan", &["a"], &BASE.replace("one", "uno"));
    clashing["base_rev"] = json!(1);
    let refused = merging(ann.put(&url)).json(&clashing).send().await.unwrap();
    problem(refused, StatusCode::CONFLICT, "/problems/stale-revision").await;

    let mut clean = doc("Plan", &["a"], &BASE.replace("five", "5"));
    clean["base_rev"] = json!(1);
    let response = merging(ann.put(&url)).json(&clean).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let saved: Value = response.json().await.unwrap();
    assert_eq!(saved["body"], "ONE by Bob\ntwo\nthree\nfour\n5\n");
}

#[tokio::test]
async fn a_merge_patch_merges_from_its_base_revision() {
    let (_app, ann, _bob, url) = moved_on().await;
    // From revision 1 Ann changes the title and the last line; Bob changed the first.
    let response = merging(
        ann.patch(&url)
            .header("if-match", "\"1\"")
            .header("content-type", "application/merge-patch+json"),
    )
    .body(json!({"title": "Plan B", "body": BASE.replace("five", "five!")}).to_string())
    .send()
    .await
    .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let saved: Value = response.json().await.unwrap();
    assert_eq!(saved["title"], "Plan B");
    assert_eq!(saved["body"], "ONE by Bob\ntwo\nthree\nfour\nfive!\n");
    assert_eq!(saved["rev"], 3);
}

#[tokio::test]
async fn a_save_on_the_current_revision_is_a_plain_save() {
    let (_app, ann, _bob, url) = moved_on().await;
    let mine = BASE.replace("one", "ONE by Bob").replace("two", "2");
    let response = merging(ann.put(&url).header("if-match", "\"2\""))
        .json(&doc("Plan", &["a"], &mine))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(header(&response, "preference-applied").is_none());
    assert!(header(&response, "merged-over").is_none());
    let items = history(&ann, &url).await;
    assert_eq!(items[0]["rev"], 3);
    assert!(items[0].get("merge_base").is_none());
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_first_answer_and_saves_once() {
    let (_app, ann, _bob, url) = moved_on().await;
    let mine = doc("Plan", &["a"], &BASE.replace("four", "four by Ann"));
    let send = || {
        merging(ann.put(&url).header("if-match", "\"1\""))
            .header("idempotency-key", "merge-1")
            .json(&mine)
            .send()
    };
    let first = send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    let merged = (
        header(&first, "merged-over"),
        header(&first, "preference-applied"),
    );
    assert_eq!(merged, (Some("2".into()), Some("merge=auto".into())));
    let first: Value = first.json().await.unwrap();
    let again = send().await.unwrap();
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(
        header(&again, "idempotent-replayed").as_deref(),
        Some("true")
    );
    // The replay says what the first answer said: it was merged over revision 2.
    assert_eq!(
        (
            header(&again, "merged-over"),
            header(&again, "preference-applied")
        ),
        merged
    );
    let again: Value = again.json().await.unwrap();
    assert_eq!(first, again);
    assert_eq!(history(&ann, &url).await.len(), 3);
}

#[tokio::test]
async fn merging_never_lets_a_viewer_or_an_outsider_save() {
    let (app, ann, _bob, url) = moved_on().await;
    let id = url.rsplit('/').next().unwrap().to_owned();
    let vera = app.user("Vera").await;
    app.share(&ann, &id, "Vera", "viewer").await;
    let olga = app.user("Olga").await;
    let mine = doc("Plan", &["a"], &BASE.replace("four", "four by them"));
    let viewer = merging(vera.put(&url).header("if-match", "\"1\""))
        .json(&mine)
        .send()
        .await
        .unwrap();
    problem(viewer, StatusCode::FORBIDDEN, "/problems/forbidden").await;
    let outsider = merging(olga.put(&url).header("if-match", "\"1\""))
        .json(&mine)
        .send()
        .await
        .unwrap();
    problem(outsider, StatusCode::NOT_FOUND, "/problems/not-found").await;
    assert_eq!(history(&ann, &url).await.len(), 2);
}

#[tokio::test]
async fn a_weak_or_unknown_base_is_not_merged_from() {
    let (_app, ann, _bob, url) = moved_on().await;
    let mine = doc("Plan", &["a"], &BASE.replace("four", "four by Ann"));
    for tag in ["W/\"1\"", "\"9\"", "\"01\""] {
        let response = merging(ann.put(&url).header("if-match", tag))
            .json(&mine)
            .send()
            .await
            .unwrap();
        problem(
            response,
            StatusCode::PRECONDITION_FAILED,
            "/problems/stale-revision",
        )
        .await;
    }
    assert_eq!(history(&ann, &url).await.len(), 2);
}

#[tokio::test]
async fn a_merge_that_would_be_invalid_is_not_saved() {
    let (_app, ann, bob, url) = moved_on().await;
    // Bob fills the tags up to the limit; Ann adds one more of her own from revision 1.
    let full: Vec<String> = (0..32).map(|n| format!("t{n}")).collect();
    let full: Vec<&str> = full.iter().map(String::as_str).collect();
    let bobs = bob
        .put(&url)
        .header("if-match", "\"2\"")
        .json(&doc("Plan", &full, &BASE.replace("one", "ONE by Bob")))
        .send()
        .await
        .unwrap();
    assert_eq!(bobs.status(), StatusCode::OK);
    let response = merging(ann.put(&url).header("if-match", "\"1\""))
        .json(&doc("Plan", &["a", "mine"], BASE))
        .send()
        .await
        .unwrap();
    problem(
        response,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    assert_eq!(history(&ann, &url).await.len(), 3);
}

#[tokio::test]
async fn an_archived_document_is_not_merged_into() {
    let (_app, ann, _bob, url) = moved_on().await;
    for (rev, to) in [(2, "published"), (3, "archived")] {
        let moved = ann
            .post(format!("{url}/transitions"))
            .header("if-match", format!("\"{rev}\""))
            .json(&json!({"to": to}))
            .send()
            .await
            .unwrap();
        assert_eq!(moved.status(), StatusCode::OK);
    }
    let response = merging(ann.put(&url).header("if-match", "\"1\""))
        .json(&doc("Plan", &["a"], &BASE.replace("four", "four by Ann")))
        .send()
        .await
        .unwrap();
    assert!(matches!(
        response.status(),
        StatusCode::PRECONDITION_FAILED | StatusCode::CONFLICT
    ));
    let body: Value = response.json().await.unwrap();
    assert!(
        body["type"] == "/problems/stale-revision" || body["type"] == "/problems/invalid-state",
        "{body}"
    );
    assert_eq!(history(&ann, &url).await.len(), 4);
}

#[tokio::test]
async fn eight_writers_of_different_lines_all_get_through_in_one_request_each() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let lines: String = (0..8).map(|n| format!("line {n}\n")).collect();
    let created: Value = ann
        .post(app.url("/api/docs"))
        .json(&doc("Race", &[], &lines))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let url = app.url(&format!("/api/docs/{}", created["id"].as_str().unwrap()));
    let saves = (0..8).map(|n| {
        let body = lines.replace(&format!("line {n}\n"), &format!("line {n} edited\n"));
        merging(ann.put(&url).header("if-match", "\"1\""))
            .json(&doc("Race", &[], &body))
            .send()
    });
    for response in futures::future::join_all(saves).await {
        assert_eq!(response.unwrap().status(), StatusCode::OK);
    }
    let current: Value = ann.get(&url).send().await.unwrap().json().await.unwrap();
    assert_eq!(current["rev"], 9);
    let expected: String = (0..8).map(|n| format!("line {n} edited\n")).collect();
    assert_eq!(current["body"], expected);
}
