//! The invitee's pages about one booking, reached with the secret token of its links (a wrong
//! token is a 404 page, like a missing booking): `/book/{tenantSlug}/booking/{id}` (the
//! confirmation), `/book/{tenantSlug}/cancel/{id}` and `/book/{tenantSlug}/reschedule/{id}`.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use jiff::Timestamp;
use kairos_core::booking::BookingStatus;
use kairos_core::ids::BookingId;
use kairos_core::text::LongText;
use kairos_store::{Booking, EventType, Tenant, User};

use super::event::{
    CalendarPage, CalendarQuery, MoveConfirm, Rescheduling, month_calendar, notice_text,
    start_param,
};
use super::{
    EventSummary, booking_href, form_fields, form_value, invitee_zone, query, see_other,
    tenant_layout,
};
use crate::app::AppError;
use crate::app::booking::{self, ManagedBooking, parse_instant};
use crate::app::directory::ensure_bookable;
use crate::app::notifications::{InviteeLinks, location_text};
use crate::pages::calendar::{Links, with_query};
use crate::pages::locale::TimeFormat;
use crate::pages::{PageError, render};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/book/{tenant_slug}/booking/{id}", get(get_booking))
        .route(
            "/book/{tenant_slug}/cancel/{id}",
            get(get_cancel).post(post_cancel),
        )
        .route(
            "/book/{tenant_slug}/reschedule/{id}",
            get(get_reschedule).post(post_reschedule),
        )
}

/// A booking id from the path; a malformed one is as unknown as a missing one.
fn booking_id(text: &str) -> Result<BookingId, PageError> {
    text.parse()
        .map_err(|_| PageError(AppError::NotFound("booking")))
}

/// The booking (its token checked) with its tenant, host and event type.
async fn load(
    state: &AppState,
    tenant_slug: &str,
    id: &str,
    token: &str,
) -> Result<ManagedBooking, PageError> {
    let id = booking_id(id)?;
    Ok(booking::managed_booking(state, tenant_slug, id, token).await?)
}

/// When a booking is, in the invitee's zone, and in the host's when that differs.
struct When {
    invitee: String,
    host: String,
}

fn when(booking: &Booking, host: &User, time_format: TimeFormat) -> When {
    let zone = booking.timezone.time_zone().clone();
    let invitee = time_format.meeting(
        &booking.start_time.to_zoned_datetime(zone.clone()),
        &booking.end_time.to_zoned_datetime(zone),
    );
    let host_text = if host.timezone == booking.timezone {
        String::new()
    } else {
        let zone = host.timezone.time_zone().clone();
        format!(
            "For {}: {}",
            host.display_name,
            time_format.meeting(
                &booking.start_time.to_zoned_datetime(zone.clone()),
                &booking.end_time.to_zoned_datetime(zone),
            )
        )
    };
    When {
        invitee,
        host: host_text,
    }
}

/// A Google Calendar "add event" link for the booking.
fn google_calendar_href(booking: &Booking, location: &str) -> String {
    let utc = |at: Timestamp| {
        at.to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .strftime("%Y%m%dT%H%M%SZ")
            .to_string()
    };
    let dates = format!("{}/{}", utc(booking.start_time), utc(booking.end_time));
    let text = format!("{} with {}", booking.event_type_name, booking.host_name);
    let details = format!(
        "{} with {}, booked by {}.",
        booking.event_type_name, booking.host_name, booking.invitee.name
    );
    with_query(
        "https://calendar.google.com/calendar/render",
        [
            ("action", "TEMPLATE"),
            ("text", text.as_str()),
            ("dates", dates.as_str()),
            ("details", details.as_str()),
            ("location", location),
        ],
    )
}

/// The links of a booking that still stands.
struct Manage {
    calendar: String,
    google: String,
    cancel: String,
    reschedule: String,
}

#[derive(Template)]
#[template(path = "booking.html")]
struct BookingPage {
    layout: crate::pages::Layout,
    heading: String,
    lead: String,
    /// `confirmed`, `cancelled` or `moved`: the status badge.
    state: &'static str,
    event_name: String,
    host_name: String,
    when: String,
    when_note: String,
    location: String,
    invitee_name: String,
    invitee_email: String,
    notes: Option<String>,
    cancel_reason: Option<String>,
    manage: Option<Manage>,
    notice: Option<String>,
    book_again_href: String,
}

/// A booking reached through its manage link, with what its pages show about it.
#[derive(Clone, Copy)]
struct Managed<'a> {
    tenant: &'a Tenant,
    booking: &'a Booking,
    host: &'a User,
    event_type: &'a EventType,
    token: &'a str,
}

fn booking_page(
    state: &AppState,
    managed: Managed<'_>,
    time_format: TimeFormat,
    notice: Option<String>,
) -> BookingPage {
    let Managed {
        tenant,
        booking,
        host,
        event_type,
        token,
    } = managed;
    let now = state.clock.now();
    let when = when(booking, host, time_format);
    let location = location_text(&booking.location);
    let stands = booking.status == BookingStatus::Confirmed && booking.start_time > now;
    let (heading, lead, badge) = match booking.status {
        BookingStatus::Confirmed if stands => (
            "You are booked".to_owned(),
            format!("A confirmation is on its way to {}.", booking.invitee.email),
            "confirmed",
        ),
        BookingStatus::Cancelled => (
            "This booking is cancelled".to_owned(),
            "The time is free again; you can book another one.".to_owned(),
            "cancelled",
        ),
        BookingStatus::Rescheduled => (
            "This booking was moved".to_owned(),
            "It was rescheduled to another time; the latest email has the new one.".to_owned(),
            "moved",
        ),
        _ => (
            "This meeting has taken place".to_owned(),
            String::new(),
            "moved",
        ),
    };
    let manage = stands.then(|| {
        let links = InviteeLinks::new("", tenant, booking.id, token);
        Manage {
            calendar: links.calendar,
            google: google_calendar_href(booking, &location),
            cancel: links.cancel,
            reschedule: links.reschedule,
        }
    });
    BookingPage {
        layout: tenant_layout(tenant, heading.clone()).with_color(event_type.fields.color),
        heading,
        lead,
        state: badge,
        event_name: booking.event_type_name.clone(),
        host_name: booking.host_name.clone(),
        when: when.invitee,
        when_note: when.host,
        location,
        invitee_name: booking.invitee.name.to_string(),
        invitee_email: booking.invitee.email.to_string(),
        notes: booking.invitee.notes.as_ref().map(ToString::to_string),
        cancel_reason: booking.cancel_reason.clone(),
        manage,
        notice,
        book_again_href: format!("/book/{}/{}", tenant.slug, host.username),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

/// The confirmation of a booking: what, when (in the invitee's and the host's zone), where, and
/// the links to add it to a calendar, move it or cancel it.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn get_booking(
    State(state): State<AppState>,
    Path((tenant_slug, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let token = query::<TokenQuery>(raw.as_deref())?
        .token
        .unwrap_or_default();
    let managed = load(&state, &tenant_slug, &id, &token).await?;
    let ManagedBooking {
        tenant,
        booking,
        host,
        event_type,
    } = &managed;
    let time_format = TimeFormat::of_request(&headers);
    render(&booking_page(
        &state,
        Managed {
            tenant,
            booking,
            host,
            event_type,
            token: &token,
        },
        time_format,
        None,
    ))
}

#[derive(Template)]
#[template(path = "cancel.html")]
struct CancelPage {
    layout: crate::pages::Layout,
    event_name: String,
    host_name: String,
    when: String,
    when_note: String,
    action: String,
    token: String,
    reason: String,
    reason_error: Option<String>,
    keep_href: String,
}

fn cancel_page(
    managed: Managed<'_>,
    time_format: TimeFormat,
    reason: &str,
    reason_error: Option<String>,
) -> CancelPage {
    let Managed {
        tenant,
        booking,
        host,
        event_type,
        token,
    } = managed;
    let when = when(booking, host, time_format);
    CancelPage {
        layout: tenant_layout(tenant, "Cancel your booking").with_color(event_type.fields.color),
        event_name: booking.event_type_name.clone(),
        host_name: booking.host_name.clone(),
        when: when.invitee,
        when_note: when.host,
        action: format!("/book/{}/cancel/{}", tenant.slug, booking.id),
        token: token.to_owned(),
        reason: reason.to_owned(),
        reason_error,
        keep_href: booking_href(tenant, booking.id, token),
    }
}

/// Asks the invitee to confirm the cancellation (with an optional reason); a booking that no
/// longer stands shows its status instead.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn get_cancel(
    State(state): State<AppState>,
    Path((tenant_slug, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let token = query::<TokenQuery>(raw.as_deref())?
        .token
        .unwrap_or_default();
    let managed = load(&state, &tenant_slug, &id, &token).await?;
    let ManagedBooking {
        tenant,
        booking,
        host,
        event_type,
    } = &managed;
    let time_format = TimeFormat::of_request(&headers);
    if booking.status != BookingStatus::Confirmed {
        let notice = match booking.status {
            BookingStatus::Cancelled => "This booking was already cancelled.",
            _ => "This booking can no longer be cancelled.",
        };
        return render(&booking_page(
            &state,
            Managed {
                tenant,
                booking,
                host,
                event_type,
                token: &token,
            },
            time_format,
            Some(notice.to_owned()),
        ));
    }
    render(&cancel_page(
        Managed {
            tenant,
            booking,
            host,
            event_type,
            token: &token,
        },
        time_format,
        "",
        None,
    ))
}

/// Cancels the booking through the same service as the JSON API, then shows it cancelled (303
/// to the confirmation page, which says so).
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn post_cancel(
    State(state): State<AppState>,
    Path((tenant_slug, id)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form_fields(&body);
    let token = form_value(&fields, "token").unwrap_or_default();
    let managed = load(&state, &tenant_slug, &id, token).await?;
    let ManagedBooking {
        tenant,
        booking,
        host,
        event_type,
    } = &managed;
    let time_format = TimeFormat::of_request(&headers);
    let reason_text = form_value(&fields, "reason").unwrap_or_default().trim();
    let reason = match LongText::parse(reason_text) {
        Ok(reason) => Some(reason),
        Err(error) => {
            let page = cancel_page(
                Managed {
                    tenant,
                    booking,
                    host,
                    event_type,
                    token,
                },
                time_format,
                reason_text,
                Some(format!("The reason {}.", error.message())),
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response());
        }
    };
    match booking::cancel_managed(&state, &managed, reason).await {
        Ok(_) => Ok(see_other(&booking_href(tenant, booking.id, token))),
        Err(AppError::Conflict { .. }) => {
            let booking = booking::managed_booking(&state, &tenant_slug, booking.id, token)
                .await?
                .booking;
            let page = booking_page(
                &state,
                Managed {
                    tenant,
                    booking: &booking,
                    host,
                    event_type,
                    token,
                },
                time_format,
                Some("This booking was already cancelled.".to_owned()),
            );
            Ok((StatusCode::CONFLICT, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// The event type's calendar for moving a booking: the old time is shown; picking a new one
/// shows the form that confirms the move.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn get_reschedule(
    State(state): State<AppState>,
    Path((tenant_slug, id)): Path<(String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let query: CalendarQuery = query(raw.as_deref())?;
    let token = query.token.clone().unwrap_or_default();
    let managed = load(&state, &tenant_slug, &id, &token).await?;
    let ManagedBooking {
        tenant,
        booking,
        host,
        event_type,
    } = &managed;
    let time_format = TimeFormat::of_request(&headers);
    let now = state.clock.now();
    if booking.status != BookingStatus::Confirmed || booking.start_time <= now {
        return render(&booking_page(
            &state,
            Managed {
                tenant,
                booking,
                host,
                event_type,
                token: &token,
            },
            time_format,
            Some("This booking can no longer be moved.".to_owned()),
        ));
    }
    ensure_bookable(event_type)?;
    let (zone, zone_note) = invitee_zone(query.tz.as_deref(), &booking.timezone);
    let path = format!("/book/{}/reschedule/{}", tenant.slug, booking.id);
    let links = Links::new(path.clone(), vec![("token", token.clone())]);
    let date_of = |at: Timestamp| {
        at.to_zoned_datetime(zone.time_zone().clone())
            .date()
            .to_string()
    };
    let calendar = month_calendar(
        &state,
        host,
        event_type,
        &links,
        &zone,
        time_format,
        &query,
        Some(booking.start_time),
        None,
        |slot| {
            let start = start_param(slot);
            let date = date_of(slot.start.timestamp());
            links.href(&[
                ("tz", zone.as_str()),
                ("date", date.as_str()),
                ("start", start.as_str()),
            ])
        },
    )
    .await?;
    let confirm = match query.start.as_deref().filter(|start| !start.is_empty()) {
        Some(start) => {
            let start = parse_instant("start", start)?;
            let minutes =
                jiff::SignedDuration::from_mins(i64::from(event_type.fields.duration.get()));
            let end = start.checked_add(minutes).unwrap_or(start);
            Some(MoveConfirm {
                new_when: time_format.meeting(
                    &start.to_zoned_datetime(zone.time_zone().clone()),
                    &end.to_zoned_datetime(zone.time_zone().clone()),
                ),
                action: path.clone(),
                token: token.clone(),
                start: start.to_string(),
                tz: zone.to_string(),
            })
        }
        None => None,
    };
    let old = when(booking, host, time_format);
    render(&CalendarPage {
        layout: tenant_layout(tenant, "Pick a new time").with_color(event_type.fields.color),
        summary: EventSummary::new(tenant, host, event_type),
        calendar,
        notice: notice_text(query.notice.as_deref())
            .map(str::to_owned)
            .or(zone_note),
        rescheduling: Some(Rescheduling {
            old_when: old.invitee,
            confirm,
        }),
    })
}

/// Moves the booking through the same service as the JSON API, then shows the new booking (303
/// to its confirmation, with its new token); a time taken meanwhile goes back to the calendar.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn post_reschedule(
    State(state): State<AppState>,
    Path((tenant_slug, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form_fields(&body);
    let token = form_value(&fields, "token").unwrap_or_default();
    let start = parse_instant("start", form_value(&fields, "start").unwrap_or_default())?;
    let managed = load(&state, &tenant_slug, &id, token).await?;
    let ManagedBooking {
        tenant, booking, ..
    } = &managed;
    let (zone, _) = invitee_zone(form_value(&fields, "tz"), &booking.timezone);
    match booking::reschedule_managed(&state, &managed, start, Some(zone.clone())).await {
        Ok(moved) => Ok(see_other(&booking_href(
            tenant,
            moved.booking.id,
            &moved.manage_token,
        ))),
        Err(AppError::Conflict {
            code: "slot_unavailable",
            ..
        }) => {
            let date = start
                .to_zoned_datetime(zone.time_zone().clone())
                .date()
                .to_string();
            let path = format!("/book/{}/reschedule/{}", tenant.slug, booking.id);
            Ok(see_other(&with_query(
                &path,
                [
                    ("token", token),
                    ("tz", zone.as_str()),
                    ("date", date.as_str()),
                    ("notice", "slot_taken"),
                ],
            )))
        }
        Err(other) => Err(other.into()),
    }
}
