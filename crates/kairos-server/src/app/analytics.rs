//! Booking analytics, computed from the bookings made in a window.
//!
//! Definitions (the API documents them too):
//! - the window is the `days` days up to now; a booking counts when it was *made* in it;
//! - a reschedule leaves the old booking `rescheduled` and makes a new one, so `rescheduled`
//!   rows are left out: each meeting counts once;
//! - `confirmedBookings` are those still held (confirmed, completed or no-show);
//!   `cancelRate` = cancelled / total;
//! - by weekday and by hour use the meeting's start in the reporting zone; the daily trend uses
//!   the local date the booking was made, with every day of the window present.

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use kairos_core::booking::BookingStatus;
use kairos_core::ids::EventTypeId;
use kairos_core::zone::TimeZoneName;
use kairos_store::Booking;
use serde::Serialize;
use utoipa::ToSchema;

use super::{AppError, AppResult, Caller};
use crate::state::AppState;

/// The headline numbers.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    pub total_bookings: u64,
    pub confirmed_bookings: u64,
    pub cancelled_bookings: u64,
    /// Cancelled ÷ total, 0–1, rounded to 4 places.
    pub cancel_rate: f64,
    /// Total ÷ (days ÷ 7), rounded to 2 places.
    pub avg_bookings_per_week: f64,
}

/// One event type's share.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeCount {
    pub event_type_id: EventTypeId,
    pub event_type_name: String,
    pub count: u64,
    /// Percent of the total, rounded to 1 place.
    pub percentage: f64,
}

/// Bookings made on one local date.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct TrendPoint {
    /// `YYYY-MM-DD` in the reporting zone.
    pub date: String,
    pub count: u64,
}

/// The analytics answer (the spec's shape, plus the window and the zone used).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Analytics {
    /// The reporting zone weekdays, hours and dates are counted in.
    pub timezone: String,
    pub days: i64,
    pub summary: Summary,
    /// Largest first.
    pub by_event_type: Vec<EventTypeCount>,
    /// `mon` … `sun`.
    pub by_day_of_week: BTreeMap<String, u64>,
    /// 24 counts, hour 0 first.
    pub by_hour_of_day: Vec<u64>,
    pub trend: Vec<TrendPoint>,
}

fn round(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}

fn weekday_key(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Monday => "mon",
        Weekday::Tuesday => "tue",
        Weekday::Wednesday => "wed",
        Weekday::Thursday => "thu",
        Weekday::Friday => "fri",
        Weekday::Saturday => "sat",
        Weekday::Sunday => "sun",
    }
}

/// Summarises `bookings` (those made in the window ending at `now`) in `zone`.
pub fn summarize(
    bookings: &[Booking],
    zone_name: &str,
    zone: &TimeZone,
    days: i64,
    now: Timestamp,
) -> Analytics {
    let counted: Vec<&Booking> = bookings
        .iter()
        .filter(|b| b.status != BookingStatus::Rescheduled)
        .collect();
    let total = counted.len() as u64;
    let cancelled = counted
        .iter()
        .filter(|b| b.status == BookingStatus::Cancelled)
        .count() as u64;
    let held = total - cancelled;

    let mut per_type: BTreeMap<EventTypeId, (String, u64)> = BTreeMap::new();
    let mut by_day: BTreeMap<String, u64> = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]
    .into_iter()
    .map(|d| (weekday_key(d).to_owned(), 0))
    .collect();
    let mut by_hour = vec![0u64; 24];
    let mut per_date: BTreeMap<Date, u64> = BTreeMap::new();
    for booking in &counted {
        let entry = per_type
            .entry(booking.event_type_id)
            .or_insert_with(|| (booking.event_type_name.clone(), 0));
        entry.1 += 1;
        let start = zone.to_datetime(booking.start_time);
        *by_day
            .entry(weekday_key(start.weekday()).to_owned())
            .or_default() += 1;
        if let Some(slot) = usize::try_from(start.hour())
            .ok()
            .and_then(|h| by_hour.get_mut(h))
        {
            *slot += 1;
        }
        *per_date
            .entry(zone.to_datetime(booking.created_at).date())
            .or_default() += 1;
    }
    let mut by_event_type: Vec<EventTypeCount> = per_type
        .into_iter()
        .map(|(id, (name, count))| EventTypeCount {
            event_type_id: id,
            event_type_name: name,
            count,
            percentage: if total == 0 {
                0.0
            } else {
                round(count as f64 * 100.0 / total as f64, 1)
            },
        })
        .collect();
    by_event_type.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.event_type_name.cmp(&b.event_type_name))
    });

    let last = zone.to_datetime(now).date();
    let first = zone
        .to_datetime(now - SignedDuration::from_hours(24 * days.max(1)))
        .date()
        .tomorrow()
        .unwrap_or(last);
    let trend = first
        .series(jiff::Span::new().days(1))
        .take_while(|date| *date <= last)
        .map(|date| TrendPoint {
            date: date.to_string(),
            count: per_date.get(&date).copied().unwrap_or(0),
        })
        .collect();

    Analytics {
        timezone: zone_name.to_owned(),
        days,
        summary: Summary {
            total_bookings: total,
            confirmed_bookings: held,
            cancelled_bookings: cancelled,
            cancel_rate: if total == 0 {
                0.0
            } else {
                round(cancelled as f64 / total as f64, 4)
            },
            avg_bookings_per_week: round(total as f64 / (days.max(1) as f64 / 7.0), 2),
        },
        by_event_type,
        by_day_of_week: by_day,
        by_hour_of_day: by_hour,
        trend,
    }
}

/// The analytics of the `days` (default 30; 1–365, else a 400 naming `days`) up to now, in
/// `timezone` (default: the caller's host profile zone, else UTC): the tenant's bookings for
/// owners and admins, a member's own otherwise.
pub async fn analytics_for(
    state: &AppState,
    caller: &Caller,
    days: Option<i64>,
    timezone: Option<&str>,
) -> AppResult<Analytics> {
    let days = days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        return Err(AppError::bad_request(
            "days",
            "days must be between 1 and 365",
        ));
    }
    let tenant = caller.tenant();
    let zone = match (timezone, caller.own_host()) {
        (Some(zone), _) => {
            TimeZoneName::parse(zone).map_err(|e| AppError::bad_request("timezone", e.message()))?
        }
        (None, Some(user)) => state.store.user(tenant, user).await?.timezone,
        (None, None) => TimeZoneName::utc(),
    };
    let now = state.clock.now();
    let mut bookings = state
        .store
        .bookings_created_between(tenant, now - SignedDuration::from_hours(24 * days), now)
        .await?;
    if !caller.manages_tenant() {
        bookings.retain(|b| Some(b.host_user_id) == caller.own_host());
    }
    Ok(summarize(
        &bookings,
        zone.as_str(),
        zone.time_zone(),
        days,
        now,
    ))
}
