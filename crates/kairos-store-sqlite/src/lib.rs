//! The embedded SQLite backend of the Kairos [`Store`](kairos_store::Store).
//!
//! One database file in WAL mode with foreign keys on. Reads run concurrently; every write is a
//! `BEGIN IMMEDIATE` transaction, so writers serialise on the database lock and a read inside a
//! write transaction always sees the latest committed state
//! (docs/architecture.md, "The booking transaction"). Instants are stored as INTEGER seconds since
//! the Unix epoch.
//!
//! Each storage trait is implemented next to its SQL: `tenants` ([`TenantStore`]), `access`
//! ([`AccessStore`]), `hosts` ([`HostStore`]), `event_types` ([`EventTypeStore`]),
//! `availability` ([`AvailabilityStore`]), `bookings` ([`BookingStore`], through
//! [`kairos_store::booking_flow`]), `changelog` ([`ChangelogStore`]), `outbox`
//! ([`OutboxStore`]) and `templates` ([`TemplateStore`]); `rows` is how SQLite stores each
//! column type, for [`kairos_store::decode`]. This file holds connecting, migrating, the pool,
//! error mapping, the write transaction and `ping`.
//!
//! [`TenantStore`]: kairos_store::TenantStore
//! [`AccessStore`]: kairos_store::AccessStore
//! [`HostStore`]: kairos_store::HostStore
//! [`EventTypeStore`]: kairos_store::EventTypeStore
//! [`AvailabilityStore`]: kairos_store::AvailabilityStore
//! [`BookingStore`]: kairos_store::BookingStore
//! [`ChangelogStore`]: kairos_store::ChangelogStore
//! [`OutboxStore`]: kairos_store::OutboxStore
//! [`TemplateStore`]: kairos_store::TemplateStore

#![forbid(unsafe_code)]

mod access;
mod availability;
mod bookings;
mod changelog;
mod event_types;
mod hosts;
mod outbox;
mod rows;
mod templates;
mod tenants;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_store::{HealthStore, StoreError, StoreResult, Unique};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The SQLite store. Cheap to clone (a pool handle).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// Maps a driver error, turning known unique constraints into conflicts that name the rule.
pub(crate) fn map_error(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error
        && db.is_unique_violation()
    {
        let message = db.message();
        let rule = if message.contains("tenants.slug") {
            Unique::TenantSlug
        } else if message.contains("scheduling_users.username") {
            Unique::Username
        } else if message.contains("scheduling_users.account_id") {
            Unique::AccountHostProfile
        } else if message.contains("scheduling_event_types.slug") {
            Unique::EventTypeSlug
        } else if message.contains("accounts.email") {
            Unique::AccountEmail
        } else {
            Unique::Other
        };
        return StoreError::conflict(rule);
    }
    if matches!(error, sqlx::Error::RowNotFound) {
        return StoreError::NotFound;
    }
    StoreError::database(error)
}

pub(crate) type Tx = Transaction<'static, Sqlite>;

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://path` or `sqlite::memory:`)
    /// and applies pending migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::database)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(parent) = options.get_filename().parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).map_err(StoreError::database)?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(map_error)?;
        let store = Self { pool };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations (also done by [`SqliteStore::connect`]).
    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await.map_err(StoreError::database)
    }

    /// The pool, for tests that need to look under the hood.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub(crate) async fn write(&self) -> StoreResult<Tx> {
        self.pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(map_error)
    }
}

pub(crate) async fn commit(tx: Tx) -> StoreResult<()> {
    tx.commit().await.map_err(map_error)
}

#[allow(clippy::disallowed_methods)]
pub(crate) fn now() -> Timestamp {
    // Row timestamps (created_at, updated_at) record when the database changed; they are not
    // part of any rule, so the store reads the system clock for them.
    Timestamp::now()
}

#[async_trait]
impl HealthStore for SqliteStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(map_error)
            .map(|_| ())
    }
}
