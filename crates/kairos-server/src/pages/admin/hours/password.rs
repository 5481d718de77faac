//! `/admin/scheduling/settings/password`: the signed-in account changes its own password. The
//! current password is asked for again; the new one ends the account's other sessions.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use super::FormErrors;
use crate::auth::{MIN_PASSWORD_CHARS, hash_password, token_digest, verify_password};
use crate::error::ApiError;
use crate::pages::admin::{Console, ConsoleLayout, Section, done, session_secret, with_status};
use crate::pages::{PageError, render};
use crate::state::AppState;

const PATH: &str = "/admin/scheduling/settings/password";

pub(super) fn router() -> Router<AppState> {
    Router::new().route(PATH, get(show).post(save))
}

#[derive(Template)]
#[template(path = "admin/hours/password.html")]
struct PasswordPage {
    layout: ConsoleLayout,
    manages_tenant: bool,
    min_chars: usize,
    errors: FormErrors,
}

fn page(console: &Console, errors: FormErrors) -> PasswordPage {
    PasswordPage {
        layout: console.layout("Password", Section::Settings),
        manages_tenant: console.manages_tenant(),
        min_chars: MIN_PASSWORD_CHARS,
        errors,
    }
}

async fn show(console: Console, RawQuery(query): RawQuery) -> Result<Response, PageError> {
    let mut page = page(&console, FormErrors::default());
    page.layout = page
        .layout
        .with_notice(crate::pages::admin::notice_code(query.as_deref()).as_deref());
    Ok(render(&page)?.into_response())
}

/// What is wrong with a change of password, by input (all problems at once).
fn check(current_ok: bool, new: &str, confirm: &str) -> FormErrors {
    let mut errors = FormErrors::default();
    if !current_ok {
        errors.add("current", "the current password is wrong");
    }
    check_new_password(&mut errors, new, confirm);
    errors
}

/// Adds what is wrong with a new password typed twice (`admin/_new_password.html`'s inputs).
pub(in crate::pages::admin) fn check_new_password(
    errors: &mut FormErrors,
    new: &str,
    confirm: &str,
) {
    if new.chars().count() < MIN_PASSWORD_CHARS {
        errors.add(
            "new",
            format!("a password needs at least {MIN_PASSWORD_CHARS} characters"),
        );
    }
    if new != confirm {
        errors.add("confirm", "the two new passwords differ");
    }
}

async fn save(
    State(state): State<AppState>,
    console: Console,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = console.form(&body)?;
    let (current, new, confirm) = (
        form.value("current").unwrap_or_default(),
        form.value("new").unwrap_or_default(),
        form.value("confirm").unwrap_or_default(),
    );
    let tenant = console.principal().tenant_id;
    let account = state
        .store
        .account(tenant, console.principal().account_id)
        .await
        .map_err(ApiError::from)?;
    let (_, stored) = state
        .store
        .account_by_email(tenant, &account.email)
        .await
        .map_err(ApiError::from)?;
    let errors = check(verify_password(current, &stored), new, confirm);
    if !errors.is_empty() {
        return Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page(&console, errors))?,
        ));
    }
    let hash = hash_password(new)?;
    let keep = session_secret(&headers).map(token_digest);
    state
        .store
        .set_password(tenant, account.id, &hash, keep.as_ref())
        .await
        .map_err(ApiError::from)?;
    tracing::info!(account = %account.id, "password changed; other sessions ended");
    Ok(done(PATH, "password-changed"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_is_named_at_once() {
        let errors = check(false, "short", "other");
        assert_eq!(errors.len(), 3);
        assert!(errors.get("current").is_some());
        assert!(errors.get("new").is_some());
        assert!(errors.get("confirm").is_some());
        assert!(check(true, "long enough now", "long enough now").is_empty());
    }
}
