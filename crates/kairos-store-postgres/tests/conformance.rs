//! The shared store conformance suite, run against PostgreSQL: a fresh database per test on
//! the server `KAIROS_TEST_DATABASE_URL` names (skipped when it is unset, failed then under `KAIROS_TEST_REQUIRE_ALL=1`).

mod test_database;

use kairos_store_postgres::PgStore;

use crate::test_database::Cleanup;

async fn open() -> Option<(PgStore, Cleanup)> {
    test_database::create()
        .await
        .map(|(database, cleanup)| (database.store, cleanup))
}

kairos_store_conformance::conformance_tests!(open);

/// Two stores on one database stand for two server processes.
#[tokio::test]
async fn cached_snapshots_follow_changes_from_any_store() {
    let Some((database, cleanup)) = test_database::create().await else {
        return;
    };
    let outcome = tokio::spawn(async move {
        let second = PgStore::connect_with(database.options())
            .await
            .expect("second store");
        kairos_store_conformance::cached_snapshots_follow_changes_from_any_store(
            &database.store,
            &second,
        )
        .await;
        second.pool().close().await;
    })
    .await;
    cleanup().await;
    if let Err(error) = outcome {
        std::panic::resume_unwind(error.into_panic());
    }
}
