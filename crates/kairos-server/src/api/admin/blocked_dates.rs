//! `/blocked-dates`: time a host is away, all day or some hours of each date in a range.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::ids::{BlockedDateId, UserId};
use kairos_core::schedule::{BlockedPeriod, TimeWindow, WallTime};
use kairos_core::text::LongText;
use kairos_store::{Actor, BlockedDate, NewBlockedDate, Page};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::PageQuery;
use crate::auth::Admin;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
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

fn period(body: &CreateBlockedDate) -> Result<BlockedPeriod, ApiError> {
    blocked_period(
        body.start_date,
        body.end_date,
        body.is_all_day,
        body.start_time,
        body.end_time,
    )
}

/// The period a new block covers (the API's body and the console's forms): `end_date`
/// defaults to `start_date`; without times it is all day unless `is_all_day` says otherwise,
/// and a partial-day block needs both times. A 422 names the API field at fault
/// (`isAllDay`, `startTime`, `endTime` or `endDate`).
pub(crate) fn blocked_period(
    start_date: Date,
    end_date: Option<Date>,
    is_all_day: Option<bool>,
    start_time: Option<WallTime>,
    end_time: Option<WallTime>,
) -> Result<BlockedPeriod, ApiError> {
    let end_date = end_date.unwrap_or(start_date);
    let has_times = start_time.is_some() || end_time.is_some();
    let all_day = is_all_day.unwrap_or(!has_times);
    let hours = match (all_day, start_time, end_time) {
        (true, None, None) => None,
        (true, _, _) => {
            return Err(ApiError::validation(
                "isAllDay",
                "an all-day block takes no startTime or endTime",
            ));
        }
        (false, Some(start), Some(end)) => Some(
            TimeWindow::new(start, end)
                .map_err(|e| ApiError::validation("endTime", e.message()))?,
        ),
        (false, None, _) => {
            return Err(ApiError::validation(
                "startTime",
                "a partial-day block needs startTime",
            ));
        }
        (false, Some(_), None) => {
            return Err(ApiError::validation(
                "endTime",
                "a partial-day block needs endTime",
            ));
        }
    };
    BlockedPeriod::new(start_date, end_date, hours)
        .map_err(|e| ApiError::validation("endDate", e.message()))
}

/// Removes a blocked range if the caller may manage its host (404 for another tenant's id, 403
/// for a member and another host's block); returns what was removed.
pub(crate) async fn remove_blocked_date(
    state: &AppState,
    admin: &Admin,
    id: BlockedDateId,
) -> Result<BlockedDate, ApiError> {
    let blocked = state
        .store
        .blocked_date(admin.0.tenant_id, id)
        .await
        .map_err(ApiError::from_store("blocked date"))?;
    admin.require_manage(blocked.user_id)?;
    state
        .store
        .delete_blocked_date(admin.0.tenant_id, Actor::account(admin.0.account_id), id)
        .await
        .map_err(ApiError::from_store("blocked date"))?;
    Ok(blocked)
}

/// List a host's blocked dates, by start date.
#[utoipa::path(get, path = "/blocked-dates", tag = "availability", params(ListQuery),
    responses((status = 200, body = Page<BlockedDateBody>), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn list_blocked_dates(
    State(state): State<AppState>,
    admin: Admin,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> Result<Json<Page<BlockedDateBody>>, ApiError> {
    let user = admin.target_user(query.user_id)?;
    let page = PageQuery {
        limit: query.limit,
        offset: query.offset,
    }
    .page()?;
    state
        .store
        .user(admin.0.tenant_id, user)
        .await
        .map_err(ApiError::from_store("user"))?;
    let blocked = state
        .store
        .list_blocked_dates(admin.0.tenant_id, user, page)
        .await?;
    Ok(Json(blocked.map(BlockedDateBody::from)))
}

/// Block a date range.
#[utoipa::path(post, path = "/blocked-dates", tag = "availability", request_body = CreateBlockedDate,
    responses((status = 201, body = BlockedDateBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
async fn create_blocked_date(
    State(state): State<AppState>,
    admin: Admin,
    ApiJson(body): ApiJson<CreateBlockedDate>,
) -> Result<(StatusCode, Json<BlockedDateBody>), ApiError> {
    let user = admin.target_user(body.user_id)?;
    let period = period(&body)?;
    let created = state
        .store
        .create_blocked_date(
            admin.0.tenant_id,
            Actor::account(admin.0.account_id),
            user,
            NewBlockedDate {
                period,
                reason: body.reason,
            },
        )
        .await
        .map_err(ApiError::from_store("user"))?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Remove a blocked range.
#[utoipa::path(delete, path = "/blocked-dates/{id}", tag = "availability", params(("id" = BlockedDateId, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
async fn delete_blocked_date(
    State(state): State<AppState>,
    admin: Admin,
    ApiPath(id): ApiPath<BlockedDateId>,
) -> Result<StatusCode, ApiError> {
    remove_blocked_date(&state, &admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
