//! From civil rules to instants: the host's joined availability windows and their grid
//! anchors, plus the instant each host-local day starts at.

use jiff::Timestamp;
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::{AmbiguousOffset, Offset, TimeZone};

use super::{HostAvailability, add_days};
use crate::schedule::{BlockedPeriod, DateOverride, WeeklySchedule};

const MINUTES_PER_DAY: u16 = 24 * 60;

/// How close to midnight (in minutes) a window must start or end to possibly touch the
/// neighbouring day's window once turned into instants. Real DST gaps are at most two hours.
const MIDNIGHT_REACH: u16 = 3 * 60;

/// Days computed past the last queried day, so a slot starting late on that day (at most 12
/// hours long) sees the true end of its window.
const DAYS_AHEAD: i64 = 2;

/// Part of one joined window, with its own grid anchor.
///
/// A joined window is one segment unless it runs a full week unbroken, in which case its grid
/// restarts at each following host-local Monday 00:00 (see the module docs). Segments are
/// sorted and their grid domains `[anchor, grid_end)` are disjoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Segment {
    /// Where this segment's grid starts (the window's start, or a Monday 00:00).
    pub anchor: i64,
    /// Slot starts of this segment are before this instant.
    pub grid_end: i64,
    /// The end of the whole joined window: a slot must end by then.
    pub window_end: i64,
    /// True when this segment continues the previous one (a grid restart, not a new window).
    continues_previous: bool,
}

/// The host's availability over a run of host-local days, in seconds since the Unix epoch.
#[derive(Debug, Default)]
pub(super) struct Timeline {
    /// The joined windows, cut into grid segments, sorted.
    pub segments: Vec<Segment>,
    /// Each computed host-local day with the instant it starts at (`None` only at the ends of
    /// the representable calendar).
    pub days: Vec<(Date, Option<i64>)>,
}

impl Timeline {
    /// The availability that slots starting on host-local days `first_day..=last_day` can use.
    ///
    /// It starts computing early enough that the windows reaching into `first_day` have their
    /// true start, but never more than a week before the Monday of `first_day`'s week: past
    /// that point the weekly grid restart makes earlier days irrelevant.
    pub fn build(host: &HostAvailability<'_>, first_day: Date, last_day: Date) -> Self {
        let mut timeline = Self::default();
        let earliest = monday_of(first_day).and_then(|monday| add_days(monday, -7));
        let end_day = add_days(last_day, DAYS_AHEAD).unwrap_or(Date::MAX);
        let rules = CivilRules::new(host, earliest.unwrap_or(first_day), end_day);
        let mut pieces = Vec::new();
        let mut scratch = Vec::new();
        let start_day = rules.walk_back(first_day, earliest, &mut pieces, &mut scratch);

        let day_count = (end_day - start_day).get_days().max(0) as usize + 1;
        timeline.days.reserve(day_count);
        timeline.segments.reserve(day_count * 2);
        let mut previous_monday: Option<i64> = None;
        let mut day = start_day;
        loop {
            let day_start = local_instant(host.zone, day, 0);
            timeline.days.push((day, day_start));
            let is_monday = day.weekday() == Weekday::Monday;
            rules.windows(day, &mut pieces, &mut scratch);
            for &(start_minute, end_minute) in &pieces {
                let (Some(start), Some(end)) = (
                    local_instant(host.zone, day, start_minute),
                    local_instant(host.zone, day, end_minute),
                ) else {
                    continue;
                };
                if end <= start {
                    // Entirely inside a DST gap.
                    continue;
                }
                let restart_grid = is_monday && Some(start) == day_start;
                timeline.push_window(start, end, restart_grid, previous_monday);
            }
            if is_monday {
                previous_monday = day_start;
            }
            if day >= end_day {
                break;
            }
            match day.tomorrow() {
                Ok(next) => day = next,
                Err(_) => break,
            }
        }
        for index in (1..timeline.segments.len()).rev() {
            if timeline.segments[index].continues_previous {
                timeline.segments[index - 1].window_end = timeline.segments[index].window_end;
            }
        }
        timeline
    }

    /// Adds the window `[start, end)`, joining it to the previous one when they touch; a
    /// window starting a Monday restarts the grid if its joined window has run a full week.
    fn push_window(
        &mut self,
        start: i64,
        end: i64,
        starts_monday: bool,
        previous_monday: Option<i64>,
    ) {
        if let Some(last) = self.segments.last_mut()
            && start <= last.window_end
        {
            let full_week = previous_monday.is_some_and(|monday| last.anchor <= monday);
            if starts_monday && full_week {
                last.grid_end = start;
                self.segments.push(Segment {
                    anchor: start,
                    grid_end: end,
                    window_end: end,
                    continues_previous: true,
                });
            } else {
                last.window_end = last.window_end.max(end);
                last.grid_end = last.window_end;
            }
            return;
        }
        self.segments.push(Segment {
            anchor: start,
            grid_end: end,
            window_end: end,
            continues_previous: false,
        });
    }

    /// The segment whose grid domain holds `second`.
    pub fn segment_at(&self, second: i64) -> Option<&Segment> {
        let index = self
            .segments
            .partition_point(|segment| segment.grid_end <= second);
        self.segments
            .get(index)
            .filter(|segment| segment.anchor <= second)
    }
}

/// The weekly hours, overrides and blocks that apply within a range of dates.
struct CivilRules<'a> {
    weekly: &'a WeeklySchedule,
    /// Overrides inside the range, sorted by date; the first of equal dates is the caller's
    /// first.
    overrides: Vec<&'a DateOverride>,
    /// Blocks touching the range.
    blocked: Vec<&'a BlockedPeriod>,
}

impl<'a> CivilRules<'a> {
    fn new(host: &HostAvailability<'a>, first: Date, last: Date) -> Self {
        let mut overrides: Vec<&DateOverride> = host
            .overrides
            .iter()
            .filter(|item| item.date >= first && item.date <= last)
            .collect();
        overrides.sort_by_key(|item| item.date);
        let blocked = host
            .blocked
            .iter()
            .filter(|block| block.end_date() >= first && block.start_date() <= last)
            .collect();
        Self {
            weekly: host.weekly,
            overrides,
            blocked,
        }
    }

    /// The day's available wall-clock pieces `[start, end)` in minutes (end up to 1440),
    /// sorted and disjoint, into `out`.
    fn windows(&self, day: Date, out: &mut Vec<(u16, u16)>, scratch: &mut Vec<(u16, u16)>) {
        out.clear();
        let index = self.overrides.partition_point(|item| item.date < day);
        let source = match self.overrides.get(index) {
            Some(item) if item.date == day => &item.windows,
            _ => self.weekly.day(day.weekday()),
        };
        out.extend(
            source
                .as_slice()
                .iter()
                .map(|window| (window.start().minutes(), window.end().minutes())),
        );
        for block in &self.blocked {
            if out.is_empty() {
                return;
            }
            if day < block.start_date() || day > block.end_date() {
                continue;
            }
            let Some(hours) = block.hours() else {
                out.clear();
                return;
            };
            let (cut_start, cut_end) = (hours.start().minutes(), hours.end().minutes());
            scratch.clear();
            for &(start, end) in out.iter() {
                if cut_end <= start || cut_start >= end {
                    scratch.push((start, end));
                    continue;
                }
                if start < cut_start {
                    scratch.push((start, cut_start));
                }
                if cut_end < end {
                    scratch.push((cut_end, end));
                }
            }
            std::mem::swap(out, scratch);
        }
    }

    /// The earliest day from which computing finds the true start of every window reaching
    /// into `first_day`: step back while a day's first window starts near midnight and the
    /// previous day's last one ends near it, but not before `floor`.
    fn walk_back(
        &self,
        first_day: Date,
        floor: Option<Date>,
        current: &mut Vec<(u16, u16)>,
        previous: &mut Vec<(u16, u16)>,
    ) -> Date {
        let mut scratch = Vec::new();
        let mut day = first_day;
        self.windows(day, current, &mut scratch);
        loop {
            if floor.is_none_or(|floor| day <= floor) {
                return day;
            }
            if current
                .first()
                .is_none_or(|&(start, _)| start >= MIDNIGHT_REACH)
            {
                return day;
            }
            let Ok(yesterday) = day.yesterday() else {
                return day;
            };
            self.windows(yesterday, previous, &mut scratch);
            if previous
                .last()
                .is_none_or(|&(_, end)| end <= MINUTES_PER_DAY - MIDNIGHT_REACH)
            {
                return day;
            }
            day = yesterday;
            std::mem::swap(current, previous);
        }
    }
}

/// The Monday on or before `day`.
pub(super) fn monday_of(day: Date) -> Option<Date> {
    add_days(day, -i64::from(day.weekday().to_monday_zero_offset()))
}

/// The instant (seconds since the Unix epoch) of the wall-clock time `minute` (0..=1440,
/// 1440 being the next midnight) on `date` in `zone`.
///
/// A time inside a DST gap moves to the first instant after the gap (the transition itself);
/// an ambiguous time takes the earlier instant. `None` only at the ends of jiff's range.
pub(super) fn local_instant(zone: &TimeZone, date: Date, minute: u16) -> Option<i64> {
    let (date, minute) = if minute >= MINUTES_PER_DAY {
        (date.tomorrow().ok()?, minute - MINUTES_PER_DAY)
    } else {
        (date, minute)
    };
    let hour = i8::try_from(minute / 60).ok()?;
    let minute = i8::try_from(minute % 60).ok()?;
    let datetime = date.to_datetime(Time::new(hour, minute, 0, 0).ok()?);
    let wall = Offset::UTC.to_timestamp(datetime).ok()?.as_second();
    match zone.to_ambiguous_timestamp(datetime).offset() {
        AmbiguousOffset::Unambiguous { offset } => Some(wall - i64::from(offset.seconds())),
        AmbiguousOffset::Fold { before, .. } => Some(wall - i64::from(before.seconds())),
        AmbiguousOffset::Gap { before, after } => {
            // The wall time lies in [transition + before, transition + after), so the
            // transition is the first one after `wall - after`.
            let probe = Timestamp::from_second(wall - i64::from(after.seconds())).ok()?;
            let fallback = wall - i64::from(before.seconds());
            Some(
                zone.following(probe)
                    .next()
                    .map_or(fallback, |transition| transition.timestamp().as_second())
                    .min(fallback),
            )
        }
    }
}
