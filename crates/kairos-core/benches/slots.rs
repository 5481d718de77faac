//! Slot engine benchmarks: a 60-day and a one-day query for a busy host, and one
//! `check_slot`.
//!
//! The host: America/New_York, weekdays 09:00–12:00 and 13:00–17:00, 1,000 existing bookings,
//! 200 external busy intervals, 30 blocked dates and 10 date overrides, daily and weekly
//! limits on. Run with `cargo bench -p kairos-core --bench slots`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use kairos_core::ids::BookingId;
use kairos_core::schedule::{
    BlockedPeriod, DateOverride, DayWindows, TimeWindow, WallTime, WeeklySchedule,
};
use kairos_core::settings::{DurationMinutes, HostSettings, NoticeHours, WindowDays};
use kairos_core::slots::{
    BusyInterval, ExistingBooking, HostAvailability, SlotEngine, SlotRules, group_by_local_date,
    load_range,
};

/// Everything one host's query needs, owned.
struct Fixture {
    zone: TimeZone,
    weekly: WeeklySchedule,
    overrides: Vec<DateOverride>,
    blocked: Vec<BlockedPeriod>,
    bookings: Vec<ExistingBooking>,
    /// The same bookings in generation (random) order.
    shuffled_bookings: Vec<ExistingBooking>,
    busy: Vec<BusyInterval>,
    rules: SlotRules,
    now: Timestamp,
}

/// A small deterministic generator (xorshift), so every run sees the same data.
struct Sequence(u64);

impl Sequence {
    fn below(&mut self, bound: u64) -> i64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        i64::try_from(self.0 % bound).unwrap_or(0)
    }
}

fn window(start: u16, end: u16) -> Option<TimeWindow> {
    TimeWindow::new(
        WallTime::from_minutes(start).ok()?,
        WallTime::from_minutes(end).ok()?,
    )
    .ok()
}

fn fixture() -> Option<Fixture> {
    let zone = TimeZone::get("America/New_York").ok()?;
    let lunch_break =
        DayWindows::new(vec![window(9 * 60, 12 * 60)?, window(13 * 60, 17 * 60)?]).ok()?;
    let weekly = WeeklySchedule::weekdays(lunch_break);
    let first_day: Date = "2026-03-02".parse().ok()?;
    let day = |offset: i64| first_day.checked_add(jiff::Span::new().days(offset)).ok();
    let now: Timestamp = "2026-03-01T17:00:00Z".parse().ok()?;
    let mut sequence = Sequence(0x9e37_79b9_7f4a_7c15);

    let mut overrides = Vec::new();
    for index in 0..10 {
        overrides.push(DateOverride {
            date: day(index * 6 + 1)?,
            windows: DayWindows::new(vec![window(10 * 60, 14 * 60)?]).ok()?,
        });
    }
    let mut blocked = Vec::new();
    for index in 0..30 {
        // Spread over four months: about half fall inside the 60-day query.
        let date = day(index * 4 + 1)?;
        let hours = if index % 3 == 0 {
            window(9 * 60, 11 * 60)
        } else {
            None
        };
        blocked.push(BlockedPeriod::new(date, date, hours).ok()?);
    }
    let start_of_range = now.as_second();
    let sixty_days = 60 * 86_400;
    let mut bookings = Vec::new();
    for _ in 0..1_000 {
        let start = start_of_range + sequence.below(sixty_days / 300) * 300;
        let length = 15 + sequence.below(4) * 15;
        bookings.push(ExistingBooking {
            id: BookingId::new(),
            start: Timestamp::from_second(start).ok()?,
            end: Timestamp::from_second(start + length * 60).ok()?,
            buffer_before_mins: 0,
            buffer_after_mins: 15,
        });
    }
    let mut busy = Vec::new();
    for _ in 0..200 {
        let start = start_of_range + sequence.below(sixty_days / 300) * 300;
        let length = 30 + sequence.below(8) * 15;
        busy.push(BusyInterval {
            start: Timestamp::from_second(start).ok()?,
            end: Timestamp::from_second(start + length * 60).ok()?,
        });
    }
    let shuffled_bookings = bookings.clone();
    // The store returns rows ordered by start; the engine accepts any order.
    bookings.sort_by_key(|booking| booking.start);
    busy.sort_by_key(|interval| interval.start);
    let settings = HostSettings {
        minimum_notice_hours: NoticeHours::new(4).ok()?,
        booking_window_days: WindowDays::new(90).ok()?,
        daily_limit: kairos_core::settings::BookingLimit::new(30).ok(),
        weekly_limit: kairos_core::settings::BookingLimit::new(150).ok(),
        ..HostSettings::default()
    };
    let rules = SlotRules::new(&settings, DurationMinutes::new(30).ok()?);
    Some(Fixture {
        zone,
        weekly,
        overrides,
        blocked,
        bookings,
        shuffled_bookings,
        busy,
        rules,
        now,
    })
}

impl Fixture {
    fn engine(&self) -> SlotEngine<'_> {
        self.engine_with(&self.bookings, &self.busy)
    }

    fn engine_with<'a>(
        &'a self,
        bookings: &'a [ExistingBooking],
        busy: &'a [BusyInterval],
    ) -> SlotEngine<'a> {
        SlotEngine {
            host: HostAvailability {
                zone: &self.zone,
                weekly: &self.weekly,
                overrides: &self.overrides,
                blocked: &self.blocked,
            },
            bookings,
            busy,
            rules: &self.rules,
            now: self.now,
            ignore_booking: None,
        }
    }
}

fn slot_engine(criterion: &mut Criterion) {
    let Some(fixture) = fixture() else {
        eprintln!("could not build the benchmark fixture (is the tz database installed?)");
        return;
    };
    let engine = fixture.engine();
    let start = fixture.now;
    let sixty_days = start + SignedDuration::from_hours(60 * 24);
    let one_day_start: Timestamp = "2026-03-18T04:00:00Z".parse().unwrap_or(start);
    let one_day_end = one_day_start + SignedDuration::from_hours(24);
    let listed = engine.available_slots(start, sixty_days);
    let day_listed = engine.available_slots(one_day_start, one_day_end);
    eprintln!(
        "fixture: 60-day query lists {} slots, one-day query {}",
        listed.len(),
        day_listed.len()
    );
    let probe = listed
        .get(listed.len() / 2)
        .map_or(start, |slot| slot.start);

    criterion.bench_function("slots/60_days", |bench| {
        bench.iter(|| engine.available_slots(black_box(start), black_box(sixty_days)))
    });
    criterion.bench_function("slots/one_day", |bench| {
        bench.iter(|| engine.available_slots(black_box(one_day_start), black_box(one_day_end)))
    });
    let shuffled = fixture.engine_with(&fixture.shuffled_bookings, &fixture.busy);
    criterion.bench_function("slots/60_days_shuffled_input", |bench| {
        bench.iter(|| shuffled.available_slots(black_box(start), black_box(sixty_days)))
    });
    // What the server passes for one day: only the rows `load_range` asks for.
    let (load_start, load_end) = load_range(one_day_start, one_day_end);
    let loaded_bookings: Vec<ExistingBooking> = fixture
        .bookings
        .iter()
        .filter(|booking| booking.start < load_end && booking.end > load_start)
        .copied()
        .collect();
    let loaded_busy: Vec<BusyInterval> = fixture
        .busy
        .iter()
        .filter(|interval| interval.start < load_end && interval.end > load_start)
        .copied()
        .collect();
    eprintln!(
        "one-day load range holds {} bookings and {} busy intervals",
        loaded_bookings.len(),
        loaded_busy.len()
    );
    let loaded = fixture.engine_with(&loaded_bookings, &loaded_busy);
    criterion.bench_function("slots/one_day_loaded_rows", |bench| {
        bench.iter(|| loaded.available_slots(black_box(one_day_start), black_box(one_day_end)))
    });
    criterion.bench_function("slots/check_slot", |bench| {
        bench.iter(|| engine.check_slot(black_box(probe)))
    });
    let invitee = TimeZone::get("Europe/Berlin").unwrap_or(TimeZone::UTC);
    criterion.bench_function("slots/group_60_days", |bench| {
        bench.iter(|| group_by_local_date(black_box(&listed), &invitee))
    });
}

criterion_group!(benches, slot_engine);
criterion_main!(benches);
