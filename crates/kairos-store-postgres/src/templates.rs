//! The tenants' notification wording on PostgreSQL: one row per (tenant, type, audience) that
//! overrides the built-in text, in the tenant's context like the rest of the store.

use async_trait::async_trait;
use kairos_core::ids::TenantId;
use kairos_core::notification::{Audience, NotificationKind};
use kairos_store::{
    Actor, NewChange, NotificationTemplate, StoreError, StoreResult, TemplateStore,
};

use crate::changelog::record;
use crate::rows::decode;
use crate::types::PgTimestamp;
use crate::{PgStore, commit, map_error, now};

#[async_trait]
impl TemplateStore for PgStore {
    async fn notification_templates(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<NotificationTemplate>> {
        let mut tx = self.begin_tenant(tenant).await?;
        let templates = sqlx::query(
            "SELECT kind, audience, subject, body, updated_at FROM scheduling_notification_templates
             WHERE tenant_id = $1 ORDER BY kind, audience",
        )
        .bind(tenant.as_uuid())
        .fetch_all(&mut *tx)
        .await
        .map_err(map_error)?
        .iter()
        .map(decode)
        .collect::<StoreResult<Vec<_>>>()?;
        commit(tx).await?;
        Ok(templates)
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
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(
            "INSERT INTO scheduling_notification_templates (tenant_id, kind, audience, subject, body, updated_at)
             VALUES ($1, $2, $6, $3, $4, $5)
             ON CONFLICT (tenant_id, kind, audience) DO UPDATE SET subject = excluded.subject, body = excluded.body,
                 updated_at = excluded.updated_at
             RETURNING kind, audience, subject, body, updated_at",
        )
        .bind(tenant.as_uuid())
        .bind(kind.as_str())
        .bind(subject.as_deref())
        .bind(body.as_deref())
        .bind(PgTimestamp(at))
        .bind(audience.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(map_error)?;
        let template = decode(&row)?;
        record(
            &mut tx,
            tenant,
            NewChange::template_updated(kind, audience, actor, subject.as_deref(), body.as_deref()),
            at,
        )
        .await?;
        commit(tx).await?;
        Ok(template)
    }

    async fn delete_notification_template(
        &self,
        tenant: TenantId,
        actor: Actor,
        kind: NotificationKind,
        audience: Audience,
    ) -> StoreResult<()> {
        let at = now();
        let mut tx = self.begin_tenant(tenant).await?;
        let deleted = sqlx::query(
            "DELETE FROM scheduling_notification_templates WHERE tenant_id = $1 AND kind = $2 AND audience = $3",
        )
        .bind(tenant.as_uuid())
        .bind(kind.as_str())
        .bind(audience.as_str())
        .execute(&mut *tx)
        .await
        .map_err(map_error)?
        .rows_affected();
        if deleted == 0 {
            return Err(StoreError::NotFound);
        }
        record(
            &mut tx,
            tenant,
            NewChange::template_deleted(kind, audience, actor),
            at,
        )
        .await?;
        commit(tx).await
    }
}
