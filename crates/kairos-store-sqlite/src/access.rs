//! Accounts, API tokens, console sessions, passwords and password-reset links on SQLite.

use async_trait::async_trait;
use jiff::Timestamp;
use kairos_core::ids::{AccountId, ApiTokenId, SessionId, TenantId};
use kairos_core::text::EmailAddress;
use kairos_store::{
    AccessStore, Account, NewAccount, NewApiToken, NewChange, NewPasswordReset, NewSession,
    PasswordReset, Principal, SessionPrincipal, StoreError, StoreResult,
};

use crate::changelog::record;
use crate::rows::{self, decode, to_seconds};
use crate::{SqliteStore, Tx, commit, map_error, now};

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
/// inside `tx`. `NotFound` for an unknown account.
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
        sqlx::query("UPDATE accounts SET password_hash = ? WHERE tenant_id = ? AND id = ?")
            .bind(password_hash)
            .bind(tenant.to_string())
            .bind(account.to_string())
            .execute(&mut **tx)
            .await
            .map_err(map_error)?;
    if changed.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query(
        "DELETE FROM sessions WHERE tenant_id = ? AND account_id = ? AND (? IS NULL OR digest <> ?)",
    )
    .bind(tenant.to_string())
    .bind(account.to_string())
    .bind(keep.map(|digest| digest.as_slice()))
    .bind(keep.map(|digest| digest.as_slice()))
    .execute(&mut **tx)
    .await
    .map_err(map_error)?;
    // A new password voids the account's outstanding reset links.
    sqlx::query("DELETE FROM password_resets WHERE tenant_id = ? AND account_id = ?")
        .bind(tenant.to_string())
        .bind(account.to_string())
        .execute(&mut **tx)
        .await
        .map_err(map_error)?;
    record(tx, tenant, changelog, at).await
}

#[async_trait]
impl AccessStore for SqliteStore {
    async fn create_account(&self, tenant: TenantId, account: NewAccount) -> StoreResult<Account> {
        let at = now();
        let id = AccountId::new();
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO accounts (id, tenant_id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(id.to_string())
        .bind(tenant.to_string())
        .bind(account.email.as_str())
        .bind(&account.password_hash)
        .bind(account.role.as_str())
        .bind(to_seconds(at))
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
        self.account(tenant, id).await
    }

    async fn account_by_email(
        &self,
        tenant: TenantId,
        email: &EmailAddress,
    ) -> StoreResult<(Account, String)> {
        let row = sqlx::query(
            "SELECT id, tenant_id, email, role, created_at, password_hash FROM accounts WHERE tenant_id = ? AND email = ?",
        )
        .bind(tenant.to_string())
        .bind(email.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let hash: String = rows::column(&row, "password_hash")?;
        Ok((decode(&row)?, hash))
    }

    async fn account(&self, tenant: TenantId, id: AccountId) -> StoreResult<Account> {
        let row = sqlx::query("SELECT id, tenant_id, email, role, created_at FROM accounts WHERE tenant_id = ? AND id = ?")
            .bind(tenant.to_string())
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await
            .map_err(map_error)?
            .ok_or(StoreError::NotFound)?;
        decode(&row)
    }

    async fn create_api_token(&self, tenant: TenantId, token: NewApiToken) -> StoreResult<()> {
        let at = now();
        let id = ApiTokenId::new();
        let mut tx = self.write().await?;
        sqlx::query("INSERT INTO api_tokens (id, tenant_id, account_id, name, digest, created_at) VALUES (?, ?, ?, ?, ?, ?)")
            .bind(id.to_string())
            .bind(tenant.to_string())
            .bind(token.account_id.to_string())
            .bind(&token.name)
            .bind(token.digest.as_slice())
            .bind(to_seconds(at))
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
        let row = sqlx::query(
            "SELECT t.tenant_id, t.account_id, a.role, u.id AS user_id
             FROM api_tokens t
             JOIN accounts a ON a.tenant_id = t.tenant_id AND a.id = t.account_id
             LEFT JOIN scheduling_users u ON u.tenant_id = t.tenant_id AND u.account_id = t.account_id
             WHERE t.digest = ?",
        )
        .bind(digest.as_slice())
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        decode(&row)
    }

    async fn create_session(&self, tenant: TenantId, session: NewSession) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE tenant_id = ? AND expires_at <= ?")
            .bind(tenant.to_string())
            .bind(to_seconds(session.created_at))
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO sessions (id, tenant_id, account_id, digest, csrf_token, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(SessionId::new().to_string())
        .bind(tenant.to_string())
        .bind(session.account_id.to_string())
        .bind(session.digest.as_slice())
        .bind(&session.csrf_token)
        .bind(to_seconds(session.created_at))
        .bind(to_seconds(session.expires_at))
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
        let row = sqlx::query(
            "SELECT s.tenant_id, s.account_id, s.csrf_token, s.expires_at, a.role, u.id AS user_id
             FROM sessions s
             JOIN accounts a ON a.tenant_id = s.tenant_id AND a.id = s.account_id
             LEFT JOIN scheduling_users u ON u.tenant_id = s.tenant_id AND u.account_id = s.account_id
             WHERE s.digest = ? AND s.expires_at > ?",
        )
        .bind(digest.as_slice())
        .bind(to_seconds(now))
        .fetch_optional(&self.pool)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        Ok(SessionPrincipal {
            principal: decode(&row)?,
            csrf_token: rows::column(&row, "csrf_token")?,
            expires_at: rows::from_seconds(rows::column(&row, "expires_at")?)?,
        })
    }

    async fn delete_session(&self, digest: &[u8; 32]) -> StoreResult<()> {
        let mut tx = self.write().await?;
        sqlx::query("DELETE FROM sessions WHERE digest = ?")
            .bind(digest.as_slice())
            .execute(&mut *tx)
            .await
            .map_err(map_error)?;
        commit(tx).await
    }

    async fn set_password(
        &self,
        tenant: TenantId,
        account: AccountId,
        password_hash: &str,
        keep: Option<&[u8; 32]>,
    ) -> StoreResult<()> {
        let mut tx = self.write().await?;
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
        let mut tx = self.write().await?;
        // Writes are serialised, so the quiet check and the insert cannot interleave with
        // another request's.
        let recent: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM password_resets r
                            WHERE r.tenant_id = a.tenant_id AND r.account_id = a.id AND r.created_at > ?)
             FROM accounts a WHERE a.tenant_id = ? AND a.id = ?",
        )
        .bind(to_seconds(reset.quiet_since))
        .bind(tenant.to_string())
        .bind(reset.account_id.to_string())
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        if recent {
            return Ok(false);
        }
        sqlx::query(
            "DELETE FROM password_resets
             WHERE tenant_id = ? AND (account_id = ? OR expires_at <= ?)",
        )
        .bind(tenant.to_string())
        .bind(reset.account_id.to_string())
        .bind(to_seconds(reset.created_at))
        .execute(&mut *tx)
        .await
        .map_err(map_error)?;
        sqlx::query(
            "INSERT INTO password_resets (digest, tenant_id, account_id, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(reset.digest.as_slice())
        .bind(tenant.to_string())
        .bind(reset.account_id.to_string())
        .bind(to_seconds(reset.created_at))
        .bind(to_seconds(reset.expires_at))
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
        let row = sqlx::query(
            "SELECT tenant_id, account_id, expires_at FROM password_resets
             WHERE digest = ? AND expires_at > ?",
        )
        .bind(digest.as_slice())
        .bind(to_seconds(now))
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
        let mut tx = self.write().await?;
        let row = sqlx::query(
            "DELETE FROM password_resets WHERE digest = ? AND expires_at > ?
             RETURNING tenant_id, account_id, expires_at",
        )
        .bind(digest.as_slice())
        .bind(to_seconds(now))
        .fetch_optional(&mut *tx)
        .await
        .map_err(map_error)?
        .ok_or(StoreError::NotFound)?;
        let reset: PasswordReset = decode(&row)?;
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
