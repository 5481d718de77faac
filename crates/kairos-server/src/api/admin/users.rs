//! `/users`: host profiles (the spec's scheduling users).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::ids::{AccountId, UserId};
use kairos_core::settings::HostSettings;
use kairos_core::text::{DisplayName, EmailAddress, Username};
use kairos_core::zone::TimeZoneName;
use kairos_store::{Page, User};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::api::{PageQuery, nullable};
use crate::app::Caller;
use crate::app::hosts::{self, HostChanges, NewHost};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user))
}

/// A new host profile.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateUser {
    username: Username,
    display_name: DisplayName,
    email: EmailAddress,
    /// Defaults to `America/New_York` (the spec's default).
    timezone: Option<TimeZoneName>,
    avatar_url: Option<String>,
    /// An existing login account to link (see `POST /api/admin/accounts`).
    account_id: Option<AccountId>,
    /// Booking settings; the spec's defaults when absent.
    settings: Option<HostSettings>,
}

/// Changes to a host profile; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateUser {
    username: Option<Username>,
    display_name: Option<DisplayName>,
    email: Option<EmailAddress>,
    timezone: Option<TimeZoneName>,
    /// `null` removes the avatar.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    avatar_url: Option<Option<String>>,
    /// Only owners and admins may change this.
    is_active: Option<bool>,
}

/// List host profiles (a member sees only their own).
#[utoipa::path(get, path = "/users", tag = "users", params(PageQuery),
    responses((status = 200, body = Page<User>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<User>>, ApiError> {
    Ok(Json(hosts::list(&state, &caller, query.page()?).await?))
}

/// Create a host profile (owners and admins).
#[utoipa::path(post, path = "/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let host = NewHost {
        username: body.username,
        display_name: body.display_name,
        email: body.email,
        timezone: body.timezone,
        avatar_url: body.avatar_url,
        account_id: body.account_id,
        settings: body.settings,
    };
    let user = hosts::create(&state, &caller, host).await?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Read one host profile.
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = UserId, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(hosts::get(&state, &caller, id).await?))
}

/// Change a host profile.
#[utoipa::path(put, path = "/users/{id}", tag = "users", params(("id" = UserId, Path)),
    request_body = UpdateUser,
    responses((status = 200, body = User), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> Result<Json<User>, ApiError> {
    let changes = HostChanges {
        username: body.username,
        display_name: body.display_name,
        email: body.email,
        timezone: body.timezone,
        avatar_url: body.avatar_url,
        is_active: body.is_active,
        settings: None,
    };
    let user = hosts::update(&state, &caller, id, changes).await?;
    Ok(Json(user))
}
