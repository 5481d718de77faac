//! Event types on SQLite: created, listed, changed, archived, restored and deleted (archived
//! instead when bookings refer to them).

use async_trait::async_trait;
use kairos_core::ids::{EventTypeId, TenantId, UserId};
use kairos_core::text::Slug;
use kairos_store::{
    Actor, DeleteOutcome, EventType, EventTypeFields, EventTypeFilter, EventTypeStore, NewChange,
    Page, PageRequest, StoreError, StoreResult,
};
use sqlx::Sqlite;

use crate::changelog::record;
use crate::hosts::require_user;
use crate::rows::{decode, json_text, to_seconds};
use crate::{SqliteStore, commit, map_error, now};

const EVENT_TYPE_SELECT: &str = "SELECT e.id, e.tenant_id, e.user_id, e.name, e.slug, e.description, e.duration, e.slot_interval, e.color, e.location,
        e.custom_questions, e.reminder_settings, e.setting_overrides, e.is_active, e.archived_at, e.created_at, e.updated_at,
        e.booking_count
    FROM scheduling_event_types e";

pub(crate) async fn fetch_event_type<'e, E>(
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
    decode(&row)
}

#[async_trait]
impl EventTypeStore for SqliteStore {
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
            NewChange::event_type_created(id, actor, &fields),
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
        let archived = filter.archived.as_str();
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
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_event_types e {WHERE}"
        )))
        .bind(tenant.to_string())
        .bind(user.as_deref())
        .bind(archived)
        .bind(filter.bookable_only)
        .fetch_one(&self.pool)
        .await
        .map_err(map_error)?;
        Page::collect(rows.iter().map(decode), count, page)
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
        decode(&row)
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
            NewChange::event_type_updated(id, actor, &fields),
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
            NewChange::event_type_deleted(id, actor, outcome, existing.booking_count),
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
            NewChange::event_type_set_archived(id, actor, archived),
            at,
        )
        .await?;
        let event_type = fetch_event_type(&mut *tx, tenant, id).await?;
        commit(tx).await?;
        Ok(event_type)
    }
}
