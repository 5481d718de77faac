//! `…/users/{username}/{eventSlug}/slots`: the free start times of an event type.

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use kairos_core::slots::SlotDay;
use kairos_core::zone::TimeZoneName;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::api::error::{ApiError, ErrorBody};
use crate::api::extract::{ApiPath, ApiQuery};
use crate::app::AppError;
use crate::app::booking::{self, MAX_SLOT_DAYS};
use crate::state::AppState;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_slots))
}

/// Which days, in which zone. Give `date`, or `from` and `to` (at most 62 days).
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SlotsQuery {
    /// One invitee-local date, `YYYY-MM-DD`.
    date: Option<String>,
    /// First invitee-local date of a range.
    from: Option<String>,
    /// Last invitee-local date of a range (inclusive).
    to: Option<String>,
    /// The invitee's IANA zone (default: the host's zone).
    timezone: Option<String>,
}

fn parse_date(field: &str, value: &str) -> Result<Date, AppError> {
    value
        .parse::<Date>()
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| {
            AppError::bad_request(
                field,
                format!("{field} must be a date YYYY-MM-DD, got {value:?}"),
            )
        })
}

fn date_range(query: &SlotsQuery) -> Result<(Date, Date), AppError> {
    match (&query.date, &query.from, &query.to) {
        (Some(date), None, None) => {
            let date = parse_date("date", date)?;
            Ok((date, date))
        }
        (None, Some(from), Some(to)) => {
            let from = parse_date("from", from)?;
            let to = parse_date("to", to)?;
            if to < from {
                return Err(AppError::bad_request("to", "to is before from"));
            }
            let days = (to - from).get_days() + 1;
            if days > MAX_SLOT_DAYS {
                return Err(AppError::bad_request(
                    "to",
                    format!("a range covers at most {MAX_SLOT_DAYS} days, got {days}"),
                ));
            }
            Ok((from, to))
        }
        (None, Some(_), None) => Err(AppError::bad_request("to", "from needs to")),
        (None, None, Some(_)) => Err(AppError::bad_request("from", "to needs from")),
        (None, None, None) => Err(AppError::bad_request("date", "give date, or from and to")),
        (Some(_), _, _) => Err(AppError::bad_request(
            "date",
            "give date, or from and to, not both",
        )),
    }
}

/// Free start times, grouped by the invitee's local date, with the invitee's offsets.
#[utoipa::path(get, path = "/users/{username}/{eventSlug}/slots", tag = "public",
    params(("tenantSlug" = String, Path), ("username" = String, Path), ("eventSlug" = String, Path), SlotsQuery),
    responses((status = 200, body = SlotsBody), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_slots(
    State(state): State<AppState>,
    ApiPath((tenant_slug, username, event_slug)): ApiPath<(String, String, String)>,
    ApiQuery(query): ApiQuery<SlotsQuery>,
) -> Result<Json<SlotsBody>, ApiError> {
    let (from, to) = date_range(&query)?;
    let zone = query
        .timezone
        .as_deref()
        .map(|zone| {
            TimeZoneName::parse(zone).map_err(|e| AppError::bad_request("timezone", e.message()))
        })
        .transpose()?;
    let slugs = (tenant_slug.as_str(), username.as_str(), event_slug.as_str());
    let (zone, days) = booking::public_slots(&state, slugs, zone, from, to).await?;
    Ok(Json(slots_body(&zone, days)))
}

/// One slot as the API shows it: RFC 3339 instants with the invitee's offset.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotBody {
    /// e.g. `2026-12-01T09:00:00-05:00`.
    pub start: String,
    pub end: String,
}

/// The slots of one invitee-local date.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotDayBody {
    /// `YYYY-MM-DD` in the invitee's zone.
    pub date: String,
    pub slots: Vec<SlotBody>,
}

/// The answer of a slots request.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotsBody {
    /// The invitee zone the days are grouped in.
    pub timezone: String,
    pub days: Vec<SlotDayBody>,
}

fn slots_body(zone: &TimeZoneName, days: Vec<SlotDay>) -> SlotsBody {
    SlotsBody {
        timezone: zone.to_string(),
        days: days
            .into_iter()
            .map(|day| SlotDayBody {
                date: day.date.to_string(),
                slots: day
                    .slots
                    .into_iter()
                    .map(|slot| SlotBody {
                        start: slot
                            .start
                            .timestamp()
                            .display_with_offset(slot.start.offset())
                            .to_string(),
                        end: slot
                            .end
                            .timestamp()
                            .display_with_offset(slot.end.offset())
                            .to_string(),
                    })
                    .collect(),
            })
            .collect(),
    }
}
