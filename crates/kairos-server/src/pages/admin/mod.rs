//! The admin console under `/admin/scheduling/…`: server-rendered pages for hosts and tenant
//! managers, on the same application functions as the admin JSON API ([`crate::app`]).
//!
//! Invariants:
//! - Every page but the login page needs a live session ([`Console`]); without one a GET is sent
//!   to the login page (and back afterwards), any other request gets a 401 page.
//! - The session cookie holds a random secret; the database keeps only its SHA-256 digest. The
//!   cookie is `HttpOnly`, `SameSite=Lax`, limited to `/admin`, and `Secure` when the public URL
//!   is https.
//! - Every form POST carries the session's CSRF token in `_csrf` ([`Console::form`] checks it in
//!   constant time) and passes the same Origin check as the public writes; a mismatch is a 403
//!   page and changes nothing.
//! - Members see and change only their own host profile, event types, availability and
//!   bookings ([`Console::caller`] is the same [`Caller`] the JSON API resolves a token to, and
//!   the application checks its rights the same way).

mod analytics;
mod availability;
mod bookings;
mod charts;
mod dashboard;
mod event_types;
pub mod form;
mod host;
mod login;
mod recover;
mod reschedule;
mod settings;

use axum::Router;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use kairos_store::{Tenant, User};

pub use self::form::ConsoleForm;
use super::PageError;
use crate::abuse::AbuseGuard;
use crate::app::access::{self, ConsoleSession, constant_time_eq};
use crate::app::{AppError, Caller};
use crate::state::AppState;

/// Where the console lives.
pub const BASE: &str = "/admin/scheduling";

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kairos_session";

/// The form field that carries the CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// The console's pages.
pub fn router(abuse: AbuseGuard) -> Router<AppState> {
    // The server's root and `/admin` lead to the console (and from there to sign-in).
    let to_console = || async { Redirect::to(BASE) };
    Router::new()
        .route("/", axum::routing::get(to_console))
        .route("/admin", axum::routing::get(to_console))
        .merge(dashboard::router())
        .merge(bookings::router())
        .merge(reschedule::router())
        .merge(analytics::router())
        .merge(event_types::router())
        .merge(availability::router())
        .merge(settings::router())
        .merge(login::router(abuse.clone()))
        .merge(recover::router(abuse.clone()))
        .layer(middleware::from_fn_with_state(abuse, guard_console))
}

/// The Origin check for console writes (no rate limit: a signed-in host saves often; the login
/// form has its own limit), and the page headers.
async fn guard_console(State(guard): State<AbuseGuard>, request: Request, next: Next) -> Response {
    let mut response = match crate::abuse::check_origin(&guard, &request) {
        Ok(()) => next.run(request).await,
        Err(refusal) => PageError::from(refusal).into_response(),
    };
    super::set_page_headers(&mut response);
    response
}

/// A signed-in console user: who they are, their tenant, their own host profile (if any) and
/// the CSRF token their forms must carry.
#[derive(Debug, Clone)]
pub struct Console {
    /// Who is signed in, with the same rights as their API tokens.
    pub caller: Caller,
    pub tenant: Tenant,
    /// The account's email (shown in the header).
    pub email: String,
    /// The account's own host profile.
    pub host: Option<User>,
    pub csrf: String,
}

impl Console {
    /// Whether the account may manage the whole tenant (owners and admins).
    pub fn manages_tenant(&self) -> bool {
        self.caller.manages_tenant()
    }

    /// Parses a submitted form and checks its CSRF token; a missing or wrong token is a 403.
    pub fn form(&self, body: &[u8]) -> Result<ConsoleForm, PageError> {
        let form = ConsoleForm::parse(body);
        match form.value(CSRF_FIELD) {
            Some(token) if constant_time_eq(token.as_bytes(), self.csrf.as_bytes()) => Ok(form),
            _ => Err(PageError(AppError::Forbidden(
                "the form's security token is missing or out of date; reload the page and try again"
                    .to_owned(),
            ))),
        }
    }

    /// The layout of a console page in `section`.
    pub fn layout(&self, title: impl Into<String>, section: Section) -> ConsoleLayout {
        ConsoleLayout {
            title: title.into(),
            section,
            tenant_name: self.tenant.name.to_string(),
            email: self.email.clone(),
            csrf: self.csrf.clone(),
            notice: None,
            manages_tenant: self.manages_tenant(),
        }
    }
}

/// Why a request has no console session.
#[derive(Debug)]
pub enum NoSession {
    /// A page load: sign in, then come back.
    SignIn {
        next: String,
    },
    /// A write without a session: refused.
    Refused,
    Failed(PageError),
}

impl IntoResponse for NoSession {
    fn into_response(self) -> Response {
        match self {
            NoSession::SignIn { next } => {
                let query =
                    serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
                Redirect::to(&format!("{BASE}/login?{query}")).into_response()
            }
            NoSession::Refused => PageError(AppError::Unauthorized).into_response(),
            NoSession::Failed(error) => error.into_response(),
        }
    }
}

/// The session secret from the request's cookies.
pub fn session_secret(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value)
        .filter(|value| !value.is_empty())
}

impl FromRequestParts<AppState> for Console {
    type Rejection = NoSession;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let no_session = || {
            if parts.method.is_safe() {
                let next = parts
                    .uri
                    .path_and_query()
                    .map_or(BASE, |path| path.as_str())
                    .to_owned();
                NoSession::SignIn { next }
            } else {
                NoSession::Refused
            }
        };
        let Some(secret) = session_secret(&parts.headers) else {
            return Err(no_session());
        };
        match access::console_session(state, secret).await {
            Ok(Some(ConsoleSession {
                caller,
                tenant,
                email,
                host,
                csrf,
            })) => Ok(Console {
                caller,
                tenant,
                email,
                host,
                csrf,
            }),
            Ok(None) => Err(no_session()),
            Err(error) => Err(NoSession::Failed(PageError(error))),
        }
    }
}

/// The console's sections (its navigation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Dashboard,
    EventTypes,
    Availability,
    Bookings,
    Analytics,
    Settings,
}

impl Section {
    /// Every section, in navigation order.
    pub const ALL: [Section; 6] = [
        Section::Dashboard,
        Section::EventTypes,
        Section::Availability,
        Section::Bookings,
        Section::Analytics,
        Section::Settings,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Section::Dashboard => "Dashboard",
            Section::EventTypes => "Event types",
            Section::Availability => "Availability",
            Section::Bookings => "Bookings",
            Section::Analytics => "Analytics",
            Section::Settings => "Settings",
        }
    }

    pub fn href(self) -> &'static str {
        match self {
            Section::Dashboard => "/admin/scheduling",
            Section::EventTypes => "/admin/scheduling/event-types",
            Section::Availability => "/admin/scheduling/availability",
            Section::Bookings => "/admin/scheduling/bookings",
            Section::Analytics => "/admin/scheduling/analytics",
            Section::Settings => "/admin/scheduling/settings",
        }
    }
}

/// What the console layout (`templates/admin/base.html`) shows around a page.
#[derive(Debug, Clone)]
pub struct ConsoleLayout {
    pub title: String,
    pub section: Section,
    pub tenant_name: String,
    pub email: String,
    /// For the logout form in the header.
    pub csrf: String,
    /// A one-line confirmation of what the last form did (from `?notice=`).
    pub notice: Option<&'static str>,
    pub manages_tenant: bool,
}

impl ConsoleLayout {
    /// The same layout with the confirmation named by a `?notice=` code (unknown codes show
    /// nothing, so a crafted link cannot put words on the page).
    pub fn with_notice(mut self, code: Option<&str>) -> Self {
        self.notice = code.and_then(notice_text);
        self
    }

    pub fn sections(&self) -> &'static [Section] {
        &Section::ALL
    }

    pub fn is_current(&self, section: &Section) -> bool {
        self.section == *section
    }

    pub fn stylesheet(&self) -> &'static str {
        super::assets::stylesheet_href()
    }

    pub fn script(&self) -> &'static str {
        super::assets::script_href()
    }
}

/// The confirmations a redirect after a form may ask for, by code.
fn notice_text(code: &str) -> Option<&'static str> {
    Some(match code {
        "signed-in" => "Welcome back.",
        "saved" => "Your changes were saved.",
        "created" => "Created.",
        "archived" => "Archived. Its booking page is closed; existing bookings stay.",
        "restored" => "Restored. Its booking page is open again.",
        "deleted" => "Deleted.",
        "archived-not-deleted" => {
            "It has bookings, so it was archived instead of deleted. Its bookings stay."
        }
        "cancelled" => "The booking was cancelled and the invitee notified.",
        "rescheduled" => "The booking was moved and the invitee notified.",
        "completed" => "Marked as completed.",
        "no-show" => "Marked as a no-show.",
        "template-saved" => "The notification wording was saved.",
        "template-reset" => "The notification is back to the built-in wording.",
        "retried" => "The message was queued again.",
        "password-changed" => {
            "Your password was changed. Other browsers signed in to this account were signed out."
        }
        _ => return None,
    })
}

/// The `?notice=` code of a console page's query string.
pub fn notice_code(query: Option<&str>) -> Option<String> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(key, _)| key == "notice")
        .map(|(_, value)| value.into_owned())
}

/// A 303 to a console path with a confirmation code (after a successful form).
pub fn done(path: &str, notice: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}notice={notice}")).into_response()
}

/// A rendered form page answered with a status (422 when re-shown with errors).
pub fn with_status(status: StatusCode, page: impl IntoResponse) -> Response {
    (status, page).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; kairos_session=abc; b=2"),
        );
        assert_eq!(session_secret(&headers), Some("abc"));
        let mut empty = HeaderMap::new();
        empty.append(header::COOKIE, HeaderValue::from_static("kairos_session="));
        assert_eq!(session_secret(&empty), None);
        assert_eq!(session_secret(&HeaderMap::new()), None);
    }

    #[test]
    fn only_known_notices_show() {
        assert_eq!(notice_text("saved"), Some("Your changes were saved."));
        assert_eq!(notice_text("<script>"), None);
    }
}
