//! `/bookings`: the host side of bookings — list, detail with history, cancel, reschedule,
//! and recording the outcome.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::ids::{BookingId, EventTypeId, UserId};
use kairos_core::text::LongText;
use kairos_store::{
    Actor, Booking, BookingFilter, Change, ChangeFilter, Page, PageRequest, Tenant,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::PageQuery;
use crate::auth::Admin;
use crate::booking::{
    BookingScope, booking_error, cancel, host_and_type, parse_instant, reschedule,
};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
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
            parse_instant(field, v).map_err(|error| ApiError::bad_request(field, error.to_string()))
        })
        .transpose()
}

async fn admin_tenant(state: &AppState, admin: &Admin) -> Result<Tenant, ApiError> {
    state
        .store
        .tenant(admin.0.tenant_id)
        .await
        .map_err(ApiError::from_store("tenant"))
}

/// A booking the caller may manage (404 when missing, 403 for a member's colleague's booking).
/// The console pages call this too.
pub(crate) async fn load(
    state: &AppState,
    admin: &Admin,
    id: BookingId,
) -> Result<Booking, ApiError> {
    let booking = state
        .store
        .booking(admin.0.tenant_id, id)
        .await
        .map_err(ApiError::from_store("booking"))?;
    admin.require_manage(booking.host_user_id)?;
    Ok(booking)
}

/// The filter of a booking list as `admin` may see it: `requested.host` is only a choice for
/// owners and admins (a member always sees their own bookings, and asking for another host's is
/// a 403), and `to` may not be before `from`. The console's list calls this too.
pub(crate) fn visible_bookings(
    admin: &Admin,
    requested: BookingFilter,
) -> Result<BookingFilter, ApiError> {
    let host = if admin.0.role.manages_tenant() {
        requested.host
    } else {
        Some(admin.target_user(requested.host)?)
    };
    if let (Some(from), Some(to)) = (requested.from, requested.to)
        && to < from
    {
        return Err(ApiError::bad_request("to", "to is before from"));
    }
    Ok(BookingFilter { host, ..requested })
}

/// The changelog rows of a booking (read with [`load`] first), newest first.
pub(crate) async fn history(
    state: &AppState,
    admin: &Admin,
    id: BookingId,
) -> Result<Vec<Change>, ApiError> {
    let history = state
        .store
        .list_changes(
            admin.0.tenant_id,
            ChangeFilter {
                entity_type: Some("booking".to_owned()),
                entity_id: Some(id.to_string()),
            },
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await?;
    Ok(history.items)
}

/// Cancels a booking as its host (or a tenant manager), with an optional reason (blank is
/// none); the invitee is notified. The console's cancel form calls this too.
pub(crate) async fn host_cancel(
    state: &AppState,
    admin: &Admin,
    id: BookingId,
    reason: Option<LongText>,
) -> Result<Booking, ApiError> {
    let booking = load(state, admin, id).await?;
    let reason = reason
        .map(|r| r.to_string())
        .filter(|r| !r.trim().is_empty());
    let tenant = admin_tenant(state, admin).await?;
    let (host, event_type) = host_and_type(state, &booking).await?;
    let scope = BookingScope {
        tenant: &tenant,
        host: &host,
        event_type: &event_type,
    };
    cancel(
        state,
        Actor::account(admin.0.account_id),
        scope,
        &booking,
        CancelledBy::Host,
        reason,
    )
    .await
}

/// Moves a booking to `start` as its host, under the same rules as the invitee; returns the new
/// booking. The console's reschedule form calls this too.
pub(crate) async fn host_reschedule(
    state: &AppState,
    admin: &Admin,
    id: BookingId,
    start: jiff::Timestamp,
) -> Result<Booking, ApiError> {
    let old = load(state, admin, id).await?;
    let tenant = admin_tenant(state, admin).await?;
    let (host, event_type) = host_and_type(state, &old).await?;
    let scope = BookingScope {
        tenant: &tenant,
        host: &host,
        event_type: &event_type,
    };
    let booked = reschedule(
        state,
        Actor::account(admin.0.account_id),
        scope,
        &old,
        start,
        None,
    )
    .await?;
    Ok(booked.booking)
}

/// Records what happened at a meeting: `completed` or `no_show` (anything else is a 422 naming
/// `status`). The console's outcome buttons call this too.
pub(crate) async fn record_outcome(
    state: &AppState,
    admin: &Admin,
    id: BookingId,
    status: BookingStatus,
) -> Result<Booking, ApiError> {
    if !matches!(status, BookingStatus::Completed | BookingStatus::NoShow) {
        return Err(ApiError::validation(
            "status",
            "an outcome is completed or no_show",
        ));
    }
    load(state, admin, id).await?;
    state
        .store
        .set_booking_outcome(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            id,
            status,
        )
        .await
        .map_err(booking_error)
}

/// List bookings, latest start first.
#[utoipa::path(get, path = "/bookings", tag = "bookings", params(ListQuery),
    responses((status = 200, body = Page<Booking>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_bookings(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Page<Booking>>, ApiError> {
    let from = query_instant("from", query.from.as_deref())?;
    let to = query_instant("to", query.to.as_deref())?;
    let filter = visible_bookings(
        &admin,
        BookingFilter {
            status: query.status,
            from,
            to,
            event_type: query.event_type_id,
            host: query.user_id,
            ..BookingFilter::default()
        },
    )?;
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page()?;
    Ok(Json(
        state
            .store
            .list_bookings(admin.0.tenant_id, filter, page)
            .await?,
    ))
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
    admin: Admin,
    ApiPath(id): ApiPath<BookingId>,
) -> Result<Json<BookingDetail>, ApiError> {
    let booking = load(&state, &admin, id).await?;
    let changes = history(&state, &admin, id).await?;
    Ok(Json(BookingDetail {
        booking,
        history: changes,
    }))
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
    admin: Admin,
    ApiPath(id): ApiPath<BookingId>,
    ApiJson(body): ApiJson<CancelBooking>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(host_cancel(&state, &admin, id, body.reason).await?))
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
    admin: Admin,
    ApiPath(id): ApiPath<BookingId>,
    ApiJson(body): ApiJson<RescheduleBooking>,
) -> Result<(StatusCode, Json<Booking>), ApiError> {
    let start = parse_instant("startTime", &body.start_time)?;
    let moved = host_reschedule(&state, &admin, id, start).await?;
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
    admin: Admin,
    ApiPath(id): ApiPath<BookingId>,
    ApiJson(body): ApiJson<SetOutcome>,
) -> Result<Json<Booking>, ApiError> {
    Ok(Json(record_outcome(&state, &admin, id, body.status).await?))
}
