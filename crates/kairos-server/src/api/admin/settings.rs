//! `/settings`: a host's booking settings (notice, window, buffers, limits, default duration).

use axum::Json;
use axum::extract::State;
use kairos_core::settings::HostSettings;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::availability::HostQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiJson, ApiQuery};
use crate::app::{Caller, hosts};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_settings, put_settings))
}

/// Read a host's booking settings.
#[utoipa::path(get, path = "/settings", tag = "settings", params(HostQuery),
    responses((status = 200, body = HostSettings), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<HostQuery>,
) -> Result<Json<HostSettings>, ApiError> {
    Ok(Json(hosts::settings(&state, &caller, query.user_id).await?))
}

/// Replace a host's booking settings. `dailyLimit` and `weeklyLimit` may be null (no limit).
#[utoipa::path(put, path = "/settings", tag = "settings", params(HostQuery), request_body = HostSettings,
    responses((status = 200, body = HostSettings), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_settings(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<HostQuery>,
    ApiJson(settings): ApiJson<HostSettings>,
) -> Result<Json<HostSettings>, ApiError> {
    Ok(Json(
        hosts::put_settings(&state, &caller, query.user_id, settings).await?,
    ))
}
