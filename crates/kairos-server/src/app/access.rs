//! Who may do what: credentials (API tokens, console sessions, argon2id passwords, reset links),
//! the [`Caller`] a credential resolves to, and the rules of what a caller may touch.
//!
//! Invariants (docs/architecture.md, "Auth"):
//! - Secrets (API tokens, session cookies, reset links, booking manage tokens) are 32 random
//!   bytes; the store keeps only their SHA-256 digest, and secrets are compared in constant time
//!   ([`constant_time_eq`]).
//! - Owners and admins manage the whole tenant; a member only their own host profile, event
//!   types, availability and bookings ([`Caller::require_manage`]). Both faces ask these rules
//!   through the application functions, never on their own.
//! - Signing in answers the same "wrong email or password" after the same argon2 work whether
//!   or not the account exists, and a reset request never says whether it found an account.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use jiff::SignedDuration;
use kairos_core::ids::{AccountId, TenantId, UserId};
use kairos_core::text::{EmailAddress, Slug};
use kairos_notify::account::{self, PasswordResetEmail};
use kairos_notify::message::MessageId;
use kairos_store::{
    Account, Actor, NewAccount, NewApiToken, NewPasswordReset, NewSession, Principal, Role,
    StoreError, Tenant, User,
};
use rand::RngExt;
use sha2::{Digest, Sha256};

use super::{AppError, AppResult, Problems};
use crate::state::AppState;

// --- secrets and passwords ------------------------------------------------------------------

const TOKEN_PREFIX: &str = "kairos_";

/// A password hash that no password matches: the account signs in only with API tokens.
pub const NO_PASSWORD: &str = "!";

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// A new API token: the secret to hand out once, and the digest to store.
#[derive(Debug)]
pub struct IssuedToken {
    pub secret: String,
    pub digest: [u8; 32],
}

/// Makes a new random API token.
pub fn issue_token() -> IssuedToken {
    let secret = format!("{TOKEN_PREFIX}{}", random_secret());
    let digest = token_digest(&secret);
    IssuedToken { secret, digest }
}

/// The stored digest of a secret (API token, session, reset link, manage token).
pub fn token_digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

/// 32 random bytes in hex.
pub fn random_secret() -> String {
    hex::encode(rand::rng().random::<[u8; 32]>())
}

/// Whether two secrets are equal, in time that depends only on their length.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Hashes a password with argon2id and a random salt (PHC string). Shorter than
/// [`MIN_PASSWORD_CHARS`] is a 422 naming `password`.
pub fn hash_password(password: &str) -> AppResult<String> {
    if let Some(message) = short_password(password) {
        return Err(AppError::validation("password", message));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(AppError::internal)
}

fn short_password(password: &str) -> Option<String> {
    (password.chars().count() < MIN_PASSWORD_CHARS)
        .then(|| format!("a password needs at least {MIN_PASSWORD_CHARS} characters"))
}

/// Checks a password against a stored PHC hash. A malformed hash never matches.
pub fn verify_password(password: &str, stored: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), stored)
        .is_ok()
}

/// A well-formed argon2id hash of a random password: failed lookups verify against it, so a
/// wrong email costs the same time as a wrong password.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$J4moa2MM0/6uf3HbY2Tf5Fux8JIBTwIhmhxGRbsY14w";

/// Adds what is wrong with a new password typed twice, under the inputs `new` and `confirm`.
fn check_new_password(problems: &mut Problems, new: &str, confirm: &str) {
    if let Some(message) = short_password(new) {
        problems.add("new", message);
    }
    if new != confirm {
        problems.add("confirm", "the two new passwords differ");
    }
}

// --- the caller -----------------------------------------------------------------------------

/// Who is asking, from an API token or a console session: tenant, account, role and own host
/// profile, with the rules of what they may touch.
#[derive(Debug, Clone)]
pub struct Caller(Principal);

impl Caller {
    /// The caller a credential resolved to.
    pub fn new(principal: Principal) -> Self {
        Self(principal)
    }

    /// The caller's tenant: every call of theirs is confined to it.
    pub fn tenant(&self) -> TenantId {
        self.0.tenant_id
    }

    /// The caller's login account.
    pub fn account(&self) -> AccountId {
        self.0.account_id
    }

    /// The caller's own host profile, if the account has one.
    pub fn own_host(&self) -> Option<UserId> {
        self.0.user_id
    }

    /// The caller's role.
    pub fn role(&self) -> Role {
        self.0.role
    }

    /// The caller as the changelog names them.
    pub fn actor(&self) -> Actor {
        Actor::account(self.0.account_id)
    }

    /// Whether the caller manages the whole tenant (owners and admins).
    pub fn manages_tenant(&self) -> bool {
        self.0.role.manages_tenant()
    }

    /// Whether the caller may act on the host profile `user`: owners and admins on any, a
    /// member only on their own.
    pub fn may_manage(&self, user: UserId) -> bool {
        self.manages_tenant() || self.0.user_id == Some(user)
    }

    /// Fails with 403 unless the caller may act on `user`.
    pub fn require_manage(&self, user: UserId) -> AppResult<()> {
        if self.may_manage(user) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "members may only manage their own profile, event types, availability and bookings"
                    .to_owned(),
            ))
        }
    }

    /// Fails with 403 unless the caller is an owner or admin.
    pub fn require_tenant_manager(&self) -> AppResult<()> {
        if self.manages_tenant() {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only owners and admins may do this".to_owned(),
            ))
        }
    }

    /// The host a request is about: the one named, else the caller's own profile (a 400 naming
    /// `userId` when there is neither); 403 unless the caller may manage it.
    pub fn target_user(&self, named: Option<UserId>) -> AppResult<UserId> {
        let user = named.or(self.0.user_id).ok_or_else(|| {
            AppError::bad_request(
                "userId",
                "userId is required: this account has no host profile",
            )
        })?;
        self.require_manage(user)?;
        Ok(user)
    }

    /// Which host a list is limited to: any (or the one named) for owners and admins, always
    /// the caller's own for a member (naming another is a 403).
    pub fn visible_host(&self, named: Option<UserId>) -> AppResult<Option<UserId>> {
        if self.manages_tenant() {
            Ok(named)
        } else {
            self.target_user(named).map(Some)
        }
    }
}

/// The caller an API token (`kairos_…`) acts for; anything else is a 401.
pub async fn caller_for_token(state: &AppState, secret: &str) -> AppResult<Caller> {
    if !secret.starts_with(TOKEN_PREFIX) {
        return Err(AppError::Unauthorized);
    }
    match state.store.principal_for_token(&token_digest(secret)).await {
        Ok(principal) => Ok(Caller(principal)),
        Err(StoreError::NotFound) => Err(AppError::Unauthorized),
        Err(other) => Err(AppError::Internal(Box::new(other))),
    }
}

// --- accounts and API tokens ----------------------------------------------------------------

/// Creates a login account (owners and admins; only an owner may create an owner). Without a
/// password the account uses API tokens only.
pub async fn create_account(
    state: &AppState,
    caller: &Caller,
    email: EmailAddress,
    role: Role,
    password: Option<&str>,
) -> AppResult<Account> {
    caller.require_tenant_manager()?;
    if role == Role::Owner && caller.role() != Role::Owner {
        return Err(AppError::Forbidden(
            "only an owner may create another owner".to_owned(),
        ));
    }
    let password_hash = match password {
        Some(password) => hash_password(password)?,
        None => NO_PASSWORD.to_owned(),
    };
    state
        .store
        .create_account(
            caller.tenant(),
            NewAccount {
                email,
                password_hash,
                role,
            },
        )
        .await
        .map_err(AppError::from_store("account"))
}

/// Issues an API token named `name` (1–100 characters) for `account` (default: the caller's
/// own; another account's only for owners and admins). Returns the account and the secret.
pub async fn create_token(
    state: &AppState,
    caller: &Caller,
    name: &str,
    account: Option<AccountId>,
) -> AppResult<(AccountId, String)> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation(
            "name",
            "a token name is 1 to 100 characters",
        ));
    }
    let account = account.unwrap_or(caller.account());
    if account != caller.account() {
        caller.require_tenant_manager()?;
    }
    state
        .store
        .account(caller.tenant(), account)
        .await
        .map_err(AppError::from_store("account"))?;
    let issued = issue_token();
    state
        .store
        .create_api_token(
            caller.tenant(),
            NewApiToken {
                account_id: account,
                name: name.to_owned(),
                digest: issued.digest,
            },
        )
        .await?;
    Ok((account, issued.secret))
}

// --- console sessions -----------------------------------------------------------------------

/// How long a console session lasts.
pub const SESSION_HOURS: i64 = 12;

/// A session just opened: the cookie's secret and how long it lasts.
#[derive(Debug)]
pub struct OpenedSession {
    pub secret: String,
    pub max_age: SignedDuration,
}

/// A live console session: the caller, their tenant, email and own host profile, and the CSRF
/// token their forms must carry.
#[derive(Debug, Clone)]
pub struct ConsoleSession {
    pub caller: Caller,
    pub tenant: Tenant,
    pub email: String,
    pub host: Option<User>,
    pub csrf: String,
}

/// The account behind a workspace (tenant slug, any case) and email, with its password hash;
/// `None` when either is malformed or unknown.
async fn find_account(
    state: &AppState,
    workspace: &str,
    email: &str,
) -> AppResult<Option<(Account, String)>> {
    let (Ok(slug), Ok(email)) = (
        Slug::parse(&workspace.to_ascii_lowercase()),
        EmailAddress::parse(email),
    ) else {
        return Ok(None);
    };
    let tenant = match state.store.tenant_by_slug(&slug).await {
        Ok(tenant) => tenant,
        Err(StoreError::NotFound) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    match state.store.account_by_email(tenant.id, &email).await {
        Ok(found) => Ok(Some(found)),
        Err(StoreError::NotFound) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

/// Signs in with a workspace, email and password (taken as typed): a new session, or `None`
/// for any wrong value, after the same argon2 work either way.
pub async fn sign_in(
    state: &AppState,
    workspace: &str,
    email: &str,
    password: &str,
) -> AppResult<Option<OpenedSession>> {
    let account = match find_account(state, workspace, email).await? {
        Some((account, hash)) => verify_password(password, &hash).then_some(account),
        None => {
            // Same work as a real check, so timing does not tell which emails exist.
            let _ = verify_password(password, DECOY_HASH);
            None
        }
    };
    let Some(account) = account else {
        return Ok(None);
    };
    let secret = random_secret();
    let now = state.clock.now();
    let max_age = SignedDuration::from_hours(SESSION_HOURS);
    state
        .store
        .create_session(
            account.tenant_id,
            NewSession {
                account_id: account.id,
                digest: token_digest(&secret),
                csrf_token: random_secret(),
                created_at: now,
                expires_at: now + max_age,
            },
        )
        .await?;
    tracing::info!(account = %account.id, tenant = %account.tenant_id, "console sign-in");
    Ok(Some(OpenedSession { secret, max_age }))
}

/// The live session of a cookie secret; `None` when there is none or it expired.
pub async fn console_session(state: &AppState, secret: &str) -> AppResult<Option<ConsoleSession>> {
    let session = match state
        .store
        .session_principal(&token_digest(secret), state.clock.now())
        .await
    {
        Ok(session) => session,
        Err(StoreError::NotFound) => return Ok(None),
        Err(other) => return Err(other.into()),
    };
    let principal = session.principal;
    let tenant = state.store.tenant(principal.tenant_id).await?;
    let account = state
        .store
        .account(principal.tenant_id, principal.account_id)
        .await?;
    let host = match principal.user_id {
        Some(user) => Some(state.store.user(principal.tenant_id, user).await?),
        None => None,
    };
    Ok(Some(ConsoleSession {
        caller: Caller(principal),
        tenant,
        email: account.email.to_string(),
        host,
        csrf: session.csrf_token,
    }))
}

/// Ends the session of a cookie secret (ending one that does not exist is not an error).
pub async fn sign_out(state: &AppState, secret: &str) -> AppResult<()> {
    Ok(state.store.delete_session(&token_digest(secret)).await?)
}

/// Changes the caller's own password: the current one must match, the new one be long enough
/// and typed twice alike (every problem at once, under `current`, `new` and `confirm`). The
/// account's other sessions end; the one whose cookie secret is `keep` stays.
pub async fn change_password(
    state: &AppState,
    caller: &Caller,
    keep: Option<&str>,
    current: &str,
    new: &str,
    confirm: &str,
) -> AppResult<()> {
    let tenant = caller.tenant();
    let account = state.store.account(tenant, caller.account()).await?;
    let (_, stored) = state.store.account_by_email(tenant, &account.email).await?;
    let mut problems = Problems::default();
    if !verify_password(current, &stored) {
        problems.add("current", "the current password is wrong");
    }
    check_new_password(&mut problems, new, confirm);
    problems.into_result()?;
    let hash = hash_password(new)?;
    let keep = keep.map(token_digest);
    state
        .store
        .set_password(tenant, account.id, &hash, keep.as_ref())
        .await?;
    tracing::info!(account = %account.id, "password changed; other sessions ended");
    Ok(())
}

// --- password reset links -------------------------------------------------------------------

/// How long a reset link works.
pub const RESET_LINK_MINUTES: u32 = 60;

/// After a link is sent, further requests for the account send nothing for this long, so a
/// stranger cannot flood someone's mailbox with reset emails.
pub const RESET_QUIET_SECS: i64 = 60;

/// Where a reset link leads (the console's reset page).
pub fn reset_link_path(secret: &str) -> String {
    format!("/admin/scheduling/reset/{secret}")
}

/// Asks for a reset link for the account of `workspace` and `email`. Returns at once: the
/// lookup, the link and the email happen in a task of their own, so neither the answer nor its
/// timing tells whether the account exists. Every outcome is only logged (never the secret).
pub fn request_password_reset(state: &AppState, workspace: Slug, email: EmailAddress) {
    let state = state.clone();
    tokio::spawn(async move {
        let account = match find_account(&state, workspace.as_str(), email.as_str()).await {
            Ok(Some((account, _))) => account,
            Ok(None) => {
                tracing::info!(%workspace, "password reset asked for an unknown account");
                return;
            }
            Err(error) => {
                tracing::warn!(%workspace, %error, "password reset: the account lookup failed");
                return;
            }
        };
        match store_and_send_reset(&state, &account).await {
            Ok(true) => tracing::info!(account = %account.id, "password reset link sent"),
            Ok(false) => tracing::info!(
                account = %account.id,
                "password reset asked again within {RESET_QUIET_SECS} s of a link; nothing sent"
            ),
            Err(error) => {
                tracing::warn!(account = %account.id, %error, "password reset: no link was sent");
            }
        }
    });
}

/// Stores a new link and emails it: `true` when sent, `false` when the account had a link
/// within the quiet time (nothing stored or sent).
async fn store_and_send_reset(state: &AppState, account: &Account) -> anyhow::Result<bool> {
    let tenant = state.store.tenant(account.tenant_id).await?;
    let secret = random_secret();
    let now = state.clock.now();
    let stored = state
        .store
        .create_password_reset(
            tenant.id,
            NewPasswordReset {
                account_id: account.id,
                digest: token_digest(&secret),
                created_at: now,
                expires_at: now + SignedDuration::from_mins(i64::from(RESET_LINK_MINUTES)),
                quiet_since: now - SignedDuration::from_secs(RESET_QUIET_SECS),
            },
        )
        .await?;
    if !stored {
        return Ok(false);
    }
    let settings = &state.settings;
    let from = super::notifications::sender(settings)?;
    let link = format!("{}{}", settings.public_url(), reset_link_path(&secret));
    let rendered = PasswordResetEmail {
        tenant_name: tenant.name.as_str(),
        workspace: tenant.slug.as_str(),
        email: account.email.as_str(),
        link: &link,
        valid_minutes: RESET_LINK_MINUTES,
    }
    .render();
    let message_id = MessageId::parse(&format!(
        "reset-{}@{}",
        uuid::Uuid::new_v4(),
        from.email.domain()
    ))?;
    let to = account.email.as_str().parse()?;
    let message = account::compose(rendered, to, &from, &message_id, now)?;
    super::notifications::mailer(&settings.mail)?
        .send(&message)
        .await?;
    Ok(true)
}

/// The digest of a well-formed link secret (64 hex digits, any case); `None` for anything else.
fn reset_digest(secret: &str) -> Option<[u8; 32]> {
    (secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| token_digest(&secret.to_ascii_lowercase()))
}

/// Whether a reset link works now (known, unused, not expired).
pub async fn reset_link_works(state: &AppState, secret: &str) -> AppResult<bool> {
    let Some(digest) = reset_digest(secret) else {
        return Ok(false);
    };
    match state.store.password_reset(&digest, state.clock.now()).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(other) => Err(other.into()),
    }
}

/// What using a reset link did.
#[derive(Debug)]
pub enum ResetOutcome {
    /// The password is replaced and every session of the account ended; the account's
    /// workspace, for the sign-in page.
    Done { workspace: Slug },
    /// The link is unknown, used or expired.
    LinkGone,
}

/// Uses a reset link to choose a new password typed twice (problems under `new` and
/// `confirm`). The link is spent in the same transaction that replaces the password: of two
/// submissions racing with one link, the second finds it gone.
pub async fn reset_password(
    state: &AppState,
    secret: &str,
    new: &str,
    confirm: &str,
) -> AppResult<ResetOutcome> {
    if !reset_link_works(state, secret).await? {
        return Ok(ResetOutcome::LinkGone);
    }
    let Some(digest) = reset_digest(secret) else {
        return Ok(ResetOutcome::LinkGone);
    };
    let mut problems = Problems::default();
    check_new_password(&mut problems, new, confirm);
    problems.into_result()?;
    let hash = hash_password(new)?;
    let used = match state
        .store
        .reset_password(&digest, state.clock.now(), &hash)
        .await
    {
        Ok(used) => used,
        Err(StoreError::NotFound) => return Ok(ResetOutcome::LinkGone),
        Err(other) => return Err(other.into()),
    };
    tracing::info!(account = %used.account_id, "password reset; every session ended");
    let tenant = state.store.tenant(used.tenant_id).await?;
    Ok(ResetOutcome::Done {
        workspace: tenant.slug,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_digests_match() {
        let first = issue_token();
        let second = issue_token();
        assert_ne!(first.secret, second.secret);
        assert_eq!(token_digest(&first.secret), first.digest);
        assert_eq!(first.secret.len(), TOKEN_PREFIX.len() + 64);
    }

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(hash_password("short").is_err());
    }

    #[test]
    fn the_decoy_hash_is_a_valid_argon2_hash() {
        use argon2::PasswordHash;
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
        assert!(!verify_password("anything at all", DECOY_HASH));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }

    #[test]
    fn a_new_password_names_every_problem_at_once() {
        let mut problems = Problems::default();
        check_new_password(&mut problems, "short", "other");
        let fields: Vec<&str> = problems.iter().map(|(field, _)| field).collect();
        assert_eq!(fields, ["new", "confirm"]);
        let mut none = Problems::default();
        check_new_password(&mut none, "long enough now", "long enough now");
        assert!(none.is_empty());
    }

    #[test]
    fn only_64_hex_digits_make_a_reset_secret() {
        let secret = "ab".repeat(32);
        assert_eq!(reset_digest(&secret), Some(token_digest(&secret)));
        assert_eq!(
            reset_digest(&secret.to_ascii_uppercase()),
            Some(token_digest(&secret)),
            "a link retyped in capitals still works"
        );
        assert_eq!(reset_digest("abc"), None);
        assert_eq!(reset_digest(&"zz".repeat(32)), None);
    }
}
