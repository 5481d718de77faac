//! Signing in and out of the console.
//!
//! Accounts are unique per tenant, so the login form asks for the workspace (the tenant's slug,
//! the same as in its booking links) with the email and password. Every failure answers the
//! same "wrong email or password" after the same argon2 work, so the form does not reveal which
//! emails have accounts. Login POSTs pass the public rate limit (per client address).

use super::{BASE, ConsoleForm, SESSION_COOKIE, session_secret};
use crate::abuse::AbuseGuard;
use crate::app::access::{self, OpenedSession};
use crate::pages::{PageError, render};
use crate::state::AppState;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

pub(super) fn router(abuse: AbuseGuard) -> Router<AppState> {
    Router::new()
        .route(
            "/admin/scheduling/login",
            get(login_page)
                .post(login)
                .layer(middleware::from_fn_with_state(abuse, limit_login_attempts)),
        )
        .route("/admin/scheduling/logout", post(logout))
}

/// Login attempts count against the client's public-write limit, so passwords cannot be
/// guessed quickly.
pub(super) async fn limit_login_attempts(
    State(guard): State<AbuseGuard>,
    request: Request,
    next: Next,
) -> Response {
    if request.method().is_safe() {
        return next.run(request).await;
    }
    match crate::abuse::rate_limit(&guard, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => PageError(refusal).into_response(),
    }
}

#[derive(Template)]
#[template(path = "admin/login.html")]
struct LoginPage {
    stylesheet: &'static str,
    script: &'static str,
    workspace: String,
    email: String,
    next: String,
    error: Option<&'static str>,
    signed_out: bool,
    /// The password was just reset with an emailed link.
    password_reset: bool,
    /// The "forgot your password?" page, with the workspace typed so far.
    forgot_href: String,
}

impl LoginPage {
    fn new(workspace: String, email: String, next: String) -> Self {
        let forgot_href = if workspace.is_empty() {
            format!("{BASE}/login/forgot")
        } else {
            let query = serde_urlencoded::to_string([("workspace", workspace.as_str())])
                .unwrap_or_default();
            format!("{BASE}/login/forgot?{query}")
        };
        Self {
            stylesheet: crate::pages::assets::stylesheet_href(),
            script: crate::pages::assets::script_href(),
            workspace,
            email,
            next,
            error: None,
            signed_out: false,
            password_reset: false,
            forgot_href,
        }
    }
}

/// Only console paths are followed after login (never another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with(BASE)
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.starts_with("/admin/scheduling/login") =>
        {
            path.to_owned()
        }
        _ => BASE.to_owned(),
    }
}

#[derive(serde::Deserialize, Default)]
struct LoginQuery {
    next: Option<String>,
    workspace: Option<String>,
    #[serde(rename = "signed-out")]
    signed_out: Option<String>,
    #[serde(rename = "password-reset")]
    password_reset: Option<String>,
}

async fn login_page(request: Request) -> Result<Html<String>, PageError> {
    let query: LoginQuery =
        serde_urlencoded::from_str(request.uri().query().unwrap_or_default()).unwrap_or_default();
    let mut page = LoginPage::new(
        query.workspace.unwrap_or_default(),
        String::new(),
        safe_next(query.next.as_deref()),
    );
    page.signed_out = query.signed_out.is_some();
    page.password_reset = query.password_reset.is_some();
    render(&page)
}

const WRONG_LOGIN: &str = "The workspace, email or password is wrong.";

async fn login(State(state): State<AppState>, body: Bytes) -> Result<Response, PageError> {
    let form = ConsoleForm::parse(&body);
    let value = |name: &str| form.value(name).unwrap_or_default().trim().to_owned();
    let (workspace, email, next) = (value("workspace"), value("email"), value("next"));
    // A password is taken as typed, spaces included.
    let password = form.value("password").unwrap_or_default().to_owned();
    let mut page = LoginPage::new(workspace.clone(), email.clone(), safe_next(Some(&next)));

    let Some(OpenedSession { secret, max_age }) =
        access::sign_in(&state, &workspace, &email, &password).await?
    else {
        page.error = Some(WRONG_LOGIN);
        return Ok((StatusCode::UNAUTHORIZED, render(&page)?).into_response());
    };
    let mut response = Redirect::to(&page.next).into_response();
    set_cookie(
        response.headers_mut(),
        &session_cookie(&state, &secret, max_age.as_secs()),
    );
    Ok(response)
}

/// The `Set-Cookie` value for a session secret (an empty secret with `Max-Age=0` clears it).
fn session_cookie(state: &AppState, secret: &str, max_age_secs: i64) -> String {
    let secure = if state.settings.public_url().starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    format!(
        "{SESSION_COOKIE}={secret}; Path=/admin; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    )
}

fn set_cookie(headers: &mut HeaderMap, cookie: &str) {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        headers.append(header::SET_COOKIE, value);
    }
}

/// Ends the session. The CSRF token is checked, so another site cannot sign a host out.
async fn logout(
    State(state): State<AppState>,
    console: super::Console,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    console.form(&body)?;
    if let Some(secret) = session_secret(&headers) {
        access::sign_out(&state, secret).await?;
    }
    let query = serde_urlencoded::to_string([
        ("workspace", console.tenant.slug.as_str()),
        ("signed-out", "1"),
    ])
    .unwrap_or_default();
    let mut response = Redirect::to(&format!("{BASE}/login?{query}")).into_response();
    set_cookie(response.headers_mut(), &session_cookie(&state, "", 0));
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_console_paths_are_followed_after_login() {
        assert_eq!(
            safe_next(Some("/admin/scheduling/bookings?status=confirmed")),
            "/admin/scheduling/bookings?status=confirmed"
        );
        assert_eq!(
            safe_next(Some("https://evil.example/admin/scheduling")),
            BASE
        );
        assert_eq!(safe_next(Some("//evil.example")), BASE);
        assert_eq!(safe_next(Some("/admin/scheduling/login")), BASE);
        assert_eq!(safe_next(None), BASE);
    }
}
