//! `/bookings`: the host side of bookings — list, detail with history, cancel, reschedule,
//! and recording the outcome.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::booking::BookingStatus;
use kairos_core::ids::{BookingId, EventTypeId, UserId};
use kairos_core::text::LongText;
use kairos_store::{Booking, BookingFilter, Change, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::PageQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::app::Caller;
use crate::app::booking::parse_instant;
use crate::app::{AppError, bookings};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_bookings))
        .routes(routes!(get_booking))
        .routes(routes!(cancel_booking))
        .routes(routes!(reschedule_booking))
        .routes(routes!(set_outcome))
}

/// Filters of the booking list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `confirmed`, `cancelled`, `rescheduled`, `completed` or `no_show`.
    status: Option<BookingStatus>,
    /// Bookings starting at or after this RFC 3339 instant.
    from: Option<String>,
    /// Bookings starting before this RFC 3339 instant.
    to: Option<String>,
    event_type_id: Option<EventTypeId>,
    /// The host (members always see only their own).
    user_id: Option<UserId>,
    limit: Option<u32>,
    offset: Option<u32>,
}

fn query_instant(field: &str, value: Option<&str>) -> Result<Option<jiff::Timestamp>, ApiError> {
    value
        .map(|v| {
            parse_instant(field, v)
                .map_err(|error| AppError::bad_request(field, error.to_string()).into())
        })
        .transpose()
}

/// List bookings, latest start first.
#[utoipa::path(get, path = "/bookings", tag = "bookings", params(ListQuery),
    responses((status = 200, body = Page<Booking>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_bookings(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Page<Booking>>, ApiError> {
    let from = query_instant("from", query.from.as_deref())?;
    let to = query_instant("to", query.to.as_deref())?;
    let filter = BookingFilter {
        status: query.status,
        from,
        to,
        event_type: query.event_type_id,
        host: query.user_id,
        ..BookingFilter::default()
    };
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page()?;
    Ok(Json(bookings::list(&state, &caller, filter, page).await?))
}

/// A booking with its history.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BookingDetail {
    booking: Booking,
    /// Changelog rows of this booking, newest first.
    history: Vec<Change>,
}

/// Read one booking and its changelog.
#[utoipa::path(get, path = "/bookings/{id}", tag = "bookings", params(("id" = BookingId, Path)),
    responses((status = 200, body = BookingDetail), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_booking(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<BookingId>,
) -> Result<Json<BookingDetail>, ApiError> {
    let (booking, history) = bookings::detail(&state, &caller, id).await?;
    Ok(Json(BookingDetail { booking, history }))
}

/// A host's cancellation.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CancelBooking {
    reason: Option<LongText>,
}

/// Cancel a booking as the host.
#[utoipa::path(post, path = "/bookings/{id}/cancel", tag = "bookings", params(("id" = BookingId, Path)),
    request_body = CancelBooking,
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)),
    security(("bearer" = [])))]
async fn cancel_booking(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<BookingId>,
    ApiJson(body): ApiJson<CancelBooking>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(
        bookings::cancel(&state, &caller, id, body.reason).await?,
    ))
}

/// A host's move to another time.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct RescheduleBooking {
    /// RFC 3339, one of the offered slot starts.
    start_time: String,
}

/// Move a booking as the host, under the same rules as the invitee.
#[utoipa::path(post, path = "/bookings/{id}/reschedule", tag = "bookings", params(("id" = BookingId, Path)),
    request_body = RescheduleBooking,
    responses((status = 201, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn reschedule_booking(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<BookingId>,
    ApiJson(body): ApiJson<RescheduleBooking>,
) -> Result<(StatusCode, Json<Booking>), ApiError> {
    let start = parse_instant("startTime", &body.start_time)?;
    let moved = bookings::reschedule(&state, &caller, id, start).await?;
    Ok((StatusCode::CREATED, Json(moved)))
}

/// What happened at the meeting.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SetOutcome {
    /// `completed` or `no_show`.
    status: BookingStatus,
}

/// Mark a booking completed or no-show.
#[utoipa::path(post, path = "/bookings/{id}/outcome", tag = "bookings", params(("id" = BookingId, Path)),
    request_body = SetOutcome,
    responses((status = 200, body = Booking), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn set_outcome(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<BookingId>,
    ApiJson(body): ApiJson<SetOutcome>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(
        bookings::record_outcome(&state, &caller, id, body.status).await?,
    ))
}
