//! Host profiles on SQLite, and the one-statement lookups the public pages start from.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{EventTypeId, TenantId, UserId};
use kairos_core::text::{Slug, Username};
use kairos_store::{
    Actor, HostStore, NewChange, NewUser, Page, PageRequest, PublicEventType, StoreError,
    StoreResult, User, UserFilter, UserUpdate,
};
use sqlx::Sqlite;

use crate::changelog::record;
use crate::rows::{self, decode, json_text, to_seconds};
use crate::{SqliteStore, Tx, commit, map_error, now};

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

pub(crate) async fn fetch_user<'e, E>(
    executor: E,
    tenant: TenantId,
    id: UserId,
) -> StoreResult<User>
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
    decode(&row)
}

pub(crate) async fn require_user(tx: &mut Tx, tenant: TenantId, user: UserId) -> StoreResult<()> {
    sqlx::query("SELECT 1 FROM scheduling_users WHERE tenant_id = ? AND id = ?")
        .bind(tenant.to_string())
        .bind(user.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_error)?
        .map(|_| ())
        .ok_or(StoreError::NotFound)
}

/// The columns of a public lookup: the tenant (`t_`), the host, its schedule version and the
/// event type (`e_`), as [`rows::public_event_type`] reads them.
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

#[async_trait]
impl HostStore for SqliteStore {
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
            NewChange::user_created(id, actor, &user.username),
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
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_users {WHERE}"
        )))
        .bind(tenant.to_string())
        .bind(only.as_deref())
        .bind(filter.active_only)
        .fetch_one(&self.pool)
        .await
        .map_err(map_error)?;
        Page::collect(rows.iter().map(decode), count, page)
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
            NewChange::user_updated(id, actor, &update),
            at,
        )
        .await?;
        let user = fetch_user(&mut *tx, tenant, id).await?;
        commit(tx).await?;
        Ok(user)
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
        rows::public_event_type(&row)
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
        rows::public_event_type(&row)
    }
}
