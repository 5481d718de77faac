//! `…/users/{username}/{eventSlug}/slots`: the free start times of an event type.

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use kairos_core::zone::TimeZoneName;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::public_event_type;
use crate::booking::{MAX_SLOT_DAYS, SlotsBody, list_slots};
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
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

fn parse_date(field: &str, value: &str) -> Result<Date, ApiError> {
    value
        .parse::<Date>()
        .ok()
        .filter(|_| value.len() == 10)
        .ok_or_else(|| {
            ApiError::bad_request(
                field,
                format!("{field} must be a date YYYY-MM-DD, got {value:?}"),
            )
        })
}

fn date_range(query: &SlotsQuery) -> Result<(Date, Date), ApiError> {
    match (&query.date, &query.from, &query.to) {
        (Some(date), None, None) => {
            let date = parse_date("date", date)?;
            Ok((date, date))
        }
        (None, Some(from), Some(to)) => {
            let from = parse_date("from", from)?;
            let to = parse_date("to", to)?;
            if to < from {
                return Err(ApiError::bad_request("to", "to is before from"));
            }
            let days = (to - from).get_days() + 1;
            if days > MAX_SLOT_DAYS {
                return Err(ApiError::bad_request(
                    "to",
                    format!("a range covers at most {MAX_SLOT_DAYS} days, got {days}"),
                ));
            }
            Ok((from, to))
        }
        (None, Some(_), None) => Err(ApiError::bad_request("to", "from needs to")),
        (None, None, Some(_)) => Err(ApiError::bad_request("from", "to needs from")),
        (None, None, None) => Err(ApiError::bad_request("date", "give date, or from and to")),
        (Some(_), _, _) => Err(ApiError::bad_request(
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
            TimeZoneName::parse(zone).map_err(|e| ApiError::bad_request("timezone", e.message()))
        })
        .transpose()?;
    let page = public_event_type(&state, &tenant_slug, &username, &event_slug).await?;
    let zone = zone.unwrap_or_else(|| page.host.timezone.clone());
    Ok(Json(
        list_slots(
            &state,
            &page.host,
            &page.event_type,
            page.schedule_version,
            &zone,
            from,
            to,
        )
        .await?,
    ))
}
