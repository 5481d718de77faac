//! A fresh PostgreSQL database per test, on the server `KAIROS_TEST_DATABASE_URL` names, dropped
//! afterwards. Without the variable every test skips.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;

use kairos_store_postgres::PgStore;
use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, Executor, PgConnection};

/// Runs after a test, even a failed one.
pub type Cleanup = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

/// A migrated database of its own and a store connected to it.
#[derive(Debug)]
pub struct TestDatabase {
    pub store: PgStore,
    pub name: String,
    server: PgConnectOptions,
}

impl TestDatabase {
    /// Options reaching this database (as the URL's user unless changed).
    pub fn options(&self) -> PgConnectOptions {
        self.server.clone().database(&self.name)
    }
}

fn server() -> Option<PgConnectOptions> {
    let url = kairos_test_services::postgres_url()?;
    Some(PgConnectOptions::from_str(&url).expect("KAIROS_TEST_DATABASE_URL is a postgres:// URL"))
}

/// Runs one statement on the server's own database (for CREATE/DROP DATABASE and roles).
pub async fn on_server(sql: String) {
    let Some(server) = server() else { return };
    let mut connection = PgConnection::connect_with(&server)
        .await
        .expect("connect to the test server");
    connection
        .execute(sqlx::AssertSqlSafe(sql))
        .await
        .expect("server statement");
    let _ = connection.close().await;
}

/// Creates `kairos_test_<uuid>` and connects a store to it (migrations run), or `None` when
/// no server is configured.
pub async fn create() -> Option<(TestDatabase, Cleanup)> {
    let server = server()?;
    let name = format!("kairos_test_{}", uuid::Uuid::new_v4().simple());
    on_server(format!(r#"CREATE DATABASE "{name}""#)).await;
    let store = match PgStore::connect_with(server.clone().database(&name)).await {
        Ok(store) => store,
        Err(error) => {
            drop_database(&name).await;
            panic!("connect and migrate {name}: {error:?}");
        }
    };
    let pool = store.pool().clone();
    let dropped = name.clone();
    let cleanup: Cleanup = Box::new(move || {
        Box::pin(async move {
            pool.close().await;
            drop_database(&dropped).await;
        })
    });
    Some((
        TestDatabase {
            store,
            name,
            server,
        },
        cleanup,
    ))
}

async fn drop_database(name: &str) {
    on_server(format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#)).await;
}
