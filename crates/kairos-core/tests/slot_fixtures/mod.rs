//! Builders shared by the slot engine's test binaries: a host, its bookings and rules, with
//! helpers to read slots back as host-local or UTC text.

#![allow(dead_code, clippy::unwrap_used)]

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use kairos_core::ids::BookingId;
use kairos_core::schedule::{
    BlockedPeriod, DateOverride, DayWindows, TimeWindow, WallTime, WeeklySchedule,
};
use kairos_core::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, HostSettings, NoticeHours, WindowDays,
};
use kairos_core::slots::{
    BusyInterval, ExistingBooking, HostAvailability, Slot, SlotEngine, SlotRejection, SlotRules,
};

/// A host with everything the engine reads, owned so tests can tweak it.
#[derive(Debug, Clone)]
pub struct Host {
    pub zone: TimeZone,
    pub weekly: WeeklySchedule,
    pub overrides: Vec<DateOverride>,
    pub blocked: Vec<BlockedPeriod>,
    pub bookings: Vec<ExistingBooking>,
    pub busy: Vec<BusyInterval>,
    pub rules: SlotRules,
    pub now: Timestamp,
    pub ignore: Option<BookingId>,
}

impl Host {
    /// A host in `zone` with no hours yet, 30-minute events, no buffers, no notice, a 730-day
    /// window and no limits; `now` is an RFC 3339 instant.
    pub fn new(zone: &str, now: &str) -> Self {
        let settings = HostSettings {
            minimum_notice_hours: NoticeHours::new(0).unwrap(),
            booking_window_days: WindowDays::new(730).unwrap(),
            buffer_before_mins: BufferMinutes::new(0).unwrap(),
            buffer_after_mins: BufferMinutes::new(0).unwrap(),
            daily_limit: None,
            weekly_limit: None,
            default_duration: DurationMinutes::new(30).unwrap(),
        };
        Self {
            zone: TimeZone::get(zone).unwrap(),
            weekly: WeeklySchedule::empty(),
            overrides: Vec::new(),
            blocked: Vec::new(),
            bookings: Vec::new(),
            busy: Vec::new(),
            rules: SlotRules::new(&settings, DurationMinutes::new(30).unwrap()),
            now: instant(now),
            ignore: None,
        }
    }

    /// The same windows every day of the week.
    pub fn every_day(mut self, windows: &[(&str, &str)]) -> Self {
        let day = day_windows(windows);
        self.weekly = WeeklySchedule {
            monday: day.clone(),
            tuesday: day.clone(),
            wednesday: day.clone(),
            thursday: day.clone(),
            friday: day.clone(),
            saturday: day.clone(),
            sunday: day,
        };
        self
    }

    pub fn duration(mut self, minutes: i64) -> Self {
        self.rules.duration_mins = DurationMinutes::new(minutes).unwrap();
        self
    }

    pub fn interval(mut self, minutes: i64) -> Self {
        self.rules.interval_mins = Some(DurationMinutes::new(minutes).unwrap());
        self
    }

    pub fn buffers(mut self, before: i64, after: i64) -> Self {
        self.rules.buffer_before_mins = BufferMinutes::new(before).unwrap();
        self.rules.buffer_after_mins = BufferMinutes::new(after).unwrap();
        self
    }

    pub fn notice_hours(mut self, hours: i64) -> Self {
        self.rules.minimum_notice_hours = NoticeHours::new(hours).unwrap();
        self
    }

    pub fn window_days(mut self, days: i64) -> Self {
        self.rules.booking_window_days = WindowDays::new(days).unwrap();
        self
    }

    pub fn daily_limit(mut self, limit: i64) -> Self {
        self.rules.daily_limit = Some(BookingLimit::new(limit).unwrap());
        self
    }

    pub fn weekly_limit(mut self, limit: i64) -> Self {
        self.rules.weekly_limit = Some(BookingLimit::new(limit).unwrap());
        self
    }

    /// Adds a booking given in host-local wall time (`"2026-06-02 10:00"`), with its buffers.
    pub fn booked(&mut self, start: &str, end: &str, before: i32, after: i32) -> BookingId {
        let id = BookingId::new();
        self.bookings.push(ExistingBooking {
            id,
            start: self.local(start),
            end: self.local(end),
            buffer_before_mins: before,
            buffer_after_mins: after,
        });
        id
    }

    /// Adds external busy time given in host-local wall time.
    pub fn busy_local(&mut self, start: &str, end: &str) {
        let interval = BusyInterval {
            start: self.local(start),
            end: self.local(end),
        };
        self.busy.push(interval);
    }

    /// A host-local wall time (`"2026-06-02 10:00"`) as an instant (earlier one if ambiguous).
    pub fn local(&self, wall: &str) -> Timestamp {
        let datetime: jiff::civil::DateTime = wall.parse().unwrap();
        self.zone
            .to_ambiguous_timestamp(datetime)
            .earlier()
            .unwrap()
    }

    pub fn engine(&self) -> SlotEngine<'_> {
        SlotEngine {
            host: HostAvailability {
                zone: &self.zone,
                weekly: &self.weekly,
                overrides: &self.overrides,
                blocked: &self.blocked,
            },
            bookings: &self.bookings,
            busy: &self.busy,
            rules: &self.rules,
            now: self.now,
            ignore_booking: self.ignore,
        }
    }

    /// The slots starting on a host-local date.
    pub fn slots_on(&self, date: &str) -> Vec<Slot> {
        let date: Date = date.parse().unwrap();
        self.engine()
            .available_slots_on_dates(&self.zone, date, date)
    }

    /// The host-local start times (`HH:MM`) of the slots starting on a host-local date.
    pub fn local_starts_on(&self, date: &str) -> Vec<String> {
        self.slots_on(date)
            .iter()
            .map(|slot| {
                self.zone
                    .to_datetime(slot.start)
                    .time()
                    .strftime("%H:%M")
                    .to_string()
            })
            .collect()
    }

    /// The slot starts on a host-local date, in UTC (`HH:MM`).
    pub fn utc_starts_on(&self, date: &str) -> Vec<String> {
        self.slots_on(date)
            .iter()
            .map(|slot| slot.start.strftime("%H:%M").to_string())
            .collect()
    }

    pub fn check(&self, start: Timestamp) -> Result<Slot, SlotRejection> {
        self.engine().check_slot(start)
    }
}

pub fn instant(text: &str) -> Timestamp {
    text.parse().unwrap()
}

pub fn date(text: &str) -> Date {
    text.parse().unwrap()
}

pub fn window(start: &str, end: &str) -> TimeWindow {
    TimeWindow::new(
        WallTime::parse(start).unwrap(),
        WallTime::parse(end).unwrap(),
    )
    .unwrap()
}

pub fn day_windows(windows: &[(&str, &str)]) -> DayWindows {
    DayWindows::new(windows.iter().map(|(s, e)| window(s, e)).collect()).unwrap()
}

pub fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|item| (*item).to_owned()).collect()
}
