//! A real server per test: its own SQLite file, its own port on 127.0.0.1.

use std::sync::Arc;

use reqwest::{header, Client, Response, StatusCode};
use serde_json::{json, Value};
use server::{store::Store, Application, Settings};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub base: String,
    pub hub: Arc<server::live::Hub>,
    pub database_url: String,
    _dir: TempDir,
    _shutdown: oneshot::Sender<()>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// A server with some settings changed from the defaults.
    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = format!("sqlite://{}/concord.db", dir.path().display());
        let mut settings = Settings::new("127.0.0.1:0".parse().unwrap(), database_url.clone());
        configure(&mut settings);
        let app = Application::build(settings).await.expect("server builds");
        let base = format!("http://{}", app.local_addr());
        let hub = app.hub();
        let (shutdown, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        TestApp {
            base,
            hub,
            database_url,
            _dir: dir,
            _shutdown: shutdown,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client without a session.
    pub fn anonymous(&self) -> Client {
        Client::builder().cookie_store(true).build().unwrap()
    }

    /// Signs up a new user; returns their client and the `name=value` of their session cookie.
    pub async fn user_with_cookie(&self, name: &str) -> (Client, String) {
        let client = self.anonymous();
        let response = client
            .post(self.url("/api/auth/signup"))
            .json(&json!({"name": name, "password": "a good password"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED, "sign up {name}");
        let cookie = response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        (client, cookie)
    }

    /// Signs up a new user and returns a client holding their session cookie.
    pub async fn user(&self, name: &str) -> Client {
        self.user_with_cookie(name).await.0
    }

    /// Creates a document as `client`, returning the stored JSON.
    pub async fn create(&self, client: &Client, slug: &str) -> Value {
        let response = client
            .post(self.url("/api/docs"))
            .json(&json!({"title": format!("Doc {slug}"), "slug": slug, "tags": ["b", "a"], "body": "one\ntwo\n"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// The owner gives `name` a role ("editor" or "viewer") on the document.
    pub async fn share(&self, owner: &Client, id: &str, name: &str, role: &str) {
        let response = owner
            .post(self.url(&format!("/api/docs/{id}/members")))
            .json(&json!({"name": name, "role": role}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "share with {name}");
    }

    pub async fn get(&self, client: &Client, id: &str) -> Value {
        let response = client
            .get(self.url(&format!("/api/docs/{id}")))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// The same database, opened directly, to check history independently of the API.
    pub async fn store(&self) -> Arc<dyn Store> {
        server::store::connect(&self.database_url).await.unwrap()
    }
}

pub fn put_body(doc: &Value, body: &str) -> Value {
    json!({"title": doc["title"], "slug": doc["slug"], "tags": doc["tags"], "body": body})
}

/// Asserts a problem+json response of the given status and type, and returns its body.
pub async fn problem(response: Response, status: StatusCode, kind: &str) -> Value {
    assert_eq!(response.status(), status);
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["type"], kind, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    assert!(
        body["detail"].as_str().is_some_and(|d| d.ends_with('.')),
        "{body}"
    );
    assert!(body["instance"]
        .as_str()
        .is_some_and(|i| i.starts_with("urn:uuid:")));
    body
}
