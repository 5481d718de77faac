//! `/settings`: a host's booking settings (notice, window, buffers, limits, default duration).

use axum::Json;
use axum::extract::State;
use kairos_core::settings::HostSettings;
use kairos_store::{Actor, UserUpdate};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::availability::HostQuery;
use crate::auth::Admin;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiQuery};
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
    admin: Admin,
    ApiQuery(query): ApiQuery<HostQuery>,
) -> Result<Json<HostSettings>, ApiError> {
    let user = admin.target_user(query.user_id)?;
    let user = state
        .store
        .user(admin.0.tenant_id, user)
        .await
        .map_err(ApiError::from_store("user"))?;
    Ok(Json(user.settings))
}

/// Replace a host's booking settings. `dailyLimit` and `weeklyLimit` may be null (no limit).
#[utoipa::path(put, path = "/settings", tag = "settings", params(HostQuery), request_body = HostSettings,
    responses((status = 200, body = HostSettings), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn put_settings(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<HostQuery>,
    ApiJson(settings): ApiJson<HostSettings>,
) -> Result<Json<HostSettings>, ApiError> {
    let user = admin.target_user(query.user_id)?;
    let current = state
        .store
        .user(admin.0.tenant_id, user)
        .await
        .map_err(ApiError::from_store("user"))?;
    let mut update = UserUpdate::from(current);
    update.settings = settings;
    let saved = state
        .store
        .update_user(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            user,
            update,
        )
        .await
        .map_err(ApiError::from_store("user"))?;
    Ok(Json(saved.settings))
}
