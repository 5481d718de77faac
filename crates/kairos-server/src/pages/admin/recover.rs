//! "Forgot your password?": a console account gets a one-time link by email and chooses a new
//! password with it.
//!
//! - `GET/POST /admin/scheduling/login/forgot` asks for the workspace and the email. Every
//!   well-formed request gets the same answer at once; looking the account up, storing the
//!   link and sending the email happen afterwards in a task of their own, so neither the answer
//!   nor its timing tells which emails have accounts. The POSTs count against the same
//!   per-address limit as sign-in.
//! - The link is `/admin/scheduling/reset/{secret}`: 32 random bytes in hex. The store keeps
//!   only its SHA-256 digest; the link works for [`RESET_LINK_MINUTES`] and once, and only an
//!   account's newest link works. Within [`RESET_QUIET_SECS`] of a link, asking again sends
//!   nothing; any new password voids the account's outstanding links.
//! - `GET/POST /admin/scheduling/reset/{secret}` chooses the new password. Using the link spends
//!   it, replaces the password and ends every session of the account in one transaction; then
//!   the sign-in page says so. The page sends no Referer, so the secret cannot leak from it.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use jiff::SignedDuration;
use kairos_notify::account::{self, PasswordResetEmail};
use kairos_notify::message::MessageId;
use kairos_store::{Account, NewPasswordReset, StoreError};
use rand::RngExt;

use super::hours::FormErrors;
use super::hours::password::check_new_password;
use super::login::{find_account, limit_login_attempts};
use super::{BASE, ConsoleForm};
use crate::abuse::AbuseGuard;
use crate::auth::{MIN_PASSWORD_CHARS, hash_password, token_digest};
use crate::error::ApiError;
use crate::pages::{PageError, render};
use crate::state::AppState;

/// How long a reset link works.
pub const RESET_LINK_MINUTES: u32 = 60;

/// After a link is sent, further requests for the account send nothing for this long, so a
/// stranger cannot flood someone's mailbox with reset emails.
pub const RESET_QUIET_SECS: i64 = 60;

pub(super) fn router(abuse: AbuseGuard) -> Router<AppState> {
    let limited = || middleware::from_fn_with_state(abuse.clone(), limit_login_attempts);
    Router::new()
        .route(
            "/admin/scheduling/login/forgot",
            get(forgot_page).post(forgot).layer(limited()),
        )
        .route(
            "/admin/scheduling/reset/{secret}",
            get(reset_page).post(reset).layer(limited()),
        )
}

#[derive(Template)]
#[template(path = "admin/forgot.html")]
struct ForgotPage {
    stylesheet: &'static str,
    script: &'static str,
    workspace: String,
    email: String,
    errors: FormErrors,
    /// The request was taken: the page says where to look instead of showing the form.
    sent: bool,
    valid_minutes: u32,
}

impl ForgotPage {
    fn new(workspace: String, email: String) -> Self {
        Self {
            stylesheet: crate::pages::assets::stylesheet_href(),
            script: crate::pages::assets::script_href(),
            workspace,
            email,
            errors: FormErrors::default(),
            sent: false,
            valid_minutes: RESET_LINK_MINUTES,
        }
    }
}

#[derive(serde::Deserialize, Default)]
struct ForgotQuery {
    workspace: Option<String>,
}

async fn forgot_page(
    axum::extract::RawQuery(query): axum::extract::RawQuery,
) -> Result<Html<String>, PageError> {
    let query: ForgotQuery =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    render(&ForgotPage::new(
        query.workspace.unwrap_or_default(),
        String::new(),
    ))
}

/// What is wrong with a reset request, by input (all problems at once). Only the shape is
/// checked here: whether the workspace and account exist is never told.
fn check_request(workspace: &str, email: &str) -> FormErrors {
    let mut errors = FormErrors::default();
    if workspace.is_empty() {
        errors.add(
            "workspace",
            "enter your workspace, the name in your booking links",
        );
    } else if kairos_core::text::Slug::parse(&workspace.to_ascii_lowercase()).is_err() {
        errors.add(
            "workspace",
            "a workspace is lowercase letters, digits and hyphens, as in your booking links",
        );
    }
    if email.is_empty() {
        errors.add("email", "enter the email you sign in with");
    } else if kairos_core::text::EmailAddress::parse(email).is_err() {
        errors.add("email", format!("{email:?} is not an email address"));
    }
    errors
}

async fn forgot(State(state): State<AppState>, body: Bytes) -> Result<Response, PageError> {
    let form = ConsoleForm::parse(&body);
    let workspace = form
        .value("workspace")
        .unwrap_or_default()
        .trim()
        .to_owned();
    let email = form.value("email").unwrap_or_default().trim().to_owned();
    let mut page = ForgotPage::new(workspace.clone(), email.clone());
    page.errors = check_request(&workspace, &email);
    if !page.errors.is_empty() {
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
    }
    // The answer does not wait for (or depend on) the lookup and the email.
    tokio::spawn(send_reset_link(state, workspace.clone(), email));
    page.workspace = workspace.to_ascii_lowercase();
    page.sent = true;
    Ok(render(&page)?.into_response())
}

/// Looks the account up and, when there is one, stores a new link and emails it. Runs after
/// the request was answered, so every outcome is only logged (never the secret).
async fn send_reset_link(state: AppState, workspace: String, email: String) {
    let account = match find_account(&state, &workspace, &email).await {
        Ok(Some((account, _))) => account,
        Ok(None) => {
            tracing::info!(%workspace, "password reset asked for an unknown account");
            return;
        }
        Err(error) => {
            tracing::warn!(%workspace, error = %error.0, "password reset: the account lookup failed");
            return;
        }
    };
    match store_and_send(&state, &account).await {
        Ok(true) => tracing::info!(account = %account.id, "password reset link sent"),
        Ok(false) => tracing::info!(
            account = %account.id,
            "password reset asked again within {RESET_QUIET_SECS} s of a link; nothing sent"
        ),
        Err(error) => {
            tracing::warn!(account = %account.id, %error, "password reset: no link was sent");
        }
    }
}

/// Stores a new link and emails it: `true` when sent, `false` when the account had a link
/// within the quiet time (nothing stored or sent).
async fn store_and_send(state: &AppState, account: &Account) -> anyhow::Result<bool> {
    let tenant = state.store.tenant(account.tenant_id).await?;
    let secret = hex::encode(rand::rng().random::<[u8; 32]>());
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
    let from = crate::notifications::sender(settings)?;
    let link = format!("{}{BASE}/reset/{secret}", settings.public_url());
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
    crate::notifications::mailer(&settings.mail)?
        .send(&message)
        .await?;
    Ok(true)
}

#[derive(Template)]
#[template(path = "admin/reset.html")]
struct ResetPage {
    stylesheet: &'static str,
    script: &'static str,
    /// The form posts back to the page's own address (which carries the secret).
    action: String,
    min_chars: usize,
    errors: FormErrors,
    /// The link does not work (unknown, used or expired): the page says so instead.
    gone: bool,
}

impl ResetPage {
    fn new(secret: &str) -> Self {
        Self {
            stylesheet: crate::pages::assets::stylesheet_href(),
            script: crate::pages::assets::script_href(),
            action: format!("{BASE}/reset/{secret}"),
            min_chars: MIN_PASSWORD_CHARS,
            errors: FormErrors::default(),
            gone: false,
        }
    }

    /// The page with `status`, sending no Referer (the address holds the secret).
    fn respond(&self, status: StatusCode) -> Result<Response, PageError> {
        let mut response = (status, render(self)?).into_response();
        response.headers_mut().insert(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        );
        Ok(response)
    }

    fn gone(secret: &str) -> Result<Response, PageError> {
        let mut page = Self::new(secret);
        page.gone = true;
        page.respond(StatusCode::GONE)
    }
}

/// The digest of a well-formed link secret (64 hex digits); `None` for anything else.
fn secret_digest(secret: &str) -> Option<[u8; 32]> {
    (secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit()))
        .then(|| token_digest(&secret.to_ascii_lowercase()))
}

async fn reset_page(
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, PageError> {
    let Some(digest) = secret_digest(&secret) else {
        return ResetPage::gone(&secret);
    };
    match state.store.password_reset(&digest, state.clock.now()).await {
        Ok(_) => ResetPage::new(&secret).respond(StatusCode::OK),
        Err(StoreError::NotFound) => ResetPage::gone(&secret),
        Err(other) => Err(PageError(other.into())),
    }
}

async fn reset(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let Some(digest) = secret_digest(&secret) else {
        return ResetPage::gone(&secret);
    };
    let now = state.clock.now();
    match state.store.password_reset(&digest, now).await {
        Ok(_) => {}
        Err(StoreError::NotFound) => return ResetPage::gone(&secret),
        Err(other) => return Err(PageError(other.into())),
    }
    let form = ConsoleForm::parse(&body);
    let (new, confirm) = (
        form.value("new").unwrap_or_default(),
        form.value("confirm").unwrap_or_default(),
    );
    let mut errors = FormErrors::default();
    check_new_password(&mut errors, new, confirm);
    if !errors.is_empty() {
        let mut page = ResetPage::new(&secret);
        page.errors = errors;
        return page.respond(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let hash = hash_password(new)?;
    // The link is spent in the same transaction that replaces the password: of two
    // submissions racing with one link, the second finds it gone.
    let used = match state.store.reset_password(&digest, now, &hash).await {
        Ok(used) => used,
        Err(StoreError::NotFound) => return ResetPage::gone(&secret),
        Err(other) => return Err(PageError(other.into())),
    };
    tracing::info!(account = %used.account_id, "password reset; every session ended");
    let tenant = state
        .store
        .tenant(used.tenant_id)
        .await
        .map_err(ApiError::from)?;
    let query =
        serde_urlencoded::to_string([("workspace", tenant.slug.as_str()), ("password-reset", "1")])
            .unwrap_or_default();
    let mut response = Redirect::to(&format!("{BASE}/login?{query}")).into_response();
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_names_every_problem_of_its_shape() {
        let errors = check_request("", "not-an-email");
        assert_eq!(errors.len(), 2);
        assert!(errors.get("workspace").is_some());
        assert!(errors.get("email").is_some());
        assert!(check_request("Acme", "owner@acme.test").is_empty());
        assert!(
            check_request("ac me", "owner@acme.test")
                .get("workspace")
                .is_some()
        );
    }

    #[test]
    fn only_64_hex_digits_make_a_secret() {
        let secret = "ab".repeat(32);
        assert_eq!(secret_digest(&secret), Some(token_digest(&secret)));
        assert_eq!(
            secret_digest(&secret.to_ascii_uppercase()),
            Some(token_digest(&secret)),
            "a link retyped in capitals still works"
        );
        assert_eq!(secret_digest("abc"), None);
        assert_eq!(secret_digest(&"zz".repeat(32)), None);
    }
}
