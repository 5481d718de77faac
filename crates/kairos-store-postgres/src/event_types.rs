//! Event types on PostgreSQL: created, listed, changed, archived, restored and deleted
//! (archived instead when bookings refer to them).

use async_trait::async_trait;
use kairos_core::ids::{EventTypeId, TenantId, UserId};
use kairos_core::text::Slug;
use kairos_store::{
    Actor, DeleteOutcome, EventType, EventTypeFields, EventTypeFilter, EventTypeStore, NewChange,
    Page, PageRequest, StoreError, StoreResult,
};

use sqlx::types::Json;

use crate::changelog::record;
use crate::hosts::require_user;
use crate::rows::decode;
use crate::types::PgTimestamp;
use crate::{PgStore, Tx, commit, map_error, now, page_bounds};

const EVENT_TYPE_SELECT: &str = "SELECT e.id, e.tenant_id, e.user_id, e.name, e.slug, e.description, e.duration, e.slot_interval, e.color, e.location,
        e.custom_questions, e.reminder_settings, e.setting_overrides, e.is_active, e.archived_at, e.created_at, e.updated_at,
        e.booking_count
    FROM scheduling_event_types e";

pub(crate) async fn fetch_event_type(
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
    decode(&row)
}

#[async_trait]
impl EventTypeStore for PgStore {
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
            NewChange::event_type_created(id, actor, &fields),
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
        let archived = filter.archived.as_str();
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
        Page::collect(rows.iter().map(decode), count, page)
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
            NewChange::event_type_updated(id, actor, &fields),
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
            NewChange::event_type_set_archived(id, actor, archived),
            at,
        )
        .await?;
        let event_type = fetch_event_type(&mut tx, tenant, id).await?;
        commit(tx).await?;
        Ok(event_type)
    }
}
