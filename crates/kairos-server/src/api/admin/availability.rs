//! `/availability` (weekly hours) and `/date-overrides` (custom hours on single dates).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use kairos_core::ids::UserId;
use kairos_core::schedule::{DateOverride, DayWindows, WeeklySchedule};
use kairos_core::zone::TimeZoneName;
use kairos_store::{Availability, AvailabilityUpdate};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::app::availability::{self, iso_date};
use crate::app::{AppError, Caller};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_availability, put_availability))
        .routes(routes!(list_date_overrides))
        .routes(routes!(put_date_override, delete_date_override))
}

/// Which host a request is about.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct HostQuery {
    /// The host; defaults to the caller's own profile.
    pub user_id: Option<UserId>,
}

/// New weekly hours.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PutAvailability {
    timezone: TimeZoneName,
    weekly_schedule: WeeklySchedule,
}

/// The host and date range of an override list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct OverrideQuery {
    user_id: Option<UserId>,
    /// First date (inclusive), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    from: Option<Date>,
    /// Last date (inclusive), `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    to: Option<Date>,
}

/// The hours on an overridden date; an empty list makes it a day off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PutDateOverride {
    windows: DayWindows,
}

/// Parses a `YYYY-MM-DD` path segment.
fn path_date(value: &str) -> Result<Date, AppError> {
    iso_date(value).ok_or_else(|| {
        AppError::bad_request("date", format!("{value:?} is not a date: use YYYY-MM-DD"))
    })
}

/// Read a host's weekly hours.
#[utoipa::path(get, path = "/availability", tag = "availability", params(HostQuery),
    responses((status = 200, body = Availability), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_availability(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<HostQuery>,
) -> Result<Json<Availability>, ApiError> {
    Ok(Json(
        availability::weekly_hours(&state, &caller, query.user_id).await?,
    ))
}

/// Replace a host's weekly hours and their time zone.
#[utoipa::path(put, path = "/availability", tag = "availability", params(HostQuery),
    request_body = PutAvailability,
    responses((status = 200, body = Availability), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_availability(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<HostQuery>,
    ApiJson(body): ApiJson<PutAvailability>,
) -> Result<Json<Availability>, ApiError> {
    let update = AvailabilityUpdate {
        timezone: body.timezone,
        weekly_schedule: body.weekly_schedule,
    };
    Ok(Json(
        availability::replace_weekly_hours(&state, &caller, query.user_id, update).await?,
    ))
}

/// List a host's date overrides.
#[utoipa::path(get, path = "/date-overrides", tag = "availability", params(OverrideQuery),
    responses((status = 200, body = Vec<DateOverride>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_date_overrides(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<OverrideQuery>,
) -> Result<Json<Vec<DateOverride>>, ApiError> {
    let overrides =
        availability::date_overrides(&state, &caller, query.user_id, query.from, query.to).await?;
    Ok(Json(overrides))
}

/// Set the hours of one date, replacing its weekly hours.
#[utoipa::path(put, path = "/date-overrides/{date}", tag = "availability",
    params(("date" = String, Path, format = Date), HostQuery),
    request_body = PutDateOverride,
    responses((status = 200, body = DateOverride), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_date_override(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(date): ApiPath<String>,
    ApiQuery(query): ApiQuery<HostQuery>,
    ApiJson(body): ApiJson<PutDateOverride>,
) -> Result<Json<DateOverride>, ApiError> {
    let date = path_date(&date)?;
    let date_override = DateOverride {
        date,
        windows: body.windows,
    };
    Ok(Json(
        availability::set_date_override(&state, &caller, query.user_id, date_override).await?,
    ))
}

/// Remove the override of one date.
#[utoipa::path(delete, path = "/date-overrides/{date}", tag = "availability",
    params(("date" = String, Path, format = Date), HostQuery),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_date_override(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(date): ApiPath<String>,
    ApiQuery(query): ApiQuery<HostQuery>,
) -> Result<StatusCode, ApiError> {
    let date = path_date(&date)?;
    availability::remove_date_override(&state, &caller, query.user_id, date).await?;
    Ok(StatusCode::NO_CONTENT)
}
