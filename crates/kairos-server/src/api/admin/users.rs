//! `/users`: host profiles (the spec's scheduling users).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::ids::{AccountId, UserId};
use kairos_core::settings::HostSettings;
use kairos_core::text::{DisplayName, EmailAddress, Username};
use kairos_core::zone::TimeZoneName;
use kairos_store::{Actor, NewUser, Page, User, UserFilter, UserUpdate};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::{PageQuery, nullable};
use crate::auth::Admin;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
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

/// Usernames the booking pages use as path segments (`/book/{tenant}/booking/…`), which a
/// host's page could never be reached under.
pub const RESERVED_USERNAMES: [&str; 3] = ["booking", "cancel", "reschedule"];

/// Refuses a username the booking pages reserve.
pub fn check_username(username: &Username) -> Result<(), ApiError> {
    if RESERVED_USERNAMES.contains(&username.as_str()) {
        return Err(ApiError::validation(
            "username",
            format!("{username:?} is reserved for the booking pages; choose another username"),
        ));
    }
    Ok(())
}

/// Checks an avatar URL (the API's and the console's): blank means none; otherwise an http(s)
/// URL of at most 2000 characters without spaces. A 422 names `avatarUrl`.
pub(crate) fn avatar_url(value: Option<String>) -> Result<Option<String>, ApiError> {
    let Some(url) = value.map(|u| u.trim().to_owned()).filter(|u| !u.is_empty()) else {
        return Ok(None);
    };
    let scheme_ok = url.starts_with("https://") || url.starts_with("http://");
    if !scheme_ok || url.len() > 2000 || url.chars().any(char::is_whitespace) {
        return Err(ApiError::validation(
            "avatarUrl",
            "an avatar URL must be an http(s) URL of at most 2000 characters",
        ));
    }
    Ok(Some(url))
}

/// List host profiles (a member sees only their own).
#[utoipa::path(get, path = "/users", tag = "users", params(PageQuery),
    responses((status = 200, body = Page<User>), (status = 401, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_users(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<User>>, ApiError> {
    let filter = UserFilter {
        only: if admin.0.role.manages_tenant() {
            None
        } else {
            Some(admin.0.user_id.unwrap_or_default())
        },
        active_only: false,
    };
    let page = state
        .store
        .list_users(admin.0.tenant_id, filter, query.page()?)
        .await?;
    Ok(Json(page))
}

/// Create a host profile (owners and admins).
#[utoipa::path(post, path = "/users", tag = "users", request_body = CreateUser,
    responses((status = 201, body = User), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_user(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(body): ApiJson<CreateUser>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    admin.require_tenant_manager()?;
    let tenant = admin.0.tenant_id;
    if let Some(account) = body.account_id {
        state
            .store
            .account(tenant, account)
            .await
            .map_err(ApiError::from_store("account"))?;
    }
    check_username(&body.username)?;
    let timezone = match body.timezone {
        Some(zone) => zone,
        None => TimeZoneName::parse("America/New_York")
            .map_err(|e| ApiError::Internal(e.to_string().into()))?,
    };
    let user = state
        .store
        .create_user(
            tenant,
            Actor::account(admin.0.account_id),
            NewUser {
                account_id: body.account_id,
                username: body.username,
                display_name: body.display_name,
                email: body.email,
                timezone,
                avatar_url: avatar_url(body.avatar_url)?,
                settings: body.settings.unwrap_or_default(),
            },
        )
        .await
        .map_err(ApiError::from_store("user"))?;
    Ok((StatusCode::CREATED, Json(user)))
}

/// Read one host profile.
#[utoipa::path(get, path = "/users/{id}", tag = "users", params(("id" = UserId, Path)),
    responses((status = 200, body = User), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn get_user(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(id): ApiPath<UserId>,
) -> Result<Json<User>, ApiError> {
    let user = state
        .store
        .user(admin.0.tenant_id, id)
        .await
        .map_err(ApiError::from_store("user"))?;
    admin.require_manage(user.id)?;
    Ok(Json(user))
}

/// Change a host profile.
#[utoipa::path(put, path = "/users/{id}", tag = "users", params(("id" = UserId, Path)),
    request_body = UpdateUser,
    responses((status = 200, body = User), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn update_user(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(id): ApiPath<UserId>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> Result<Json<User>, ApiError> {
    let tenant = admin.0.tenant_id;
    let current = state
        .store
        .user(tenant, id)
        .await
        .map_err(ApiError::from_store("user"))?;
    admin.require_manage(current.id)?;
    if body.is_active.is_some() {
        admin.require_tenant_manager()?;
    }
    let mut update = UserUpdate::from(current);
    if let Some(username) = body.username {
        check_username(&username)?;
        update.username = username;
    }
    if let Some(name) = body.display_name {
        update.display_name = name;
    }
    if let Some(email) = body.email {
        update.email = email;
    }
    if let Some(zone) = body.timezone {
        update.timezone = zone;
    }
    if let Some(avatar) = body.avatar_url {
        update.avatar_url = avatar_url(avatar)?;
    }
    if let Some(active) = body.is_active {
        update.is_active = active;
    }
    let user = state
        .store
        .update_user(tenant, Actor::account(admin.0.account_id), id, update)
        .await
        .map_err(ApiError::from_store("user"))?;
    Ok(Json(user))
}
