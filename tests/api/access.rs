//! The access matrix: owner / editor / viewer / outsider / signed-out × every document
//! endpoint. Each gets exactly its expected status, and refused requests change nothing.

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{problem, TestApp};

const ROLES: [&str; 5] = ["owner", "editor", "viewer", "outsider", "anonymous"];

struct Endpoint {
    name: &'static str,
    method: Method,
    path: &'static str,
    body: Option<Value>,
    content_type: &'static str,
    /// Expected status for each of `ROLES`, in order.
    expected: [u16; 5],
}

fn endpoints() -> Vec<Endpoint> {
    let e = |name, method, path, body: Option<Value>, expected| Endpoint {
        name,
        method,
        path,
        body,
        content_type: "application/json",
        expected,
    };
    let change = json!({"title": "Changed", "slug": "shared", "tags": [], "body": "changed"});
    let mut list = vec![
        e(
            "read",
            Method::GET,
            "/api/docs/{id}",
            None,
            [200, 200, 200, 404, 401],
        ),
        e(
            "replace",
            Method::PUT,
            "/api/docs/{id}",
            Some(change),
            [200, 200, 403, 404, 401],
        ),
        e(
            "delete",
            Method::DELETE,
            "/api/docs/{id}",
            None,
            [204, 403, 403, 404, 401],
        ),
        e(
            "publish",
            Method::POST,
            "/api/docs/{id}/transitions",
            Some(json!({"to": "published"})),
            [200, 200, 403, 404, 401],
        ),
        e(
            "history",
            Method::GET,
            "/api/docs/{id}/revisions",
            None,
            [200, 200, 200, 404, 401],
        ),
        e(
            "revision",
            Method::GET,
            "/api/docs/{id}/revisions/1",
            None,
            [200, 200, 200, 404, 401],
        ),
        e(
            "diff",
            Method::GET,
            "/api/docs/{id}/diff?from=1&to=1",
            None,
            [200, 200, 200, 404, 401],
        ),
        e(
            "restore",
            Method::POST,
            "/api/docs/{id}/revisions/1/restore",
            None,
            [200, 200, 403, 404, 401],
        ),
        e(
            "members",
            Method::GET,
            "/api/docs/{id}/members",
            None,
            [200, 200, 200, 404, 401],
        ),
        e(
            "share",
            Method::POST,
            "/api/docs/{id}/members",
            Some(json!({"name": "Zed", "role": "viewer"})),
            [200, 403, 403, 404, 401],
        ),
        e(
            "unshare",
            Method::DELETE,
            "/api/docs/{id}/members/Viewer",
            None,
            [204, 403, 403, 404, 401],
        ),
    ];
    list.push(Endpoint {
        name: "patch",
        method: Method::PATCH,
        path: "/api/docs/{id}",
        body: Some(json!({"body": "patched"})),
        content_type: "application/merge-patch+json",
        expected: [200, 200, 403, 404, 401],
    });
    list
}

struct World {
    app: TestApp,
    clients: Vec<Client>,
}

async fn world() -> World {
    let app = TestApp::spawn().await;
    let mut clients = Vec::new();
    for name in ["Owner", "Editor", "Viewer", "Outsider"] {
        clients.push(app.user(name).await);
    }
    app.user("Zed").await;
    clients.push(app.anonymous());
    World { app, clients }
}

/// A fresh shared document: the owner's, with an editor and a viewer.
async fn shared_doc(world: &World) -> String {
    let owner = &world.clients[0];
    let response = owner
        .post(world.app.url("/api/docs"))
        .json(&json!({"title": "Shared", "slug": "shared", "tags": [], "body": "original"}))
        .send()
        .await
        .unwrap();
    let doc: Value = response.json().await.unwrap();
    let id = doc["id"].as_str().unwrap().to_owned();
    world.app.share(owner, &id, "Editor", "editor").await;
    world.app.share(owner, &id, "Viewer", "viewer").await;
    id
}

/// Deletes the document if it is still there, freeing its slug for the next one.
async fn remove(world: &World, id: &str) {
    let owner = &world.clients[0];
    let url = world.app.url(&format!("/api/docs/{id}"));
    let response = owner.get(&url).send().await.unwrap();
    if response.status() == StatusCode::OK {
        let rev = response.json::<Value>().await.unwrap()["rev"].clone();
        let deleted = owner
            .delete(&url)
            .header("if-match", format!("\"{rev}\""))
            .send()
            .await
            .unwrap();
        assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    }
}

/// Everything a refused request could have touched, as the owner sees it.
async fn snapshot(world: &World, id: &str) -> (Value, Value, Value) {
    let owner = &world.clients[0];
    let get = |path: String| async move {
        owner
            .get(world.app.url(&path))
            .send()
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()
    };
    (
        get(format!("/api/docs/{id}")).await,
        get(format!("/api/docs/{id}/revisions")).await,
        get(format!("/api/docs/{id}/members")).await,
    )
}

#[tokio::test]
async fn every_role_gets_exactly_its_status_on_every_endpoint_and_refusals_change_nothing() {
    let world = world().await;
    for endpoint in endpoints() {
        for (index, role) in ROLES.iter().enumerate() {
            let id = shared_doc(&world).await;
            let before = snapshot(&world, &id).await;
            let url = world.app.url(&endpoint.path.replace("{id}", &id));
            let mut request = world.clients[index]
                .request(endpoint.method.clone(), url)
                .header("if-match", "\"1\"");
            if let Some(body) = &endpoint.body {
                request = request
                    .header("content-type", endpoint.content_type)
                    .body(body.to_string());
            }

            let response = request.send().await.unwrap();

            let expected = endpoint.expected[index];
            assert_eq!(
                response.status().as_u16(),
                expected,
                "{} as {role}",
                endpoint.name
            );
            match expected {
                403 => {
                    let body =
                        problem(response, StatusCode::FORBIDDEN, "/problems/forbidden").await;
                    assert_eq!(body["role"], *role, "{} as {role}", endpoint.name);
                }
                404 => {
                    problem(response, StatusCode::NOT_FOUND, "/problems/not-found").await;
                }
                401 => {
                    problem(response, StatusCode::UNAUTHORIZED, "/problems/unauthorized").await;
                }
                _ => {}
            }
            if expected >= 400 {
                assert_eq!(
                    snapshot(&world, &id).await,
                    before,
                    "{} as {role} changed something",
                    endpoint.name
                );
            }
            remove(&world, &id).await;
        }
    }
}

#[tokio::test]
async fn the_list_shows_a_document_to_its_owner_and_members_only() {
    let world = world().await;
    let id = shared_doc(&world).await;

    for (index, role) in ROLES.iter().enumerate() {
        let response = world.clients[index]
            .get(world.app.url("/api/docs"))
            .send()
            .await
            .unwrap();
        if *role == "anonymous" {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
            continue;
        }
        let page: Value = response.json().await.unwrap();
        let ids: Vec<&str> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.contains(&id.as_str()), *role != "outsider", "{role}");
    }
}

#[tokio::test]
async fn members_are_listed_with_the_askers_own_role_and_roles_can_change() {
    let world = world().await;
    let id = shared_doc(&world).await;
    let members_of = |index: usize| {
        let client = world.clients[index].clone();
        let url = world.app.url(&format!("/api/docs/{id}/members"));
        async move {
            client
                .get(url)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };

    let seen_by_viewer = members_of(2).await;
    assert_eq!(seen_by_viewer["owner"]["name"], "Owner");
    assert_eq!(seen_by_viewer["your_role"], "viewer");
    let names: Vec<_> = seen_by_viewer["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["user"]["name"].clone(), m["role"].clone()))
        .collect();
    assert_eq!(
        names,
        vec![
            (json!("Editor"), json!("editor")),
            (json!("Viewer"), json!("viewer"))
        ]
    );

    world
        .app
        .share(&world.clients[0], &id, "Viewer", "editor")
        .await;
    assert_eq!(members_of(2).await["your_role"], "editor");
    let put = world.clients[2]
        .put(world.app.url(&format!("/api/docs/{id}")))
        .header("if-match", "\"1\"")
        .json(
            &json!({"title": "By the promoted viewer", "slug": "shared", "tags": [], "body": "x"}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), StatusCode::OK);
}

#[tokio::test]
async fn sharing_names_unknown_users_and_refuses_owner_roles() {
    let world = world().await;
    let id = shared_doc(&world).await;
    let url = world.app.url(&format!("/api/docs/{id}/members"));
    let owner = &world.clients[0];

    for (body, field) in [
        (json!({"name": "Nobody", "role": "viewer"}), "name"),
        (json!({"name": "Zed", "role": "owner"}), "role"),
        (json!({"name": "Owner", "role": "editor"}), "name"),
    ] {
        let response = owner.post(&url).json(&body).send().await.unwrap();
        let problem_body = problem(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "/problems/validation",
        )
        .await;
        assert_eq!(problem_body["errors"][0]["field"], field);
    }
    let not_member = owner
        .delete(world.app.url(&format!("/api/docs/{id}/members/Zed")))
        .send()
        .await
        .unwrap();
    problem(
        not_member,
        StatusCode::UNPROCESSABLE_ENTITY,
        "/problems/validation",
    )
    .await;
}
