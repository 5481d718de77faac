//! `/changelog`: the audit trail every change writes (owners and admins).

use axum::Json;
use axum::extract::State;
use kairos_store::{Change, ChangeFilter, Page};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::PageQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::ApiQuery;
use crate::app::{Caller, changelog};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_changes))
}

/// Which changes to list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ChangeQuery {
    /// e.g. `event_type`, `availability`, `booking`.
    entity_type: Option<String>,
    /// The id of the changed entity.
    entity_id: Option<String>,
    limit: Option<u32>,
    offset: Option<u32>,
}

/// List changes, newest first.
#[utoipa::path(get, path = "/changelog", tag = "changelog", params(ChangeQuery),
    responses((status = 200, body = Page<Change>), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_changes(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ChangeQuery>,
) -> Result<Json<Page<Change>>, ApiError> {
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page()?;
    let filter = ChangeFilter {
        entity_type: query.entity_type,
        entity_id: query.entity_id,
    };
    Ok(Json(changelog::list(&state, &caller, filter, page).await?))
}
