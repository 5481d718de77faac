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
    /// `first_day..=last_day`. One pass over the bookings feeds both the busy list and the
    /// limit counts.
    pub fn build(
        engine: &SlotEngine<'_>,
        timeline: &Timeline,
        first_day: Date,
        last_day: Date,
        low: i64,
        high: i64,
    ) -> Self {
        let rules = engine.rules;
        let mut days = Buckets::<DAY_SECONDS>::default();
        if rules.daily_limit.is_some() {
            days = Buckets::new(
                timeline
                    .days
                    .iter()
                    .skip_while(|(day, _)| *day < first_day)
                    .take_while(|(day, _)| *day <= last_day)
                    .chain(timeline.days.iter().find(|(day, _)| *day > last_day))
                    .map_while(|(_, start)| *start)
                    .collect(),
            );
        }
        let mut weeks = Buckets::<WEEK_SECONDS>::default();
        if rules.weekly_limit.is_some() {
            let mut bounds = Vec::new();
            let mut monday = monday_of(first_day);
            while let Some(day) = monday {
                let Some(start) = local_instant(engine.host.zone, day, 0) else {
                    break;
                };
                bounds.push(start);
                if day > last_day {
                    break;
                }
                monday = add_days(day, 7);
            }
            weeks = Buckets::new(bounds);
        }

        let duration = rules.duration_seconds();
        let before = buffer_seconds(rules.buffer_before_mins.get());
        let after = buffer_seconds(rules.buffer_after_mins.get());
        let mut busy = Vec::new();
        let mut add = |start: i64, end: i64| {
            if end > low && start < high {
                busy.push(Forbidden { start, end });
            }
        };
        // Bookings outside this span can neither collide with a slot in [low, high) nor count
        // toward a limit there; skipping them first keeps narrow queries cheap.
        let reach = duration + MAX_BUFFER_SECONDS;
        let outer_start = (low - reach).min(days.start()).min(weeks.start());
        let outer_end = (high + reach).max(days.end()).max(weeks.end());
        for booking in engine.bookings {
            let (start, end) = (floor_second(booking.start), ceil_second(booking.end));
            if start >= outer_end || end.max(start) < outer_start {
                continue;
            }
            if Some(booking.id) == engine.ignore_booking {
                continue;
            }
            days.count(start);
            weeks.count(start);
            if end <= start {
                continue;
            }
            let booked_before = buffer_seconds(booking.buffer_before_mins);
            let booked_after = buffer_seconds(booking.buffer_after_mins);
            // A new meeting [s, s + duration) with buffers before/after collides with the
            // booking [start, end) held with buffers booked_before/booked_after exactly when
            // start - duration - max(after, booked_before) < s < end + max(before, booked_after).
            add(
                start - duration - after.max(booked_before) + 1,
                end + before.max(booked_after),
            );
        }
        for interval in engine.busy {
            let (start, end) = (floor_second(interval.start), ceil_second(interval.end));
            if end > start {
                // External busy time has no buffers of its own.
                add(start - duration - after + 1, end + before);
            }
        }
        Self {
            busy: merge(busy),
            full_days: days.reached(rules.daily_limit),
            full_weeks: weeks.reached(rules.weekly_limit),
        }
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

const DAY_SECONDS: i64 = 86_400;
const WEEK_SECONDS: i64 = 7 * DAY_SECONDS;
const MAX_BUFFER_SECONDS: i64 = BufferMinutes::MAX as i64 * 60;

/// Minutes of a stored booking buffer as seconds, clamped to what a buffer may be.
fn buffer_seconds(minutes: i32) -> i64 {
    i64::from(minutes.clamp(0, BufferMinutes::MAX)) * 60
}

/// Sorts forbidden starts and joins overlapping or touching ones.
///
/// The sort is stable and adapts to runs, so bookings passed in start order (as a store
/// returns them) cost a linear pass; any order is still correct.
fn merge(mut forbidden: Vec<Forbidden>) -> Vec<Forbidden> {
    forbidden.sort_by_key(|item| item.start);
    forbidden.dedup_by(|next, kept| {
        let overlaps = next.start <= kept.end;
        if overlaps {
            kept.end = kept.end.max(next.end);
        }
        overlaps
    });
    forbidden
}

/// Consecutive periods (host-local days or weeks) with a booking count each; `PERIOD` is
/// their typical length in seconds, used to guess a start's period in one step.
#[derive(Debug, Default)]
struct Buckets<const PERIOD: i64> {
    /// Period starts, increasing; the last one is the end of the last period.
    bounds: Vec<i64>,
    counts: Vec<usize>,
}

impl<const PERIOD: i64> Buckets<PERIOD> {
    fn new(bounds: Vec<i64>) -> Self {
        let counts = vec![0; bounds.len().saturating_sub(1)];
        Self { bounds, counts }
    }

    /// Where the first period starts (`i64::MAX` when there are none).
    fn start(&self) -> i64 {
        self.bounds.first().copied().unwrap_or(i64::MAX)
    }

    /// Where the last period ends (`i64::MIN` when there are none).
    fn end(&self) -> i64 {
        self.bounds.last().copied().unwrap_or(i64::MIN)
    }

    /// Counts a booking starting at `start` in its period, if it falls in one.
    #[inline]
    fn count(&mut self, start: i64) {
        let (Some(&first), Some(&end)) = (self.bounds.first(), self.bounds.last()) else {
            return;
        };
        if self.counts.is_empty() || start < first || start >= end {
            return;
        }
        // Periods are near `period` long (DST days are an hour off), so the guess is at most
        // one or two periods out; walk to the right one.
        let last = self.counts.len() - 1;
        let mut index = usize::try_from((start - first) / PERIOD).map_or(last, |i| i.min(last));
        while index > 0 && self.bounds[index] > start {
            index -= 1;
        }
        while index < last && self.bounds[index + 1] <= start {
            index += 1;
        }
        self.counts[index] += 1;
    }

    /// The periods holding at least `limit` bookings.
    fn reached(&self, limit: Option<BookingLimit>) -> Vec<Forbidden> {
        let Some(limit) = limit.and_then(|limit| usize::try_from(limit.get()).ok()) else {
            return Vec::new();
        };
        self.counts
            .iter()
            .zip(self.bounds.windows(2))
            .filter(|(count, _)| **count >= limit)
            .map(|(_, pair)| Forbidden {
                start: pair[0],
                end: pair[1],
            })
            .collect()
    }
}
