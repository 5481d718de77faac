//! Host profiles on PostgreSQL, and the lookups the public pages start from.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{EventTypeId, TenantId, UserId};
use kairos_core::text::{Slug, Username};
use kairos_store::{
    Actor, HostStore, NewChange, NewUser, Page, PageRequest, PublicEventType, StoreError,
    StoreResult, User, UserFilter, UserUpdate,
};
use sqlx::Postgres;
use sqlx::types::Json;

use crate::changelog::record;
use crate::rows::{decode, public_host};
use crate::types::PgTimestamp;
use crate::{PgStore, Tx, commit, map_error, now, page_bounds};

const USER_COLUMNS: &str = "id, tenant_id, account_id, username, display_name, email, timezone, avatar_url, is_active, minimum_notice_hours, booking_window_days, buffer_before_mins, buffer_after_mins, daily_limit, weekly_limit, default_duration, created_at, updated_at";

pub(crate) async fn insert_user(
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

pub(crate) async fn fetch_user(tx: &mut Tx, tenant: TenantId, id: UserId) -> StoreResult<User> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT {USER_COLUMNS} FROM scheduling_users WHERE tenant_id = $1 AND id = $2"
    )))
    .bind(tenant.as_uuid())
    .bind(id.as_uuid())
    .fetch_optional(&mut **tx)
    .await
    .map_err(map_error)?
    .ok_or(StoreError::NotFound)?;
    decode(&row)
}

pub(crate) async fn require_user(tx: &mut Tx, tenant: TenantId, user: UserId) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM scheduling_users WHERE tenant_id = $1 AND id = $2")
        .bind(tenant.as_uuid())
        .bind(user.as_uuid())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_error)?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

/// The columns of a public lookup: the host, its schedule version and the event type (`e_`),
/// as [`public_host`] reads them.
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

/// The public page's read once the tenant is entered: the host by username, the host's schedule
/// version and the host's event type by slug (columns `e_…`, NULLs when there is none).
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

#[async_trait]
impl HostStore for PgStore {
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
            NewChange::user_created(id, actor, &user.username),
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
        Page::collect(rows.iter().map(decode), count, page)
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
        decode(&row)
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
            NewChange::user_updated(id, actor, &update),
            at,
        )
        .await?;
        let user = fetch_user(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(user)
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
}

impl PgStore {
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
        let tenant: kairos_store::Tenant = decode(&row)?;
        let row = bind(sqlx::query(select).bind(tenant.id.as_uuid()))
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_error)?;
        commit(tx).await?;
        let (host, event_type, schedule_version) = row
            .as_ref()
            .map(public_host)
            .transpose()?
            .unwrap_or_default();
        Ok(PublicEventType {
            tenant,
            host,
            event_type,
            schedule_version,
        })
    }
}
