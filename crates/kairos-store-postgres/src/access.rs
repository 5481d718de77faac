//! Accounts, API tokens, console sessions, passwords and password-reset links on PostgreSQL.
//! Tokens, sessions and reset links are how a request finds its tenant, so they are read
//! before any tenant context is entered; what they lead to is read inside it.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{AccountId, ApiTokenId, SessionId, TenantId};
use kairos_core::text::EmailAddress;
use kairos_store::{
    AccessStore, Account, NewAccount, NewApiToken, NewChange, NewPasswordReset, NewSession,
    PasswordReset, Principal, SessionPrincipal, StoreError, StoreResult,
};

use crate::changelog::record;
use crate::rows::{self, decode};
use crate::types::PgTimestamp;
use crate::{PgStore, Tx, commit, map_error, now};

/// A new password for an account, and which of its sessions survive it.
struct PasswordChange<'a> {
    tenant: TenantId,
    account: AccountId,
    password_hash: &'a str,
    /// The session that made the change (the others end); `None` ends them all.
    keep: Option<&'a [u8; 32]>,
    /// The changelog row.
    changelog: NewChange,
}

/// Replaces an account's password hash, ends its other sessions and writes the changelog row,
/// inside `tx` (already in the tenant's context). `NotFound` for an unknown account.
async fn replace_password(
    tx: &mut Tx,
    change: PasswordChange<'_>,
    at: Timestamp,
) -> StoreResult<()> {
    let PasswordChange {
        tenant,
        account,
        password_hash,
        keep,
        changelog,
    } = change;
    let changed =
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE tenant_id = $2 AND id = $3")
            .bind(password_hash)
            .bind(tenant.as_uuid())
            .bind(account.as_uuid())
            .execute(&mut **tx)
            .await
            .map_err(map_error)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "DELETE FROM sessions WHERE tenant_id = $1 AND account_id = $2 AND ($3::bytea IS NULL OR digest <> $3)",
    )
    .bind(tenant.as_uuid())
    .bind(account.as_uuid())
    .bind(keep.map(|digest| digest.as_slice()))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    // A new password voids the account's outstanding reset links.
    sqlx::query("DELETE FROM password_resets WHERE tenant_id = $1 AND account_id = $2")
        .bind(tenant.as_uuid())
        .bind(account.as_uuid())
        .execute(&mut **tx)
        .await
        .map_err(map_error)?;
    record(tx, tenant, changelog, at).await
}

impl PgStore {
    /// Step 2 of resolving a credential: the account and its host profile, read under the
    /// tenant's context (which this enters) once step 1 found the tenant.
    async fn principal_in(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        account: AccountId,
    ) -> StoreResult<Principal> {
        self.enter_tenant(tx, tenant).await?;
        let row = sqlx::query(
            "SELECT a.tenant_id, a.id AS account_id, a.role, u.id AS user_id
             FROM accounts a
             LEFT JOIN scheduling_users u ON u.tenant_id = a.tenant_id AND u.account_id = a.id
             WHERE a.tenant_id = $1 AND a.id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(account.as_uuid())
        .fetch_optional(&mut **tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        decode(&row)
    }
}

#[async_trait]
impl AccessStore for PgStore {
    async fn create_account(&self, tenant: TenantId, account: NewAccount) -> StoreResult<Account> {
        let at = now();
        let id = AccountId::new();
        let mut tx = self.begin_tenant(tenant).await?;
        sqlx::query(
            "INSERT INTO accounts (id, tenant_id, email, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.as_uuid())
        .bind(tenant.as_uuid())
        .bind(account.email.as_str())
        .bind(&account.password_hash)
        .bind(account.role.as_str())
        .bind(PgTimestamp(at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange::account_created(id, &account.email, account.role),
            at,
        )
        .await?;
        commit(tx).await?;
        Ok(Account {
            id,
            tenant_id: tenant,
            email: account.email,
            role: account.role,
            created_at: at,
        })
    }

    async fn account_by_email(
        &self,
        tenant: TenantId,
        email: &EmailAddress,
    ) -> StoreResult<(Account, String)> {
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(
            "SELECT id, tenant_id, email, role, created_at, password_hash FROM accounts WHERE tenant_id = $1 AND email = $2",
        )
        .bind(tenant.as_uuid())
        .bind(email.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        commit(tx).await?;
        let hash: String = rows::column(&row, "password_hash")?;
        Ok((decode(&row)?, hash))
    }

    async fn account(&self, tenant: TenantId, id: AccountId) -> StoreResult<Account> {
        let mut tx = self.begin_tenant(tenant).await?;
        let row = sqlx::query(
            "SELECT id, tenant_id, email, role, created_at FROM accounts WHERE tenant_id = $1 AND id = $2",
        )
        .bind(tenant.as_uuid())
        .bind(id.as_uuid())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        commit(tx).await?;
        decode(&row)
    }

    async fn create_api_token(&self, tenant: TenantId, token: NewApiToken) -> StoreResult<()> {
        let at = now();
        let id = ApiTokenId::new();
        let mut tx = self.begin_tenant(tenant).await?;
        sqlx::query("INSERT INTO api_tokens (id, tenant_id, account_id, name, digest, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id.as_uuid())
            .bind(tenant.as_uuid())
            .bind(token.account_id.as_uuid())
            .bind(&token.name)
            .bind(token.digest.as_slice())
            .bind(PgTimestamp(at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        record(
            &mut tx,
            tenant,
            NewChange::api_token_created(id, token.account_id, &token.name),
            at,
        )
        .await?;
        commit(tx).await
    }

    async fn principal_for_token(&self, digest: &[u8; 32]) -> StoreResult<Principal> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        // Step 1, before any tenant is known: api_tokens carries no row-level security.
        let token = sqlx::query("SELECT tenant_id, account_id FROM api_tokens WHERE digest = $1")
            .bind(digest.as_slice())
            .fetch_optional(&mut *tx)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        let tenant = TenantId::from_uuid(rows::column(&token, "tenant_id")?);
        let account = AccountId::from_uuid(rows::column(&token, "account_id")?);
        let principal = self.principal_in(&mut tx, tenant, account).await?;
        commit(tx).await?;
        Ok(principal)
    }

    async fn create_session(&self, tenant: TenantId, session: NewSession) -> StoreResult<()> {
        let mut tx = self.begin_tenant(tenant).await?;
        sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND expires_at <= $2")
            .bind(tenant.as_uuid())
            .bind(PgTimestamp(session.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO sessions (id, tenant_id, account_id, digest, csrf_token, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(SessionId::new().as_uuid())
        .bind(tenant.as_uuid())
        .bind(session.account_id.as_uuid())
        .bind(session.digest.as_slice())
        .bind(&session.csrf_token)
        .bind(PgTimestamp(session.created_at))
        .bind(PgTimestamp(session.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await
    }

    async fn session_principal(
        &self,
        digest: &[u8; 32],
        now: Timestamp,
    ) -> StoreResult<SessionPrincipal> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        // Step 1, before any tenant is known: sessions carries no row-level security.
        let session = sqlx::query(
            "SELECT tenant_id, account_id, csrf_token, expires_at FROM sessions
             WHERE digest = $1 AND expires_at > $2",
        )
        .bind(digest.as_slice())
        .bind(PgTimestamp(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let tenant = TenantId::from_uuid(rows::column(&session, "tenant_id")?);
        let account = AccountId::from_uuid(rows::column(&session, "account_id")?);
        let PgTimestamp(expires_at) = rows::column(&session, "expires_at")?;
        let principal = self.principal_in(&mut tx, tenant, account).await?;
        commit(tx).await?;
        Ok(SessionPrincipal {
            principal,
            csrf_token: rows::column(&session, "csrf_token")?,
            expires_at,
        })
    }

    async fn delete_session(&self, digest: &[u8; 32]) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE digest = $1")
            .bind(digest.as_slice())
            .execute(&self.pool)
            .await
            .map_err(map_error)?;
        Ok(())
    }

    async fn set_password(
        &self,
        tenant: TenantId,
        account: AccountId,
        password_hash: &str,
        keep: Option<&[u8; 32]>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_tenant(tenant).await?;
        replace_password(
            &mut tx,
            PasswordChange {
                tenant,
                account,
                password_hash,
                keep,
                changelog: NewChange::password_changed(account),
            },
            now(),
        )
        .await?;
        commit(tx).await
    }

    async fn create_password_reset(
        &self,
        tenant: TenantId,
        reset: NewPasswordReset,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_tenant(tenant).await?;
        // The account row is locked so that two requests at once cannot both pass the quiet
        // check and leave two working links.
        let recent: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM password_resets r
                            WHERE r.tenant_id = a.tenant_id AND r.account_id = a.id AND r.created_at > $3)
             FROM accounts a WHERE a.tenant_id = $1 AND a.id = $2 FOR UPDATE",
        )
        .bind(tenant.as_uuid())
        .bind(reset.account_id.as_uuid())
        .bind(PgTimestamp(reset.quiet_since))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        if recent {
            return Ok(false);
        }
        sqlx::query(
            "DELETE FROM password_resets
             WHERE tenant_id = $1 AND (account_id = $2 OR expires_at <= $3)",
        )
        .bind(tenant.as_uuid())
        .bind(reset.account_id.as_uuid())
        .bind(PgTimestamp(reset.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO password_resets (digest, tenant_id, account_id, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(reset.digest.as_slice())
        .bind(tenant.as_uuid())
        .bind(reset.account_id.as_uuid())
        .bind(PgTimestamp(reset.created_at))
        .bind(PgTimestamp(reset.expires_at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        commit(tx).await?;
        Ok(true)
    }

    async fn password_reset(
        &self,
        digest: &[u8; 32],
        now: Timestamp,
    ) -> StoreResult<PasswordReset> {
        // password_resets carries no row-level security: the link is how the tenant is found.
        let row = sqlx::query(
            "SELECT tenant_id, account_id, expires_at FROM password_resets
             WHERE digest = $1 AND expires_at > $2",
        )
        .bind(digest.as_slice())
        .bind(PgTimestamp(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        decode(&row)
    }

    async fn reset_password(
        &self,
        digest: &[u8; 32],
        now: Timestamp,
        password_hash: &str,
    ) -> StoreResult<PasswordReset> {
        let mut tx = self.pool.begin().await.map_err(map_error)?;
        // Step 1, before any tenant is known: spend the link. A concurrent second use waits on
        // the row and then finds it gone.
        let row = sqlx::query(
            "DELETE FROM password_resets WHERE digest = $1 AND expires_at > $2
             RETURNING tenant_id, account_id, expires_at",
        )
        .bind(digest.as_slice())
        .bind(PgTimestamp(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let reset: PasswordReset = decode(&row)?;
        // Step 2: the account, under that tenant's context.
        self.enter_tenant(&mut tx, reset.tenant_id).await?;
        replace_password(
            &mut tx,
            PasswordChange {
                tenant: reset.tenant_id,
                account: reset.account_id,
                password_hash,
                keep: None,
                changelog: NewChange::password_reset(reset.account_id),
            },
            // The changelog row records when the database changed (see `now`).
            crate::now(),
        )
        .await?;
        commit(tx).await?;
        Ok(reset)
    }
}
