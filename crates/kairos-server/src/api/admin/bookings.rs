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

async fn load(state: &AppState, admin: &Admin, id: BookingId) -> Result<Booking, ApiError> {
    let booking = state
        .store
        .booking(admin.0.tenant_id, id)
        .await
        .map_err(ApiError::from_store("booking"))?;
    admin.require_manage(booking.host_user_id)?;
    Ok(booking)
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
    let host = if admin.0.role.manages_tenant() {
        query.user_id
    } else {
        Some(admin.target_user(query.user_id)?)
    };
    let from = query_instant("from", query.from.as_deref())?;
    let to = query_instant("to", query.to.as_deref())?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(ApiError::bad_request("to", "to is before from"));
    }
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page()?;
    let filter = BookingFilter {
        status: query.status,
        from,
        to,
        event_type: query.event_type_id,
        host,
    };
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
    Ok(Json(BookingDetail {
        booking,
        history: history.items,
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
    let booking = load(&state, &admin, id).await?;
    let reason = body
        .reason
        .map(|r| r.to_string())
        .filter(|r| !r.trim().is_empty());
    let tenant = admin_tenant(&state, &admin).await?;
    let (host, event_type) = host_and_type(&state, &booking).await?;
    let scope = BookingScope {
        tenant: &tenant,
        host: &host,
        event_type: &event_type,
    };
    let cancelled = cancel(
        &state,
        Actor::account(admin.0.account_id),
        scope,
        &booking,
        CancelledBy::Host,
        reason,
    )
    .await?;
    Ok(Json(cancelled))
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
    let old = load(&state, &admin, id).await?;
    let tenant = admin_tenant(&state, &admin).await?;
    let (host, event_type) = host_and_type(&state, &old).await?;
    let scope = BookingScope {
        tenant: &tenant,
        host: &host,
        event_type: &event_type,
    };
    let booked = reschedule(
        &state,
        Actor::account(admin.0.account_id),
        scope,
        &old,
        start,
        None,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(booked.booking)))
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
    if !matches!(
        body.status,
        BookingStatus::Completed | BookingStatus::NoShow
    ) {
        return Err(ApiError::validation(
            "status",
            "an outcome is completed or no_show",
        ));
    }
    load(&state, &admin, id).await?;
    let updated = state
        .store
        .set_booking_outcome(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            id,
            body.status,
        )
        .await
        .map_err(booking_error)?;
    Ok(Json(updated))
}
