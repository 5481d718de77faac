//! The JSON API: `/api/admin/scheduling/…` (bearer token, tenant from the credential) and the
//! OpenAPI document describing it, generated from the handlers.

pub mod admin;
mod auth;
pub mod error;
pub mod extract;
pub mod public;

use kairos_store::PageRequest;
use serde::Deserialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

use crate::app::{AppError, AppResult};
use crate::state::AppState;

/// The document's fixed parts; paths and schemas are added by the routers.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kairos API",
        description = "Multi-tenant scheduling and booking. Admin routes take `Authorization: Bearer <token>`; errors look like `{\"error\": {\"code\", \"message\", \"field\"}}`."
    ),
    modifiers(&BearerAuth),
    components(schemas(error::ErrorBody))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// Every API route, with its OpenAPI description. Public writes pass `abuse` (Origin check and
/// rate limit) first.
pub fn router(abuse: crate::abuse::AbuseGuard) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/admin/scheduling", admin::router())
        .nest(
            "/api/public/scheduling/{tenantSlug}",
            public::router().layer(axum::middleware::from_fn_with_state(
                abuse,
                crate::abuse::guard_public_writes,
            )),
        )
}

/// `limit` and `offset` of a list request.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Rows per page, 1–200 (default 50).
    pub limit: Option<u32>,
    /// Rows to skip (default 0).
    pub offset: Option<u32>,
}

impl PageQuery {
    /// The validated page.
    pub fn page(&self) -> AppResult<PageRequest> {
        let limit = self.limit.unwrap_or(PageRequest::DEFAULT_LIMIT);
        if limit == 0 || limit > PageRequest::MAX_LIMIT {
            return Err(AppError::bad_request(
                "limit",
                format!("limit must be between 1 and {}", PageRequest::MAX_LIMIT),
            ));
        }
        Ok(PageRequest::new(limit, self.offset.unwrap_or(0)))
    }
}

/// Deserialises a field that distinguishes "absent" (`None`, via `#[serde(default)]`) from
/// "explicitly null" (`Some(None)`).
pub fn nullable<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
