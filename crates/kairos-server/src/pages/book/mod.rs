//! `/book/{tenantSlug}/…`: the tenant's hosts, a host's event types, and (in the submodules) an
//! event type's calendar and form, and the pages that manage a booking.
//!
//! Static segments win over the `{username}` segment, so the application refuses the usernames
//! `booking`, `cancel` and `reschedule` for hosts (the manage pages' routes; see
//! [`RESERVED_USERNAMES`](crate::app::hosts::RESERVED_USERNAMES)).

mod event;
mod manage;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use kairos_core::event_type::{Location, LocationType};
use kairos_core::ids::BookingId;
use kairos_core::zone::TimeZoneName;
use kairos_store::{EventType, Tenant, User};
use serde::de::DeserializeOwned;

use super::calendar::with_query;
use super::{Layout, PageError, render};
use crate::app::AppError;
use crate::app::directory;
use crate::app::notifications::location_text;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/book/{tenant_slug}", get(get_tenant))
        .route("/book/{tenant_slug}/{username}", get(get_host))
        .merge(event::router())
        .merge(manage::router())
}

/// Parses a page's query string; pages ignore parameters they do not know (links get tracking
/// parameters added), and a malformed one is a 400 page.
fn query<T: DeserializeOwned>(raw: Option<&str>) -> Result<T, PageError> {
    serde_urlencoded::from_str(raw.unwrap_or_default()).map_err(|error| {
        PageError(AppError::BadRequest {
            message: format!("the query string is malformed: {error}"),
            field: None,
        })
    })
}

/// The fields of a submitted form, in order (a multiple choice repeats its name).
fn form_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// The first value of a form field.
fn form_value<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// The zone to show times in: `?tz=` when it names a zone of the database, else `fallback`
/// (with a note saying so, since the browser sent a zone we do not know).
fn invitee_zone(
    requested: Option<&str>,
    fallback: &TimeZoneName,
) -> (TimeZoneName, Option<String>) {
    match requested.filter(|zone| !zone.is_empty()) {
        None => (fallback.clone(), None),
        Some(name) => match TimeZoneName::parse(name) {
            Ok(zone) => (zone, None),
            Err(_) => (
                fallback.clone(),
                Some(format!(
                    "We do not know the time zone {name:?}, so times are shown in {fallback}."
                )),
            ),
        },
    }
}

/// The confirmation page of a booking.
fn booking_href(tenant: &Tenant, id: BookingId, token: &str) -> String {
    with_query(
        &format!("/book/{}/booking/{id}", tenant.slug),
        [("token", token)],
    )
}

/// A 303 to `location` (after a form POST, so a reload does not post again).
fn see_other(location: &str) -> Response {
    Redirect::to(location).into_response()
}

/// Two letters standing for a person (their avatar).
fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter_map(|word| word.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

/// `30 minutes`, `1 hour`, `1 h 30 min`.
fn duration_text(minutes: i32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} minutes"),
        (1, 0) => "1 hour".to_owned(),
        (h, 0) => format!("{h} hours"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Where a meeting happens, as shown before booking: the kind for calls and video (the host's
/// number or link is revealed only once booked), the address or text otherwise.
fn location_preview(location: &Location) -> String {
    match location.kind() {
        LocationType::InPerson | LocationType::Custom => location_text(location),
        LocationType::Phone => "Phone call".to_owned(),
        LocationType::GoogleMeet => "Google Meet".to_owned(),
        LocationType::Zoom => "Zoom".to_owned(),
    }
}

/// The side panel about an event type: who, what, how long, where.
#[derive(Debug, Clone)]
pub(super) struct EventSummary {
    pub host_name: String,
    pub host_initials: String,
    pub host_href: String,
    pub event_name: String,
    pub duration: String,
    pub location: String,
    pub description: Option<String>,
}

impl EventSummary {
    fn new(tenant: &Tenant, host: &User, event_type: &EventType) -> Self {
        let fields = &event_type.fields;
        Self {
            host_name: host.display_name.to_string(),
            host_initials: initials(host.display_name.as_str()),
            host_href: format!("/book/{}/{}", tenant.slug, host.username),
            event_name: fields.name.to_string(),
            duration: duration_text(fields.duration.get()),
            location: location_preview(&fields.location),
            description: fields.description.as_ref().map(ToString::to_string),
        }
    }
}

fn tenant_layout(tenant: &Tenant, title: impl Into<String>) -> Layout {
    Layout::new(
        title,
        tenant.name.to_string(),
        format!("/book/{}", tenant.slug),
    )
}

struct HostCard {
    name: String,
    initials: String,
    href: String,
    timezone: String,
}

#[derive(Template)]
#[template(path = "tenant.html")]
struct TenantPage {
    layout: Layout,
    tenant_name: String,
    hosts: Vec<HostCard>,
}

/// A tenant's landing: its active hosts.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn get_tenant(
    State(state): State<AppState>,
    Path(tenant_slug): Path<String>,
) -> Result<Html<String>, PageError> {
    let (tenant, hosts) = directory::tenant_hosts(&state, &tenant_slug).await?;
    render(&TenantPage {
        layout: tenant_layout(&tenant, format!("Book a meeting with {}", tenant.name)),
        tenant_name: tenant.name.to_string(),
        hosts: hosts
            .iter()
            .map(|host| HostCard {
                name: host.display_name.to_string(),
                initials: initials(host.display_name.as_str()),
                href: format!("/book/{}/{}", tenant.slug, host.username),
                timezone: host.timezone.to_string(),
            })
            .collect(),
    })
}

struct EventCard {
    name: String,
    href: String,
    duration: String,
    location: String,
    description: Option<String>,
    accent: &'static str,
}

#[derive(Template)]
#[template(path = "host.html")]
struct HostPage {
    layout: Layout,
    host_name: String,
    host_initials: String,
    events: Vec<EventCard>,
}

/// A host's page: their bookable event types.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn get_host(
    State(state): State<AppState>,
    Path((tenant_slug, username)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let (tenant, host, event_types) = directory::host_page(&state, &tenant_slug, &username).await?;
    render(&HostPage {
        layout: tenant_layout(&tenant, host.display_name.to_string()),
        host_name: host.display_name.to_string(),
        host_initials: initials(host.display_name.as_str()),
        events: event_types
            .iter()
            .map(|event_type| {
                let fields = &event_type.fields;
                EventCard {
                    name: fields.name.to_string(),
                    href: format!("/book/{}/{}/{}", tenant.slug, host.username, fields.slug),
                    duration: duration_text(fields.duration.get()),
                    location: location_preview(&fields.location),
                    description: fields.description.as_ref().map(ToString::to_string),
                    accent: super::accent_class(fields.color),
                }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Alex Morgan"), "AM");
        assert_eq!(initials("  ada  "), "A");
        assert_eq!(initials("Jean Luc Picard"), "JL");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(30), "30 minutes");
        assert_eq!(duration_text(60), "1 hour");
        assert_eq!(duration_text(90), "1 h 30 min");
        assert_eq!(duration_text(120), "2 hours");
    }
}
