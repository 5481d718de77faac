//! Weekly hours, date overrides and blocked dates on SQLite.

use async_trait::async_trait;
use jiff::civil::Date;
use kairos_core::ids::{BlockedDateId, TenantId, UserId};
use kairos_core::schedule::DateOverride;
use kairos_store::{
    Actor, Availability, AvailabilityStore, AvailabilityUpdate, BlockedDate, NewBlockedDate,
    NewChange, Page, PageRequest, StoreError, StoreResult,
};

use crate::changelog::record;
use crate::hosts::require_user;
use crate::rows::{self, decode, json_text, to_seconds};
use crate::{SqliteStore, commit, map_error, now};

#[async_trait]
impl AvailabilityStore for SqliteStore {
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
            NewChange::availability_updated(user, actor, &update),
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
        let count: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM scheduling_blocked_dates WHERE tenant_id = ? AND user_id = ?",
        )
        .bind(tenant.to_string())
        .bind(user.to_string())
        .fetch_one(&self.pool)
        .await
        .map_err(map_error)?;
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
        decode(&row)
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
            NewChange::blocked_date_deleted(id, actor),
            at,
        )
        .await?;
        commit(tx).await
    }
}
