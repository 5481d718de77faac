//! The PostgreSQL backend of the Kairos [`Store`], for production and for more than one server
//! process (DESIGN 4).
//!
//! # Tenant isolation (DESIGN 5)
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
//! - Only `tenants`, `api_tokens` and `sessions` are read without a tenant context: they are how
//!   a request finds its tenant (by slug or by credential digest). What they lead to is read in
//!   a second step under that tenant's context.
//!
//! # Double booking (DESIGN 3)
//!
//! Every booking change is one transaction that takes `pg_advisory_xact_lock` keyed on
//! (tenant, host) right after entering the tenant context, then reads a fresh snapshot, asks the
//! caller's check and writes, so changes of one host are serialised across any number of server
//! processes. An exclusion constraint (`scheduling_bookings_no_overlap`) is the last guard: it
//! refuses two overlapping confirmed bookings of one host, and the violation surfaces as
//! [`StoreError::Conflict`] on `startTime`.
//!
//! Instants are `timestamptz` (microseconds), dates `date`, both through [`types`].

#![forbid(unsafe_code)]

mod bookings;
mod outbox;
mod rows;
pub mod types;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::ids::{
    AccountId, ApiTokenId, BlockedDateId, BookingId, ChangeId, EventTypeId, OutboxId, SessionId,
    TenantId, UserId,
};
use kairos_core::notification::{Audience, NotificationKind};
use kairos_core::schedule::DateOverride;
use kairos_core::text::{EmailAddress, Slug, Username};
use kairos_store::transitions::event_type_details;
use kairos_store::{
    Account, Actor, ArchivedFilter, Availability, AvailabilityUpdate, BlockedDate, Booking,
    BookingCheck, BookingFilter, Change, ChangeFilter, ClaimedMessage, DeleteOutcome, Delivery,
    EventType, EventTypeFields, EventTypeFilter, NewAccount, NewApiToken, NewBlockedDate,
    NewBooking, NewChange, NewOwner, NewPasswordReset, NewSession, NewTenant, NewUser,
    NotificationTemplate, OutboxCounts, OutboxFor, OutboxMessage, Page, PageRequest, PasswordReset,
    Principal, PublicEventType, Role, ScheduleSnapshot, SessionPrincipal, Store, StoreError,
    StoreResult, Tenant, TenantWithOwner, User, UserFilter, UserUpdate,
};
use serde_json::json;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::types::Json;
use sqlx::{PgPool, Postgres, Row, Transaction};

use crate::rows::{
    account_from_row, availability_from_row, blocked_date_from_row, change_from_row,
    date_override_from_row, event_type_from_row, password_reset_from_row, public_host_from_row,
    tenant_from_row, user_from_row,
};
use crate::types::{PgDate, PgTimestamp};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The PostgreSQL store. Cheap to clone (a pool handle).
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
    /// The connected role passes row-level security by itself (superuser or `BYPASSRLS`), so
    /// every tenant transaction switches to `kairos_app`.
    drops_to_app_role: bool,
}

/// Maps a driver error: unique violations become conflicts naming the field (by constraint
/// name), the booking exclusion constraint a conflict on `startTime`.
fn map_error(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        match db.code().as_deref() {
            Some("23505") => {
                let field = match db.constraint() {
                    Some("tenants_slug_key" | "scheduling_event_types_slug_key") => "slug",
                    Some("scheduling_users_username_key") => "username",
                    Some("scheduling_users_account_key") => "accountId",
                    Some("accounts_email_key") => "email",
                    _ => "id",
                };
                return StoreError::conflict(field, format!("{field} is already taken"));
            }
            Some("23P01") => {
                return StoreError::conflict(
                    "startTime",
                    "the host already has a confirmed booking overlapping this time",
                );
            }
            _ => {}
        }
    }
    if matches!(error, sqlx::Error::RowNotFound) {
        return StoreError::NotFound;
    }
    StoreError::database(error)
}

type Tx = Transaction<'static, Postgres>;

const USER_COLUMNS: &str = "id, tenant_id, account_id, username, display_name, email, timezone, avatar_url, is_active, minimum_notice_hours, booking_window_days, buffer_before_mins, buffer_after_mins, daily_limit, weekly_limit, default_duration, created_at, updated_at";

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
    /// need SQL the [`Store`] trait does not offer.
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

    /// A public lookup: finds the tenant by slug and enters it in the same statement, then runs
    /// `select` (its `$1` is the tenant id; `bind` adds the rest). Four round trips: BEGIN, the
    /// tenant, the host read, COMMIT. A missing tenant is `NotFound`; a missing host row leaves
    /// host, event type and version empty.
    async fn public_lookup<'q>(
        &self,
        tenant: &Slug,
        select: &'static str,
        bind: impl FnOnce(
            sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
        ) -> sqlx::query::Query<'q, Postgres, sqlx::postgres::PgArguments>,
    ) -> StoreResult<PublicEventType> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        let statement = if self.drops_to_app_role {
            "SELECT id, slug, name, created_at, set_config('app.tenant_id', id::text, true), set_config('role', 'kairos_app', true)
             FROM tenants WHERE slug = $1"
        } else {
            "SELECT id, slug, name, created_at, set_config('app.tenant_id', id::text, true) FROM tenants WHERE slug = $1"
        };
        let row = sqlx::query(statement)
            .bind(tenant.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        let tenant = tenant_from_row(&row)?;
        let row = bind(sqlx::query(select).bind(tenant.id.as_uuid()))
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_error)?;
        commit(tx).await?;
        let Some(row) = row else {
            return Ok(PublicEventType {
                tenant,
                host: None,
                event_type: None,
                schedule_version: None,
            });
        };
        let (host, event_type, version) = public_host_from_row(&row)?;
        Ok(PublicEventType {
            tenant,
            host: Some(host),
            event_type,
            schedule_version: Some(version),
        })
    }

    /// Scopes the rest of `tx` to `tenant`, in one round trip: sets `app.tenant_id` and, when
    /// the connected role would bypass the policies, drops to `kairos_app`. Both settings end
    /// with the transaction.
    async fn enter_tenant(&self, tx: &mut Tx, tenant: TenantId) -> StoreResult<()> {
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

async fn commit(tx: Tx) -> StoreResult<()> {
    tx.commit().await.map_err(map_error)
}

async fn record(
    tx: &mut Tx,
    tenant: TenantId,
    change: NewChange,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO scheduling_changelog (id, tenant_id, entity_type, entity_id, action, actor_id, details, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(ChangeId::new().as_uuid())
    .bind(tenant.as_uuid())
    .bind(change.entity_type)
    .bind(change.entity_id)
    .bind(change.action)
    .bind(change.actor.account_id.map(|id| id.as_uuid()))
    .bind(Json(change.details))
    .bind(PgTimestamp(now))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    Ok(())
}

/// A new password for an account, and which of its sessions survive it.
struct PasswordChange<'a> {
    tenant: TenantId,
    account: AccountId,
    password_hash: &'a str,
    /// The session that made the change (the others end); `None` ends them all.
    keep: Option<&'a [u8; 32]>,
    /// The changelog action.
    action: &'static str,
}

/// Replaces an account's password hash, ends its other sessions and writes the changelog row,
/// inside `tx` (already in the tenant's context). `NotFound` for an unknown account.
async fn replace_password(
    tx: &mut Tx,
    change: PasswordChange<'_>,
    at: Timestamp,
) -> StoreResult<()> {
    let PasswordChange {
        tenant,
        account,
        password_hash,
        keep,
        action,
    } = change;
    let changed =
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(password_hash)
            .bind(tenant.as_uuid())
            .bind(account.as_uuid())
            .execute(&mut **tx)
            .await
            .map_err(map_error)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "DELETE FROM sessions WHERE tenant_id = $1 AND account_id = $2 AND ($3::bytea IS NULL OR digest <> $3)",
    )
    .bind(tenant.as_uuid())
    .bind(account.as_uuid())
    .bind(keep.map(|digest| digest.as_slice()))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    // A new password voids the account's outstanding reset links.
    sqlx::query("DELETE FROM password_resets WHERE tenant_id = $1 AND account_id = $2")
        .bind(tenant.as_uuid())
        .bind(account.as_uuid())
        .execute(&mut **tx)
        .await
        .map_err(map_error)?;
    record(
        tx,
        tenant,
        NewChange {
            entity_type: "account",
            entity_id: account.to_string(),
            action,
            actor: Actor::account(account),
            details: json!({}),
        },
        at,
    )
    .await
}

#[allow(clippy::disallowed_methods)]
fn now() -> Timestamp {
    // Row timestamps (created_at, updated_at) record when the database changed; they are not
    // part of any rule, so the store reads the system clock for them. Truncated to what
    // PostgreSQL keeps, so values returned from a write equal the ones read back later.
    PgTimestamp::truncate(Timestamp::now())
}

async fn insert_user(
    tx: &mut Tx,
    tenant: TenantId,
    user: &NewUser,
    at: Timestamp,
) -> StoreResult<UserId> {
    let id = UserId::new();
    let settings = &user.settings;
    sqlx::query(
        "INSERT INTO scheduling_users (id, tenant_id, account_id, username, display_name, email, timezone, avatar_url, is_active,
             minimum_notice_hours, booking_window_days, buffer_before_mins, buffer_after_mins, daily_limit, weekly_limit, default_duration, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $10, $11, $12, $13, $14, $15, $16, $16)",
    )
    .bind(id.as_uuid())
    .bind(tenant.as_uuid())
    .bind(user.account_id.map(|a| a.as_uuid()))
    .bind(user.username.as_str())
    .bind(user.display_name.as_str())
    .bind(user.email.as_str())
    .bind(user.timezone.as_str())
    .bind(user.avatar_url.as_deref())
    .bind(settings.minimum_notice_hours.get())
    .bind(settings.booking_window_days.get())
    .bind(settings.buffer_before_mins.get())
    .bind(settings.buffer_after_mins.get())
    .bind(settings.daily_limit.map(|l| l.get()))
    .bind(settings.weekly_limit.map(|l| l.get()))
    .bind(settings.default_duration.get())
    .bind(PgTimestamp(at))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    sqlx::query(
        "INSERT INTO scheduling_availability (tenant_id, user_id, timezone, weekly_schedule, updated_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(tenant.as_uuid())
    .bind(id.as_uuid())
    .bind(user.timezone.as_str())
    .bind(Json(kairos_core::schedule::WeeklySchedule::default()))
    .bind(PgTimestamp(at))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    Ok(id)
}

async fn fetch_user(tx: &mut Tx, tenant: TenantId, id: UserId) -> StoreResult<User> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM scheduling_users WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    user_from_row(&row)
}

async fn require_user(tx: &mut Tx, tenant: TenantId, user: UserId) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM scheduling_users WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_error)?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

const EVENT_TYPE_SELECT: &str = "SELECT e.id, e.tenant_id, e.user_id, e.name, e.slug, e.description, e.duration, e.slot_interval, e.color, e.location,
        e.custom_questions, e.reminder_settings, e.setting_overrides, e.is_active, e.archived_at, e.created_at, e.updated_at,
        e.booking_count
    FROM scheduling_event_types e";

/// The public page's read once the tenant is entered: the host by username, the host's schedule
/// version and the host's event type by slug (columns `e_…`, NULLs when there is none).
/// The columns of a public lookup: the host, its schedule version and the event type (`e_`),
/// as `public_host_from_row` reads them.
macro_rules! public_host_columns {
    () => {
        "SELECT u.id, u.tenant_id, u.account_id, u.username, u.display_name, u.email, u.timezone, u.avatar_url,
        u.is_active, u.minimum_notice_hours, u.booking_window_days, u.buffer_before_mins, u.buffer_after_mins, u.daily_limit,
        u.weekly_limit, u.default_duration, u.created_at, u.updated_at,
        v.version AS schedule_version,
        e.id AS e_id, e.tenant_id AS e_tenant_id, e.user_id AS e_user_id, e.name AS e_name, e.slug AS e_slug,
        e.description AS e_description, e.duration AS e_duration, e.slot_interval AS e_slot_interval, e.color AS e_color,
        e.location AS e_location, e.custom_questions AS e_custom_questions, e.reminder_settings AS e_reminder_settings,
        e.setting_overrides AS e_setting_overrides, e.is_active AS e_is_active, e.archived_at AS e_archived_at,
        e.created_at AS e_created_at, e.updated_at AS e_updated_at, e.booking_count AS e_booking_count"
    };
}

const PUBLIC_HOST_SELECT: &str = concat!(
    public_host_columns!(),
    "
    FROM scheduling_users u
    LEFT JOIN scheduling_schedule_versions v ON v.tenant_id = u.tenant_id AND v.user_id = u.id
    LEFT JOIN scheduling_event_types e ON e.tenant_id = u.tenant_id AND e.user_id = u.id AND e.slug = $3
    WHERE u.tenant_id = $1 AND u.username = $2"
);

/// A booking request's host read: the event type by id, its host and schedule version.
const BOOKING_TARGET_SELECT: &str = concat!(
    public_host_columns!(),
    "
    FROM scheduling_event_types e
    JOIN scheduling_users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id
    LEFT JOIN scheduling_schedule_versions v ON v.tenant_id = u.tenant_id AND v.user_id = u.id
    WHERE e.tenant_id = $1 AND e.id = $2"
);

async fn fetch_event_type(
    tx: &mut Tx,
    tenant: TenantId,
    id: EventTypeId,
) -> StoreResult<EventType> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{EVENT_TYPE_SELECT} WHERE e.tenant_id = $1 AND e.id = $2"
    )))
    .bind(tenant.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    event_type_from_row(&row)
}

fn page_bounds(page: PageRequest) -> (i64, i64) {
    (i64::from(page.limit()), i64::from(page.offset()))
}

fn total(count: i64) -> StoreResult<u64> {
    u64::try_from(count).map_err(|e| StoreError::Corrupt(format!("row count: {e}")))
}

const BLOCKED_DATE_COLUMNS: &str =
    "id, user_id, start_date, end_date, reason, is_all_day, start_time, end_time, created_at";

#[async_trait]
impl Store for PgStore {
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(map_error)
            .map(|_| ())
    }

    async fn create_tenant(
        &self,
        tenant: NewTenant,
        owner: NewOwner,
    ) -> StoreResult<TenantWithOwner> {
        let at = now();
        let tenant_id = TenantId::new();
        let account_id = AccountId::new();
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        sqlx::query("INSERT INTO tenants (id, slug, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(tenant_id.as_uuid())
            .bind(tenant.slug.as_str())
            .bind(tenant.name.as_str())
            .bind(PgTimestamp(at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        self.enter_tenant(&mut tx, tenant_id).await?;
        sqlx::query(
            "INSERT INTO accounts (id, tenant_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, 'owner', $5)",
        )
        .bind(account_id.as_uuid())
        .bind(tenant_id.as_uuid())
        .bind(owner.email.as_str())
        .bind(&owner.password_hash)
        .bind(PgTimestamp(at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        let new_user = NewUser {
            account_id: Some(account_id),
            username: owner.username,
            display_name: owner.display_name,
            email: owner.email.clone(),
            timezone: owner.timezone,
            avatar_url: None,
            settings: Default::default(),
        };
        let user_id = insert_user(&mut tx, tenant_id, &new_user, at).await?;
        record(
            &mut tx,
            tenant_id,
            NewChange {
                entity_type: "tenant",
                entity_id: tenant_id.to_string(),
                action: "created",
                actor: Actor::account(account_id),
                details: json!({ "slug": tenant.slug.as_str() }),
            },
            at,
        )
        .await?;
        let user = fetch_user(&mut tx, tenant_id, user_id).await?;
        commit(tx).await?;
        Ok(TenantWithOwner {
            tenant: Tenant {
                id: tenant_id,
                slug: tenant.slug,
                name: tenant.name,
                created_at: at,
            },
            account: Account {
                id: account_id,
                tenant_id,
                email: owner.email,
                role: Role::Owner,
                created_at: at,
            },
            user,
        })
    }

    async fn count_tenants(&self) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
            .fetch_one(&self.pool)
            .await
            .map_err(map_error)?;
        total(count)
    }

    async fn tenant(&self, id: TenantId) -> StoreResult<Tenant> {
        let row = sqlx::query("SELECT id, slug, name, created_at FROM tenants WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        tenant_from_row(&row)
    }

    async fn tenant_by_slug(&self, slug: &Slug) -> StoreResult<Tenant> {
        let row = sqlx::query("SELECT id, slug, name, created_at FROM tenants WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        tenant_from_row(&row)
    }

    async fn create_account(&self, tenant: TenantId, account: NewAccount) -> StoreResult<Account> {
        let at = now();
        let id = AccountId::new();
        let mut tx = self.begin_tenant(tenant).await?;
        sqlx::query(
            "INSERT INTO accounts (id, tenant_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.as_uuid())
        .bind(tenant.as_uuid())
        .bind(account.email.as_str())
        .bind(&account.password_hash)
        .bind(account.role.as_str())
        .bind(PgTimestamp(at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "account",
                entity_id: id.to_string(),
                action: "created",
                actor: Actor::SYSTEM,
                details: json!({ "email": account.email.as_str(), "role": account.role.as_str() }),
            },
            at,
        )
        .await?;
        commit(tx).await?;
        Ok(Account {
            id,
            tenant_id: tenant,
            email: account.email,
            role: account.role,
            created_at: at,
        })
    }

    async fn create_api_token(&self, tenant: TenantId, token: NewApiToken) -> StoreResult<()> {
        let at = now();
        let id = ApiTokenId::new();
        let mut tx = self.begin_tenant(tenant).await?;
        sqlx::query("INSERT INTO api_tokens (id, tenant_id, account_id, name, digest, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id.as_uuid())
            .bind(tenant.as_uuid())
            .bind(token.account_id.as_uuid())
            .bind(&token.name)
            .bind(token.digest.as_slice())
            .bind(PgTimestamp(at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "api_token",
                entity_id: id.to_string(),
                action: "created",
                actor: Actor::account(token.account_id),
                details: json!({ "name": token.name }),
            },
            at,
        )
        .await?;
        commit(tx).await
    }

    async fn principal_for_token(&self, digest: &[u8; 32]) -> StoreResult<Principal> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        // Step 1, before any tenant is known: api_tokens carries no row-level security.
        let token = sqlx::query("SELECT tenant_id, account_id FROM api_tokens WHERE digest = $1")
            .bind(digest.as_slice())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        let tenant_id = TenantId::from_uuid(token.try_get("tenant_id").map_err(map_error)?);
        let account_id = AccountId::from_uuid(token.try_get("account_id").map_err(map_error)?);
        // Step 2: the account and its profile, under that tenant's context.
        self.enter_tenant(&mut tx, tenant_id).await?;
        let row = sqlx::query(
            "SELECT a.role, u.id AS user_id
             FROM accounts a
             LEFT JOIN scheduling_users u ON u.tenant_id = a.tenant_id AND u.account_id = a.id
             WHERE a.tenant_id = $1 AND a.id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(account_id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let role: String = row.try_get("role").map_err(map_error)?;
        let user_id: Option<uuid::Uuid> = row.try_get("user_id").map_err(map_error)?;
        commit(tx).await?;
        Ok(Principal {
            tenant_id,
            account_id,
            role: Role::parse(&role)?,
            user_id: user_id.map(UserId::from_uuid),
        })
    }

    async fn create_session(&self, tenant: TenantId, session: NewSession) -> StoreResult<()> {
        let mut tx = self.begin_tenant(tenant).await?;
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND expires_at <= $2")
            .bind(tenant.as_uuid())
            .bind(PgTimestamp(session.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO sessions (id, tenant_id, account_id, digest, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(SessionId::new().as_uuid())
        .bind(tenant.as_uuid())
        .bind(session.account_id.as_uuid())
        .bind(session.digest.as_slice())
        .bind(&session.csrf_token)
        .bind(PgTimestamp(session.created_at))
        .bind(PgTimestamp(session.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await
    }

    async fn session_principal(
        &self,
        digest: &[u8; 32],
        now: Timestamp,
    ) -> StoreResult<SessionPrincipal> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        // Step 1, before any tenant is known: sessions carries no row-level security.
        let session = sqlx::query(
            "SELECT tenant_id, account_id, csrf_token, expires_at FROM sessions
             WHERE digest = $1 AND expires_at > $2",
        )
        .bind(digest.as_slice())
        .bind(PgTimestamp(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let tenant_id = TenantId::from_uuid(session.try_get("tenant_id").map_err(map_error)?);
        let account_id = AccountId::from_uuid(session.try_get("account_id").map_err(map_error)?);
        let csrf_token: String = session.try_get("csrf_token").map_err(map_error)?;
        let PgTimestamp(expires_at) = session.try_get("expires_at").map_err(map_error)?;
        // Step 2: the account and its profile, under that tenant's context.
        self.enter_tenant(&mut tx, tenant_id).await?;
        let row = sqlx::query(
            "SELECT a.role, u.id AS user_id
             FROM accounts a
             LEFT JOIN scheduling_users u ON u.tenant_id = a.tenant_id AND u.account_id = a.id
             WHERE a.tenant_id = $1 AND a.id = $2",
        )
        .bind(tenant_id.as_uuid())
        .bind(account_id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let role: String = row.try_get("role").map_err(map_error)?;
        let user_id: Option<uuid::Uuid> = row.try_get("user_id").map_err(map_error)?;
        commit(tx).await?;
        Ok(SessionPrincipal {
            principal: Principal {
                tenant_id,
                account_id,
                role: Role::parse(&role)?,
                user_id: user_id.map(UserId::from_uuid),
            },
            csrf_token,
            expires_at,
        })
    }

    async fn delete_session(&self, digest: &[u8; 32]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE digest = $1")
            .bind(digest.as_slice())
            .execute(&self.pool)
            .await
            .map_err(map_error)?;
        Ok(())
    }

    async fn create_user(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: NewUser,
    ) -> StoreResult<User> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let id = insert_user(&mut tx, tenant, &user, at).await?;
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "user",
                entity_id: id.to_string(),
                action: "created",
                actor,
                details: json!({ "username": user.username.as_str() }),
            },
            at,
        )
        .await?;
        let created = fetch_user(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(created)
    }

    async fn list_users(
        &self,
        tenant: TenantId,
        filter: UserFilter,
        page: PageRequest,
    ) -> StoreResult<Page<User>> {
        const WHERE: &str =
            "WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id = $2) AND (NOT $3 OR is_active)";
        let only = filter.only.map(|id| id.as_uuid());
        let (limit, offset) = page_bounds(page);
        let mut tx = self.begin_tenant(tenant).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM scheduling_users {WHERE} ORDER BY created_at, id LIMIT $4 OFFSET $5"
        )))
        .bind(tenant.as_uuid())
        .bind(only)
        .bind(filter.active_only)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_users {WHERE}"
        )))
        .bind(tenant.as_uuid())
        .bind(only)
        .bind(filter.active_only)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        Ok(Page {
            items: rows.iter().map(user_from_row).collect::<StoreResult<_>>()?,
            total: total(count)?,
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn user(&self, tenant: TenantId, id: UserId) -> StoreResult<User> {
        let mut tx = self.begin_tenant(tenant).await?;
        let user = fetch_user(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(user)
    }

    async fn user_by_username(&self, tenant: TenantId, username: &Username) -> StoreResult<User> {
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM scheduling_users WHERE tenant_id = $1 AND username = $2"
        )))
        .bind(tenant.as_uuid())
        .bind(username.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        commit(tx).await?;
        user_from_row(&row)
    }

    async fn public_event_type(
        &self,
        tenant: &Slug,
        username: &Username,
        event_type: &Slug,
    ) -> StoreResult<PublicEventType> {
        self.public_lookup(tenant, PUBLIC_HOST_SELECT, |query| {
            query.bind(username.as_str()).bind(event_type.as_str())
        })
        .await
    }

    async fn booking_target(
        &self,
        tenant: &Slug,
        event_type: EventTypeId,
    ) -> StoreResult<PublicEventType> {
        self.public_lookup(tenant, BOOKING_TARGET_SELECT, |query| {
            query.bind(event_type.as_uuid())
        })
        .await
    }

    async fn update_user(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: UserId,
        update: UserUpdate,
    ) -> StoreResult<User> {
        let at = now();
        let settings = &update.settings;
        let mut tx = self.begin_tenant(tenant).await?;
        let changed = sqlx::query(
            "UPDATE scheduling_users SET username = $1, display_name = $2, email = $3, timezone = $4, avatar_url = $5, is_active = $6,
                 minimum_notice_hours = $7, booking_window_days = $8, buffer_before_mins = $9, buffer_after_mins = $10,
                 daily_limit = $11, weekly_limit = $12, default_duration = $13, updated_at = $14
             WHERE tenant_id = $15 AND id = $16",
        )
        .bind(update.username.as_str())
        .bind(update.display_name.as_str())
        .bind(update.email.as_str())
        .bind(update.timezone.as_str())
        .bind(update.avatar_url.as_deref())
        .bind(update.is_active)
        .bind(settings.minimum_notice_hours.get())
        .bind(settings.booking_window_days.get())
        .bind(settings.buffer_before_mins.get())
        .bind(settings.buffer_after_mins.get())
        .bind(settings.daily_limit.map(|l| l.get()))
        .bind(settings.weekly_limit.map(|l| l.get()))
        .bind(settings.default_duration.get())
        .bind(PgTimestamp(at))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "user",
                entity_id: id.to_string(),
                action: "updated",
                actor,
                details: json!({ "username": update.username.as_str(), "isActive": update.is_active }),
            },
            at,
        )
        .await?;
        let user = fetch_user(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(user)
    }

    async fn create_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        fields: EventTypeFields,
        user: UserId,
    ) -> StoreResult<EventType> {
        let at = now();
        let id = EventTypeId::new();
        let mut tx = self.begin_tenant(tenant).await?;
        require_user(&mut tx, tenant, user).await?;
        sqlx::query(
            "INSERT INTO scheduling_event_types (id, tenant_id, user_id, name, slug, description, duration, slot_interval, color, location,
                 custom_questions, reminder_settings, setting_overrides, is_active, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)",
        )
        .bind(id.as_uuid())
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .bind(fields.name.as_str())
        .bind(fields.slug.as_str())
        .bind(fields.description.as_ref().map(|d| d.as_str()))
        .bind(fields.duration.get())
        .bind(fields.slot_interval.map(|i| i.get()))
        .bind(fields.color.as_str())
        .bind(Json(&fields.location))
        .bind(Json(&fields.custom_questions))
        .bind(Json(&fields.reminder_settings))
        .bind(Json(&fields.setting_overrides))
        .bind(fields.is_active)
        .bind(PgTimestamp(at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "event_type",
                entity_id: id.to_string(),
                action: "created",
                actor,
                details: event_type_details(&fields),
            },
            at,
        )
        .await?;
        let created = fetch_event_type(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(created)
    }

    async fn list_event_types(
        &self,
        tenant: TenantId,
        filter: EventTypeFilter,
        page: PageRequest,
    ) -> StoreResult<Page<EventType>> {
        const WHERE: &str = "WHERE e.tenant_id = $1 AND ($2::uuid IS NULL OR e.user_id = $2)
            AND ($3 = 'include' OR ($3 = 'exclude' AND e.archived_at IS NULL) OR ($3 = 'only' AND e.archived_at IS NOT NULL))
            AND (NOT $4 OR (e.is_active AND e.archived_at IS NULL))";
        let user = filter.user.map(|id| id.as_uuid());
        let archived = match filter.archived {
            ArchivedFilter::Exclude => "exclude",
            ArchivedFilter::Only => "only",
            ArchivedFilter::Include => "include",
        };
        let (limit, offset) = page_bounds(page);
        let mut tx = self.begin_tenant(tenant).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{EVENT_TYPE_SELECT} {WHERE} ORDER BY e.created_at DESC, e.id DESC LIMIT $5 OFFSET $6"
        )))
        .bind(tenant.as_uuid())
        .bind(user)
        .bind(archived)
        .bind(filter.bookable_only)
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_event_types e {WHERE}"
        )))
        .bind(tenant.as_uuid())
        .bind(user)
        .bind(archived)
        .bind(filter.bookable_only)
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        Ok(Page {
            items: rows
                .iter()
                .map(event_type_from_row)
                .collect::<StoreResult<_>>()?,
            total: total(count)?,
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn event_type(&self, tenant: TenantId, id: EventTypeId) -> StoreResult<EventType> {
        let mut tx = self.begin_tenant(tenant).await?;
        let event_type = fetch_event_type(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(event_type)
    }

    async fn event_type_by_slug(
        &self,
        tenant: TenantId,
        user: UserId,
        slug: &Slug,
    ) -> StoreResult<EventType> {
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{EVENT_TYPE_SELECT} WHERE e.tenant_id = $1 AND e.user_id = $2 AND e.slug = $3"
        )))
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .bind(slug.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        commit(tx).await?;
        event_type_from_row(&row)
    }

    async fn update_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
        fields: EventTypeFields,
    ) -> StoreResult<EventType> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let changed = sqlx::query(
            "UPDATE scheduling_event_types SET name = $1, slug = $2, description = $3, duration = $4, slot_interval = $5, color = $6, location = $7,
                 custom_questions = $8, reminder_settings = $9, setting_overrides = $10, is_active = $11, updated_at = $12
             WHERE tenant_id = $13 AND id = $14",
        )
        .bind(fields.name.as_str())
        .bind(fields.slug.as_str())
        .bind(fields.description.as_ref().map(|d| d.as_str()))
        .bind(fields.duration.get())
        .bind(fields.slot_interval.map(|i| i.get()))
        .bind(fields.color.as_str())
        .bind(Json(&fields.location))
        .bind(Json(&fields.custom_questions))
        .bind(Json(&fields.reminder_settings))
        .bind(Json(&fields.setting_overrides))
        .bind(fields.is_active)
        .bind(PgTimestamp(at))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "event_type",
                entity_id: id.to_string(),
                action: "updated",
                actor,
                details: event_type_details(&fields),
            },
            at,
        )
        .await?;
        let updated = fetch_event_type(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(updated)
    }

    async fn delete_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
    ) -> StoreResult<DeleteOutcome> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        // Lock the row first: a booking being written for this type holds a key-share lock on
        // it (its foreign key), so once this returns every such booking has committed and is
        // counted below, and any later one waits for this transaction.
        sqlx::query(
            "SELECT 1 FROM scheduling_event_types WHERE tenant_id = $1 AND id = $2 FOR UPDATE",
        )
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let existing = fetch_event_type(&mut tx, tenant, id).await?;
        let outcome = if existing.booking_count > 0 {
            sqlx::query(
                "UPDATE scheduling_event_types SET archived_at = COALESCE(archived_at, $1), updated_at = $1 WHERE tenant_id = $2 AND id = $3",
            )
            .bind(PgTimestamp(at))
            .bind(tenant.as_uuid())
            .bind(id.as_uuid())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
            DeleteOutcome::Archived
        } else {
            sqlx::query("DELETE FROM scheduling_event_types WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(map_error)?;
            DeleteOutcome::Deleted
        };
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "event_type",
                entity_id: id.to_string(),
                action: match outcome {
                    DeleteOutcome::Deleted => "deleted",
                    DeleteOutcome::Archived => "archived",
                },
                actor,
                details: json!({ "bookings": existing.booking_count }),
            },
            at,
        )
        .await?;
        commit(tx).await?;
        Ok(outcome)
    }

    async fn archive_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
    ) -> StoreResult<EventType> {
        self.set_archived(tenant, actor, id, true).await
    }

    async fn restore_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
    ) -> StoreResult<EventType> {
        self.set_archived(tenant, actor, id, false).await
    }

    async fn availability(&self, tenant: TenantId, user: UserId) -> StoreResult<Availability> {
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(
            "SELECT user_id, timezone, weekly_schedule, updated_at FROM scheduling_availability WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        commit(tx).await?;
        availability_from_row(&row)
    }

    async fn put_availability(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        update: AvailabilityUpdate,
    ) -> StoreResult<Availability> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let changed = sqlx::query(
            "UPDATE scheduling_availability SET timezone = $1, weekly_schedule = $2, updated_at = $3 WHERE tenant_id = $4 AND user_id = $5",
        )
        .bind(update.timezone.as_str())
        .bind(Json(&update.weekly_schedule))
        .bind(PgTimestamp(at))
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "availability",
                entity_id: user.to_string(),
                action: "updated",
                actor,
                details: json!({ "timezone": update.timezone.as_str(), "weeklySchedule": update.weekly_schedule }),
            },
            at,
        )
        .await?;
        commit(tx).await?;
        Ok(Availability {
            user_id: user,
            timezone: update.timezone,
            weekly_schedule: update.weekly_schedule,
            updated_at: at,
        })
    }

    async fn list_date_overrides(
        &self,
        tenant: TenantId,
        user: UserId,
        from: Option<Date>,
        to: Option<Date>,
    ) -> StoreResult<Vec<DateOverride>> {
        let mut tx = self.begin_tenant(tenant).await?;
        let rows = sqlx::query(
            "SELECT date, windows FROM scheduling_date_overrides
             WHERE tenant_id = $1 AND user_id = $2 AND ($3::date IS NULL OR date >= $3) AND ($4::date IS NULL OR date <= $4)
             ORDER BY date",
        )
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .bind(from.map(PgDate))
        .bind(to.map(PgDate))
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        rows.iter().map(date_override_from_row).collect()
    }

    async fn put_date_override(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        date_override: DateOverride,
    ) -> StoreResult<DateOverride> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        require_user(&mut tx, tenant, user).await?;
        sqlx::query(
            "INSERT INTO scheduling_date_overrides (tenant_id, user_id, date, windows, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (tenant_id, user_id, date) DO UPDATE SET windows = EXCLUDED.windows, updated_at = EXCLUDED.updated_at",
        )
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .bind(PgDate(date_override.date))
        .bind(Json(&date_override.windows))
        .bind(PgTimestamp(at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "date_override",
                entity_id: user.to_string(),
                action: "set",
                actor,
                details: json!({ "date": date_override.date.to_string(), "windows": date_override.windows }),
            },
            at,
        )
        .await?;
        commit(tx).await?;
        Ok(date_override)
    }

    async fn delete_date_override(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        date: Date,
    ) -> StoreResult<()> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let deleted = sqlx::query(
            "DELETE FROM scheduling_date_overrides WHERE tenant_id = $1 AND user_id = $2 AND date = $3",
        )
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .bind(PgDate(date))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "date_override",
                entity_id: user.to_string(),
                action: "deleted",
                actor,
                details: json!({ "date": date.to_string() }),
            },
            at,
        )
        .await?;
        commit(tx).await
    }

    async fn list_blocked_dates(
        &self,
        tenant: TenantId,
        user: UserId,
        page: PageRequest,
    ) -> StoreResult<Page<BlockedDate>> {
        let (limit, offset) = page_bounds(page);
        let mut tx = self.begin_tenant(tenant).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BLOCKED_DATE_COLUMNS} FROM scheduling_blocked_dates WHERE tenant_id = $1 AND user_id = $2
             ORDER BY start_date, id LIMIT $3 OFFSET $4"
        )))
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM scheduling_blocked_dates WHERE tenant_id = $1 AND user_id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        Ok(Page {
            items: rows
                .iter()
                .map(blocked_date_from_row)
                .collect::<StoreResult<_>>()?,
            total: total(count)?,
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn create_blocked_date(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        blocked: NewBlockedDate,
    ) -> StoreResult<BlockedDate> {
        let at = now();
        let id = BlockedDateId::new();
        let mut tx = self.begin_tenant(tenant).await?;
        require_user(&mut tx, tenant, user).await?;
        let hours = blocked.period.hours();
        sqlx::query(
            "INSERT INTO scheduling_blocked_dates (id, tenant_id, user_id, start_date, end_date, reason, is_all_day, start_time, end_time, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(id.as_uuid())
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .bind(PgDate(blocked.period.start_date()))
        .bind(PgDate(blocked.period.end_date()))
        .bind(blocked.reason.as_ref().map(|r| r.as_str()))
        .bind(hours.is_none())
        .bind(hours.map(|h| h.start().to_string()))
        .bind(hours.map(|h| h.end().to_string()))
        .bind(PgTimestamp(at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "blocked_date",
                entity_id: id.to_string(),
                action: "created",
                actor,
                details: json!({
                    "startDate": blocked.period.start_date().to_string(),
                    "endDate": blocked.period.end_date().to_string(),
                }),
            },
            at,
        )
        .await?;
        commit(tx).await?;
        Ok(BlockedDate {
            id,
            user_id: user,
            period: blocked.period,
            reason: blocked.reason,
            created_at: at,
        })
    }

    async fn blocked_date(&self, tenant: TenantId, id: BlockedDateId) -> StoreResult<BlockedDate> {
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {BLOCKED_DATE_COLUMNS} FROM scheduling_blocked_dates WHERE tenant_id = $1 AND id = $2"
        )))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        commit(tx).await?;
        blocked_date_from_row(&row)
    }

    async fn delete_blocked_date(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BlockedDateId,
    ) -> StoreResult<()> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let deleted =
            sqlx::query("DELETE FROM scheduling_blocked_dates WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.as_uuid())
                .bind(id.as_uuid())
                .execute(&mut *tx)
                .await
                .map_err(map_error)?;
        if deleted.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "blocked_date",
                entity_id: id.to_string(),
                action: "deleted",
                actor,
                details: json!({}),
            },
            at,
        )
        .await?;
        commit(tx).await
    }

    async fn schedule_snapshot(
        &self,
        tenant: TenantId,
        host: UserId,
        span_start: Timestamp,
        span_end: Timestamp,
        ignore: Option<BookingId>,
    ) -> StoreResult<ScheduleSnapshot> {
        self.pg_schedule_snapshot(tenant, host, span_start, span_end, ignore)
            .await
    }

    async fn create_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        booking: NewBooking,
        check: &BookingCheck<'_>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking> {
        self.pg_create_booking(tenant, actor, booking, check, outbox)
            .await
    }

    // The booking change and its two hooks (check, outbox) are one operation.
    #[allow(clippy::too_many_arguments)]
    async fn reschedule_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        now: Timestamp,
        booking: NewBooking,
        check: &BookingCheck<'_>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking> {
        self.pg_reschedule_booking(tenant, actor, id, now, booking, check, outbox)
            .await
    }

    async fn cancel_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        by: CancelledBy,
        reason: Option<String>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking> {
        self.pg_cancel_booking(tenant, actor, id, by, reason, outbox)
            .await
    }

    async fn set_booking_outcome(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        status: BookingStatus,
    ) -> StoreResult<Booking> {
        self.pg_set_booking_outcome(tenant, actor, id, status).await
    }

    async fn booking(&self, tenant: TenantId, id: BookingId) -> StoreResult<Booking> {
        self.pg_booking(tenant, id).await
    }

    async fn list_bookings(
        &self,
        tenant: TenantId,
        filter: BookingFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Booking>> {
        self.pg_list_bookings(tenant, filter, page).await
    }

    async fn bookings_created_between(
        &self,
        tenant: TenantId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<Booking>> {
        self.pg_bookings_created_between(tenant, from, to).await
    }

    async fn list_changes(
        &self,
        tenant: TenantId,
        filter: ChangeFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Change>> {
        const WHERE: &str = "WHERE tenant_id = $1 AND ($2::text IS NULL OR entity_type = $2) AND ($3::text IS NULL OR entity_id = $3)";
        let (limit, offset) = page_bounds(page);
        let mut tx = self.begin_tenant(tenant).await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, entity_type, entity_id, action, actor_id, details, created_at FROM scheduling_changelog {WHERE}
             ORDER BY id DESC LIMIT $4 OFFSET $5"
        )))
        .bind(tenant.as_uuid())
        .bind(filter.entity_type.as_deref())
        .bind(filter.entity_id.as_deref())
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?;
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_changelog {WHERE}"
        )))
        .bind(tenant.as_uuid())
        .bind(filter.entity_type.as_deref())
        .bind(filter.entity_id.as_deref())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        Ok(Page {
            items: rows
                .iter()
                .map(change_from_row)
                .collect::<StoreResult<_>>()?,
            total: total(count)?,
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn account_by_email(
        &self,
        tenant: TenantId,
        email: &EmailAddress,
    ) -> StoreResult<(Account, String)> {
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(
            "SELECT id, tenant_id, email, role, created_at, password_hash FROM accounts WHERE tenant_id = $1 AND email = $2",
        )
        .bind(tenant.as_uuid())
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        commit(tx).await?;
        let hash: String = row.try_get("password_hash").map_err(map_error)?;
        Ok((account_from_row(&row)?, hash))
    }

    async fn account(&self, tenant: TenantId, id: AccountId) -> StoreResult<Account> {
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(
            "SELECT id, tenant_id, email, role, created_at FROM accounts WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        commit(tx).await?;
        account_from_row(&row)
    }

    async fn set_password(
        &self,
        tenant: TenantId,
        account: AccountId,
        password_hash: &str,
        keep: Option<&[u8; 32]>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_tenant(tenant).await?;
        replace_password(
            &mut tx,
            PasswordChange {
                tenant,
                account,
                password_hash,
                keep,
                action: "password_changed",
            },
            now(),
        )
        .await?;
        commit(tx).await
    }

    async fn create_password_reset(
        &self,
        tenant: TenantId,
        reset: NewPasswordReset,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_tenant(tenant).await?;
        // The account row is locked so that two requests at once cannot both pass the quiet
        // check and leave two working links.
        let recent: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM password_resets r
                            WHERE r.tenant_id = a.tenant_id AND r.account_id = a.id AND r.created_at > $3)
             FROM accounts a WHERE a.tenant_id = $1 AND a.id = $2 FOR UPDATE",
        )
        .bind(tenant.as_uuid())
        .bind(reset.account_id.as_uuid())
        .bind(PgTimestamp(reset.quiet_since))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        if recent {
            return Ok(false);
        }
        sqlx::query(
            "DELETE FROM password_resets
             WHERE tenant_id = $1 AND (account_id = $2 OR expires_at <= $3)",
        )
        .bind(tenant.as_uuid())
        .bind(reset.account_id.as_uuid())
        .bind(PgTimestamp(reset.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO password_resets (digest, tenant_id, account_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(reset.digest.as_slice())
        .bind(tenant.as_uuid())
        .bind(reset.account_id.as_uuid())
        .bind(PgTimestamp(reset.created_at))
        .bind(PgTimestamp(reset.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        Ok(true)
    }

    async fn password_reset(
        &self,
        digest: &[u8; 32],
        now: Timestamp,
    ) -> StoreResult<PasswordReset> {
        // password_resets carries no row-level security: the link is how the tenant is found.
        let row = sqlx::query(
            "SELECT tenant_id, account_id, expires_at FROM password_resets
             WHERE digest = $1 AND expires_at > $2",
        )
        .bind(digest.as_slice())
        .bind(PgTimestamp(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        password_reset_from_row(&row)
    }

    async fn reset_password(
        &self,
        digest: &[u8; 32],
        now: Timestamp,
        password_hash: &str,
    ) -> StoreResult<PasswordReset> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        // Step 1, before any tenant is known: spend the link. A concurrent second use waits on
        // the row and then finds it gone.
        let row = sqlx::query(
            "DELETE FROM password_resets WHERE digest = $1 AND expires_at > $2
             RETURNING tenant_id, account_id, expires_at",
        )
        .bind(digest.as_slice())
        .bind(PgTimestamp(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let reset = password_reset_from_row(&row)?;
        // Step 2: the account, under that tenant's context.
        self.enter_tenant(&mut tx, reset.tenant_id).await?;
        replace_password(
            &mut tx,
            PasswordChange {
                tenant: reset.tenant_id,
                account: reset.account_id,
                password_hash,
                keep: None,
                action: "password_reset",
            },
            // The changelog row records when the database changed (see `now`).
            crate::now(),
        )
        .await?;
        commit(tx).await?;
        Ok(reset)
    }

    async fn claim_outbox(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedMessage>> {
        self.pg_claim_outbox(now, lease_until, limit).await
    }

    async fn finish_outbox(
        &self,
        claimed: &ClaimedMessage,
        delivery: Delivery,
        at: Timestamp,
    ) -> StoreResult<bool> {
        self.pg_finish_outbox(claimed, delivery, at).await
    }

    async fn list_outbox(
        &self,
        tenant: TenantId,
        booking: BookingId,
    ) -> StoreResult<Vec<OutboxMessage>> {
        self.pg_list_outbox(tenant, booking).await
    }

    async fn retry_outbox(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: OutboxId,
        now: Timestamp,
    ) -> StoreResult<OutboxMessage> {
        self.pg_retry_outbox(tenant, actor, id, now).await
    }

    async fn outbox_counts(&self, now: Timestamp) -> StoreResult<OutboxCounts> {
        self.pg_outbox_counts(now).await
    }

    async fn notification_templates(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<NotificationTemplate>> {
        self.pg_notification_templates(tenant).await
    }

    async fn put_notification_template(
        &self,
        tenant: TenantId,
        actor: Actor,
        kind: NotificationKind,
        audience: Audience,
        subject: Option<String>,
        body: Option<String>,
    ) -> StoreResult<NotificationTemplate> {
        self.pg_put_notification_template(tenant, actor, kind, audience, subject, body)
            .await
    }

    async fn delete_notification_template(
        &self,
        tenant: TenantId,
        actor: Actor,
        kind: NotificationKind,
        audience: Audience,
    ) -> StoreResult<()> {
        self.pg_delete_notification_template(tenant, actor, kind, audience)
            .await
    }
}

impl PgStore {
    async fn set_archived(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
        archived: bool,
    ) -> StoreResult<EventType> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let changed = sqlx::query(
            "UPDATE scheduling_event_types
             SET archived_at = CASE WHEN $1 THEN COALESCE(archived_at, $2) ELSE NULL END, updated_at = $2
             WHERE tenant_id = $3 AND id = $4",
        )
        .bind(archived)
        .bind(PgTimestamp(at))
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        record(
            &mut tx,
            tenant,
            NewChange {
                entity_type: "event_type",
                entity_id: id.to_string(),
                action: if archived { "archived" } else { "restored" },
                actor,
                details: json!({}),
            },
            at,
        )
        .await?;
        let event_type = fetch_event_type(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(event_type)
    }
}
