//! The embedded SQLite backend of the Kairos [`Store`].
//!
//! One database file in WAL mode with foreign keys on. Reads run concurrently; every write is a
//! `BEGIN IMMEDIATE` transaction, so writers serialise on the database lock and a read inside a
//! write transaction always sees the latest committed state (DESIGN 3). Instants are stored as
//! INTEGER seconds since the Unix epoch.

#![forbid(unsafe_code)]

mod bookings;
mod outbox;
mod rows;

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
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::rows::{
    account_from_row, availability_from_row, blocked_date_from_row, change_from_row,
    event_type_from_row, json_text, password_reset_from_row, public_event_type_from_row,
    tenant_from_row, to_seconds, user_from_row,
};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The SQLite store. Cheap to clone (a pool handle).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

/// Maps a driver error, turning known unique constraints into conflicts that name the field.
pub(crate) fn map_error(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(db) = &error {
        let message = db.message();
        if db.is_unique_violation() {
            let field = if message.contains("tenants.slug") {
                "slug"
            } else if message.contains("scheduling_users.username") {
                "username"
            } else if message.contains("scheduling_users.account_id") {
                "accountId"
            } else if message.contains("scheduling_event_types.slug") {
                "slug"
            } else if message.contains("accounts.email") {
                "email"
            } else {
                "id"
            };
            return StoreError::conflict(field, format!("{field} is already taken"));
        }
    }
    if matches!(error, sqlx::Error::RowNotFound) {
        return StoreError::NotFound;
    }
    StoreError::database(error)
}

type Tx = Transaction<'static, Sqlite>;

const USER_COLUMNS: &str = "id, tenant_id, account_id, username, display_name, email, timezone, avatar_url, is_active, minimum_notice_hours, booking_window_days, buffer_before_mins, buffer_after_mins, daily_limit, weekly_limit, default_duration, created_at, updated_at";

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

async fn record(
    tx: &mut Tx,
    tenant: TenantId,
    change: NewChange,
    now: Timestamp,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO scheduling_changelog (id, tenant_id, entity_type, entity_id, action, actor_id, details, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(ChangeId::new().to_string())
    .bind(tenant.to_string())
    .bind(change.entity_type)
    .bind(change.entity_id)
    .bind(change.action)
    .bind(change.actor.account_id.map(|id| id.to_string()))
    .bind(change.details.to_string())
    .bind(to_seconds(now))
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
/// inside `tx`. `NotFound` for an unknown account.
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
        sqlx::query("UPDATE accounts SET password_hash = ? WHERE tenant_id = ? AND id = ?")
            .bind(password_hash)
            .bind(tenant.to_string())
            .bind(account.to_string())
            .execute(&mut **tx)
            .await
            .map_err(map_error)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "DELETE FROM sessions WHERE tenant_id = ? AND account_id = ? AND (? IS NULL OR digest <> ?)",
    )
    .bind(tenant.to_string())
    .bind(account.to_string())
    .bind(keep.map(|digest| digest.as_slice()))
    .bind(keep.map(|digest| digest.as_slice()))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    // A new password voids the account's outstanding reset links.
    sqlx::query("DELETE FROM password_resets WHERE tenant_id = ? AND account_id = ?")
        .bind(tenant.to_string())
        .bind(account.to_string())
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
pub(crate) fn now() -> Timestamp {
    // Row timestamps (created_at, updated_at) record when the database changed; they are not
    // part of any rule, so the store reads the system clock for them.
    Timestamp::now()
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
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.to_string())
    .bind(tenant.to_string())
    .bind(user.account_id.map(|a| a.to_string()))
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
    .bind(to_seconds(at))
    .bind(to_seconds(at))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    sqlx::query(
        "INSERT INTO scheduling_availability (tenant_id, user_id, timezone, weekly_schedule, updated_at) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(tenant.to_string())
    .bind(id.to_string())
    .bind(user.timezone.as_str())
    .bind(json_text(&kairos_core::schedule::WeeklySchedule::default())?)
    .bind(to_seconds(at))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    Ok(id)
}

async fn fetch_user<'e, E>(executor: E, tenant: TenantId, id: UserId) -> StoreResult<User>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM scheduling_users WHERE tenant_id = ? AND id = ?"
    )))
    .bind(tenant.to_string())
    .bind(id.to_string())
    .fetch_optional(executor)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    user_from_row(&row)
}

async fn require_user(tx: &mut Tx, tenant: TenantId, user: UserId) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM scheduling_users WHERE tenant_id = ? AND id = ?")
        .bind(tenant.to_string())
        .bind(user.to_string())
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

/// The columns of a public lookup: the tenant (`t_`), the host, its schedule version and the
/// event type (`e_`), as [`rows::public_event_type_from_row`] reads them.
macro_rules! public_columns {
    () => {
        "SELECT t.id AS t_id, t.slug AS t_slug, t.name AS t_name, t.created_at AS t_created_at,
        u.id, u.tenant_id, u.account_id, u.username, u.display_name, u.email, u.timezone, u.avatar_url, u.is_active,
        u.minimum_notice_hours, u.booking_window_days, u.buffer_before_mins, u.buffer_after_mins, u.daily_limit, u.weekly_limit,
        u.default_duration, u.created_at, u.updated_at,
        v.version AS schedule_version,
        e.id AS e_id, e.tenant_id AS e_tenant_id, e.user_id AS e_user_id, e.name AS e_name, e.slug AS e_slug,
        e.description AS e_description, e.duration AS e_duration, e.slot_interval AS e_slot_interval, e.color AS e_color,
        e.location AS e_location, e.custom_questions AS e_custom_questions, e.reminder_settings AS e_reminder_settings,
        e.setting_overrides AS e_setting_overrides, e.is_active AS e_is_active, e.archived_at AS e_archived_at,
        e.created_at AS e_created_at, e.updated_at AS e_updated_at, e.booking_count AS e_booking_count"
    };
}

/// The public page's one read: tenant by slug, host by username, event type by slug and the
/// host's schedule version. Missing host or type rows come back as NULLs.
const PUBLIC_EVENT_TYPE_SELECT: &str = concat!(
    public_columns!(),
    "
    FROM tenants t
    LEFT JOIN scheduling_users u ON u.tenant_id = t.id AND u.username = ?2
    LEFT JOIN scheduling_schedule_versions v ON v.tenant_id = u.tenant_id AND v.user_id = u.id
    LEFT JOIN scheduling_event_types e ON e.tenant_id = u.tenant_id AND e.user_id = u.id AND e.slug = ?3
    WHERE t.slug = ?1"
);

/// A booking request's one read: tenant by slug, event type by id, its host and the host's
/// schedule version.
const BOOKING_TARGET_SELECT: &str = concat!(
    public_columns!(),
    "
    FROM tenants t
    LEFT JOIN scheduling_event_types e ON e.tenant_id = t.id AND e.id = ?2
    LEFT JOIN scheduling_users u ON u.tenant_id = e.tenant_id AND u.id = e.user_id
    LEFT JOIN scheduling_schedule_versions v ON v.tenant_id = u.tenant_id AND v.user_id = u.id
    WHERE t.slug = ?1"
);

async fn fetch_event_type<'e, E>(
    executor: E,
    tenant: TenantId,
    id: EventTypeId,
) -> StoreResult<EventType>
where
    E: sqlx::Executor<'e, Database = Sqlite>,
{
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{EVENT_TYPE_SELECT} WHERE e.tenant_id = ? AND e.id = ?"
    )))
    .bind(tenant.to_string())
    .bind(id.to_string())
    .fetch_optional(executor)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    event_type_from_row(&row)
}

#[async_trait]
impl Store for SqliteStore {
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
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO tenants (id, slug, name, created_at) VALUES (?, ?, ?, ?)")
            .bind(tenant_id.to_string())
            .bind(tenant.slug.as_str())
            .bind(tenant.name.as_str())
            .bind(to_seconds(at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO accounts (id, tenant_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, 'owner', ?)",
        )
        .bind(account_id.to_string())
        .bind(tenant_id.to_string())
        .bind(owner.email.as_str())
        .bind(&owner.password_hash)
        .bind(to_seconds(at))
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
        let user = fetch_user(&mut *tx, tenant_id, user_id).await?;
        commit(tx).await?;
        Ok(TenantWithOwner {
            tenant: Tenant {
                id: tenant_id,
                slug: tenant.slug,
                name: tenant.name,
                created_at: rows::from_seconds(to_seconds(at))?,
            },
            account: Account {
                id: account_id,
                tenant_id,
                email: owner.email,
                role: Role::Owner,
                created_at: rows::from_seconds(to_seconds(at))?,
            },
            user,
        })
    }

    async fn count_tenants(&self) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
            .fetch_one(&self.pool)
            .await
            .map_err(map_error)?;
        Ok(count.unsigned_abs())
    }

    async fn tenant(&self, id: TenantId) -> StoreResult<Tenant> {
        let row = sqlx::query("SELECT id, slug, name, created_at FROM tenants WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        tenant_from_row(&row)
    }

    async fn tenant_by_slug(&self, slug: &Slug) -> StoreResult<Tenant> {
        let row = sqlx::query("SELECT id, slug, name, created_at FROM tenants WHERE slug = ?")
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
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO accounts (id, tenant_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(account.email.as_str())
        .bind(&account.password_hash)
        .bind(account.role.as_str())
        .bind(to_seconds(at))
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
        self.account(tenant, id).await
    }

    async fn create_api_token(&self, tenant: TenantId, token: NewApiToken) -> StoreResult<()> {
        let at = now();
        let id = ApiTokenId::new();
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO api_tokens (id, tenant_id, account_id, name, digest, created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(id.to_string())
            .bind(tenant.to_string())
            .bind(token.account_id.to_string())
            .bind(&token.name)
            .bind(token.digest.as_slice())
            .bind(to_seconds(at))
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
        let row = sqlx::query(
            "SELECT t.tenant_id, t.account_id, a.role, u.id AS user_id
             FROM api_tokens t
             JOIN accounts a ON a.tenant_id = t.tenant_id AND a.id = t.account_id
             LEFT JOIN scheduling_users u ON u.tenant_id = t.tenant_id AND u.account_id = t.account_id
             WHERE t.digest = ?",
        )
        .bind(digest.as_slice())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        rows::principal_from_row(&row)
    }

    async fn create_session(&self, tenant: TenantId, session: NewSession) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE tenant_id = ? AND expires_at <= ?")
            .bind(tenant.to_string())
            .bind(to_seconds(session.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO sessions (id, tenant_id, account_id, digest, csrf_token, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(SessionId::new().to_string())
        .bind(tenant.to_string())
        .bind(session.account_id.to_string())
        .bind(session.digest.as_slice())
        .bind(&session.csrf_token)
        .bind(to_seconds(session.created_at))
        .bind(to_seconds(session.expires_at))
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
        let row = sqlx::query(
            "SELECT s.tenant_id, s.account_id, s.csrf_token, s.expires_at, a.role, u.id AS user_id
             FROM sessions s
             JOIN accounts a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
             LEFT JOIN scheduling_users u ON u.tenant_id = s.tenant_id AND u.account_id = s.account_id
             WHERE s.digest = ? AND s.expires_at > ?",
        )
        .bind(digest.as_slice())
        .bind(to_seconds(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        Ok(SessionPrincipal {
            principal: rows::principal_from_row(&row)?,
            csrf_token: rows::get(&row, "csrf_token")?,
            expires_at: rows::from_seconds(rows::get(&row, "expires_at")?)?,
        })
    }

    async fn delete_session(&self, digest: &[u8; 32]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE digest = ?")
            .bind(digest.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        commit(tx).await
    }

    async fn create_user(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: NewUser,
    ) -> StoreResult<User> {
        let at = now();
        let mut tx = self.write().await?;
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
        let created = fetch_user(&mut *tx, tenant, id).await?;
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
            "WHERE tenant_id = ?1 AND (?2 IS NULL OR id = ?2) AND (?3 = 0 OR is_active = 1)";
        let only = filter.only.map(|id| id.to_string());
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM scheduling_users {WHERE} ORDER BY created_at, id LIMIT ?4 OFFSET ?5"
        )))
        .bind(tenant.to_string())
        .bind(only.as_deref())
        .bind(filter.active_only)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(map_error)?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_users {WHERE}"
        )))
        .bind(tenant.to_string())
        .bind(only.as_deref())
        .bind(filter.active_only)
        .fetch_one(&self.pool)
        .await
        .map_err(map_error)?;
        Ok(Page {
            items: rows.iter().map(user_from_row).collect::<StoreResult<_>>()?,
            total: total.unsigned_abs(),
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn user(&self, tenant: TenantId, id: UserId) -> StoreResult<User> {
        fetch_user(&self.pool, tenant, id).await
    }

    async fn user_by_username(&self, tenant: TenantId, username: &Username) -> StoreResult<User> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM scheduling_users WHERE tenant_id = ? AND username = ?"
        )))
        .bind(tenant.to_string())
        .bind(username.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        user_from_row(&row)
    }

    async fn public_event_type(
        &self,
        tenant: &Slug,
        username: &Username,
        event_type: &Slug,
    ) -> StoreResult<PublicEventType> {
        let row = sqlx::query(PUBLIC_EVENT_TYPE_SELECT)
            .bind(tenant.as_str())
            .bind(username.as_str())
            .bind(event_type.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        public_event_type_from_row(&row)
    }

    async fn booking_target(
        &self,
        tenant: &Slug,
        event_type: EventTypeId,
    ) -> StoreResult<PublicEventType> {
        let row = sqlx::query(BOOKING_TARGET_SELECT)
            .bind(tenant.as_str())
            .bind(event_type.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        public_event_type_from_row(&row)
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
        let mut tx = self.write().await?;
        let changed = sqlx::query(
            "UPDATE scheduling_users SET username = ?, display_name = ?, email = ?, timezone = ?, avatar_url = ?, is_active = ?,
                 minimum_notice_hours = ?, booking_window_days = ?, buffer_before_mins = ?, buffer_after_mins = ?,
                 daily_limit = ?, weekly_limit = ?, default_duration = ?, updated_at = ?
             WHERE tenant_id = ? AND id = ?",
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
        .bind(to_seconds(at))
        .bind(tenant.to_string())
        .bind(id.to_string())
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
        let user = fetch_user(&mut *tx, tenant, id).await?;
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
        let mut tx = self.write().await?;
        require_user(&mut tx, tenant, user).await?;
        sqlx::query(
            "INSERT INTO scheduling_event_types (id, tenant_id, user_id, name, slug, description, duration, slot_interval, color, location,
                 custom_questions, reminder_settings, setting_overrides, is_active, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(fields.name.as_str())
        .bind(fields.slug.as_str())
        .bind(fields.description.as_ref().map(|d| d.as_str()))
        .bind(fields.duration.get())
        .bind(fields.slot_interval.map(|i| i.get()))
        .bind(fields.color.as_str())
        .bind(json_text(&fields.location)?)
        .bind(json_text(&fields.custom_questions)?)
        .bind(json_text(&fields.reminder_settings)?)
        .bind(json_text(&fields.setting_overrides)?)
        .bind(fields.is_active)
        .bind(to_seconds(at))
        .bind(to_seconds(at))
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
        let created = fetch_event_type(&mut *tx, tenant, id).await?;
        commit(tx).await?;
        Ok(created)
    }

    async fn list_event_types(
        &self,
        tenant: TenantId,
        filter: EventTypeFilter,
        page: PageRequest,
    ) -> StoreResult<Page<EventType>> {
        const WHERE: &str = "WHERE e.tenant_id = ?1 AND (?2 IS NULL OR e.user_id = ?2)
            AND (?3 = 'include' OR (?3 = 'exclude' AND e.archived_at IS NULL) OR (?3 = 'only' AND e.archived_at IS NOT NULL))
            AND (?4 = 0 OR (e.is_active = 1 AND e.archived_at IS NULL))";
        let user = filter.user.map(|id| id.to_string());
        let archived = match filter.archived {
            ArchivedFilter::Exclude => "exclude",
            ArchivedFilter::Only => "only",
            ArchivedFilter::Include => "include",
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{EVENT_TYPE_SELECT} {WHERE} ORDER BY e.created_at DESC, e.id DESC LIMIT ?5 OFFSET ?6"
        )))
        .bind(tenant.to_string())
        .bind(user.as_deref())
        .bind(archived)
        .bind(filter.bookable_only)
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(map_error)?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_event_types e {WHERE}"
        )))
        .bind(tenant.to_string())
        .bind(user.as_deref())
        .bind(archived)
        .bind(filter.bookable_only)
        .fetch_one(&self.pool)
        .await
        .map_err(map_error)?;
        Ok(Page {
            items: rows
                .iter()
                .map(event_type_from_row)
                .collect::<StoreResult<_>>()?,
            total: total.unsigned_abs(),
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn event_type(&self, tenant: TenantId, id: EventTypeId) -> StoreResult<EventType> {
        fetch_event_type(&self.pool, tenant, id).await
    }

    async fn event_type_by_slug(
        &self,
        tenant: TenantId,
        user: UserId,
        slug: &Slug,
    ) -> StoreResult<EventType> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{EVENT_TYPE_SELECT} WHERE e.tenant_id = ? AND e.user_id = ? AND e.slug = ?"
        )))
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(slug.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
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
        let mut tx = self.write().await?;
        let changed = sqlx::query(
            "UPDATE scheduling_event_types SET name = ?, slug = ?, description = ?, duration = ?, slot_interval = ?, color = ?, location = ?,
                 custom_questions = ?, reminder_settings = ?, setting_overrides = ?, is_active = ?, updated_at = ?
             WHERE tenant_id = ? AND id = ?",
        )
        .bind(fields.name.as_str())
        .bind(fields.slug.as_str())
        .bind(fields.description.as_ref().map(|d| d.as_str()))
        .bind(fields.duration.get())
        .bind(fields.slot_interval.map(|i| i.get()))
        .bind(fields.color.as_str())
        .bind(json_text(&fields.location)?)
        .bind(json_text(&fields.custom_questions)?)
        .bind(json_text(&fields.reminder_settings)?)
        .bind(json_text(&fields.setting_overrides)?)
        .bind(fields.is_active)
        .bind(to_seconds(at))
        .bind(tenant.to_string())
        .bind(id.to_string())
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
        let updated = fetch_event_type(&mut *tx, tenant, id).await?;
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
        let mut tx = self.write().await?;
        let existing = fetch_event_type(&mut *tx, tenant, id).await?;
        let outcome = if existing.booking_count > 0 {
            sqlx::query(
                "UPDATE scheduling_event_types SET archived_at = COALESCE(archived_at, ?), updated_at = ? WHERE tenant_id = ? AND id = ?",
            )
            .bind(to_seconds(at))
            .bind(to_seconds(at))
            .bind(tenant.to_string())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
            DeleteOutcome::Archived
        } else {
            sqlx::query("DELETE FROM scheduling_event_types WHERE tenant_id = ? AND id = ?")
                .bind(tenant.to_string())
                .bind(id.to_string())
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
        let row = sqlx::query(
            "SELECT user_id, timezone, weekly_schedule, updated_at FROM scheduling_availability WHERE tenant_id = ? AND user_id = ?",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
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
        let mut tx = self.write().await?;
        let changed = sqlx::query(
            "UPDATE scheduling_availability SET timezone = ?, weekly_schedule = ?, updated_at = ? WHERE tenant_id = ? AND user_id = ?",
        )
        .bind(update.timezone.as_str())
        .bind(json_text(&update.weekly_schedule)?)
        .bind(to_seconds(at))
        .bind(tenant.to_string())
        .bind(user.to_string())
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
            updated_at: rows::from_seconds(to_seconds(at))?,
        })
    }

    async fn list_date_overrides(
        &self,
        tenant: TenantId,
        user: UserId,
        from: Option<Date>,
        to: Option<Date>,
    ) -> StoreResult<Vec<DateOverride>> {
        let rows = sqlx::query(
            "SELECT date, windows FROM scheduling_date_overrides
             WHERE tenant_id = ?1 AND user_id = ?2 AND (?3 IS NULL OR date >= ?3) AND (?4 IS NULL OR date <= ?4)
             ORDER BY date",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(from.map(|d| d.to_string()))
        .bind(to.map(|d| d.to_string()))
        .fetch_all(&self.pool)
        .await
        .map_err(map_error)?;
        rows.iter().map(rows::date_override_from_row).collect()
    }

    async fn put_date_override(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        date_override: DateOverride,
    ) -> StoreResult<DateOverride> {
        let at = now();
        let mut tx = self.write().await?;
        require_user(&mut tx, tenant, user).await?;
        sqlx::query(
            "INSERT INTO scheduling_date_overrides (tenant_id, user_id, date, windows, updated_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (tenant_id, user_id, date) DO UPDATE SET windows = excluded.windows, updated_at = excluded.updated_at",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(date_override.date.to_string())
        .bind(json_text(&date_override.windows)?)
        .bind(to_seconds(at))
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
        let mut tx = self.write().await?;
        let deleted = sqlx::query("DELETE FROM scheduling_date_overrides WHERE tenant_id = ? AND user_id = ? AND date = ?")
            .bind(tenant.to_string())
            .bind(user.to_string())
            .bind(date.to_string())
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
        let rows = sqlx::query(
            "SELECT id, user_id, start_date, end_date, reason, is_all_day, start_time, end_time, created_at
             FROM scheduling_blocked_dates WHERE tenant_id = ? AND user_id = ?
             ORDER BY start_date, id LIMIT ? OFFSET ?",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(map_error)?;
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM scheduling_blocked_dates WHERE tenant_id = ? AND user_id = ?",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(map_error)?;
        Ok(Page {
            items: rows
                .iter()
                .map(blocked_date_from_row)
                .collect::<StoreResult<_>>()?,
            total: total.unsigned_abs(),
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
        let mut tx = self.write().await?;
        require_user(&mut tx, tenant, user).await?;
        let hours = blocked.period.hours();
        sqlx::query(
            "INSERT INTO scheduling_blocked_dates (id, tenant_id, user_id, start_date, end_date, reason, is_all_day, start_time, end_time, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(user.to_string())
        .bind(blocked.period.start_date().to_string())
        .bind(blocked.period.end_date().to_string())
        .bind(blocked.reason.as_ref().map(|r| r.as_str()))
        .bind(hours.is_none())
        .bind(hours.map(|h| h.start().to_string()))
        .bind(hours.map(|h| h.end().to_string()))
        .bind(to_seconds(at))
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
            created_at: rows::from_seconds(to_seconds(at))?,
        })
    }

    async fn blocked_date(&self, tenant: TenantId, id: BlockedDateId) -> StoreResult<BlockedDate> {
        let row = sqlx::query(
            "SELECT id, user_id, start_date, end_date, reason, is_all_day, start_time, end_time, created_at
             FROM scheduling_blocked_dates WHERE tenant_id = ? AND id = ?",
        )
        .bind(tenant.to_string())
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        blocked_date_from_row(&row)
    }

    async fn delete_blocked_date(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BlockedDateId,
    ) -> StoreResult<()> {
        let at = now();
        let mut tx = self.write().await?;
        let deleted =
            sqlx::query("DELETE FROM scheduling_blocked_dates WHERE tenant_id = ? AND id = ?")
                .bind(tenant.to_string())
                .bind(id.to_string())
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
        self.sqlite_schedule_snapshot(tenant, host, span_start, span_end, ignore)
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
        self.sqlite_create_booking(tenant, actor, booking, check, outbox)
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
        self.sqlite_reschedule_booking(tenant, actor, id, now, booking, check, outbox)
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
        self.sqlite_cancel_booking(tenant, actor, id, by, reason, outbox)
            .await
    }

    async fn set_booking_outcome(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        status: BookingStatus,
    ) -> StoreResult<Booking> {
        self.sqlite_set_booking_outcome(tenant, actor, id, status)
            .await
    }

    async fn booking(&self, tenant: TenantId, id: BookingId) -> StoreResult<Booking> {
        self.sqlite_booking(tenant, id).await
    }

    async fn list_bookings(
        &self,
        tenant: TenantId,
        filter: BookingFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Booking>> {
        self.sqlite_list_bookings(tenant, filter, page).await
    }

    async fn bookings_created_between(
        &self,
        tenant: TenantId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<Booking>> {
        self.sqlite_bookings_created_between(tenant, from, to).await
    }

    async fn list_changes(
        &self,
        tenant: TenantId,
        filter: ChangeFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Change>> {
        const WHERE: &str = "WHERE tenant_id = ?1 AND (?2 IS NULL OR entity_type = ?2) AND (?3 IS NULL OR entity_id = ?3)";
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT id, entity_type, entity_id, action, actor_id, details, created_at FROM scheduling_changelog {WHERE}
             ORDER BY id DESC LIMIT ?4 OFFSET ?5"
        )))
        .bind(tenant.to_string())
        .bind(filter.entity_type.as_deref())
        .bind(filter.entity_id.as_deref())
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(map_error)?;
        let total: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_changelog {WHERE}"
        )))
        .bind(tenant.to_string())
        .bind(filter.entity_type.as_deref())
        .bind(filter.entity_id.as_deref())
        .fetch_one(&self.pool)
        .await
        .map_err(map_error)?;
        Ok(Page {
            items: rows
                .iter()
                .map(change_from_row)
                .collect::<StoreResult<_>>()?,
            total: total.unsigned_abs(),
            limit: page.limit(),
            offset: page.offset(),
        })
    }

    async fn account_by_email(
        &self,
        tenant: TenantId,
        email: &EmailAddress,
    ) -> StoreResult<(Account, String)> {
        let row = sqlx::query(
            "SELECT id, tenant_id, email, role, created_at, password_hash FROM accounts WHERE tenant_id = ? AND email = ?",
        )
        .bind(tenant.to_string())
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let hash: String = sqlx::Row::try_get(&row, "password_hash").map_err(map_error)?;
        Ok((account_from_row(&row)?, hash))
    }

    async fn account(&self, tenant: TenantId, id: AccountId) -> StoreResult<Account> {
        let row = sqlx::query("SELECT id, tenant_id, email, role, created_at FROM accounts WHERE tenant_id = ? AND id = ?")
            .bind(tenant.to_string())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        account_from_row(&row)
    }

    async fn set_password(
        &self,
        tenant: TenantId,
        account: AccountId,
        password_hash: &str,
        keep: Option<&[u8; 32]>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
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
        let mut tx = self.write().await?;
        // Writes are serialised, so the quiet check and the insert cannot interleave with
        // another request's.
        let recent: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM password_resets r
                            WHERE r.tenant_id = a.tenant_id AND r.account_id = a.id AND r.created_at > ?)
             FROM accounts a WHERE a.tenant_id = ? AND a.id = ?",
        )
        .bind(to_seconds(reset.quiet_since))
        .bind(tenant.to_string())
        .bind(reset.account_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        if recent {
            return Ok(false);
        }
        sqlx::query(
            "DELETE FROM password_resets
             WHERE tenant_id = ? AND (account_id = ? OR expires_at <= ?)",
        )
        .bind(tenant.to_string())
        .bind(reset.account_id.to_string())
        .bind(to_seconds(reset.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO password_resets (digest, tenant_id, account_id, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(reset.digest.as_slice())
        .bind(tenant.to_string())
        .bind(reset.account_id.to_string())
        .bind(to_seconds(reset.created_at))
        .bind(to_seconds(reset.expires_at))
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
        let row = sqlx::query(
            "SELECT tenant_id, account_id, expires_at FROM password_resets
             WHERE digest = ? AND expires_at > ?",
        )
        .bind(digest.as_slice())
        .bind(to_seconds(now))
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
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "DELETE FROM password_resets WHERE digest = ? AND expires_at > ?
             RETURNING tenant_id, account_id, expires_at",
        )
        .bind(digest.as_slice())
        .bind(to_seconds(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let reset = password_reset_from_row(&row)?;
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
        self.sqlite_claim_outbox(now, lease_until, limit).await
    }

    async fn finish_outbox(
        &self,
        claimed: &ClaimedMessage,
        delivery: Delivery,
        at: Timestamp,
    ) -> StoreResult<bool> {
        self.sqlite_finish_outbox(claimed, delivery, at).await
    }

    async fn list_outbox(
        &self,
        tenant: TenantId,
        booking: BookingId,
    ) -> StoreResult<Vec<OutboxMessage>> {
        self.sqlite_list_outbox(tenant, booking).await
    }

    async fn retry_outbox(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: OutboxId,
        now: Timestamp,
    ) -> StoreResult<OutboxMessage> {
        self.sqlite_retry_outbox(tenant, actor, id, now).await
    }

    async fn outbox_counts(&self, now: Timestamp) -> StoreResult<OutboxCounts> {
        self.sqlite_outbox_counts(now).await
    }

    async fn notification_templates(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<NotificationTemplate>> {
        self.sqlite_notification_templates(tenant).await
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
        self.sqlite_put_notification_template(tenant, actor, kind, audience, subject, body)
            .await
    }

    async fn delete_notification_template(
        &self,
        tenant: TenantId,
        actor: Actor,
        kind: NotificationKind,
        audience: Audience,
    ) -> StoreResult<()> {
        self.sqlite_delete_notification_template(tenant, actor, kind, audience)
            .await
    }
}

impl SqliteStore {
    async fn set_archived(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
        archived: bool,
    ) -> StoreResult<EventType> {
        let at = now();
        let mut tx = self.write().await?;
        let changed = sqlx::query(
            "UPDATE scheduling_event_types
             SET archived_at = CASE WHEN ?1 THEN COALESCE(archived_at, ?2) ELSE NULL END, updated_at = ?2
             WHERE tenant_id = ?3 AND id = ?4",
        )
        .bind(archived)
        .bind(to_seconds(at))
        .bind(tenant.to_string())
        .bind(id.to_string())
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
        let event_type = fetch_event_type(&mut *tx, tenant, id).await?;
        commit(tx).await?;
        Ok(event_type)
    }
}
