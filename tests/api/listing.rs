//! The document list's sorting, paging both ways, count, search snippets, and each row's
//! owner and the asking user's role.

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};

async fn page(app: &TestApp, client: &Client, query: &str) -> Value {
    let response = client
        .get(app.url(&format!("/api/docs?{query}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    response.json().await.unwrap()
}

fn titles(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["title"].as_str().unwrap())
        .collect()
}

async fn create(app: &TestApp, client: &Client, title: &str, slug: &str, body: &str) -> String {
    let response = client
        .post(app.url("/api/docs"))
        .json(&json!({"title": title, "slug": slug, "tags": [], "body": body}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_list_sorts_by_title_ignoring_case_and_pages_forwards_and_back() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    for (title, slug) in [
        ("delta", "d"),
        ("Bravo", "b"),
        ("echo", "e"),
        ("Alpha", "a"),
        ("charlie", "c"),
    ] {
        create(&app, &ann, title, slug, "text").await;
    }

    let first = page(&app, &ann, "sort=title&limit=2").await;
    assert_eq!(titles(&first), ["Alpha", "Bravo"]);
    assert_eq!(first["total"], 5);
    assert!(
        first.get("prev_cursor").is_none(),
        "the first page has none"
    );
    let second = page(
        &app,
        &ann,
        &format!(
            "sort=title&limit=2&cursor={}",
            first["next_cursor"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(titles(&second), ["charlie", "delta"]);
    let third = page(
        &app,
        &ann,
        &format!(
            "sort=title&limit=2&cursor={}",
            second["next_cursor"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(titles(&third), ["echo"]);
    assert!(third["next_cursor"].is_null());
    assert_eq!(third["total"], 5);

    // Back again: the same pages, and the first one says it is the first.
    let back = page(
        &app,
        &ann,
        &format!(
            "sort=title&limit=2&cursor={}",
            third["prev_cursor"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(titles(&back), ["charlie", "delta"]);
    let front = page(
        &app,
        &ann,
        &format!(
            "sort=title&limit=2&cursor={}",
            back["prev_cursor"].as_str().unwrap()
        ),
    )
    .await;
    assert_eq!(titles(&front), ["Alpha", "Bravo"]);
    assert!(front.get("prev_cursor").is_none());
    assert!(front["next_cursor"].is_string());

    // Newest change first, the default, pages back the same way.
    let newest = page(&app, &ann, "limit=3").await;
    assert_eq!(titles(&newest), ["charlie", "Alpha", "echo"]);
    let older = page(
        &app,
        &ann,
        &format!("limit=3&cursor={}", newest["next_cursor"].as_str().unwrap()),
    )
    .await;
    assert_eq!(titles(&older), ["Bravo", "delta"]);
    let again = page(
        &app,
        &ann,
        &format!("limit=3&cursor={}", older["prev_cursor"].as_str().unwrap()),
    )
    .await;
    assert_eq!(titles(&again), ["charlie", "Alpha", "echo"]);
}

#[tokio::test]
async fn a_bad_sort_or_a_cursor_of_another_sort_is_422() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    for slug in ["a", "b"] {
        create(&app, &ann, slug, slug, "text").await;
    }
    let by_update = page(&app, &ann, "limit=1").await;
    let cursor = by_update["next_cursor"].as_str().unwrap();
    for (query, field) in [
        ("sort=size".to_owned(), "sort"),
        (format!("sort=title&cursor={cursor}"), "cursor"),
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
async fn a_search_shows_the_words_around_the_hit_and_counts_the_matches() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let long = format!(
        "{}We hire two engineers in Q4.{}",
        "Intro. ".repeat(30),
        " More.".repeat(30)
    );
    create(&app, &ann, "Hiring", "hiring", &long).await;
    create(
        &app,
        &ann,
        "Engineers' guide",
        "guide",
        "Nothing about it here.",
    )
    .await;
    create(&app, &ann, "Unrelated", "other", "No match.").await;

    let found = page(&app, &ann, "q=ENGINEERS").await;
    assert_eq!(found["total"], 2);
    let hiring = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "Hiring")
        .unwrap();
    assert_eq!(hiring["snippet"]["hit"], "engineers");
    assert!(hiring["snippet"]["before"]
        .as_str()
        .unwrap()
        .starts_with('…'));
    assert!(hiring["snippet"]["before"]
        .as_str()
        .unwrap()
        .ends_with("We hire two "));
    assert!(hiring["snippet"]["after"]
        .as_str()
        .unwrap()
        .starts_with(" in Q4."));
    // Found by its title: no text to show.
    let guide = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["title"] == "Engineers' guide")
        .unwrap();
    assert!(guide.get("snippet").is_none());
    // Without a search, no snippets.
    let all = page(&app, &ann, "").await;
    assert!(all["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d.get("snippet").is_none()));
    assert_eq!(all["total"], 3);
}

#[tokio::test]
async fn each_row_names_the_owner_and_the_readers_role() {
    let app = TestApp::spawn().await;
    let ann = app.user("Ann").await;
    let bob = app.user("Bob").await;
    let edited = create(&app, &ann, "Shared to edit", "edit", "x").await;
    let read = create(&app, &ann, "Shared to read", "read", "x").await;
    create(&app, &bob, "Bob's own", "own", "x").await;
    app.share(&ann, &edited, "Bob", "editor").await;
    app.share(&ann, &read, "Bob", "viewer").await;

    let list = page(&app, &bob, "sort=title").await;
    let rows: Vec<(&str, &str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["title"].as_str().unwrap(),
                d["owner"]["name"].as_str().unwrap(),
                d["your_role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Bob's own", "Bob", "owner"),
            ("Shared to edit", "Ann", "editor"),
            ("Shared to read", "Ann", "viewer"),
        ]
    );
}
