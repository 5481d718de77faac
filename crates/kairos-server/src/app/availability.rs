//! When a host can be booked: weekly hours in their zone, date overrides (other hours, or none,
//! on one date) and blocked dates (whole days of a range, or some hours of each of its dates).
//! Every function is about one host: the one named, else the caller's own profile, and only one
//! the caller may manage.

use jiff::civil::Date;
use kairos_core::ids::{BlockedDateId, UserId};
use kairos_core::schedule::{BlockedPeriod, DateOverride, TimeWindow, WallTime};
use kairos_store::{
    Availability, AvailabilityUpdate, BlockedDate, NewBlockedDate, Page, PageRequest,
};

use super::{AppError, AppResult, Caller};
use crate::state::AppState;

/// A date written exactly `YYYY-MM-DD` (the API's paths and the console's date fields).
pub fn iso_date(value: &str) -> Option<Date> {
    value.parse::<Date>().ok().filter(|_| value.len() == 10)
}

/// A host's weekly hours and zone.
pub async fn weekly_hours(
    state: &AppState,
    caller: &Caller,
    host: Option<UserId>,
) -> AppResult<Availability> {
    let host = caller.target_user(host)?;
    state
        .store
        .availability(caller.tenant(), host)
        .await
        .map_err(AppError::from_store("user"))
}

/// Replaces a host's weekly hours and zone (the whole week: days left out are closed).
pub async fn replace_weekly_hours(
    state: &AppState,
    caller: &Caller,
    host: Option<UserId>,
    update: AvailabilityUpdate,
) -> AppResult<Availability> {
    let host = caller.target_user(host)?;
    state
        .store
        .put_availability(caller.tenant(), caller.actor(), host, update)
        .await
        .map_err(AppError::from_store("user"))
}

/// A host's date overrides with dates in `[from, to]` (either bound open), by date. `to`
/// before `from` is a 400 naming `to`.
pub async fn date_overrides(
    state: &AppState,
    caller: &Caller,
    host: Option<UserId>,
    from: Option<Date>,
    to: Option<Date>,
) -> AppResult<Vec<DateOverride>> {
    let host = caller.target_user(host)?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(AppError::bad_request("to", "to is before from"));
    }
    state
        .store
        .user(caller.tenant(), host)
        .await
        .map_err(AppError::from_store("user"))?;
    Ok(state
        .store
        .list_date_overrides(caller.tenant(), host, from, to)
        .await?)
}

/// Sets (creates or replaces) the hours of one date; empty windows make it a day off.
pub async fn set_date_override(
    state: &AppState,
    caller: &Caller,
    host: Option<UserId>,
    date_override: DateOverride,
) -> AppResult<DateOverride> {
    let host = caller.target_user(host)?;
    state
        .store
        .put_date_override(caller.tenant(), caller.actor(), host, date_override)
        .await
        .map_err(AppError::from_store("user"))
}

/// Removes the override of one date (404 when there was none).
pub async fn remove_date_override(
    state: &AppState,
    caller: &Caller,
    host: Option<UserId>,
    date: Date,
) -> AppResult<()> {
    let host = caller.target_user(host)?;
    state
        .store
        .delete_date_override(caller.tenant(), caller.actor(), host, date)
        .await
        .map_err(AppError::from_store("date override"))
}

/// The period a new block covers: `end_date` defaults to `start_date`; without times it is all
/// day unless `is_all_day` says otherwise, and a partial-day block needs both times. A 422
/// names the field at fault (`isAllDay`, `startTime`, `endTime` or `endDate`).
pub fn blocked_period(
    start_date: Date,
    end_date: Option<Date>,
    is_all_day: Option<bool>,
    start_time: Option<WallTime>,
    end_time: Option<WallTime>,
) -> AppResult<BlockedPeriod> {
    let end_date = end_date.unwrap_or(start_date);
    let has_times = start_time.is_some() || end_time.is_some();
    let all_day = is_all_day.unwrap_or(!has_times);
    let hours = match (all_day, start_time, end_time) {
        (true, None, None) => None,
        (true, _, _) => {
            return Err(AppError::validation(
                "isAllDay",
                "an all-day block takes no startTime or endTime",
            ));
        }
        (false, Some(start), Some(end)) => Some(
            TimeWindow::new(start, end)
                .map_err(|e| AppError::validation("endTime", e.message()))?,
        ),
        (false, None, _) => {
            return Err(AppError::validation(
                "startTime",
                "a partial-day block needs startTime",
            ));
        }
        (false, Some(_), None) => {
            return Err(AppError::validation(
                "endTime",
                "a partial-day block needs endTime",
            ));
        }
    };
    BlockedPeriod::new(start_date, end_date, hours)
        .map_err(|e| AppError::validation("endDate", e.message()))
}

/// A host's blocked dates, by start date.
pub async fn blocked_dates(
    state: &AppState,
    caller: &Caller,
    host: Option<UserId>,
    page: PageRequest,
) -> AppResult<Page<BlockedDate>> {
    let host = caller.target_user(host)?;
    state
        .store
        .user(caller.tenant(), host)
        .await
        .map_err(AppError::from_store("user"))?;
    Ok(state
        .store
        .list_blocked_dates(caller.tenant(), host, page)
        .await?)
}

/// Blocks a period for a host.
pub async fn block(
    state: &AppState,
    caller: &Caller,
    host: Option<UserId>,
    blocked: NewBlockedDate,
) -> AppResult<BlockedDate> {
    let host = caller.target_user(host)?;
    state
        .store
        .create_blocked_date(caller.tenant(), caller.actor(), host, blocked)
        .await
        .map_err(AppError::from_store("user"))
}

/// Removes a blocked range if the caller may manage its host (404 for another tenant's id, 403
/// for a member and another host's block); returns what was removed.
pub async fn unblock(
    state: &AppState,
    caller: &Caller,
    id: BlockedDateId,
) -> AppResult<BlockedDate> {
    let blocked = state
        .store
        .blocked_date(caller.tenant(), id)
        .await
        .map_err(AppError::from_store("blocked date"))?;
    caller.require_manage(blocked.user_id)?;
    state
        .store
        .delete_blocked_date(caller.tenant(), caller.actor(), id)
        .await
        .map_err(AppError::from_store("blocked date"))?;
    Ok(blocked)
}

/// What the console's dates page shows of a host, from `today` in the zone of their weekly
/// hours on: the zone, the overrides and the blocked periods that have not ended.
#[derive(Debug)]
pub struct UpcomingDates {
    pub zone: kairos_core::zone::TimeZoneName,
    pub today: Date,
    pub overrides: Vec<DateOverride>,
    pub blocked: Vec<BlockedDate>,
}

/// The overrides and blocked periods of a host from today (in the zone of their weekly hours,
/// which may differ from the profile's display zone) on.
pub async fn upcoming_dates(
    state: &AppState,
    caller: &Caller,
    host: UserId,
) -> AppResult<UpcomingDates> {
    let zone = weekly_hours(state, caller, Some(host)).await?.timezone;
    let today = state
        .clock
        .now()
        .to_zoned_datetime(zone.time_zone().clone())
        .date();
    let overrides = state
        .store
        .list_date_overrides(caller.tenant(), host, Some(today), None)
        .await?;
    let blocked = state
        .store
        .list_blocked_dates(
            caller.tenant(),
            host,
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await?
        .items
        .into_iter()
        .filter(|b| b.period.end_date() >= today)
        .collect();
    Ok(UpcomingDates {
        zone,
        today,
        overrides,
        blocked,
    })
}
