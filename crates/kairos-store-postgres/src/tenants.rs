//! Tenants on PostgreSQL: a new tenant comes with its owner account and that account's host
//! profile, written in one transaction (the tenant row first, then the rest in its context).

use async_trait::async_trait;
use kairos_core::ids::{AccountId, TenantId};
use kairos_core::text::Slug;
use kairos_store::decode::row_count;
use kairos_store::{
    Account, NewChange, NewOwner, NewTenant, NewUser, Role, StoreError, StoreResult, Tenant,
    TenantStore, TenantWithOwner,
};

use crate::changelog::record;
use crate::hosts::{fetch_user, insert_user};
use crate::rows::decode;
use crate::types::PgTimestamp;
use crate::{PgStore, commit, map_error, now};

#[async_trait]
impl TenantStore for PgStore {
    async fn create_tenant(
        &self,
        tenant: NewTenant,
        owner: NewOwner,
    ) -> StoreResult<TenantWithOwner> {
        let at = now();
        let tenant_id = TenantId::new();
        let account_id = AccountId::new();
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        sqlx::query("INSERT INTO tenants (id, slug, name, created_at) VALUES ($1, $2, $3, $4)")
            .bind(tenant_id.as_uuid())
            .bind(tenant.slug.as_str())
            .bind(tenant.name.as_str())
            .bind(PgTimestamp(at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        self.enter_tenant(&mut tx, tenant_id).await?;
        sqlx::query(
            "INSERT INTO accounts (id, tenant_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, 'owner', $5)",
        )
        .bind(account_id.as_uuid())
        .bind(tenant_id.as_uuid())
        .bind(owner.email.as_str())
        .bind(&owner.password_hash)
        .bind(PgTimestamp(at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        let new_user = NewUser {
            account_id: Some(account_id),
            username: owner.username,
            display_name: owner.display_name,
            email: owner.email.clone(),
            timezone: owner.timezone,
            avatar_url: None,
            settings: Default::default(),
        };
        let user_id = insert_user(&mut tx, tenant_id, &new_user, at).await?;
        record(
            &mut tx,
            tenant_id,
            NewChange::tenant_created(tenant_id, &tenant.slug, account_id),
            at,
        )
        .await?;
        let user = fetch_user(&mut tx, tenant_id, user_id).await?;
        commit(tx).await?;
        Ok(TenantWithOwner {
            tenant: Tenant {
                id: tenant_id,
                slug: tenant.slug,
                name: tenant.name,
                created_at: at,
            },
            account: Account {
                id: account_id,
                tenant_id,
                email: owner.email,
                role: Role::Owner,
                created_at: at,
            },
            user,
        })
    }

    async fn count_tenants(&self) -> StoreResult<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tenants")
            .fetch_one(&self.pool)
            .await
            .map_err(map_error)?;
        row_count(count)
    }

    async fn tenant(&self, id: TenantId) -> StoreResult<Tenant> {
        let row = sqlx::query("SELECT id, slug, name, created_at FROM tenants WHERE id = $1")
            .bind(id.as_uuid())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        decode(&row)
    }

    async fn tenant_by_slug(&self, slug: &Slug) -> StoreResult<Tenant> {
        let row = sqlx::query("SELECT id, slug, name, created_at FROM tenants WHERE slug = $1")
            .bind(slug.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        decode(&row)
    }
}
