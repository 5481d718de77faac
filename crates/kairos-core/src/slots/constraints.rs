//! Busy time and booking limits, as sorted lists of forbidden slot starts.

use jiff::civil::Date;

use super::timeline::{Timeline, local_instant, monday_of};
use super::{SlotEngine, SlotRejection, add_days, ceil_second, floor_second};
use crate::settings::{BookingLimit, BufferMinutes};

/// Slot starts `s` with `start <= s < end` (seconds since the Unix epoch) are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Forbidden {
    start: i64,
    end: i64,
}

/// Forbidden slot starts, each list sorted by start with its intervals disjoint.
#[derive(Debug, Default)]
pub(super) struct Constraints {
    /// Starts whose meeting or buffers collide with a booking or a busy interval.
    busy: Vec<Forbidden>,
    /// Host-local days that already hold `daily_limit` bookings.
    full_days: Vec<Forbidden>,
    /// Host-local ISO weeks that already hold `weekly_limit` bookings.
    full_weeks: Vec<Forbidden>,
}

/// Positions in the [`Constraints`] lists while the listing walks slot starts upward.
#[derive(Debug, Default)]
pub(super) struct Cursors {
    busy: usize,
    full_days: usize,
    full_weeks: usize,
}

impl Constraints {
    /// The constraints relevant to slot starts in `[low, high)`, whose host-local dates are
    /// `first_day..=last_day`.
    pub fn build(
        engine: &SlotEngine<'_>,
        timeline: &Timeline,
        first_day: Date,
        last_day: Date,
        low: i64,
        high: i64,
    ) -> Self {
        let mut constraints = Self {
            busy: busy_starts(engine, low, high),
            ..Self::default()
        };
        let rules = engine.rules;
        if rules.daily_limit.is_none() && rules.weekly_limit.is_none() {
            return constraints;
        }
        let zone = engine.host.zone;
        let first_week = monday_of(first_day);
        let after_last_week = monday_of(last_day).and_then(|monday| add_days(monday, 7));
        let count_from = first_week
            .and_then(|monday| local_instant(zone, monday, 0))
            .unwrap_or(i64::MIN);
        let count_to = after_last_week
            .and_then(|monday| local_instant(zone, monday, 0))
            .unwrap_or(i64::MAX);
        let mut starts: Vec<i64> = engine
            .bookings
            .iter()
            .filter(|booking| Some(booking.id) != engine.ignore_booking)
            .map(|booking| floor_second(booking.start))
            .filter(|&start| start >= count_from && start < count_to)
            .collect();
        starts.sort_unstable();
        let count = |start: i64, end: i64| {
            starts.partition_point(|&s| s < end) - starts.partition_point(|&s| s < start)
        };
        let reached = |limit: BookingLimit, start: i64, end: i64| {
            usize::try_from(limit.get()).is_ok_and(|limit| count(start, end) >= limit)
        };

        if let Some(limit) = rules.daily_limit {
            for pair in timeline.days.windows(2) {
                let ((day, Some(start)), (_, Some(end))) = (pair[0], pair[1]) else {
                    continue;
                };
                if day >= first_day && day <= last_day && reached(limit, start, end) {
                    constraints.full_days.push(Forbidden { start, end });
                }
            }
        }
        if let (Some(limit), Some(mut monday)) = (rules.weekly_limit, first_week) {
            while monday <= last_day {
                let Some(next) = add_days(monday, 7) else {
                    break;
                };
                if let (Some(start), Some(end)) =
                    (local_instant(zone, monday, 0), local_instant(zone, next, 0))
                    && reached(limit, start, end)
                {
                    constraints.full_weeks.push(Forbidden { start, end });
                }
                monday = next;
            }
        }
        constraints
    }

    /// True when no constraint forbids `start`. Calls must come in increasing `start` order
    /// for one set of cursors.
    pub fn allows(&self, start: i64, cursors: &mut Cursors) -> bool {
        !(hits(&self.full_days, &mut cursors.full_days, start)
            || hits(&self.full_weeks, &mut cursors.full_weeks, start)
            || hits(&self.busy, &mut cursors.busy, start))
    }

    /// Which constraint forbids `start`, if any, naming limits before busy time.
    pub fn rejection(&self, start: i64) -> Option<SlotRejection> {
        let lookup = |list: &[Forbidden]| {
            let index = list.partition_point(|item| item.end <= start);
            list.get(index).is_some_and(|item| item.start <= start)
        };
        if lookup(&self.full_days) {
            Some(SlotRejection::DailyLimitReached)
        } else if lookup(&self.full_weeks) {
            Some(SlotRejection::WeeklyLimitReached)
        } else if lookup(&self.busy) {
            Some(SlotRejection::Busy)
        } else {
            None
        }
    }
}

/// Whether `list` forbids `start`, moving `cursor` past intervals that end before it.
fn hits(list: &[Forbidden], cursor: &mut usize, start: i64) -> bool {
    while list.get(*cursor).is_some_and(|item| item.end <= start) {
        *cursor += 1;
    }
    list.get(*cursor).is_some_and(|item| item.start <= start)
}

/// Minutes of a stored booking buffer as seconds, clamped to what a buffer may be.
fn buffer_seconds(minutes: i32) -> i64 {
    i64::from(minutes.clamp(0, BufferMinutes::MAX)) * 60
}

/// The slot starts that busy time forbids, merged, limited to those touching `[low, high)`.
///
/// A new meeting `[s, s + duration)` with buffers `before`/`after` collides with a booking
/// `[start, end)` made with buffers `booked_before`/`booked_after` exactly when
/// `start - duration - max(after, booked_before) < s < end + max(before, booked_after)`, and
/// with an external busy interval when `start - duration - after < s < end + before`.
fn busy_starts(engine: &SlotEngine<'_>, low: i64, high: i64) -> Vec<Forbidden> {
    let rules = engine.rules;
    let duration = rules.duration_seconds();
    let before = buffer_seconds(rules.buffer_before_mins.get());
    let after = buffer_seconds(rules.buffer_after_mins.get());
    let mut forbidden = Vec::with_capacity(engine.bookings.len() + engine.busy.len());
    let mut add = |start: i64, end: i64| {
        if end > low && start < high {
            forbidden.push(Forbidden { start, end });
        }
    };
    for booking in engine.bookings {
        if Some(booking.id) == engine.ignore_booking {
            continue;
        }
        let (start, end) = (floor_second(booking.start), ceil_second(booking.end));
        if end <= start {
            continue;
        }
        let booked_before = buffer_seconds(booking.buffer_before_mins);
        let booked_after = buffer_seconds(booking.buffer_after_mins);
        add(
            start - duration - after.max(booked_before) + 1,
            end + before.max(booked_after),
        );
    }
    for interval in engine.busy {
        let (start, end) = (floor_second(interval.start), ceil_second(interval.end));
        if end <= start {
            continue;
        }
        add(start - duration - after + 1, end + before);
    }
    forbidden.sort_unstable_by_key(|item| item.start);
    forbidden.dedup_by(|next, kept| {
        let overlaps = next.start <= kept.end;
        if overlaps {
            kept.end = kept.end.max(next.end);
        }
        overlaps
    });
    forbidden
}
