//! Weekly hours, date overrides and blocked dates on PostgreSQL.

use async_trait::async_trait;
use jiff::civil::Date;
use kairos_core::ids::{BlockedDateId, TenantId, UserId};
use kairos_core::schedule::DateOverride;
use kairos_store::{
    Actor, Availability, AvailabilityStore, AvailabilityUpdate, BlockedDate, NewBlockedDate,
    NewChange, Page, PageRequest, StoreError, StoreResult,
};
use sqlx::types::Json;

use crate::changelog::record;
use crate::hosts::require_user;
use crate::rows::decode;
use crate::types::{PgDate, PgTimestamp};
use crate::{PgStore, commit, map_error, now, page_bounds};

const BLOCKED_DATE_COLUMNS: &str =
    "id, user_id, start_date, end_date, reason, is_all_day, start_time, end_time, created_at";

#[async_trait]
impl AvailabilityStore for PgStore {
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
        decode(&row)
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
            NewChange::availability_updated(user, actor, &update),
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
        rows.iter().map(decode).collect()
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
            NewChange::date_override_set(user, actor, &date_override),
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
            NewChange::date_override_deleted(user, actor, date),
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
        Page::collect(rows.iter().map(decode), count, page)
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
            NewChange::blocked_date_created(id, actor, &blocked),
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
        decode(&row)
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
            NewChange::blocked_date_deleted(id, actor),
            at,
        )
        .await?;
        commit(tx).await
    }
}
