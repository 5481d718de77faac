//! `/admin/scheduling/settings/password`: the signed-in account changes its own password. The
//! current password is asked for again; the new one ends the account's other sessions.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::app::AppError;
use crate::app::access::{self, MIN_PASSWORD_CHARS};
use crate::pages::admin::form::FormErrors;
use crate::pages::admin::{Console, ConsoleLayout, Section, done, session_secret, with_status};
use crate::pages::{PageError, render};
use crate::state::AppState;

const PATH: &str = "/admin/scheduling/settings/password";

pub(super) fn router() -> Router<AppState> {
    Router::new().route(PATH, get(show).post(save))
}

#[derive(Template)]
#[template(path = "admin/settings/password.html")]
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
    let keep = session_secret(&headers);
    match access::change_password(&state, &console.caller, keep, current, new, confirm).await {
        Ok(()) => Ok(done(PATH, "password-changed")),
        Err(AppError::Invalid(problems)) => Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page(&console, FormErrors::of(&problems)))?,
        )),
        Err(other) => Err(other.into()),
    }
}
