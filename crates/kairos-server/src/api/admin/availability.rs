//! `/availability` (weekly hours) and `/date-overrides` (custom hours on single dates).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use kairos_core::ids::UserId;
use kairos_core::schedule::{DateOverride, DayWindows, WeeklySchedule};
use kairos_core::zone::TimeZoneName;
use kairos_store::{Actor, Availability, AvailabilityUpdate};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::Admin;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
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

/// A date written exactly `YYYY-MM-DD` (the API's paths and the console's date fields).
pub(crate) fn iso_date(value: &str) -> Option<Date> {
    value.parse::<Date>().ok().filter(|_| value.len() == 10)
}

/// Parses a `YYYY-MM-DD` path segment.
pub(super) fn path_date(value: &str) -> Result<Date, ApiError> {
    iso_date(value).ok_or_else(|| {
        ApiError::bad_request("date", format!("{value:?} is not a date: use YYYY-MM-DD"))
    })
}

/// Read a host's weekly hours.
#[utoipa::path(get, path = "/availability", tag = "availability", params(HostQuery),
    responses((status = 200, body = Availability), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_availability(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<HostQuery>,
) -> Result<Json<Availability>, ApiError> {
    let user = admin.target_user(query.user_id)?;
    let availability = state
        .store
        .availability(admin.0.tenant_id, user)
        .await
        .map_err(ApiError::from_store("user"))?;
    Ok(Json(availability))
}

/// Replace a host's weekly hours and their time zone.
#[utoipa::path(put, path = "/availability", tag = "availability", params(HostQuery),
    request_body = PutAvailability,
    responses((status = 200, body = Availability), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_availability(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<HostQuery>,
    ApiJson(body): ApiJson<PutAvailability>,
) -> Result<Json<Availability>, ApiError> {
    let user = admin.target_user(query.user_id)?;
    let availability = state
        .store
        .put_availability(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            user,
            AvailabilityUpdate {
                timezone: body.timezone,
                weekly_schedule: body.weekly_schedule,
            },
        )
        .await
        .map_err(ApiError::from_store("user"))?;
    Ok(Json(availability))
}

/// List a host's date overrides.
#[utoipa::path(get, path = "/date-overrides", tag = "availability", params(OverrideQuery),
    responses((status = 200, body = Vec<DateOverride>), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_date_overrides(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<OverrideQuery>,
) -> Result<Json<Vec<DateOverride>>, ApiError> {
    let user = admin.target_user(query.user_id)?;
    if let (Some(from), Some(to)) = (query.from, query.to)
        && to < from
    {
        return Err(ApiError::bad_request("to", "to is before from"));
    }
    state
        .store
        .user(admin.0.tenant_id, user)
        .await
        .map_err(ApiError::from_store("user"))?;
    let overrides = state
        .store
        .list_date_overrides(admin.0.tenant_id, user, query.from, query.to)
        .await?;
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
    admin: Admin,
    ApiPath(date): ApiPath<String>,
    ApiQuery(query): ApiQuery<HostQuery>,
    ApiJson(body): ApiJson<PutDateOverride>,
) -> Result<Json<DateOverride>, ApiError> {
    let date = path_date(&date)?;
    let user = admin.target_user(query.user_id)?;
    let saved = state
        .store
        .put_date_override(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            user,
            DateOverride {
                date,
                windows: body.windows,
            },
        )
        .await
        .map_err(ApiError::from_store("user"))?;
    Ok(Json(saved))
}

/// Remove the override of one date.
#[utoipa::path(delete, path = "/date-overrides/{date}", tag = "availability",
    params(("date" = String, Path, format = Date), HostQuery),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_date_override(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(date): ApiPath<String>,
    ApiQuery(query): ApiQuery<HostQuery>,
) -> Result<StatusCode, ApiError> {
    let date = path_date(&date)?;
    let user = admin.target_user(query.user_id)?;
    state
        .store
        .delete_date_override(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            user,
            date,
        )
        .await
        .map_err(ApiError::from_store("date override"))?;
    Ok(StatusCode::NO_CONTENT)
}
