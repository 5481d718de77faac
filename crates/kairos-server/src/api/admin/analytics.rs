//! `/analytics`: counts of the bookings made in the last N days (owners and admins see the
//! tenant; a member sees their own bookings).

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::ApiQuery;
use crate::app::Caller;
use crate::app::analytics::{Analytics, analytics_for};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_analytics))
}

/// The window and the reporting zone.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    /// 1–365 days up to now (default 30).
    days: Option<i64>,
    /// The reporting zone (default: the caller's host profile zone, else UTC).
    timezone: Option<String>,
}

/// Booking analytics: summary, by event type, by weekday, by hour, daily trend.
#[utoipa::path(get, path = "/analytics", tag = "bookings", params(AnalyticsQuery),
    responses((status = 200, body = Analytics), (status = 400, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_analytics(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Json<Analytics>, ApiError> {
    Ok(Json(
        analytics_for(&state, &caller, query.days, query.timezone.as_deref()).await?,
    ))
}
