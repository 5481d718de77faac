//! `spawn_app()`: the real server on a random port with a fresh database, and typed request
//! helpers. SQLite always; PostgreSQL too when `KAIROS_TEST_DATABASE_URL` is set (each app
//! gets its own database, dropped afterwards).

use std::sync::Arc;

use kairos_server::settings::ServeSettings;
use kairos_server::state::AppState;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Which backend an app runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A running server and an owner token of a first tenant (`acme`).
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub owner_token: String,
    pub owner_user_id: String,
    pub store: Arc<dyn kairos_store::Store>,
    cleanup: Option<Box<dyn FnOnce() + Send>>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.shutdown.take() {
            let _ = stop.send(());
        }
        if let Some(cleanup) = self.cleanup.take() {
            cleanup();
        }
    }
}

/// A response: status and JSON body (`Value::Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: Value,
}

impl Reply {
    /// The `error.field` of an error body.
    pub fn field(&self) -> &str {
        self.body["error"]["field"].as_str().unwrap_or_default()
    }

    /// Asserts the status, showing the body when it differs.
    #[track_caller]
    pub fn expect(self, status: u16) -> Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.body
        );
        self
    }

    /// Asserts a 422 naming `field`.
    #[track_caller]
    pub fn expect_invalid(self, field: &str) -> Self {
        let reply = self.expect(422);
        assert_eq!(reply.field(), field, "body: {}", reply.body);
        assert_eq!(reply.body["error"]["code"], "validation_failed");
        reply
    }
}

async fn postgres_url() -> Option<(String, Box<dyn FnOnce() + Send>)> {
    let base = kairos_test_services::postgres_url()?;
    use sqlx::Connection;
    let name = format!("kairos_api_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&base)
        .await
        .expect("connect to test PostgreSQL");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .expect("create test database");
    admin.close().await.ok();
    let url = match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => panic!("KAIROS_TEST_DATABASE_URL needs a database path"),
    };
    let drop_base = base.clone();
    let cleanup: Box<dyn FnOnce() + Send> = Box::new(move || {
        // Dropping runs on a fresh runtime on another thread: Drop cannot be async.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build();
            if let Ok(runtime) = runtime {
                runtime.block_on(async move {
                    if let Ok(mut admin) = sqlx::PgConnection::connect(&drop_base).await {
                        let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .execute(&mut admin)
                        .await;
                    }
                });
            }
        })
        .join();
    });
    Some((url, cleanup))
}

/// Starts the server on `backend`; `None` when that backend is not configured here. Its outbox
/// worker is off: notification tests turn it on with [`spawn_app_with`].
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, kairos_server::system_clock(), |_| {}).await
}

/// Like [`spawn_app`], on `clock`, with the settings adjusted by `configure` first.
pub async fn spawn_app_with(
    backend: Backend,
    clock: Arc<dyn kairos_core::clock::Clock>,
    configure: impl FnOnce(&mut ServeSettings),
) -> Option<TestApp> {
    let (url, cleanup): (String, Box<dyn FnOnce() + Send>) = match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("kairos-api-{}.db", uuid::Uuid::new_v4()));
            let shown = path.display().to_string();
            (
                format!("sqlite://{shown}"),
                Box::new(move || {
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{shown}{suffix}"));
                    }
                }),
            )
        }
        Backend::Postgres => postgres_url().await?,
    };
    let store = kairos_server::open_store(&url).await.expect("open store");
    let created = kairos_server::app::provision::create_tenant(
        store.as_ref(),
        kairos_server::app::provision::TenantRequest {
            slug: "acme",
            name: "Acme",
            admin_email: "owner@acme.example",
            admin_password: Some("correct horse battery"),
            timezone: "Europe/London",
        },
    )
    .await
    .expect("create tenant");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let address = format!("http://{}", listener.local_addr().expect("address"));
    let mut settings = ServeSettings {
        max_body_bytes: 16 * 1024,
        public_url: Some(address.clone()),
        rate_limit_per_minute: 0,
        ..ServeSettings::default()
    };
    settings.mail.outbox_worker = false;
    configure(&mut settings);
    let abuse = settings.abuse_guard().await.expect("abuse guard");
    let state = AppState::new(Arc::clone(&store), clock, settings, abuse);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(kairos_server::launch(state, listener, async move {
        let _ = stopped.await;
    }));
    Some(TestApp {
        address,
        client: reqwest::Client::new(),
        owner_token: created.api_token,
        owner_user_id: created.user_id.to_string(),
        store,
        cleanup: Some(cleanup),
        shutdown: Some(stop),
    })
}

impl TestApp {
    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = self
            .client
            .request(method, format!("{}{path}", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status();
        let text = response.text().await.expect("body");
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
        }
    }

    /// GET an admin path as the owner.
    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, &admin(path), Some(&self.owner_token), None)
            .await
    }

    /// POST JSON to an admin path as the owner.
    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(
            Method::POST,
            &admin(path),
            Some(&self.owner_token),
            Some(body),
        )
        .await
    }

    /// PUT JSON to an admin path as the owner.
    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(
            Method::PUT,
            &admin(path),
            Some(&self.owner_token),
            Some(body),
        )
        .await
    }

    /// DELETE an admin path as the owner.
    pub async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, &admin(path), Some(&self.owner_token), None)
            .await
    }

    /// Creates an event type for the owner with the given extra fields.
    pub async fn event_type(&self, slug: &str, extra: Value) -> Value {
        let mut body = json!({ "name": "Intro", "slug": slug, "duration": 30 });
        if let (Some(target), Some(source)) = (body.as_object_mut(), extra.as_object()) {
            target.extend(source.clone());
        }
        self.post("/event-types", body).await.expect(201).body
    }

    /// Creates a member account with a host profile; returns (token, user id).
    pub async fn member(&self, handle: &str) -> (String, String) {
        let email = format!("{handle}@acme.example");
        let account = self
            .post("/accounts", json!({ "email": email, "role": "member" }))
            .await
            .expect(201)
            .body;
        let user = self
            .post(
                "/users",
                json!({ "username": handle, "displayName": handle, "email": email, "accountId": account["id"] }),
            )
            .await
            .expect(201)
            .body;
        let token = self
            .post(
                "/tokens",
                json!({ "name": "member", "accountId": account["id"] }),
            )
            .await
            .expect(201)
            .body;
        (
            token["token"].as_str().expect("token").to_owned(),
            user["id"].as_str().expect("id").to_owned(),
        )
    }

    /// A second tenant (`globex`) with its own owner token.
    pub async fn other_tenant(&self) -> String {
        kairos_server::app::provision::create_tenant(
            self.store.as_ref(),
            kairos_server::app::provision::TenantRequest {
                slug: "globex",
                name: "Globex",
                admin_email: "owner@globex.example",
                admin_password: None,
                timezone: "UTC",
            },
        )
        .await
        .expect("second tenant")
        .api_token
    }
}

/// The admin API path for `path`.
pub fn admin(path: &str) -> String {
    format!("/api/admin/scheduling{path}")
}

/// Defines one test per backend: `<name>::sqlite` and `<name>::postgres` (skipped without
/// `KAIROS_TEST_DATABASE_URL`, failed then under `KAIROS_TEST_REQUIRE_ALL=1`).
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn scenario($app: $crate::helpers::TestApp) $body

            #[tokio::test]
            async fn sqlite() {
                let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await.expect("sqlite app");
                scenario(app).await;
            }

            #[tokio::test]
            async fn postgres() {
                match $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                    Some(app) => scenario(app).await,
                    None => {}
                }
            }
        }
    };
}
