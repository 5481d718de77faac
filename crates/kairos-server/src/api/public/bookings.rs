//! `…/bookings`: book, and let the invitee see, cancel and move their booking. Managing a
//! booking needs the secret `token` from its links; a booking id alone grants nothing.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use kairos_core::booking::{BookingStatus, Invitee};
use kairos_core::event_type::Location;
use kairos_core::ids::{BookingId, EventTypeId};
use kairos_core::text::{DisplayName, EmailAddress, LongText};
use kairos_core::zone::TimeZoneName;
use kairos_store::{Booking, Tenant};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::app::AppError;
use crate::app::booking::{self, BookedWithToken, parse_instant};
use crate::app::notifications::{InviteeLinks, location_text};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_booking))
        .routes(routes!(get_booking))
        .routes(routes!(cancel_booking))
        .routes(routes!(reschedule_booking))
        .routes(routes!(get_calendar))
}

/// Who books.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct InviteeInput {
    name: DisplayName,
    email: EmailAddress,
    notes: Option<LongText>,
    /// The invitee's IANA zone (used in their emails and links).
    timezone: TimeZoneName,
    /// Answers to the event type's questions, keyed by question id.
    #[serde(default)]
    #[schema(value_type = Object)]
    responses: serde_json::Map<String, serde_json::Value>,
}

/// A booking request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateBooking {
    event_type_id: EventTypeId,
    /// RFC 3339, one of the offered slot starts.
    start_time: String,
    invitee: InviteeInput,
}

/// A booking as its invitee sees it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PublicBooking {
    id: BookingId,
    event_type_id: EventTypeId,
    event_type_name: String,
    host_name: String,
    #[schema(value_type = String, format = DateTime)]
    start_time: Timestamp,
    #[schema(value_type = String, format = DateTime)]
    end_time: Timestamp,
    timezone: TimeZoneName,
    status: BookingStatus,
    location: Location,
    invitee: Invitee,
    cancel_reason: Option<String>,
    rescheduled_from: Option<BookingId>,
}

impl From<&Booking> for PublicBooking {
    fn from(booking: &Booking) -> Self {
        Self {
            id: booking.id,
            event_type_id: booking.event_type_id,
            event_type_name: booking.event_type_name.clone(),
            host_name: booking.host_name.clone(),
            start_time: booking.start_time,
            end_time: booking.end_time,
            timezone: booking.timezone.clone(),
            status: booking.status,
            location: booking.location.clone(),
            invitee: booking.invitee.clone(),
            cancel_reason: booking.cancel_reason.clone(),
            rescheduled_from: booking.rescheduled_from,
        }
    }
}

/// Where the invitee manages the booking.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManageLinks {
    cancel: String,
    reschedule: String,
    calendar: String,
}

/// A new booking, with the secret of its manage links (shown once).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingCreated {
    booking: PublicBooking,
    manage_token: String,
    links: ManageLinks,
}

fn created(state: &AppState, tenant: &Tenant, booked: &BookedWithToken) -> BookingCreated {
    let links = InviteeLinks::new(
        &state.settings.public_url(),
        tenant,
        booked.booking.id,
        &booked.manage_token,
    );
    BookingCreated {
        booking: PublicBooking::from(&booked.booking),
        manage_token: booked.manage_token.clone(),
        links: ManageLinks {
            cancel: links.cancel,
            reschedule: links.reschedule,
            calendar: links.calendar,
        },
    }
}

/// Book a slot. The time is re-checked inside the writing transaction: a time that was taken
/// or is no longer offered is a 409 `slot_unavailable`; bad answers are a 422.
#[utoipa::path(post, path = "/bookings", tag = "public", params(("tenantSlug" = String, Path)),
    request_body = CreateBooking,
    responses((status = 201, body = BookingCreated), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 410, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_booking(
    State(state): State<AppState>,
    ApiPath(tenant_slug): ApiPath<String>,
    ApiJson(body): ApiJson<CreateBooking>,
) -> Result<(StatusCode, Json<BookingCreated>), ApiError> {
    let start = parse_instant("startTime", &body.start_time)?;
    let invitee = booking::InviteeInput {
        name: body.invitee.name,
        email: body.invitee.email,
        notes: body.invitee.notes,
        timezone: body.invitee.timezone,
        answers: body.invitee.responses,
    };
    let booking::Booked { tenant, booked } =
        booking::book(&state, &tenant_slug, body.event_type_id, start, invitee).await?;
    Ok((StatusCode::CREATED, Json(created(&state, &tenant, &booked))))
}

/// The manage token of a booking's links.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TokenQuery {
    /// The secret from the booking's links.
    token: String,
}

/// A booking, for its invitee.
#[utoipa::path(get, path = "/bookings/{id}", tag = "public",
    params(("tenantSlug" = String, Path), ("id" = BookingId, Path), TokenQuery),
    responses((status = 200, body = PublicBooking), (status = 404, body = ErrorBody)))]
async fn get_booking(
    State(state): State<AppState>,
    ApiPath((tenant_slug, id)): ApiPath<(String, BookingId)>,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<Json<PublicBooking>, ApiError> {
    let (_, booking) = booking::invitee_booking(&state, &tenant_slug, id, &query.token).await?;
    Ok(Json(PublicBooking::from(&booking)))
}

/// An invitee's cancellation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancelBooking {
    token: String,
    reason: Option<LongText>,
}

/// Cancel a booking (409 `booking_not_confirmed` when it is already cancelled or moved).
#[utoipa::path(post, path = "/bookings/{id}/cancel", tag = "public",
    params(("tenantSlug" = String, Path), ("id" = BookingId, Path)), request_body = CancelBooking,
    responses((status = 200, body = PublicBooking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_booking(
    State(state): State<AppState>,
    ApiPath((tenant_slug, id)): ApiPath<(String, BookingId)>,
    ApiJson(body): ApiJson<CancelBooking>,
) -> Result<Json<PublicBooking>, ApiError> {
    let managed = booking::managed_booking(&state, &tenant_slug, id, &body.token).await?;
    let cancelled = booking::cancel_managed(&state, &managed, body.reason).await?;
    Ok(Json(PublicBooking::from(&cancelled)))
}

/// An invitee's move to another time.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RescheduleBooking {
    token: String,
    /// RFC 3339, one of the offered slot starts.
    start_time: String,
    /// The invitee's zone, if it changed.
    timezone: Option<TimeZoneName>,
}

/// Move a booking: the new time is checked like a new booking (the old one not counted); the old
/// booking becomes `rescheduled` and the new one links back to it. 409 when the booking is not
/// confirmed, has started, or the new time is taken.
#[utoipa::path(post, path = "/bookings/{id}/reschedule", tag = "public",
    params(("tenantSlug" = String, Path), ("id" = BookingId, Path)), request_body = RescheduleBooking,
    responses((status = 201, body = BookingCreated), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn reschedule_booking(
    State(state): State<AppState>,
    ApiPath((tenant_slug, id)): ApiPath<(String, BookingId)>,
    ApiJson(body): ApiJson<RescheduleBooking>,
) -> Result<(StatusCode, Json<BookingCreated>), ApiError> {
    let start = parse_instant("startTime", &body.start_time)?;
    let managed = booking::managed_booking(&state, &tenant_slug, id, &body.token).await?;
    let booked = booking::reschedule_managed(&state, &managed, start, body.timezone).await?;
    let tenant = managed.tenant;
    Ok((StatusCode::CREATED, Json(created(&state, &tenant, &booked))))
}

/// The booking as an iCalendar file (RFC 5545, `METHOD:PUBLISH`): the UID stays the same across
/// reschedules and SEQUENCE rises with every change, so a re-import updates the entry.
#[utoipa::path(get, path = "/bookings/{id}/calendar.ics", tag = "public",
    params(("tenantSlug" = String, Path), ("id" = BookingId, Path), TokenQuery),
    responses((status = 200, content_type = "text/calendar", body = String), (status = 404, body = ErrorBody)))]
async fn get_calendar(
    State(state): State<AppState>,
    ApiPath((tenant_slug, id)): ApiPath<(String, BookingId)>,
    ApiQuery(query): ApiQuery<TokenQuery>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    use kairos_notify::ics::{CalendarEvent, Method, Person, write_calendar};
    let (_, booking) = booking::invitee_booking(&state, &tenant_slug, id, &query.token).await?;
    let host_email = EmailAddress::parse(&booking.host_email)
        .map_err(|e| AppError::internal(format!("stored host email: {e}")))?;
    let summary = format!("{} with {}", booking.event_type_name, booking.host_name);
    let location = location_text(&booking.location);
    let description = booking
        .invitee
        .notes
        .as_ref()
        .map(|n| format!("Notes: {n}"));
    let event = CalendarEvent {
        uid: &booking.ical_uid,
        sequence: u32::try_from(booking.sequence).unwrap_or(0),
        stamp: booking.updated_at,
        start: booking.start_time,
        end: booking.end_time,
        summary: &summary,
        description: description.as_deref(),
        location: (!location.is_empty()).then_some(location.as_str()),
        url: None,
        organizer: Person {
            name: &booking.host_name,
            email: &host_email,
        },
        attendee: Person {
            name: booking.invitee.name.as_str(),
            email: &booking.invitee.email,
        },
        cancelled: booking.status == BookingStatus::Cancelled,
    };
    let body = write_calendar(Method::Publish, &event);
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"booking-{id}.ics\""),
            ),
        ],
        body,
    ))
}
