//! `/accounts` and `/tokens`: login accounts and API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::ids::AccountId;
use kairos_core::text::EmailAddress;
use kairos_store::{Account, NewAccount, NewApiToken, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Admin, hash_password, issue_token};
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiJson;
use crate::state::AppState;

/// A password hash that no password matches: the account signs in only with API tokens.
pub const NO_PASSWORD: &str = "!";

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_account))
        .routes(routes!(create_token))
}

/// A new login account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateAccount {
    email: EmailAddress,
    role: Role,
    /// At least 10 characters; without one the account uses API tokens only.
    password: Option<String>,
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateToken {
    /// A label, e.g. `ci`.
    name: String,
    /// Whose token; defaults to the caller. Only owners and admins may name another account.
    account_id: Option<AccountId>,
}

/// The token secret, shown once.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct IssuedTokenBody {
    account_id: AccountId,
    /// Send as `Authorization: Bearer <token>`. Only its digest is stored.
    token: String,
}

/// Create a login account (owners and admins; only an owner may create an owner).
#[utoipa::path(post, path = "/accounts", tag = "access", request_body = CreateAccount,
    responses((status = 201, body = Account), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_account(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(body): ApiJson<CreateAccount>,
) -> Result<(StatusCode, Json<Account>), ApiError> {
    admin.require_tenant_manager()?;
    if body.role == Role::Owner && admin.0.role != Role::Owner {
        return Err(ApiError::Forbidden(
            "only an owner may create another owner".to_owned(),
        ));
    }
    let password_hash = match body.password.as_deref() {
        Some(password) => hash_password(password)?,
        None => NO_PASSWORD.to_owned(),
    };
    let account = state
        .store
        .create_account(
            admin.0.tenant_id,
            NewAccount {
                email: body.email,
                password_hash,
                role: body.role,
            },
        )
        .await
        .map_err(ApiError::from_store("account"))?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Issue an API token.
#[utoipa::path(post, path = "/tokens", tag = "access", request_body = CreateToken,
    responses((status = 201, body = IssuedTokenBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(body): ApiJson<CreateToken>,
) -> Result<(StatusCode, Json<IssuedTokenBody>), ApiError> {
    let name = body.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::validation(
            "name",
            "a token name is 1 to 100 characters",
        ));
    }
    let account = body.account_id.unwrap_or(admin.0.account_id);
    if account != admin.0.account_id {
        admin.require_tenant_manager()?;
    }
    state
        .store
        .account(admin.0.tenant_id, account)
        .await
        .map_err(ApiError::from_store("account"))?;
    let issued = issue_token();
    state
        .store
        .create_api_token(
            admin.0.tenant_id,
            NewApiToken {
                account_id: account,
                name: name.to_owned(),
                digest: issued.digest,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedTokenBody {
            account_id: account,
            token: issued.secret,
        }),
    ))
}
