use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{problem, put_body, TestApp};

#[tokio::test]
async fn creating_returns_201_with_location_etag_and_revision_1() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;

    let response = ann
        .post(app.url("/api/docs"))
        .json(&json!({"title": "  Plan  ", "slug": "plan", "tags": ["q4", "a", "q4"], "body": "text"}))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let doc: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/api/docs/{}", doc["id"].as_str().unwrap())
    );
    assert_eq!(doc["rev"], 1);
    assert_eq!(doc["title"], "Plan");
    assert_eq!(doc["tags"], json!(["a", "q4"]));
    assert_eq!(doc["status"], "draft");
    assert_eq!(doc["created_by"]["name"], "Ann");
}

#[tokio::test]
async fn reading_sends_a_strong_etag_and_honours_if_none_match() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let url = app.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap()));

    let fresh = ann.get(&url).send().await.unwrap();
    assert_eq!(fresh.headers()["etag"], "\"1\"");
    assert_eq!(fresh.headers()["cache-control"], "private, no-cache");

    let cached = ann
        .get(&url)
        .header("if-none-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(cached.headers()["etag"], "\"1\"");

    let outdated = ann
        .get(&url)
        .header("if-none-match", "\"7\"")
        .send()
        .await
        .unwrap();
    assert_eq!(outdated.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_put_with_the_current_etag_saves_a_new_revision_by_its_author() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();
    app.share(&ann, id, "Bob", "editor").await;

    let response = bob
        .put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, "one\ntwo\nthree\n"))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let saved: serde_json::Value = response.json().await.unwrap();
    assert_eq!(saved["rev"], 2);
    assert_eq!(saved["updated_by"]["name"], "Bob");
    assert_eq!(saved["created_by"]["name"], "Ann");
    let history = app
        .stores()
        .await
        .history
        .changes_since(id, 0)
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].by.name, "Bob");
    assert_eq!(history[1].fields, vec![app::domain::Field::Body]);
}

#[tokio::test]
async fn an_unchanged_put_records_no_revision() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();

    let response = ann
        .put(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .json(&put_body(&doc, doc["body"].as_str().unwrap()))
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"1\"");
    assert_eq!(
        app.stores()
            .await
            .history
            .changes_since(id, 0)
            .await
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_merge_patch_changes_only_the_fields_it_names() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let id = doc["id"].as_str().unwrap();

    let response = ann
        .patch(app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .header("content-type", "application/merge-patch+json")
        .body(r#"{"title": "Renamed", "tags": ["z"]}"#)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    let saved: serde_json::Value = response.json().await.unwrap();
    assert_eq!(saved["title"], "Renamed");
    assert_eq!(saved["tags"], json!(["z"]));
    assert_eq!(saved["body"], doc["body"]);
    assert_eq!(saved["slug"], doc["slug"]);
    let history = app
        .stores()
        .await
        .history
        .changes_since(id, 0)
        .await
        .unwrap();
    let fields: Vec<_> = history[1].fields.iter().map(|f| f.name()).collect();
    assert_eq!(fields, vec!["title", "tags"]);
}

#[tokio::test]
async fn deleting_with_the_current_etag_hides_the_document_and_frees_its_slug() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let doc = app.create(&ann, "plan").await;
    let url = app.url(&format!("/api/docs/{}", doc["id"].as_str().unwrap()));

    let stale = ann
        .delete(&url)
        .header("if-match", "\"5\"")
        .send()
        .await
        .unwrap();
    problem(
        stale,
        StatusCode::PRECONDITION_FAILED,
        "/problems/stale-revision",
    )
    .await;
    let deleted = ann
        .delete(&url)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);

    problem(
        ann.get(&url).send().await.unwrap(),
        StatusCode::NOT_FOUND,
        "/problems/not-found",
    )
    .await;
    app.create(&ann, "plan").await;
}

#[tokio::test]
async fn a_taken_slug_is_a_409_on_create_and_on_save() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    app.create(&ann, "plan").await;
    let other = app.create(&ann, "other").await;

    let create = ann
        .post(app.url("/api/docs"))
        .json(&json!({"title": "Again", "slug": "plan"}))
        .send()
        .await
        .unwrap();
    let body = problem(create, StatusCode::CONFLICT, "/problems/slug-taken").await;
    assert_eq!(body["slug"], "plan");

    let mut renamed = put_body(&other, "x");
    renamed["slug"] = json!("plan");
    let save = ann
        .put(app.url(&format!("/api/docs/{}", other["id"].as_str().unwrap())))
        .header("if-match", "\"1\"")
        .json(&renamed)
        .send()
        .await
        .unwrap();
    problem(save, StatusCode::CONFLICT, "/problems/slug-taken").await;
    assert_eq!(app.get(&ann, other["id"].as_str().unwrap()).await["rev"], 1);
}

#[tokio::test]
async fn the_list_filters_by_text_status_and_tag_and_pages_with_a_cursor() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    for slug in ["alpha", "beta", "gamma"] {
        app.create(&ann, slug).await;
    }
    ann.post(app.url("/api/docs"))
        .json(&json!({"title": "Tagged", "slug": "tagged", "tags": ["special"], "body": "needle"}))
        .send()
        .await
        .unwrap();

    let page = |query: &'static str| {
        let ann = ann.clone();
        let url = app.url(&format!("/api/docs?{query}"));
        async move {
            ann.get(url)
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let slugs = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["slug"].as_str().unwrap().to_owned())
            .collect()
    };

    assert_eq!(slugs(&page("q=NEEDLE").await), vec!["tagged"]);
    assert_eq!(slugs(&page("tag=special").await), vec!["tagged"]);
    assert_eq!(slugs(&page("status=published").await), Vec::<String>::new());
    assert_eq!(slugs(&page("status=draft").await).len(), 4);

    let first = page("limit=3").await;
    assert_eq!(slugs(&first), vec!["tagged", "gamma", "beta"]);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let rest = ann
        .get(app.url(&format!("/api/docs?limit=3&cursor={cursor}")))
        .send()
        .await
        .unwrap();
    let rest: serde_json::Value = rest.json().await.unwrap();
    assert_eq!(slugs(&rest), vec!["alpha"]);
    assert!(rest["next_cursor"].is_null());
}

#[tokio::test]
async fn search_ignores_case_beyond_ascii_and_treats_wildcards_as_text() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    for (slug, title) in [("uber", "Über den Plan"), ("percent", "100% done_now")] {
        let created = ann
            .post(app.url("/api/docs"))
            .json(&json!({"title": title, "slug": slug, "tags": [], "body": "ÅNGSTRÖM units"}))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    let found = |query: &'static str| {
        let (ann, url) = (ann.clone(), app.url(&format!("/api/docs?q={query}")));
        async move {
            let page: serde_json::Value = ann.get(url).send().await.unwrap().json().await.unwrap();
            let mut slugs: Vec<String> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["slug"].as_str().unwrap().to_owned())
                .collect();
            slugs.sort();
            slugs
        }
    };

    assert_eq!(found("%C3%BCBER").await, vec!["uber"]);
    assert_eq!(found("%C3%A5ngstr%C3%B6m").await, vec!["percent", "uber"]);
    assert_eq!(found("100%25").await, vec!["percent"]);
    assert_eq!(found("e_n").await, vec!["percent"]);
    assert_eq!(found("%25").await, vec!["percent"]);
}

#[tokio::test]
async fn tags_are_trimmed_and_lowercased_and_the_tag_filter_ignores_case() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let created = ann
        .post(app.url("/api/docs"))
        .json(&serde_json::json!({"title": "Plan", "slug": "plan", "tags": [" Q4 ", "Plan-B", "q4"], "body": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let doc: serde_json::Value = created.json().await.unwrap();
    assert_eq!(doc["tags"], serde_json::json!(["plan-b", "q4"]));
    for filter in ["Q4", "q4", " q4 "] {
        let page: serde_json::Value = ann
            .get(app.url("/api/docs"))
            .query(&[("tag", filter)])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "tag={filter:?}");
    }
}

#[tokio::test]
async fn the_list_shows_my_own_or_the_shared_documents_when_asked() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    app.create(&ann, "anns").await;
    let bobs = app.create(&bob, "bobs").await;
    app.share(&bob, bobs["id"].as_str().unwrap(), "Ann", "viewer")
        .await;
    let slugs = |owner: &'static str| {
        let ann = ann.clone();
        let url = app.url("/api/docs");
        async move {
            let page: serde_json::Value = ann
                .get(url)
                .query(&[("owner", owner)])
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let mut slugs: Vec<String> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["slug"].as_str().unwrap().to_owned())
                .collect();
            slugs.sort();
            slugs
        }
    };
    assert_eq!(slugs("").await, vec!["anns", "bobs"]);
    assert_eq!(slugs("me").await, vec!["anns"]);
    assert_eq!(slugs("others").await, vec!["bobs"]);
    let bad = ann
        .get(app.url("/api/docs"))
        .query(&[("owner", "everyone")])
        .send()
        .await
        .unwrap();
    let body = crate::helpers::problem(
        bad,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "owner");
}
