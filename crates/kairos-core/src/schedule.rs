//! Wall-clock availability: times of day, windows, weekly hours, date overrides and blocked
//! periods. All of these are civil (host-local) values; turning them into instants is the slot
//! engine's job.

use std::fmt;

use jiff::civil::{Date, Time, Weekday};
use serde::{Deserialize, Serialize};

use crate::ParseError;

/// A wall-clock time of day with minute precision, `00:00` through `24:00`.
///
/// `24:00` means "the end of the day" and is only meaningful as the end of a window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct WallTime(u16);

impl WallTime {
    /// Midnight at the start of the day.
    pub const START_OF_DAY: WallTime = WallTime(0);
    /// Midnight at the end of the day (`24:00`).
    pub const END_OF_DAY: WallTime = WallTime(24 * 60);

    /// Parses `HH:MM` (two digits each, `00:00`–`24:00`).
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        let invalid = || {
            ParseError::new(format!(
                "times are written HH:MM between 00:00 and 24:00, got {value:?}"
            ))
        };
        let bytes = value.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' {
            return Err(invalid());
        }
        let digits = |range: std::ops::Range<usize>| -> Result<u16, ParseError> {
            let part = &value[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        let hours = digits(0..2)?;
        let minutes = digits(3..5)?;
        if minutes > 59 || hours > 24 || (hours == 24 && minutes != 0) {
            return Err(invalid());
        }
        Ok(Self(hours * 60 + minutes))
    }

    /// Builds a time from minutes since midnight, `0..=1440`.
    pub fn from_minutes(minutes: u16) -> Result<Self, ParseError> {
        if minutes > 24 * 60 {
            return Err(ParseError::new(format!(
                "a time of day is at most 1440 minutes, got {minutes}"
            )));
        }
        Ok(Self(minutes))
    }

    /// Minutes since midnight, `0..=1440`.
    pub const fn minutes(self) -> u16 {
        self.0
    }

    /// The civil time, or `None` for `24:00` (which is the next day's midnight).
    pub fn to_civil(self) -> Option<Time> {
        if self == Self::END_OF_DAY {
            return None;
        }
        // Both parts are in range by construction.
        Time::new((self.0 / 60) as i8, (self.0 % 60) as i8, 0, 0).ok()
    }
}

impl TryFrom<String> for WallTime {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<WallTime> for String {
    fn from(value: WallTime) -> String {
        value.to_string()
    }
}

impl fmt::Display for WallTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

/// A wall-clock interval `[start, end)` within one day; `start < end`, `end` may be `24:00`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RawTimeWindow")]
pub struct TimeWindow {
    start: WallTime,
    end: WallTime,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTimeWindow {
    start: WallTime,
    end: WallTime,
}

impl TryFrom<RawTimeWindow> for TimeWindow {
    type Error = ParseError;
    fn try_from(raw: RawTimeWindow) -> Result<Self, ParseError> {
        Self::new(raw.start, raw.end)
    }
}

impl TimeWindow {
    /// A window from `start` to `end`; refused unless `start < end`.
    pub fn new(start: WallTime, end: WallTime) -> Result<Self, ParseError> {
        if start >= end {
            return Err(ParseError::new(format!(
                "a window must start before it ends, got {start}–{end}"
            )));
        }
        Ok(Self { start, end })
    }

    /// Parses `"HH:MM"`, `"HH:MM"` into a window.
    pub fn parse(start: &str, end: &str) -> Result<Self, ParseError> {
        Self::new(WallTime::parse(start)?, WallTime::parse(end)?)
    }

    /// Where the window starts.
    pub const fn start(&self) -> WallTime {
        self.start
    }

    /// Where the window ends (`24:00` = midnight at the end of the day).
    pub const fn end(&self) -> WallTime {
        self.end
    }
}

/// The windows of one day: sorted by start, none overlapping (touching is allowed and means
/// one continuous window), at most [`DayWindows::MAX`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<TimeWindow>", into = "Vec<TimeWindow>")]
pub struct DayWindows(Vec<TimeWindow>);

impl DayWindows {
    /// The most windows one day may hold.
    pub const MAX: usize = 24;

    /// Validates and sorts a day's windows.
    pub fn new(mut windows: Vec<TimeWindow>) -> Result<Self, ParseError> {
        if windows.len() > Self::MAX {
            return Err(ParseError::new(format!(
                "a day holds at most {} windows, got {}",
                Self::MAX,
                windows.len()
            )));
        }
        windows.sort();
        for pair in windows.windows(2) {
            if pair[1].start < pair[0].end {
                return Err(ParseError::new(format!(
                    "windows overlap: {}–{} and {}–{}",
                    pair[0].start, pair[0].end, pair[1].start, pair[1].end
                )));
            }
        }
        Ok(Self(windows))
    }

    /// No windows: a day off.
    pub fn none() -> Self {
        Self(Vec::new())
    }

    /// The windows, sorted by start.
    pub fn as_slice(&self) -> &[TimeWindow] {
        &self.0
    }

    /// True when the day has no windows.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl TryFrom<Vec<TimeWindow>> for DayWindows {
    type Error = ParseError;
    fn try_from(value: Vec<TimeWindow>) -> Result<Self, ParseError> {
        Self::new(value)
    }
}

impl From<DayWindows> for Vec<TimeWindow> {
    fn from(value: DayWindows) -> Self {
        value.0
    }
}

/// A host's weekly hours: for each weekday the wall-clock windows in the host's zone.
///
/// A day left out of the JSON is a day off.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "lowercase")]
pub struct WeeklySchedule {
    #[serde(default)]
    pub monday: DayWindows,
    #[serde(default)]
    pub tuesday: DayWindows,
    #[serde(default)]
    pub wednesday: DayWindows,
    #[serde(default)]
    pub thursday: DayWindows,
    #[serde(default)]
    pub friday: DayWindows,
    #[serde(default)]
    pub saturday: DayWindows,
    #[serde(default)]
    pub sunday: DayWindows,
}

impl WeeklySchedule {
    /// No hours on any day.
    pub fn empty() -> Self {
        Self {
            monday: DayWindows::none(),
            tuesday: DayWindows::none(),
            wednesday: DayWindows::none(),
            thursday: DayWindows::none(),
            friday: DayWindows::none(),
            saturday: DayWindows::none(),
            sunday: DayWindows::none(),
        }
    }

    /// The same windows Monday to Friday, weekends off.
    pub fn weekdays(windows: DayWindows) -> Self {
        Self {
            monday: windows.clone(),
            tuesday: windows.clone(),
            wednesday: windows.clone(),
            thursday: windows.clone(),
            friday: windows,
            saturday: DayWindows::none(),
            sunday: DayWindows::none(),
        }
    }

    /// The windows on a weekday.
    pub fn day(&self, weekday: Weekday) -> &DayWindows {
        match weekday {
            Weekday::Monday => &self.monday,
            Weekday::Tuesday => &self.tuesday,
            Weekday::Wednesday => &self.wednesday,
            Weekday::Thursday => &self.thursday,
            Weekday::Friday => &self.friday,
            Weekday::Saturday => &self.saturday,
            Weekday::Sunday => &self.sunday,
        }
    }
}

impl Default for WeeklySchedule {
    /// Monday to Friday, 09:00–17:00 (the spec's default).
    fn default() -> Self {
        let nine_to_five = TimeWindow {
            start: WallTime(9 * 60),
            end: WallTime(17 * 60),
        };
        Self::weekdays(DayWindows(vec![nine_to_five]))
    }
}

/// Custom hours on one date, replacing that date's weekly hours; no windows = day off.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct DateOverride {
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: Date,
    pub windows: DayWindows,
}

/// Time a host is away: whole host-local dates, or the same local hours on each date of the
/// range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BlockedPeriod {
    start_date: Date,
    end_date: Date,
    hours: Option<TimeWindow>,
}

impl BlockedPeriod {
    /// The longest range one block may cover, in days.
    pub const MAX_DAYS: i32 = 366 * 2;

    /// A block from `start_date` to `end_date` inclusive; `hours` = `None` blocks whole days.
    pub fn new(
        start_date: Date,
        end_date: Date,
        hours: Option<TimeWindow>,
    ) -> Result<Self, ParseError> {
        if end_date < start_date {
            return Err(ParseError::new(format!(
                "the end date {end_date} is before the start date {start_date}"
            )));
        }
        let days = (end_date - start_date).get_days();
        if days >= Self::MAX_DAYS {
            return Err(ParseError::new(format!(
                "a block covers at most {} days, got {}",
                Self::MAX_DAYS,
                days + 1
            )));
        }
        Ok(Self {
            start_date,
            end_date,
            hours,
        })
    }

    /// First blocked date.
    pub fn start_date(&self) -> Date {
        self.start_date
    }

    /// Last blocked date (inclusive).
    pub fn end_date(&self) -> Date {
        self.end_date
    }

    /// The blocked hours on each date, or `None` for all day.
    pub fn hours(&self) -> Option<TimeWindow> {
        self.hours
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn wall_times_parse_and_print() {
        assert_eq!(WallTime::parse("09:30").unwrap().minutes(), 570);
        assert_eq!(WallTime::parse("24:00").unwrap(), WallTime::END_OF_DAY);
        assert_eq!(WallTime::parse("07:05").unwrap().to_string(), "07:05");
    }

    #[test]
    fn malformed_wall_times_are_refused() {
        for bad in [
            "9:30", "09:60", "24:01", "25:00", "0930", "09:3a", "+9:30", "",
        ] {
            assert!(WallTime::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn windows_must_start_before_they_end() {
        assert!(TimeWindow::parse("09:00", "17:00").is_ok());
        assert!(TimeWindow::parse("22:00", "24:00").is_ok());
        assert!(TimeWindow::parse("17:00", "09:00").is_err());
        assert!(TimeWindow::parse("09:00", "09:00").is_err());
        assert!(TimeWindow::parse("24:00", "24:00").is_err());
    }

    #[test]
    fn day_windows_are_sorted_and_may_touch_but_not_overlap() {
        let day = DayWindows::new(vec![
            TimeWindow::parse("13:00", "17:00").unwrap(),
            TimeWindow::parse("09:00", "13:00").unwrap(),
        ])
        .unwrap();
        assert_eq!(day.as_slice()[0].start().to_string(), "09:00");
        let overlap = DayWindows::new(vec![
            TimeWindow::parse("09:00", "12:00").unwrap(),
            TimeWindow::parse("11:00", "13:00").unwrap(),
        ]);
        assert!(overlap.unwrap_err().message().contains("overlap"));
    }

    #[test]
    fn weekly_schedule_reads_the_spec_shape_and_refuses_unknown_days() {
        let schedule: WeeklySchedule = serde_json::from_str(
            r#"{"monday":[{"start":"09:00","end":"12:00"},{"start":"13:00","end":"17:00"}],"sunday":[]}"#,
        )
        .unwrap();
        assert_eq!(schedule.day(Weekday::Monday).as_slice().len(), 2);
        assert!(schedule.day(Weekday::Tuesday).is_empty());
        assert!(serde_json::from_str::<WeeklySchedule>(r#"{"funday":[]}"#).is_err());
        assert!(
            serde_json::from_str::<WeeklySchedule>(
                r#"{"monday":[{"start":"09:00","end":"10:00","x":1}]}"#
            )
            .is_err()
        );
    }

    #[test]
    fn blocked_periods_need_ordered_dates() {
        assert!(BlockedPeriod::new(date(2026, 12, 24), date(2026, 12, 26), None).is_ok());
        assert!(BlockedPeriod::new(date(2026, 12, 26), date(2026, 12, 24), None).is_err());
    }
}
