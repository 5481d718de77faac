//! `/blocked-dates`: time a host is away, all day or some hours of each date in a range.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::ids::{BlockedDateId, UserId};
use kairos_core::schedule::{BlockedPeriod, WallTime};
use kairos_core::text::LongText;
use kairos_store::{BlockedDate, NewBlockedDate, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::PageQuery;
use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiJson, ApiPath, ApiQuery};
use crate::app::availability::{self, blocked_period};
use crate::app::{AppError, Caller};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_blocked_dates, create_blocked_date))
        .routes(routes!(delete_blocked_date))
}

/// A host and a page.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// The host; defaults to the caller's own profile.
    user_id: Option<UserId>,
    limit: Option<u32>,
    offset: Option<u32>,
}

/// A new blocked range. Without times it blocks whole days; with `startTime` and `endTime`
/// it blocks those local hours on each date of the range.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateBlockedDate {
    user_id: Option<UserId>,
    #[schema(value_type = String, format = Date)]
    start_date: Date,
    /// Defaults to `startDate`.
    #[schema(value_type = Option<String>, format = Date)]
    end_date: Option<Date>,
    reason: Option<LongText>,
    /// Defaults to true unless times are given.
    is_all_day: Option<bool>,
    start_time: Option<WallTime>,
    end_time: Option<WallTime>,
}

/// A blocked range as the API shows it (the spec's columns).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct BlockedDateBody {
    id: BlockedDateId,
    user_id: UserId,
    #[schema(value_type = String, format = Date)]
    start_date: Date,
    #[schema(value_type = String, format = Date)]
    end_date: Date,
    reason: Option<LongText>,
    is_all_day: bool,
    start_time: Option<WallTime>,
    end_time: Option<WallTime>,
    #[schema(value_type = String, format = DateTime)]
    created_at: Timestamp,
}

impl From<BlockedDate> for BlockedDateBody {
    fn from(blocked: BlockedDate) -> Self {
        let hours = blocked.period.hours();
        Self {
            id: blocked.id,
            user_id: blocked.user_id,
            start_date: blocked.period.start_date(),
            end_date: blocked.period.end_date(),
            reason: blocked.reason,
            is_all_day: hours.is_none(),
            start_time: hours.map(|h| h.start()),
            end_time: hours.map(|h| h.end()),
            created_at: blocked.created_at,
        }
    }
}

fn period(body: &CreateBlockedDate) -> Result<BlockedPeriod, AppError> {
    blocked_period(
        body.start_date,
        body.end_date,
        body.is_all_day,
        body.start_time,
        body.end_time,
    )
}

/// List a host's blocked dates, by start date.
#[utoipa::path(get, path = "/blocked-dates", tag = "availability", params(ListQuery),
    responses((status = 200, body = Page<BlockedDateBody>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_blocked_dates(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Page<BlockedDateBody>>, ApiError> {
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page()?;
    let blocked = availability::blocked_dates(&state, &caller, query.user_id, page).await?;
    Ok(Json(blocked.map(BlockedDateBody::from)))
}

/// Block a date range.
#[utoipa::path(post, path = "/blocked-dates", tag = "availability", request_body = CreateBlockedDate,
    responses((status = 201, body = BlockedDateBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_blocked_date(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<CreateBlockedDate>,
) -> Result<(StatusCode, Json<BlockedDateBody>), ApiError> {
    let period = period(&body)?;
    let blocked = NewBlockedDate {
        period,
        reason: body.reason,
    };
    let created = availability::block(&state, &caller, body.user_id, blocked).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Remove a blocked range.
#[utoipa::path(delete, path = "/blocked-dates/{id}", tag = "availability", params(("id" = BlockedDateId, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_blocked_date(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<BlockedDateId>,
) -> Result<StatusCode, ApiError> {
    availability::unblock(&state, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
