//! The changelog on PostgreSQL: the row every write adds inside its own transaction, and the
//! list.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{ChangeId, TenantId};
use kairos_store::{
    Change, ChangeFilter, ChangelogStore, NewChange, Page, PageRequest, StoreResult,
};
use sqlx::types::Json;

use crate::rows::decode;
use crate::types::PgTimestamp;
use crate::{PgStore, Tx, commit, map_error, page_bounds};

pub(crate) async fn record(
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

#[async_trait]
impl ChangelogStore for PgStore {
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
        Page::collect(rows.iter().map(decode), count, page)
    }
}
