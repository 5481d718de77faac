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
//!   account's newest link works. Within a minute of a link, asking again sends nothing; any
//!   new password voids the account's outstanding links ([`crate::app::access`]).
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
use kairos_core::text::{EmailAddress, Slug};

use super::form::FormErrors;
use super::login::limit_login_attempts;
use super::{BASE, ConsoleForm};
use crate::abuse::AbuseGuard;
use crate::app::AppError;
use crate::app::access::{self, MIN_PASSWORD_CHARS, RESET_LINK_MINUTES, ResetOutcome};
use crate::pages::{PageError, render};
use crate::state::AppState;

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

/// A reset request's workspace and email, or what is wrong with them, by input (all problems
/// at once). Only the shape is checked here: whether the workspace and account exist is never
/// told.
fn read_request(workspace: &str, email: &str) -> Result<(Slug, EmailAddress), FormErrors> {
    let mut errors = FormErrors::default();
    let slug = if workspace.is_empty() {
        errors.add(
            "workspace",
            "enter your workspace, the name in your booking links",
        );
        None
    } else {
        Slug::parse(&workspace.to_ascii_lowercase())
            .map_err(|_| {
                errors.add(
                    "workspace",
                    "a workspace is lowercase letters, digits and hyphens, as in your booking links",
                );
            })
            .ok()
    };
    let address = if email.is_empty() {
        errors.add("email", "enter the email you sign in with");
        None
    } else {
        EmailAddress::parse(email)
            .map_err(|_| errors.add("email", format!("{email:?} is not an email address")))
            .ok()
    };
    match (slug, address) {
        (Some(slug), Some(address)) if errors.is_empty() => Ok((slug, address)),
        _ => Err(errors),
    }
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
    let (slug, address) = match read_request(&workspace, &email) {
        Ok(request) => request,
        Err(errors) => {
            page.errors = errors;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    // The answer does not wait for (or depend on) the lookup and the email.
    access::request_password_reset(&state, slug, address);
    page.workspace = workspace.to_ascii_lowercase();
    page.sent = true;
    Ok(render(&page)?.into_response())
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

async fn reset_page(
    State(state): State<AppState>,
    Path(secret): Path<String>,
) -> Result<Response, PageError> {
    if access::reset_link_works(&state, &secret).await? {
        ResetPage::new(&secret).respond(StatusCode::OK)
    } else {
        ResetPage::gone(&secret)
    }
}

async fn reset(
    State(state): State<AppState>,
    Path(secret): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = ConsoleForm::parse(&body);
    let (new, confirm) = (
        form.value("new").unwrap_or_default(),
        form.value("confirm").unwrap_or_default(),
    );
    let workspace = match access::reset_password(&state, &secret, new, confirm).await {
        Ok(ResetOutcome::Done { workspace }) => workspace,
        Ok(ResetOutcome::LinkGone) => return ResetPage::gone(&secret),
        Err(AppError::Invalid(problems)) => {
            let mut page = ResetPage::new(&secret);
            page.errors = FormErrors::of(&problems);
            return page.respond(StatusCode::UNPROCESSABLE_ENTITY);
        }
        Err(other) => return Err(other.into()),
    };
    let query =
        serde_urlencoded::to_string([("workspace", workspace.as_str()), ("password-reset", "1")])
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
        let errors = read_request("", "not-an-email").unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors.get("workspace").is_some());
        assert!(errors.get("email").is_some());
        assert!(read_request("Acme", "owner@acme.test").is_ok());
        assert!(
            read_request("ac me", "owner@acme.test")
                .unwrap_err()
                .get("workspace")
                .is_some()
        );
    }
}
