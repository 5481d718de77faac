//! Properties of the slot engine over random hosts, bookings and queries around DST changes.
//!
//! The availability oracle here is independent of the engine: an instant `t` lies in a civil
//! window `[b1, b2)` of date `d` exactly when the highest wall-clock reading seen up to `t`
//! (`latest_reading`) lies in `[d b1, d b2)`. That is the engine's rule (a boundary in a gap
//! moves to the end of the gap, an ambiguous one takes the earlier instant) stated without
//! converting any boundary.

#![allow(clippy::unwrap_used)]

mod slot_fixtures;

use std::collections::BTreeSet;

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use kairos_core::ids::BookingId;
use kairos_core::schedule::{
    BlockedPeriod, DateOverride, DayWindows, TimeWindow, WallTime, WeeklySchedule,
};
use kairos_core::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, NoticeHours, WindowDays,
};
use kairos_core::slots::{BusyInterval, ExistingBooking, Slot, SlotRejection};
use proptest::prelude::*;
use slot_fixtures::Host;

/// Zones and the dates of their 2026 changes (read from jiff; see `slots_dst.rs`), plus an
/// ordinary date for each; scenarios start a few days before one of them.
const ZONE_DATES: &[(&str, &[&str])] = &[
    (
        "America/New_York",
        &["2026-03-08", "2026-11-01", "2026-06-10"],
    ),
    ("Europe/London", &["2026-03-29", "2026-10-25", "2026-06-10"]),
    (
        "Australia/Lord_Howe",
        &["2026-04-05", "2026-10-04", "2026-06-10"],
    ),
    ("Asia/Kolkata", &["2026-03-08", "2026-11-01"]),
    ("Asia/Kathmandu", &["2026-03-29", "2026-10-25"]),
    (
        "Pacific/Chatham",
        &["2026-04-05", "2026-09-27", "2026-06-10"],
    ),
    (
        "America/Santiago",
        &["2026-04-05", "2026-09-06", "2026-06-10"],
    ),
    (
        "America/Havana",
        &["2026-03-08", "2026-11-01", "2026-06-10"],
    ),
    ("UTC", &["2026-03-08"]),
];

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "America/Santiago",
    "America/Havana",
    "UTC",
];

/// Quarter hours (index × 15 minutes) near midnight and the usual change hours.
const INTERESTING_POINTS: &[u16] = &[0, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 92, 94, 96];

const INVITEE_ZONES: &[&str] = &[
    "Pacific/Kiritimati",
    "America/Santiago",
    "Asia/Kathmandu",
    "Pacific/Pago_Pago",
];

#[derive(Debug, Clone)]
struct Scenario {
    host: Host,
    range: (Timestamp, Timestamp),
    extra_busy: BusyInterval,
    extra_booking: ExistingBooking,
    probes: Vec<i64>,
}

fn minutes(value: u16) -> WallTime {
    WallTime::from_minutes(value).unwrap()
}

fn arb_day() -> impl Strategy<Value = DayWindows> {
    (
        prop::collection::vec(
            prop_oneof![0u16..=96, prop::sample::select(INTERESTING_POINTS)],
            0..6,
        ),
        any::<bool>(),
        prop::bool::weighted(0.3),
        prop::bool::weighted(0.3),
    )
        .prop_map(|(mut points, touching, from_midnight, to_midnight)| {
            if from_midnight {
                points.push(0);
            }
            if to_midnight {
                points.push(96);
            }
            points.sort_unstable();
            points.dedup();
            let pairs: Vec<(u16, u16)> = if touching {
                points.windows(2).map(|pair| (pair[0], pair[1])).collect()
            } else {
                points
                    .chunks_exact(2)
                    .map(|pair| (pair[0], pair[1]))
                    .collect()
            };
            let windows = pairs
                .into_iter()
                .map(|(start, end)| {
                    TimeWindow::new(minutes(start * 15), minutes(end * 15)).unwrap()
                })
                .collect();
            DayWindows::new(windows).unwrap()
        })
}

fn arb_weekly() -> impl Strategy<Value = WeeklySchedule> {
    let around_the_clock = Just(vec![
        DayWindows::new(vec![
            TimeWindow::new(minutes(0), minutes(1440)).unwrap()
        ])
        .unwrap();
        7
    ]);
    prop_oneof![
        5 => prop::collection::vec(arb_day(), 7),
        1 => around_the_clock,
    ]
    .prop_map(|days| {
        let mut days = days.into_iter();
        let mut next = || days.next().unwrap_or_default();
        WeeklySchedule {
            monday: next(),
            tuesday: next(),
            wednesday: next(),
            thursday: next(),
            friday: next(),
            saturday: next(),
            sunday: next(),
        }
    })
}

fn at(base: Date, seconds: i64) -> Timestamp {
    base.to_datetime(jiff::civil::Time::midnight())
        .to_zoned_datetime(TimeZone::UTC)
        .unwrap()
        .timestamp()
        + SignedDuration::from_secs(seconds)
}

fn day_after(base: Date, days: i64) -> Date {
    base.checked_add(jiff::Span::new().days(days)).unwrap()
}

const DAY: i64 = 86_400;

fn arb_interval(base: Date) -> impl Strategy<Value = (Timestamp, Timestamp)> {
    (
        0..12 * DAY / 300,
        1i64..=36,
        prop::bool::weighted(0.1),
        0i64..60,
    )
        .prop_map(move |(start, length, odd, second)| {
            let start = start * 300 + if odd { second } else { 0 };
            (at(base, start), at(base, start + length * 300))
        })
}

fn arb_booking(base: Date) -> impl Strategy<Value = ExistingBooking> {
    (
        arb_interval(base),
        -10i32..=100,
        -10i32..=100,
        prop::bool::weighted(0.05),
    )
        .prop_map(|((start, end), before, after, inverted)| ExistingBooking {
            id: BookingId::new(),
            start: if inverted { end } else { start },
            end: if inverted { start } else { end },
            buffer_before_mins: before,
            buffer_after_mins: after,
        })
}

fn arb_scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::sample::select(ZONE_DATES),
        any::<prop::sample::Index>(),
        0i64..4,
    )
        .prop_flat_map(|((zone, dates), pick, days_before)| {
            let change: Date = dates[pick.index(dates.len())].parse().unwrap();
            let base = day_after(change, -days_before);
            let overrides = prop::collection::vec(
                (0i64..12, arb_day()).prop_map(move |(offset, windows)| DateOverride {
                    date: day_after(base, offset),
                    windows,
                }),
                0..3,
            );
            let blocked = prop::collection::vec(
                (0i64..12, 0i64..3, prop::option::of((0u16..96, 1u16..=24))).prop_map(
                    move |(offset, length, hours)| {
                        let hours = hours.map(|(start, span)| {
                            TimeWindow::new(
                                minutes(start * 15),
                                minutes(((start + span) * 15).min(1440)),
                            )
                            .unwrap()
                        });
                        BlockedPeriod::new(
                            day_after(base, offset),
                            day_after(base, offset + length),
                            hours,
                        )
                        .unwrap()
                    },
                ),
                0..3,
            );
            let rules = (
                prop::sample::select(vec![5i64, 15, 20, 30, 45, 50, 60, 90, 120, 7]),
                prop::option::of(prop::sample::select(vec![5i64, 10, 15, 25, 30, 60])),
                (0i64..=45, 0i64..=45),
                prop_oneof![4 => 0i64..=6, 1 => 0i64..=72],
                1i64..=14,
                (prop::option::of(1i64..=3), prop::option::of(1i64..=6)),
            );
            let probes = prop::collection::vec(-DAY..14 * DAY, 0..24);
            (
                (
                    (Just(zone), Just(base), Just(change)),
                    arb_weekly(),
                    overrides,
                    blocked,
                    prop::option::weighted(0.5, arb_day()),
                ),
                prop::collection::vec(arb_booking(base), 0..12),
                prop::collection::vec(arb_interval(base), 0..8),
                rules,
                (0..2 * DAY, prop::bool::weighted(0.2), 0i32..1_000_000_000),
                (-DAY..5 * DAY, 0..6 * DAY),
                (arb_interval(base), arb_booking(base), probes),
                any::<bool>(),
            )
                .prop_map(
                    |(
                        ((zone, base, change), weekly, mut overrides, blocked, change_day),
                        bookings,
                        busy,
                        (
                            duration,
                            interval,
                            (before, after),
                            notice,
                            window,
                            (daily, weekly_limit),
                        ),
                        (now, fractional, nanos),
                        (range_start, range_length),
                        (extra_busy, extra_booking, probes),
                        ignore_first,
                    )| {
                        let mut host = Host::new(zone, "2026-01-01T00:00:00Z");
                        host.weekly = weekly;
                        if let Some(windows) = change_day {
                            // Aim at the change itself: first override wins.
                            overrides.insert(
                                0,
                                DateOverride {
                                    date: change,
                                    windows,
                                },
                            );
                        }
                        host.overrides = overrides;
                        host.blocked = blocked;
                        host.ignore = if ignore_first {
                            bookings.first().map(|b| b.id)
                        } else {
                            None
                        };
                        host.bookings = bookings;
                        host.busy = busy
                            .into_iter()
                            .map(|(start, end)| BusyInterval { start, end })
                            .collect();
                        host.rules.duration_mins = DurationMinutes::new(duration).unwrap();
                        host.rules.interval_mins =
                            interval.map(|i| DurationMinutes::new(i).unwrap());
                        host.rules.buffer_before_mins = BufferMinutes::new(before).unwrap();
                        host.rules.buffer_after_mins = BufferMinutes::new(after).unwrap();
                        host.rules.minimum_notice_hours = NoticeHours::new(notice).unwrap();
                        host.rules.booking_window_days = WindowDays::new(window).unwrap();
                        host.rules.daily_limit = daily.map(|l| BookingLimit::new(l).unwrap());
                        host.rules.weekly_limit =
                            weekly_limit.map(|l| BookingLimit::new(l).unwrap());
                        host.now = at(base, -now);
                        if fractional {
                            host.now += SignedDuration::from_nanos(i64::from(nanos));
                        }
                        let start = at(base, range_start);
                        Scenario {
                            range: (start, start + SignedDuration::from_secs(range_length)),
                            extra_busy: BusyInterval {
                                start: extra_busy.0,
                                end: extra_busy.1,
                            },
                            extra_booking,
                            probes: probes
                                .into_iter()
                                .map(|p| at(base, p).as_second())
                                .collect(),
                            host,
                        }
                    },
                )
        })
}

/// The highest wall-clock reading in `zone` at or before `t` (a fold repeats readings, so
/// after one it stays at the reading just before the clocks went back).
fn latest_reading(zone: &TimeZone, t: Timestamp) -> DateTime {
    let now = zone.to_datetime(t);
    let Some(transition) = zone.preceding(t + SignedDuration::from_nanos(1)).next() else {
        return now;
    };
    let since = t.duration_since(transition.timestamp());
    if since > SignedDuration::from_hours(4) {
        return now;
    }
    let before = zone.to_datetime(transition.timestamp() - SignedDuration::from_nanos(1));
    now.max(before)
}

/// Whether the host's civil rules make the wall-clock minute `minute` of `day` available.
fn civil_minute_open(host: &Host, day: Date, minute: u16) -> bool {
    let windows = host
        .overrides
        .iter()
        .find(|item| item.date == day)
        .map(|item| &item.windows)
        .unwrap_or_else(|| host.weekly.day(day.weekday()));
    let in_window = windows
        .as_slice()
        .iter()
        .any(|w| w.start().minutes() <= minute && minute < w.end().minutes());
    let blocked = host.blocked.iter().any(|block| {
        block.start_date() <= day
            && day <= block.end_date()
            && block
                .hours()
                .is_none_or(|h| h.start().minutes() <= minute && minute < h.end().minutes())
    });
    in_window && !blocked
}

fn instant_open(host: &Host, t: Timestamp) -> bool {
    let reading = latest_reading(&host.zone, t);
    let minute = reading.hour() as u16 * 60 + reading.minute() as u16;
    civil_minute_open(host, reading.date(), minute)
}

fn host_date(host: &Host, t: Timestamp) -> Date {
    latest_reading(&host.zone, t).date()
}

fn overlaps(a: (Timestamp, Timestamp), b: (Timestamp, Timestamp)) -> bool {
    a.0 < b.1 && b.0 < a.1 && a.0 < a.1 && b.0 < b.1
}

fn minutes_span(value: i32) -> SignedDuration {
    SignedDuration::from_mins(i64::from(value.clamp(0, 480)))
}

fn slot_set(slots: &[Slot]) -> BTreeSet<Timestamp> {
    slots.iter().map(|slot| slot.start).collect()
}

fn active_bookings(host: &Host) -> impl Iterator<Item = &ExistingBooking> {
    host.bookings.iter().filter(|b| Some(b.id) != host.ignore)
}

/// Whether a slot at `start` passes every rule except availability and the grid.
fn oracle_accepts(host: &Host, range: (Timestamp, Timestamp), start: Timestamp) -> bool {
    let rules = &host.rules;
    let duration = SignedDuration::from_mins(i64::from(rules.duration_mins.get()));
    let before = SignedDuration::from_mins(i64::from(rules.buffer_before_mins.get()));
    let after = SignedDuration::from_mins(i64::from(rules.buffer_after_mins.get()));
    let earliest =
        host.now + SignedDuration::from_hours(i64::from(rules.minimum_notice_hours.get()));
    let today = host.zone.to_datetime(host.now).date();
    let last_day = day_after(today, i64::from(rules.booking_window_days.get()));
    let end = start + duration;
    if start < range.0 || start >= range.1 || start < earliest {
        return false;
    }
    let day = host_date(host, start);
    if day > last_day {
        return false;
    }
    let buffered = (start - before, end + after);
    for booking in active_bookings(host) {
        if booking.start < booking.end
            && (overlaps(buffered, (booking.start, booking.end))
                || overlaps(
                    (start, end),
                    (
                        booking.start - minutes_span(booking.buffer_before_mins),
                        booking.end + minutes_span(booking.buffer_after_mins),
                    ),
                ))
        {
            return false;
        }
    }
    if host
        .busy
        .iter()
        .any(|busy| overlaps(buffered, (busy.start, busy.end)))
    {
        return false;
    }
    if let Some(limit) = rules.daily_limit {
        let count = active_bookings(host)
            .filter(|b| host_date(host, b.start) == day)
            .count();
        if count >= limit.get() as usize {
            return false;
        }
    }
    if let Some(limit) = rules.weekly_limit {
        let week = day.iso_week_date();
        let count = active_bookings(host)
            .filter(|b| {
                let other = host_date(host, b.start).iso_week_date();
                (other.year(), other.week()) == (week.year(), week.week())
            })
            .count();
        if count >= limit.get() as usize {
            return false;
        }
    }
    true
}

/// The slots the rules call for, found the slow way: scan availability minute by minute from
/// a host-local Monday at least a week before the range, cut it into runs, restart a run's
/// grid at a Monday when it has lasted since the previous Monday, and test each grid point.
fn oracle_slots(host: &Host, range: (Timestamp, Timestamp)) -> BTreeSet<Timestamp> {
    let minute = SignedDuration::from_mins(1);
    let first_day = host_date(host, range.0);
    let monday = day_after(
        first_day,
        -i64::from(first_day.weekday().to_monday_zero_offset()) - 7,
    );
    let mut t = at(monday, 0) - SignedDuration::from_hours(15);
    while host_date(host, t) < monday {
        t += minute;
    }
    let scan_end = range.1 + SignedDuration::from_hours(13);
    // (anchors, end) per run.
    let mut runs: Vec<(Vec<Timestamp>, Timestamp)> = Vec::new();
    let mut previous_open = false;
    let mut previous_date: Option<Date> = None;
    let mut previous_monday: Option<Timestamp> = None;
    while t < scan_end {
        let reading = latest_reading(&host.zone, t);
        let date = reading.date();
        let open = civil_minute_open(
            host,
            date,
            reading.hour() as u16 * 60 + reading.minute() as u16,
        );
        let starts_monday =
            date.weekday() == jiff::civil::Weekday::Monday && previous_date != Some(date);
        if open && !previous_open {
            runs.push((vec![t], t));
        } else if open
            && starts_monday
            && let Some(run) = runs.last_mut()
            && previous_monday.is_some_and(|m| run.0.last().is_some_and(|anchor| *anchor <= m))
        {
            run.0.push(t);
        }
        if open && let Some(run) = runs.last_mut() {
            run.1 = t + minute;
        }
        if starts_monday {
            previous_monday = Some(t);
        }
        previous_open = open;
        previous_date = Some(date);
        t += minute;
    }
    let rules = &host.rules;
    let duration = SignedDuration::from_mins(i64::from(rules.duration_mins.get()));
    let step = SignedDuration::from_mins(i64::from(
        rules.interval_mins.unwrap_or(rules.duration_mins).get(),
    ));
    let mut slots = BTreeSet::new();
    for (anchors, end) in &runs {
        for (index, anchor) in anchors.iter().enumerate() {
            let segment_end = anchors.get(index + 1).copied().unwrap_or(*end);
            let mut start = *anchor;
            while start < segment_end && start + duration <= *end && start < range.1 {
                if oracle_accepts(host, range, start) {
                    slots.insert(start);
                }
                start += step;
            }
        }
    }
    slots
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn every_slot_is_free_inside_availability_notice_window_and_limits(scenario in arb_scenario()) {
        let host = &scenario.host;
        let slots = host.engine().available_slots(scenario.range.0, scenario.range.1);
        let rules = &host.rules;
        let duration = SignedDuration::from_mins(i64::from(rules.duration_mins.get()));
        let before = SignedDuration::from_mins(i64::from(rules.buffer_before_mins.get()));
        let after = SignedDuration::from_mins(i64::from(rules.buffer_after_mins.get()));
        let earliest = host.now + SignedDuration::from_hours(i64::from(rules.minimum_notice_hours.get()));
        let today = host.zone.to_datetime(host.now).date();
        let last_day = day_after(today, i64::from(rules.booking_window_days.get()));

        for pair in slots.windows(2) {
            prop_assert!(pair[0].start < pair[1].start, "sorted and unique");
        }
        for slot in &slots {
            prop_assert_eq!(slot.end - duration, slot.start);
            prop_assert!(slot.start >= scenario.range.0 && slot.start < scenario.range.1);
            prop_assert!(slot.start >= earliest, "before notice: {:?}", slot);
            prop_assert!(host_date(host, slot.start) <= last_day, "beyond window: {:?}", slot);
            let mut t = slot.start;
            while t < slot.end {
                prop_assert!(instant_open(host, t), "outside availability at {} in {:?}", t, slot);
                t += SignedDuration::from_mins(1);
            }
            let buffered = (slot.start - before, slot.end + after);
            for booking in active_bookings(host) {
                prop_assert!(!overlaps(buffered, (booking.start, booking.end)), "{:?} meets {:?}", slot, booking);
                let held = (
                    booking.start - minutes_span(booking.buffer_before_mins),
                    booking.end + minutes_span(booking.buffer_after_mins),
                );
                if booking.start < booking.end {
                    prop_assert!(!overlaps((slot.start, slot.end), held), "{:?} enters {:?}", slot, booking);
                }
            }
            for busy in &host.busy {
                prop_assert!(!overlaps(buffered, (busy.start, busy.end)), "{:?} meets {:?}", slot, busy);
            }
            let day = host_date(host, slot.start);
            if let Some(limit) = rules.daily_limit {
                let count = active_bookings(host).filter(|b| host_date(host, b.start) == day).count();
                prop_assert!(count < limit.get() as usize, "daily limit on {}", day);
            }
            if let Some(limit) = rules.weekly_limit {
                let week = day.iso_week_date();
                let count = active_bookings(host)
                    .filter(|b| {
                        let other = host_date(host, b.start).iso_week_date();
                        (other.year(), other.week()) == (week.year(), week.week())
                    })
                    .count();
                prop_assert!(count < limit.get() as usize, "weekly limit in week of {}", day);
            }
        }
    }


    #[test]
    fn the_listing_equals_a_minute_by_minute_reference_model(scenario in arb_scenario()) {
        let host = &scenario.host;
        let (start, end) = scenario.range;
        // Keep the scan short: the reference model is slow by design.
        let end = end.min(start + SignedDuration::from_hours(72));
        let listed = slot_set(&host.engine().available_slots(start, end));
        let expected = oracle_slots(host, (start, end));
        prop_assert_eq!(listed, expected);
    }

    #[test]
    fn the_instants_are_the_same_for_every_invitee_zone(scenario in arb_scenario()) {
        let engine = scenario.host.engine();
        let (start, end) = scenario.range;
        let reference = engine.available_slots(start, end);
        for name in INVITEE_ZONES.iter().copied().chain([scenario.host.zone.iana_name().unwrap_or("UTC")]) {
            let zone = TimeZone::get(name).unwrap();
            let mut seen = engine.available_slots_on_dates(
                &zone,
                zone.to_datetime(start).date(),
                zone.to_datetime(end).date(),
            );
            seen.retain(|slot| slot.start >= start && slot.start < end);
            prop_assert_eq!(&seen, &reference, "invitee zone {}", name);
        }
    }

    #[test]
    fn the_answer_does_not_depend_on_how_wide_the_query_is(scenario in arb_scenario()) {
        let engine = scenario.host.engine();
        let (start, end) = scenario.range;
        let wide = engine.available_slots(
            start - SignedDuration::from_hours(24 * 9),
            end + SignedDuration::from_hours(24 * 9),
        );
        let mut part = wide.clone();
        part.retain(|slot| slot.start >= start && slot.start < end);
        prop_assert_eq!(part, engine.available_slots(start, end));
    }

    #[test]
    fn bookings_in_start_order_give_the_same_answer_as_any_order(scenario in arb_scenario()) {
        let (start, end) = scenario.range;
        let any_order = scenario.host.engine().available_slots(start, end);
        let mut sorted = scenario.host.clone();
        sorted.bookings.sort_by_key(|b| b.start);
        prop_assert_eq!(&any_order, &sorted.engine().available_slots(start, end));
        for slot in &any_order {
            prop_assert!(sorted.engine().check_slot(slot.start).is_ok());
        }
    }

    #[test]
    fn bookings_outside_load_range_for_never_matter(scenario in arb_scenario()) {
        let (start, end) = scenario.range;
        let full = scenario.host.engine().available_slots(start, end);
        let (load_start, load_end) = kairos_core::slots::load_range_for(&scenario.host.rules, start, end);
        let mut trimmed = scenario.host.clone();
        trimmed.bookings.retain(|b| b.start < load_end && b.end > load_start);
        trimmed.busy.retain(|b| b.start < load_end && b.end > load_start);
        prop_assert_eq!(full, trimmed.engine().available_slots(start, end));
    }

    #[test]
    fn adding_busy_time_or_a_booking_never_adds_a_slot(scenario in arb_scenario()) {
        let (start, end) = scenario.range;
        let base = slot_set(&scenario.host.engine().available_slots(start, end));
        let mut busier = scenario.host.clone();
        busier.busy.push(scenario.extra_busy);
        let with_busy = slot_set(&busier.engine().available_slots(start, end));
        prop_assert!(with_busy.is_subset(&base));
        busier.bookings.push(scenario.extra_booking);
        let with_booking = slot_set(&busier.engine().available_slots(start, end));
        prop_assert!(with_booking.is_subset(&with_busy));
    }

    #[test]
    fn removing_busy_time_or_a_booking_never_removes_a_slot(scenario in arb_scenario(), pick in any::<prop::sample::Index>()) {
        let (start, end) = scenario.range;
        let base = slot_set(&scenario.host.engine().available_slots(start, end));
        let mut freer = scenario.host.clone();
        if !freer.busy.is_empty() {
            freer.busy.remove(pick.index(freer.busy.len()));
            let fewer_busy = slot_set(&freer.engine().available_slots(start, end));
            prop_assert!(base.is_subset(&fewer_busy));
        }
        if !freer.bookings.is_empty() {
            let before = slot_set(&freer.engine().available_slots(start, end));
            freer.bookings.remove(pick.index(freer.bookings.len()));
            let fewer_bookings = slot_set(&freer.engine().available_slots(start, end));
            prop_assert!(before.is_subset(&fewer_bookings));
        }
    }

    #[test]
    fn check_slot_agrees_with_the_listing(scenario in arb_scenario()) {
        let host = &scenario.host;
        let engine = host.engine();
        let (start, end) = scenario.range;
        let slots = engine.available_slots(start, end);
        for slot in &slots {
            prop_assert_eq!(engine.check_slot(slot.start), Ok(*slot));
        }
        let listed = slot_set(&slots);
        let step = i64::from(host.rules.interval_mins.unwrap_or(host.rules.duration_mins).get()) * 60;
        let mut probes: Vec<Timestamp> = scenario
            .probes
            .iter()
            .map(|&second| Timestamp::from_second(second).unwrap())
            .collect();
        // Near misses and grid neighbours of listed slots.
        for slot in slots.iter().take(8) {
            for delta in [-step, -300, -1, 1, 300, step] {
                probes.push(slot.start + SignedDuration::from_secs(delta));
            }
            probes.push(slot.start + SignedDuration::from_nanos(1));
        }
        let earliest = host.now + SignedDuration::from_hours(i64::from(host.rules.minimum_notice_hours.get()));
        for probe in probes {
            let verdict = engine.check_slot(probe);
            if probe >= start && probe < end {
                prop_assert_eq!(verdict.is_ok(), listed.contains(&probe), "probe {} gave {:?}", probe, verdict);
            }
            match verdict {
                Ok(slot) => prop_assert_eq!(slot.start, probe),
                Err(SlotRejection::BeforeNotice) => prop_assert!(probe < earliest),
                Err(_) => prop_assert!(probe >= earliest),
            }
        }
    }

    #[test]
    fn no_input_makes_the_engine_panic(
        now in any::<i64>(),
        range in (any::<i64>(), any::<i64>()),
        booking in (any::<i64>(), any::<i64>(), any::<i32>(), any::<i32>()),
        zone in prop::sample::select(ZONES),
    ) {
        let clamp = |second: i64| {
            Timestamp::from_second(second.clamp(Timestamp::MIN.as_second(), Timestamp::MAX.as_second())).unwrap()
        };
        let mut host = Host::new(zone, "2026-01-01T00:00:00Z").every_day(&[("00:00", "24:00")]);
        host.now = clamp(now);
        host.rules.booking_window_days = WindowDays::new(730).unwrap();
        host.rules.daily_limit = Some(BookingLimit::new(1).unwrap());
        host.rules.weekly_limit = Some(BookingLimit::new(1).unwrap());
        host.bookings.push(ExistingBooking {
            id: BookingId::new(),
            start: clamp(booking.0),
            end: clamp(booking.1),
            buffer_before_mins: booking.2,
            buffer_after_mins: booking.3,
        });
        host.busy.push(BusyInterval { start: clamp(booking.1), end: clamp(booking.0) });
        let engine = host.engine();
        let _ = engine.available_slots(clamp(range.0), clamp(range.1));
        let _ = engine.check_slot(clamp(range.0));
        let _ = engine.available_slots_on_dates(&host.zone, Date::MIN, Date::MAX);
    }
}
