//! `/accounts` and `/tokens`: login accounts and API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kairos_core::ids::AccountId;
use kairos_core::text::EmailAddress;
use kairos_store::{Account, Role};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::ApiJson;
use crate::app::{Caller, access};
use crate::state::AppState;

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
    caller: Caller,
    ApiJson(body): ApiJson<CreateAccount>,
) -> Result<(StatusCode, Json<Account>), ApiError> {
    let account = access::create_account(
        &state,
        &caller,
        body.email,
        body.role,
        body.password.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// Issue an API token.
#[utoipa::path(post, path = "/tokens", tag = "access", request_body = CreateToken,
    responses((status = 201, body = IssuedTokenBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateToken>,
) -> Result<(StatusCode, Json<IssuedTokenBody>), ApiError> {
    let (account, token) =
        access::create_token(&state, &caller, &body.name, body.account_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(IssuedTokenBody {
            account_id: account,
            token,
        }),
    ))
}
