//! The shared store conformance suite, run against PostgreSQL: a fresh database per test on
//! the server `KAIROS_TEST_DATABASE_URL` names (skipped when it is unset).

mod test_database;

use kairos_store_postgres::PgStore;

use crate::test_database::Cleanup;

async fn open() -> Option<(PgStore, Cleanup)> {
    test_database::create()
        .await
        .map(|(database, cleanup)| (database.store, cleanup))
}

kairos_store::conformance_tests!(open);
