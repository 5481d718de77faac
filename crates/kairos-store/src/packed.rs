//! Decoding of the JSON arrays a backend may pack a schedule snapshot into: one statement that
//! returns a host's overrides, blocked dates and bookings as three arrays is much cheaper than
//! three result sets. The shapes are fixed here so every backend packs the same way.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::schedule::{BlockedPeriod, DateOverride, TimeWindow};

use crate::{StoreError, StoreResult};

fn corrupt(column: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::corrupt(column, error)
}

fn from_seconds(seconds: i64) -> StoreResult<Timestamp> {
    Timestamp::from_second(seconds).map_err(|e| corrupt("timestamp", e))
}

/// Decodes the JSON array `[[date, windows], …]` the snapshot query packs.
pub fn date_overrides_from_json(packed: &str) -> StoreResult<Vec<DateOverride>> {
    let rows: Vec<(String, kairos_core::schedule::DayWindows)> =
        serde_json::from_str(packed).map_err(|e| corrupt("date_overrides", e))?;
    rows.into_iter()
        .map(|(date, windows)| {
            Ok(DateOverride {
                date: Date::from_str(&date).map_err(|e| corrupt("date", e))?,
                windows,
            })
        })
        .collect()
}

/// Decodes the JSON array `[[start_date, end_date, start_time, end_time], …]` the snapshot
/// query packs (times null for all-day blocks).
pub fn blocked_periods_from_json(packed: &str) -> StoreResult<Vec<BlockedPeriod>> {
    type Packed = (String, String, Option<String>, Option<String>);
    let rows: Vec<Packed> =
        serde_json::from_str(packed).map_err(|e| corrupt("blocked_dates", e))?;
    rows.into_iter()
        .map(|(start, end, start_time, end_time)| {
            let hours = match (start_time, end_time) {
                (Some(start), Some(end)) => {
                    Some(TimeWindow::parse(&start, &end).map_err(|e| corrupt("start_time", e))?)
                }
                _ => None,
            };
            BlockedPeriod::new(
                Date::from_str(&start).map_err(|e| corrupt("start_date", e))?,
                Date::from_str(&end).map_err(|e| corrupt("end_date", e))?,
                hours,
            )
            .map_err(|e| corrupt("end_date", e))
        })
        .collect()
}

/// Decodes the JSON array `[[id, start, end, before, after], …]` the snapshot query packs.
pub fn existing_bookings_from_json(
    packed: &str,
) -> StoreResult<Vec<kairos_core::slots::ExistingBooking>> {
    let rows: Vec<(String, i64, i64, i32, i32)> =
        serde_json::from_str(packed).map_err(|e| corrupt("bookings", e))?;
    rows.into_iter()
        .map(|(id, start, end, before, after)| {
            Ok(kairos_core::slots::ExistingBooking {
                id: kairos_core::ids::BookingId::from_str(&id).map_err(|e| corrupt("id", e))?,
                start: from_seconds(start)?,
                end: from_seconds(end)?,
                buffer_before_mins: before,
                buffer_after_mins: after,
            })
        })
        .collect()
}
