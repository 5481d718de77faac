//! The PostgreSQL backend of the Kairos [`Store`](kairos_store::Store), for production and for more
//! than one server process (docs/architecture.md, "Storage").
//!
//! # Tenant isolation (docs/architecture.md, "Tenant isolation")
//!
//! Every query names its tenant, and row-level security is the second wall behind that filter.
//! The invariant this crate keeps:
//!
//! - **Every tenant-scoped method runs in one transaction whose first statement sets
//!   `app.tenant_id`** (transaction-local, so it can never leak to the next user of a pooled
//!   connection). The policies on every tenant table compare `tenant_id` with it, so a query
//!   that forgot its filter still sees and writes only that tenant, and a transaction that set
//!   no tenant sees nothing.
//! - Superusers and `BYPASSRLS` roles pass every policy. When the store connects as one (a
//!   laptop, CI), the same statement also switches the transaction to the `kairos_app` role,
//!   which has neither, so the policies bind whoever the URL names.
//! - Only `tenants`, `api_tokens`, `sessions` and `password_resets` are read without a tenant
//!   context: they are how a request finds its tenant (by slug, by credential digest or by reset
//!   link). What they lead to is read in a second step under that tenant's context.
//!
//! # Double booking (docs/architecture.md, "The booking transaction")
//!
//! Every booking change is one transaction that takes `pg_advisory_xact_lock` keyed on
//! (tenant, host) right after entering the tenant context, then reads a fresh snapshot, asks the
//! caller's check and writes, so changes of one host are serialised across any number of server
//! processes. An exclusion constraint (`scheduling_bookings_no_overlap`) is the last guard: it
//! refuses two overlapping confirmed bookings of one host, and the violation surfaces as
//! [`StoreError::Conflict`] on [`kairos_store::Unique::OverlappingBooking`].
//!
//! Instants are `timestamptz` (microseconds), dates `date`, both through [`types`].
//!
//! # Layout
//!
//! Each storage trait is implemented next to its SQL: `tenants` ([`TenantStore`]), `access`
//! ([`AccessStore`]), `hosts` ([`HostStore`]), `event_types` ([`EventTypeStore`]),
//! `availability` ([`AvailabilityStore`]), `bookings` ([`BookingStore`], through
//! [`kairos_store::booking_flow`]), `changelog` ([`ChangelogStore`]), `outbox`
//! ([`OutboxStore`]) and `templates` ([`TemplateStore`]); `rows` is how PostgreSQL stores each
//! column type, for [`kairos_store::decode`]. This file holds connecting, migrating, the pool,
//! error mapping, the tenant-scoped transactions and `ping`.
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
pub mod types;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{TenantId, UserId};
use kairos_store::{HealthStore, PageRequest, StoreError, StoreResult, Unique};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Postgres, Transaction};

use crate::types::PgTimestamp;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The PostgreSQL store. Cheap to clone (a pool handle).
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The connected role passes row-level security by itself (superuser or `BYPASSRLS`), so
    /// every tenant transaction switches to `kairos_app`.
    drops_to_app_role: bool,
}

/// Maps a driver error: unique violations become conflicts naming the rule (by constraint
/// name), the booking exclusion constraint a conflict on [`Unique::OverlappingBooking`].
pub(crate) fn map_error(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        match db.code().as_deref() {
            Some("23505") => {
                return StoreError::conflict(match db.constraint() {
                    Some("tenants_slug_key") => Unique::TenantSlug,
                    Some("scheduling_event_types_slug_key") => Unique::EventTypeSlug,
                    Some("scheduling_users_username_key") => Unique::Username,
                    Some("scheduling_users_account_key") => Unique::AccountHostProfile,
                    Some("accounts_email_key") => Unique::AccountEmail,
                    _ => Unique::Other,
                });
            }
            Some("23P01") => return StoreError::conflict(Unique::OverlappingBooking),
            _ => {}
        }
    }
    if matches!(error, sqlx::Error::RowNotFound) {
        return StoreError::NotFound;
    }
    StoreError::database(error)
}

pub(crate) type Tx = Transaction<'static, Postgres>;

impl PgStore {
    /// Connects to the database at `url` (`postgres://user@host:port/database`) and applies
    /// pending migrations.
    pub async fn connect(url: &str) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url).map_err(StoreError::database)?;
        Self::connect_with(options).await
    }

    /// Connects with explicit options and applies pending migrations.
    ///
    /// The migrations create the cluster-wide `kairos_app` role if it is missing, which needs
    /// `CREATEROLE` (or a superuser) the first time. Connecting as a superuser or a `BYPASSRLS`
    /// role is supported: tenant transactions then switch to `kairos_app`, which that role
    /// must be able to `SET ROLE` to.
    pub async fn connect_with(options: PgConnectOptions) -> StoreResult<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await
            .map_err(map_error)?;
        let drops_to_app_role: bool = sqlx::query_scalar(
            "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user",
        )
        .fetch_one(&pool)
        .await
        .map_err(map_error)?;
        tracing::debug!(
            drops_to_app_role,
            "connected to PostgreSQL; tenant transactions run under row-level security"
        );
        let store = Self {
            pool,
            drops_to_app_role,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Applies pending migrations (also done by [`PgStore::connect`]).
    pub async fn migrate(&self) -> StoreResult<()> {
        MIGRATOR.run(&self.pool).await.map_err(StoreError::database)
    }

    /// The pool, for tests that need to look under the hood. Queries run on it directly have
    /// no tenant context.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Begins a transaction scoped to `tenant` exactly as the store's own methods do:
    /// `app.tenant_id` is set and, on a superuser or `BYPASSRLS` connection, the `kairos_app`
    /// role taken, so row-level security binds every statement in it. For tools and tests that
    /// need SQL the [`Store`](kairos_store::Store) traits do not offer.
    pub async fn begin_tenant(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Transaction<'static, Postgres>> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        self.enter_tenant(&mut tx, tenant).await?;
        Ok(tx)
    }

    /// [`PgStore::begin_tenant`] that also takes the booking lock of `host` (see
    /// [`bookings`]), in the same round trip.
    pub(crate) async fn begin_tenant_locked(
        &self,
        tenant: TenantId,
        host: UserId,
    ) -> StoreResult<Tx> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        let statement = if self.drops_to_app_role {
            "SELECT set_config('app.tenant_id', $1, true), set_config('role', 'kairos_app', true),
                 pg_advisory_xact_lock(hashtextextended($2, 0))"
        } else {
            "SELECT set_config('app.tenant_id', $1, true), pg_advisory_xact_lock(hashtextextended($2, 0))"
        };
        sqlx::query(statement)
            .bind(tenant.to_string())
            .bind(bookings::host_lock_key(tenant, host))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        Ok(tx)
    }

    /// Scopes the rest of `tx` to `tenant`, in one round trip: sets `app.tenant_id` and, when
    /// the connected role would bypass the policies, drops to `kairos_app`. Both settings end
    /// with the transaction.
    pub(crate) async fn enter_tenant(&self, tx: &mut Tx, tenant: TenantId) -> StoreResult<()> {
        let statement = if self.drops_to_app_role {
            "SELECT set_config('app.tenant_id', $1, true), set_config('role', 'kairos_app', true)"
        } else {
            "SELECT set_config('app.tenant_id', $1, true)"
        };
        sqlx::query(statement)
            .bind(tenant.to_string())
            .execute(&mut **tx)
            .await
            .map_err(map_error)?;
        Ok(())
    }
}

pub(crate) async fn commit(tx: Tx) -> StoreResult<()> {
    tx.commit().await.map_err(map_error)
}

#[allow(clippy::disallowed_methods)]
pub(crate) fn now() -> Timestamp {
    // Row timestamps (created_at, updated_at) record when the database changed; they are not
    // part of any rule, so the store reads the system clock for them. Truncated to what
    // PostgreSQL keeps, so values returned from a write equal the ones read back later.
    PgTimestamp::truncate(Timestamp::now())
}

pub(crate) fn page_bounds(page: PageRequest) -> (i64, i64) {
    (i64::from(page.limit()), i64::from(page.offset()))
}

#[async_trait]
impl HealthStore for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(map_error)
            .map(|_| ())
    }
}
