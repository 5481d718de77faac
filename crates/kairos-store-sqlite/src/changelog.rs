//! The changelog on SQLite: the row every write adds inside its own transaction, and the list.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{ChangeId, TenantId};
use kairos_store::{
    Change, ChangeFilter, ChangelogStore, NewChange, Page, PageRequest, StoreResult,
};

use crate::rows::{decode, to_seconds};
use crate::{SqliteStore, Tx, map_error};

pub(crate) async fn record(
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

#[async_trait]
impl ChangelogStore for SqliteStore {
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
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM scheduling_changelog {WHERE}"
        )))
        .bind(tenant.to_string())
        .bind(filter.entity_type.as_deref())
        .bind(filter.entity_id.as_deref())
        .fetch_one(&self.pool)
        .await
        .map_err(map_error)?;
        Page::collect(rows.iter().map(decode), count, page)
    }
}
