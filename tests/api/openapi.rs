//! `/api/openapi.json` as a client fetches it: public, JSON, OpenAPI 3.1, and naming the
//! routes this very server answers.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_api_description_is_served_to_anyone_and_names_live_routes() {
    let app = TestApp::spawn().await;
    let response = app
        .anonymous()
        .get(app.url("/api/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/json");
    assert_eq!(response.headers()["cache-control"], "max-age=300");
    let doc: Value = response.json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(
        doc["components"]["securitySchemes"]["session"]["name"],
        "concord_session"
    );

    // Each described path without parameters is a route of this server: signed out, the
    // API answers 401 (or the route's own answer), never the fallback's 404.
    let paths = doc["paths"].as_object().unwrap();
    for (path, item) in paths.iter().filter(|(p, _)| !p.contains('{')) {
        for method in item.as_object().unwrap().keys() {
            let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let response = app
                .anonymous()
                .request(method.clone(), app.url(path))
                .send()
                .await
                .unwrap();
            assert_ne!(response.status(), StatusCode::NOT_FOUND, "{method} {path}");
            assert_ne!(
                response.status(),
                StatusCode::METHOD_NOT_ALLOWED,
                "{method} {path}"
            );
        }
    }
}
