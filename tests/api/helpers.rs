//! A real server per test: its own database, its own port on 127.0.0.1.
//!
//! The database is a fresh SQLite file, or, when `TEST_DATABASE_URL` names a PostgreSQL server
//! (`postgres://postgres@127.0.0.1:PORT/postgres`), a fresh database created on that server.

use std::sync::Arc;

use reqwest::{header, Client, Response, StatusCode};
use serde_json::{json, Value};
use server::{store::Stores, Application, Settings};
use sqlx::{Connection, PgConnection};
use tempfile::TempDir;
use tokio::sync::oneshot;

pub struct TestApp {
    pub base: String,
    pub hub: Arc<server::live::Hub>,
    pub database_url: String,
    /// The server's clock: tests move it forward instead of sleeping.
    pub clock: server::clock::Clock,
    // Dropped in this order: the server is told to stop before its database goes.
    _shutdown: oneshot::Sender<()>,
    _database: TestDatabase,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(|_| {}).await
    }

    /// A server with some settings changed from the defaults.
    pub async fn spawn_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let (database, database_url) = TestDatabase::create().await;
        TestApp::start(database, database_url, configure).await
    }

    /// A server on a database somebody else made (and drops).
    pub async fn spawn_on(database_url: String) -> TestApp {
        TestApp::start(TestDatabase::Shared, database_url, |_| {}).await
    }

    /// A server on PostgreSQL, for what only PostgreSQL does (instances sharing live
    /// updates and presence). Such tests are `#[ignore]`d, so the SQLite pass lists them as
    /// ignored; the PostgreSQL pass runs them with `--include-ignored`. Run without
    /// `TEST_DATABASE_URL`, they fail: they never pass by testing nothing.
    pub async fn spawn_postgres_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
        let (database, database_url) = TestDatabase::create().await;
        assert!(
            matches!(database, TestDatabase::Postgres { .. }),
            "this test needs PostgreSQL: set TEST_DATABASE_URL to a postgres:// URL"
        );
        TestApp::start(database, database_url, configure).await
    }

    /// A server on a fresh SQLite file whatever `TEST_DATABASE_URL` says, for what only the
    /// SQLite backend does.
    pub async fn spawn_sqlite() -> TestApp {
        let (database, database_url) = TestDatabase::sqlite();
        TestApp::start(database, database_url, |_| {}).await
    }

    /// Another server on this test's database, as a second instance behind a load
    /// balancer would be. It goes by the same clock, as instances of one deployment do.
    pub async fn another_instance(&self, configure: impl FnOnce(&mut Settings)) -> TestApp {
        let clock = self.clock.clone();
        TestApp::start(
            TestDatabase::Shared,
            self.database_url.clone(),
            |settings| {
                settings.clock = clock;
                configure(settings);
            },
        )
        .await
    }

    async fn start(
        database: TestDatabase,
        database_url: String,
        configure: impl FnOnce(&mut Settings),
    ) -> TestApp {
        let mut settings = Settings::new("127.0.0.1:0".parse().unwrap(), database_url.clone());
        configure(&mut settings);
        let clock = settings.clock.clone();
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
            clock,
            _shutdown: shutdown,
            _database: database,
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
    pub async fn stores(&self) -> Stores {
        server::store::connect(&self.database_url).await.unwrap()
    }
}

/// Where a test's data lives.
pub enum TestDatabase {
    /// A fresh SQLite file in a temporary directory: `TEST_DATABASE_URL` unset.
    Sqlite { _dir: TempDir },
    /// A fresh database on the PostgreSQL server at `TEST_DATABASE_URL` (`admin_url`).
    Postgres { admin_url: String, name: String },
    /// Another instance's: that instance owns it.
    Shared,
}

impl TestDatabase {
    /// A fresh SQLite file in a temporary directory.
    fn sqlite() -> (TestDatabase, String) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}/concord.db", dir.path().display());
        (TestDatabase::Sqlite { _dir: dir }, url)
    }

    /// Creates this test's database; returns it with the URL the server is to use.
    pub async fn create() -> (TestDatabase, String) {
        let Some(admin_url) = std::env::var("TEST_DATABASE_URL")
            .ok()
            .filter(|url| !url.is_empty())
        else {
            return TestDatabase::sqlite();
        };
        assert!(
            admin_url.starts_with("postgres://") || admin_url.starts_with("postgresql://"),
            "TEST_DATABASE_URL must be a postgres:// URL, not {admin_url:?}"
        );
        let name = format!("concord_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .expect("connect to TEST_DATABASE_URL");
        sqlx::raw_sql(&format!(r#"CREATE DATABASE "{name}""#))
            .execute(&mut admin)
            .await
            .expect("create the test's database");
        let _ = admin.close().await;
        let mut url = reqwest::Url::parse(&admin_url).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        (TestDatabase::Postgres { admin_url, name }, url.into())
    }
}

impl Drop for TestDatabase {
    /// Drops a passed test's PostgreSQL database; a failed test's is kept to look into.
    fn drop(&mut self) {
        let TestDatabase::Postgres { admin_url, name } = self else {
            return;
        };
        if std::thread::panicking() {
            eprintln!("the test's database {name} is kept");
            return;
        }
        let admin_url = admin_url.clone();
        let sql = format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#);
        // Drop cannot await, nor block the test's runtime on a future: a thread with its own.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                sqlx::raw_sql(&sql).execute(&mut admin).await?;
                admin.close().await
            })?;
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(())
        })
        .join();
        if let Ok(Err(error)) = dropped {
            eprintln!("could not drop the test's database {name}: {error}");
        }
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

/// Waits (up to five seconds) until the number of requests the server at `base` is
/// answering, besides the `/metrics` one asking, is as `wanted` says: how a test knows a
/// request reached the server, or that the server saw its client go, without sleeping.
pub async fn in_flight_until(base: &str, wanted: impl Fn(u64) -> bool) {
    let started = std::time::Instant::now();
    loop {
        let text = reqwest::get(format!("{base}/metrics"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let in_flight = text
            .lines()
            .find_map(|line| line.strip_prefix("concord_http_requests_in_flight "))
            .and_then(|n| n.trim().parse::<f64>().ok())
            .expect("the in-flight gauge is reported") as u64;
        if wanted(in_flight.saturating_sub(1)) {
            return;
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "requests in flight stayed at {}",
            in_flight - 1
        );
        tokio::task::yield_now().await;
    }
}
