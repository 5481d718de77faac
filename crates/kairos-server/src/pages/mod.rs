//! The public booking pages under `/book/{tenantSlug}/…`: server-rendered HTML (askama templates
//! in `templates/`, escaped by default) that works without JavaScript; `static/kairos.js` only
//! smooths the flow (it detects the invitee's time zone and guards against double submits).
//!
//! Invariants:
//! - Pages call the same application functions as the JSON API ([`crate::app`]), so a booking
//!   made through a form obeys exactly the API's rules (answers, slot checks, notifications).
//! - Every page POST passes the same Origin check and rate limit as the public JSON writes
//!   ([`crate::abuse::admit`]); refusals answer as HTML pages, like every other page error.
//! - A booking's manage token travels only in its links and hidden form fields; pages send
//!   `Referrer-Policy: same-origin` so it never leaks to another site.

pub mod admin;
pub mod assets;
mod book;
pub mod calendar;
pub(crate) mod error;
pub mod locale;

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};

pub use self::error::PageError;
use crate::abuse::AbuseGuard;
use crate::state::AppState;

/// The booking pages and their static files.
pub fn router(abuse: AbuseGuard) -> Router<AppState> {
    Router::new()
        .merge(book::router())
        .layer(middleware::from_fn_with_state(abuse.clone(), guard_pages))
        .merge(admin::router(abuse))
        .merge(assets::router())
}

/// The public-write guard in front of the page forms, and the headers every page carries.
async fn guard_pages(State(guard): State<AbuseGuard>, request: Request, next: Next) -> Response {
    let mut response = match crate::abuse::admit(&guard, request).await {
        Ok(request) => next.run(request).await,
        Err(refusal) => PageError::from(refusal).into_response(),
    };
    set_page_headers(&mut response);
    response
}

/// The headers every page carries: a strict content security policy, no referrer to other
/// sites, no sniffing, and no caching unless the handler chose otherwise.
fn set_page_headers(response: &mut Response) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    // A page may ask for less (the password-reset page sends no Referer at all).
    headers
        .entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
}

/// Renders a template, or a 500 page when rendering fails (a bug: templates are checked at
/// compile time, so only a value's `Display` can fail).
fn render(template: &impl askama::Template) -> Result<Html<String>, PageError> {
    template
        .render()
        .map(Html)
        .map_err(|error| PageError::from(crate::app::AppError::Internal(Box::new(error))))
}

/// What the shared layout (`templates/base.html`) shows around a page.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The document title (the site name is appended).
    pub title: String,
    /// Shown in the banner: the tenant's name, or "Kairos".
    pub site_name: String,
    /// Where the banner links to.
    pub home_href: String,
    /// The accent colour class (`accent-blue`, …) from the event type's colour.
    pub accent: &'static str,
}

impl Layout {
    /// A layout in the default colour.
    pub fn new(title: impl Into<String>, site_name: impl Into<String>, home_href: String) -> Self {
        Self {
            title: title.into(),
            site_name: site_name.into(),
            home_href,
            accent: "accent-blue",
        }
    }

    /// The same layout in an event type's colour.
    pub fn with_color(mut self, color: kairos_core::event_type::EventColor) -> Self {
        self.accent = accent_class(color);
        self
    }

    /// The stylesheet's URL (versioned by content, so it may be cached for ever).
    pub fn stylesheet(&self) -> &'static str {
        assets::stylesheet_href()
    }

    /// The script's URL (versioned by content).
    pub fn script(&self) -> &'static str {
        assets::script_href()
    }
}

pub(crate) fn accent_class(color: kairos_core::event_type::EventColor) -> &'static str {
    use kairos_core::event_type::EventColor;
    match color {
        EventColor::Green => "accent-green",
        EventColor::Mint => "accent-mint",
        EventColor::Blue => "accent-blue",
        EventColor::Purple => "accent-purple",
        EventColor::Orange => "accent-orange",
        EventColor::Red => "accent-red",
        EventColor::Gray => "accent-gray",
    }
}
