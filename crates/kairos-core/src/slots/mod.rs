//! The slot engine: which start times a host offers, and whether one exact start is still free.
//!
//! A pure function of its inputs: no I/O, no clock reads (`now` is a parameter), no async. The
//! listing ([`SlotEngine::available_slots`]) and the booking check ([`SlotEngine::check_slot`])
//! run the same code, so a slot that was shown as free and a slot that is accepted cannot
//! disagree when the data has not changed.
//!
//! # The rules
//!
//! **Windows.** Weekly hours ([`WeeklySchedule`]) are wall-clock intervals in the host's zone.
//! A [`DateOverride`] replaces that date's weekly hours (no windows = a day off); when several
//! overrides name the same date, the first one in the slice is used. A window ending `24:00`
//! runs to the next midnight. Windows become instants at their boundaries:
//!
//! * a boundary that does not exist (inside a spring-forward gap) moves to the first instant
//!   after the gap — `02:30` in a `02:00–03:00` gap becomes `03:00`, *not* jiff's "compatible"
//!   `03:30`;
//! * an ambiguous boundary (inside a fall-back fold) takes the earlier instant.
//!
//! So a window lasts its real length on DST days: `00:00–04:00` is five real hours on a
//! fall-back day and three on a spring-forward day. Windows whose instants touch join into one,
//! across midnight too (Monday `22:00–24:00` and Tuesday `00:00–02:00` are one four-hour window).
//!
//! **Blocked periods.** A [`BlockedPeriod`] without hours removes whole host-local dates; one
//! with hours removes those wall-clock hours on each date of its range.
//!
//! **Grid.** Slot starts step by the slot interval (default: the event duration) in real time
//! from each joined window's start. Busy time removes the grid points it collides with; it never
//! shifts the grid. A slot must fit entirely inside one joined window. One refinement keeps the
//! grid well defined for hosts who are available around the clock: when a joined window has
//! already run unbroken for a whole week (from one host-local Monday `00:00` to the next), its
//! grid restarts at that next Monday `00:00`. The window itself stays whole; only the anchor of
//! the grid moves, so the answer never depends on how far back anyone looked.
//!
//! **Busy time and buffers.** A candidate `[start, end)` is free when its buffered span
//! `[start − before, end + after)` overlaps no existing booking's `[start, end)` and no external
//! busy interval, *and* its own `[start, end)` overlaps no existing booking's buffered span (each
//! booking carries the buffers it was made with). Buffers may overlap each other; a meeting never
//! enters a buffer. Booking buffers outside `0..=480` minutes are clamped into that range.
//!
//! **Notice and booking window.** No slot starts before `now + minimum notice`. No slot starts
//! after the end of the host-local day that is `booking_window_days` after today (today is the
//! host-local date of `now`).
//!
//! **Limits.** A host-local date that already holds `daily_limit` bookings offers nothing; the
//! optional weekly limit works the same way on ISO weeks (Monday to Sunday) in the host's zone.
//! Bookings count on the host-local date of their start, whatever their event type.
//!
//! **Rescheduling.** [`SlotEngine::ignore_booking`] names a booking that is being moved: it is
//! neither busy nor counted toward limits.
//!
//! **Output.** Slots are sorted by start, with no duplicates. The invitee's zone only decides how
//! they are grouped and shown ([`group_by_local_date`]), never which instants are free.
//!
//! # What the caller loads
//!
//! [`load_range`] widens a query range to the span whose bookings and external busy intervals
//! can matter: buffers (up to 8 hours each side), the event's length (up to 12 hours) and the
//! whole host-local ISO weeks the range touches (for the weekly limit). Load the host's
//! *confirmed* bookings, of every event type, with `start < load_end` and `end > load_start`, and
//! the external busy intervals that overlap the same span. Passing more is harmless.
//!
//! # Cost
//!
//! Inputs may come in any order. The engine filters them to the query, sorts them once and walks
//! sorted interval lists with cursors: the work is `O(n log n)` in the bookings and busy
//! intervals plus `O(days + slots)`, never per minute. The sort adapts to runs, so bookings
//! and busy intervals passed in start order (as a store returns them) cost a linear pass. The query is clamped to the booking
//! window (at most 731 days), so no input makes it run long. It allocates a fixed number of
//! vectors per call (their sizes follow the input and the output), never one per day or per slot
//! — except [`group_by_local_date`], which allocates one vector per day it returns.
//!
//! # Example
//!
//! ```
//! use jiff::{civil::date, tz::TimeZone, Timestamp};
//! use kairos_core::schedule::WeeklySchedule;
//! use kairos_core::settings::{DurationMinutes, HostSettings};
//! use kairos_core::slots::{HostAvailability, SlotEngine, SlotRules};
//!
//! let zone = TimeZone::get("Europe/London")?;
//! let weekly = WeeklySchedule::default(); // Monday to Friday, 09:00–17:00
//! let host = HostAvailability { zone: &zone, weekly: &weekly, overrides: &[], blocked: &[] };
//! let rules = SlotRules::new(&HostSettings::default(), DurationMinutes::new(30)?);
//! let now: Timestamp = "2026-06-01T08:00:00Z".parse()?;
//! let engine = SlotEngine { host, bookings: &[], busy: &[], rules: &rules, now, ignore_booking: None };
//!
//! // Wednesday 3 June 2026, as seen from New York.
//! let invitee = TimeZone::get("America/New_York")?;
//! let slots = engine.available_slots_on_dates(&invitee, date(2026, 6, 3), date(2026, 6, 3));
//! // 09:00 in London is 08:00 UTC; the day in New York ends at 04:00 UTC on the 4th.
//! assert_eq!(slots[0].start, "2026-06-03T08:00:00Z".parse::<Timestamp>()?);
//! // 09:00–17:00 with 30-minute slots and a 15-minute buffer after: every 30 minutes, but the
//! // buffer only matters next to existing bookings, so all 16 starts are offered.
//! assert_eq!(slots.len(), 16);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod constraints;
mod grouping;
mod timeline;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

use crate::ids::BookingId;
use crate::schedule::{BlockedPeriod, DateOverride, WeeklySchedule};
use crate::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, HostSettings, NoticeHours, SettingOverrides,
    WindowDays,
};

pub use grouping::{SlotDay, ZonedSlot, group_by_local_date};

use constraints::Constraints;
use timeline::Timeline;

/// A host's availability as civil rules: the zone their hours are in, weekly hours, date
/// overrides and blocked periods.
#[derive(Debug, Clone, Copy)]
pub struct HostAvailability<'a> {
    /// The host's time zone; every wall-clock value below is read in it.
    pub zone: &'a TimeZone,
    /// The regular weekly hours.
    pub weekly: &'a WeeklySchedule,
    /// Dates whose hours replace the weekly hours (any order).
    pub overrides: &'a [DateOverride],
    /// Dates or hours the host is away (any order).
    pub blocked: &'a [BlockedPeriod],
}

/// A confirmed booking of the host (any event type), as the engine needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExistingBooking {
    /// Which booking, so a reschedule can ignore the one being moved.
    pub id: BookingId,
    /// When the meeting starts.
    pub start: Timestamp,
    /// When the meeting ends. A booking whose end is not after its start occupies no time (it
    /// still counts toward the daily and weekly limits).
    pub end: Timestamp,
    /// The buffer before the meeting that was in force when it was booked (clamped to
    /// `0..=480`).
    pub buffer_before_mins: i32,
    /// The buffer after the meeting that was in force when it was booked (clamped to
    /// `0..=480`).
    pub buffer_after_mins: i32,
}

/// Time an external calendar reports as busy. An interval whose end is not after its start is
/// ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusyInterval {
    /// Start of the busy time.
    pub start: Timestamp,
    /// End of the busy time (exclusive).
    pub end: Timestamp,
}

/// The rules of one event type: its length, grid, buffers, notice, window and limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRules {
    /// How long a meeting lasts.
    pub duration_mins: DurationMinutes,
    /// The step between slot starts; `None` steps by the duration.
    pub interval_mins: Option<DurationMinutes>,
    /// Free time the new meeting needs before it.
    pub buffer_before_mins: BufferMinutes,
    /// Free time the new meeting needs after it.
    pub buffer_after_mins: BufferMinutes,
    /// How long before its start a slot may still be booked.
    pub minimum_notice_hours: NoticeHours,
    /// How many days after today (host-local) may still be booked.
    pub booking_window_days: WindowDays,
    /// The most bookings on one host-local date.
    pub daily_limit: Option<BookingLimit>,
    /// The most bookings in one host-local ISO week.
    pub weekly_limit: Option<BookingLimit>,
}

impl SlotRules {
    /// Rules from settings that already hold the event type's overrides (see
    /// [`HostSettings::with_overrides`]) and the event's duration; the grid steps by the
    /// duration.
    pub fn new(settings: &HostSettings, duration: DurationMinutes) -> Self {
        Self {
            duration_mins: duration,
            interval_mins: None,
            buffer_before_mins: settings.buffer_before_mins,
            buffer_after_mins: settings.buffer_after_mins,
            minimum_notice_hours: settings.minimum_notice_hours,
            booking_window_days: settings.booking_window_days,
            daily_limit: settings.daily_limit,
            weekly_limit: settings.weekly_limit,
        }
    }

    /// Rules for an event type: the host's settings with the event's overrides applied, and
    /// the event's duration.
    pub fn for_event(
        host: &HostSettings,
        overrides: &SettingOverrides,
        duration: DurationMinutes,
    ) -> Self {
        Self::new(&host.with_overrides(overrides), duration)
    }

    /// The same rules with slot starts `interval` apart instead of one duration apart.
    pub fn with_interval(self, interval: DurationMinutes) -> Self {
        Self {
            interval_mins: Some(interval),
            ..self
        }
    }

    fn duration_seconds(&self) -> i64 {
        i64::from(self.duration_mins.get()) * 60
    }

    fn step_seconds(&self) -> i64 {
        i64::from(self.interval_mins.unwrap_or(self.duration_mins).get()) * 60
    }
}

/// A bookable slot: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Slot {
    /// When the meeting would start.
    pub start: Timestamp,
    /// When it would end (`start` + the event's duration).
    pub end: Timestamp,
}

/// Why [`SlotEngine::check_slot`] refused a start time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum SlotRejection {
    /// The meeting would not fit inside the host's hours (weekly hours, overrides, blocks).
    #[error("the host is not available for the whole meeting at that time")]
    OutsideAvailability,
    /// The start is sooner than the minimum notice allows.
    #[error("that time is too soon: the host needs more notice")]
    BeforeNotice,
    /// The start is later than the booking window allows.
    #[error("that time is too far ahead to book")]
    BeyondWindow,
    /// The meeting or its buffers would collide with a booking or a busy calendar entry.
    #[error("that time is no longer free")]
    Busy,
    /// The host-local date already holds as many bookings as the daily limit allows.
    #[error("the host takes no more bookings on that day")]
    DailyLimitReached,
    /// The host-local ISO week already holds as many bookings as the weekly limit allows.
    #[error("the host takes no more bookings in that week")]
    WeeklyLimitReached,
    /// The start is inside the host's hours but not one of the offered start times.
    #[error("that is not one of the offered start times")]
    NotOnGrid,
}

impl SlotRejection {
    /// A stable machine-readable code, e.g. `before_notice`.
    pub const fn code(self) -> &'static str {
        match self {
            Self::OutsideAvailability => "outside_availability",
            Self::BeforeNotice => "before_notice",
            Self::BeyondWindow => "beyond_window",
            Self::Busy => "busy",
            Self::DailyLimitReached => "daily_limit_reached",
            Self::WeeklyLimitReached => "weekly_limit_reached",
            Self::NotOnGrid => "not_on_grid",
        }
    }
}

/// Everything the engine knows about one host at one instant; ask it for slots or to check one.
///
/// Build it fresh per request from borrowed data: it is cheap and holds no state.
#[derive(Debug, Clone, Copy)]
pub struct SlotEngine<'a> {
    /// The host's hours, overrides and blocks.
    pub host: HostAvailability<'a>,
    /// The host's confirmed bookings (see [`load_range`] for which ones).
    pub bookings: &'a [ExistingBooking],
    /// Busy time from the host's external calendars.
    pub busy: &'a [BusyInterval],
    /// The event type's rules.
    pub rules: &'a SlotRules,
    /// The current instant (from the injected clock).
    pub now: Timestamp,
    /// A booking being rescheduled: it neither blocks time nor counts toward limits.
    pub ignore_booking: Option<BookingId>,
}

impl SlotEngine<'_> {
    /// The free slots whose start lies in `[range_start, range_end)`, sorted by start.
    pub fn available_slots(&self, range_start: Timestamp, range_end: Timestamp) -> Vec<Slot> {
        let mut slots = Vec::new();
        self.collect(ceil_second(range_start), ceil_second(range_end), &mut slots);
        slots
    }

    /// The free slots that start on the invitee-local dates `from` through `to` (inclusive),
    /// i.e. in `[from 00:00, to + 1 00:00)` in `invitee_zone`. Empty when `to < from`.
    pub fn available_slots_on_dates(
        &self,
        invitee_zone: &TimeZone,
        from: Date,
        to: Date,
    ) -> Vec<Slot> {
        match invitee_date_range(invitee_zone, from, to) {
            Some((start, end)) => self.available_slots(start, end),
            None => Vec::new(),
        }
    }

    /// Whether a slot starting exactly at `start` is free; the booking path calls this inside
    /// its transaction, with freshly loaded bookings.
    ///
    /// It lists the slots of the host-local days around `start` with the same code as
    /// [`available_slots`](Self::available_slots) and looks for `start` among them, so the two
    /// always agree. On refusal it names the first broken rule, in this order: notice, booking
    /// window, availability, grid, daily limit, weekly limit, busy.
    pub fn check_slot(&self, start: Timestamp) -> Result<Slot, SlotRejection> {
        let second = floor_second(start);
        let mut slots = Vec::with_capacity(1);
        let plan = self.collect(second, second.saturating_add(1), &mut slots);
        if let Some(slot) = slots.first()
            && slot.start == start
        {
            return Ok(*slot);
        }
        Err(plan.explain(start))
    }

    /// The earliest start the notice allows and the first start the booking window refuses,
    /// in seconds since the Unix epoch.
    fn bounds(&self) -> (i64, i64) {
        let notice = i64::from(self.rules.minimum_notice_hours.get()) * 3600;
        let earliest = ceil_second(self.now).saturating_add(notice);
        let today = self.host.zone.to_datetime(self.now).date();
        let last_open_day = i64::from(self.rules.booking_window_days.get());
        let latest = add_days(today, last_open_day + 1)
            .and_then(|day| timeline::local_instant(self.host.zone, day, 0))
            .unwrap_or_else(|| Timestamp::MAX.as_second());
        (earliest, latest)
    }

    /// Lists the free slots starting in `[start, end)` (seconds) into `out` and returns the
    /// plan it used, which can also explain why a start is missing.
    fn collect(&self, start: i64, end: i64, out: &mut Vec<Slot>) -> Plan {
        let (earliest, latest) = self.bounds();
        let low = start.max(earliest);
        let high = end.min(latest);
        let mut plan = Plan {
            earliest,
            latest,
            duration: self.rules.duration_seconds(),
            step: self.rules.step_seconds(),
            timeline: Timeline::default(),
            constraints: Constraints::default(),
        };
        if low >= high {
            return plan;
        }
        let zone = self.host.zone;
        let first_day = zone
            .to_datetime(Timestamp::from_second(low).unwrap_or(Timestamp::MAX))
            .date();
        let last_day = zone
            .to_datetime(Timestamp::from_second(high - 1).unwrap_or(Timestamp::MAX))
            .date();
        plan.timeline = Timeline::build(&self.host, first_day, last_day);
        plan.constraints = Constraints::build(self, &plan.timeline, first_day, last_day, low, high);
        plan.list(low, high, out);
        plan
    }
}

/// The instant range `[from 00:00, to + 1 00:00)` of the local dates `from` through `to` in
/// `zone` (a midnight inside a DST gap moves to the end of the gap); `None` when `to < from`
/// or the dates are at the very edge of what jiff can represent.
pub fn invitee_date_range(zone: &TimeZone, from: Date, to: Date) -> Option<(Timestamp, Timestamp)> {
    if to < from {
        return None;
    }
    let start = timeline::local_instant(zone, from, 0)?;
    let end = timeline::local_instant(zone, to.tomorrow().ok()?, 0)?;
    Some((
        Timestamp::from_second(start).ok()?,
        Timestamp::from_second(end).ok()?,
    ))
}

/// The span whose bookings and external busy intervals the caller must load to query slots
/// starting in `[range_start, range_end)` (or to check a slot: pass its start twice).
///
/// It widens the range by eight days on each side: enough for the largest buffers (8 hours),
/// the longest event (12 hours) and the whole host-local ISO weeks the range touches (for the
/// weekly limit), whatever the host's zone. Load confirmed bookings with `start < end` and
/// `end > start` of the returned pair.
pub fn load_range(range_start: Timestamp, range_end: Timestamp) -> (Timestamp, Timestamp) {
    let margin = SignedDuration::from_hours(LOAD_MARGIN_DAYS * 24);
    (
        range_start.saturating_sub(margin).unwrap_or(Timestamp::MIN),
        range_end.saturating_add(margin).unwrap_or(Timestamp::MAX),
    )
}

const LOAD_MARGIN_DAYS: i64 = 8;

/// Like [`load_range`], but only as wide as `rules` need: the whole ISO weeks around the range
/// when a weekly limit applies (8 days each side), the host-local days around it for a daily
/// limit (3 days), and otherwise one day, which covers the longest event (12 hours) plus the
/// largest buffer (8 hours). A slots query of a host without a weekly limit reads far fewer
/// bookings this way.
pub fn load_range_for(
    rules: &SlotRules,
    range_start: Timestamp,
    range_end: Timestamp,
) -> (Timestamp, Timestamp) {
    let days = if rules.weekly_limit.is_some() {
        LOAD_MARGIN_DAYS
    } else if rules.daily_limit.is_some() {
        3
    } else {
        1
    };
    let margin = SignedDuration::from_hours(days * 24);
    (
        range_start.saturating_sub(margin).unwrap_or(Timestamp::MIN),
        range_end.saturating_add(margin).unwrap_or(Timestamp::MAX),
    )
}

/// The data one query was answered from, in seconds since the Unix epoch.
#[derive(Debug)]
struct Plan {
    earliest: i64,
    latest: i64,
    duration: i64,
    step: i64,
    timeline: Timeline,
    constraints: Constraints,
}

impl Plan {
    /// Pushes every free grid point in `[low, high)` (already clamped to notice and window).
    fn list(&self, low: i64, high: i64, out: &mut Vec<Slot>) {
        let mut cursors = constraints::Cursors::default();
        for segment in &self.timeline.segments {
            let stop = high.min(segment.grid_end);
            let fit_limit = segment.window_end - self.duration;
            let first = if low > segment.anchor {
                let steps = (low - segment.anchor + self.step - 1) / self.step;
                segment.anchor + steps * self.step
            } else {
                segment.anchor
            };
            let mut start = first;
            while start < stop && start <= fit_limit {
                if self.constraints.allows(start, &mut cursors) {
                    let end = start + self.duration;
                    if let (Ok(start), Ok(end)) =
                        (Timestamp::from_second(start), Timestamp::from_second(end))
                    {
                        out.push(Slot { start, end });
                    }
                }
                start += self.step;
            }
        }
    }

    /// The first rule a start that was not listed breaks.
    fn explain(&self, start: Timestamp) -> SlotRejection {
        // The bounds are whole seconds, so comparing the rounded-down start is exact.
        let second = floor_second(start);
        let exact = start.subsec_nanosecond() == 0;
        if second < self.earliest {
            return SlotRejection::BeforeNotice;
        }
        if second >= self.latest {
            return SlotRejection::BeyondWindow;
        }
        let Some(segment) = self.timeline.segment_at(second) else {
            return SlotRejection::OutsideAvailability;
        };
        if second + self.duration > segment.window_end {
            return SlotRejection::OutsideAvailability;
        }
        if !exact || (second - segment.anchor) % self.step != 0 {
            return SlotRejection::NotOnGrid;
        }
        self.constraints
            .rejection(second)
            .unwrap_or(SlotRejection::Busy)
    }
}

/// Seconds since the Unix epoch, rounded up.
fn ceil_second(timestamp: Timestamp) -> i64 {
    timestamp.as_second() + i64::from(timestamp.subsec_nanosecond() > 0)
}

/// Seconds since the Unix epoch, rounded down.
fn floor_second(timestamp: Timestamp) -> i64 {
    timestamp.as_second() - i64::from(timestamp.subsec_nanosecond() < 0)
}

/// `date` plus `days` (may be negative), `None` past the civil calendar's ends.
fn add_days(date: Date, days: i64) -> Option<Date> {
    let span = jiff::Span::new().try_days(days).ok()?;
    date.checked_add(span).ok()
}
