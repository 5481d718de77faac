//! The tenants' notification wording on SQLite: one row per (tenant, type, audience) that
//! overrides the built-in text.

use async_trait::async_trait;
use kairos_core::ids::TenantId;
use kairos_core::notification::{Audience, NotificationKind};
use kairos_store::{
    Actor, NewChange, NotificationTemplate, StoreError, StoreResult, TemplateStore,
};

use crate::changelog::record;
use crate::rows::{decode, to_seconds};
use crate::{SqliteStore, commit, map_error, now};

#[async_trait]
impl TemplateStore for SqliteStore {
    async fn notification_templates(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<NotificationTemplate>> {
        sqlx::query(
            "SELECT kind, audience, subject, body, updated_at FROM scheduling_notification_templates
             WHERE tenant_id = ? ORDER BY kind, audience",
        )
        .bind(tenant.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(map_error)?
        .iter()
        .map(decode)
        .collect()
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
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO scheduling_notification_templates (tenant_id, kind, audience, subject, body, updated_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (tenant_id, kind, audience) DO UPDATE SET subject = excluded.subject, body = excluded.body,
                 updated_at = excluded.updated_at",
        )
        .bind(tenant.to_string())
        .bind(kind.as_str())
        .bind(audience.as_str())
        .bind(subject.as_deref())
        .bind(body.as_deref())
        .bind(to_seconds(at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange::template_updated(kind, audience, actor, subject.as_deref(), body.as_deref()),
            at,
        )
        .await?;
        commit(tx).await?;
        Ok(NotificationTemplate {
            kind,
            audience,
            subject,
            body,
            updated_at: crate::rows::from_seconds(to_seconds(at))?,
        })
    }

    async fn delete_notification_template(
        &self,
        tenant: TenantId,
        actor: Actor,
        kind: NotificationKind,
        audience: Audience,
    ) -> StoreResult<()> {
        let at = now();
        let mut tx = self.write().await?;
        let deleted = sqlx::query(
            "DELETE FROM scheduling_notification_templates WHERE tenant_id = ? AND kind = ? AND audience = ?",
        )
        .bind(tenant.to_string())
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
