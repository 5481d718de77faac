//! `/analytics`: counts of the bookings made in the last N days (owners and admins see the
//! tenant; a member sees their own bookings).

use axum::Json;
use axum::extract::State;
use jiff::SignedDuration;
use kairos_core::zone::TimeZoneName;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::analytics::{Analytics, summarize};
use crate::auth::Admin;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
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
    admin: Admin,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Json<Analytics>, ApiError> {
    Ok(Json(
        analytics_for(&state, &admin, query.days, query.timezone.as_deref()).await?,
    ))
}

/// The analytics of the `days` (default 30; 1–365, else a 400 naming `days`) up to now, in
/// `timezone` (default: the caller's host profile zone, else UTC): the tenant's bookings for
/// owners and admins, a member's own otherwise. The console's analytics page calls this too.
pub(crate) async fn analytics_for(
    state: &AppState,
    admin: &Admin,
    days: Option<i64>,
    timezone: Option<&str>,
) -> Result<Analytics, ApiError> {
    let days = days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        return Err(ApiError::bad_request(
            "days",
            "days must be between 1 and 365",
        ));
    }
    let tenant = admin.0.tenant_id;
    let zone = match (timezone, admin.0.user_id) {
        (Some(zone), _) => {
            TimeZoneName::parse(zone).map_err(|e| ApiError::bad_request("timezone", e.message()))?
        }
        (None, Some(user)) => state.store.user(tenant, user).await?.timezone,
        (None, None) => TimeZoneName::utc(),
    };
    let now = state.clock.now();
    let mut bookings = state
        .store
        .bookings_created_between(tenant, now - SignedDuration::from_hours(24 * days), now)
        .await?;
    if !admin.0.role.manages_tenant() {
        bookings.retain(|b| Some(b.host_user_id) == admin.0.user_id);
    }
    Ok(summarize(
        &bookings,
        zone.as_str(),
        zone.time_zone(),
        days,
        now,
    ))
}
