//! The shared store conformance suite, run against SQLite: a fresh database file per test.

use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;

use kairos_store_sqlite::SqliteStore;

type Cleanup = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send>;

async fn open() -> Option<(SqliteStore, Cleanup)> {
    let path: PathBuf =
        std::env::temp_dir().join(format!("kairos-test-{}.db", uuid::Uuid::new_v4()));
    let store = SqliteStore::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("open sqlite");
    let pool = store.pool().clone();
    let cleanup: Cleanup = Box::new(move || {
        Box::pin(async move {
            pool.close().await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        })
    });
    Some((store, cleanup))
}

kairos_store_conformance::conformance_tests!(open);

/// Two stores on one database file stand for two server processes.
#[tokio::test]
async fn cached_snapshots_follow_changes_from_any_store() {
    let path: PathBuf =
        std::env::temp_dir().join(format!("kairos-test-{}.db", uuid::Uuid::new_v4()));
    let url = format!("sqlite://{}", path.display());
    let first = SqliteStore::connect(&url).await.expect("open sqlite");
    let second = SqliteStore::connect(&url).await.expect("open sqlite again");
    let outcome = tokio::spawn({
        let (first, second) = (first.clone(), second.clone());
        async move {
            kairos_store_conformance::cached_snapshots_follow_changes_from_any_store(
                &first, &second,
            )
            .await;
        }
    })
    .await;
    first.pool().close().await;
    second.pool().close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}
