//! One example per slot rule, on ordinary (non-DST) days in Europe/Paris, June 2026.
//! 2026-06-01 is a Monday.

#![allow(clippy::unwrap_used)]

mod slot_fixtures;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kairos_core::schedule::{BlockedPeriod, DateOverride, DayWindows, WeeklySchedule};
use kairos_core::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, HostSettings, NoticeHours, SettingOverrides,
};
use kairos_core::slots::{
    BusyInterval, SlotRejection, SlotRules, group_by_local_date, invitee_date_range, load_range,
};
use slot_fixtures::{Host, date, day_windows, instant, strings, window};

const PARIS: &str = "Europe/Paris";
const NOW: &str = "2026-05-31T00:00:00Z";

fn nine_to_twelve() -> Host {
    Host::new(PARIS, NOW).every_day(&[("09:00", "12:00")])
}

#[test]
fn weekly_hours_offer_starts_one_duration_apart() {
    let host = nine_to_twelve();
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"])
    );
    let slot = host.slots_on("2026-06-02")[0];
    assert_eq!(slot.start, instant("2026-06-02T07:00:00Z"));
    assert_eq!(slot.end, instant("2026-06-02T07:30:00Z"));
}

#[test]
fn a_day_without_weekly_hours_offers_nothing() {
    let mut host = nine_to_twelve();
    host.weekly = WeeklySchedule::default(); // weekdays only
    assert!(host.local_starts_on("2026-06-06").is_empty());
    assert_eq!(host.local_starts_on("2026-06-05").len(), 16);
}

#[test]
fn slot_interval_shorter_than_duration_gives_overlapping_starts() {
    let host = Host::new(PARIS, NOW)
        .every_day(&[("09:00", "11:00")])
        .duration(60)
        .interval(30);
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "09:30", "10:00"])
    );
}

#[test]
fn a_slot_must_fit_entirely_inside_its_window() {
    let host = Host::new(PARIS, NOW).every_day(&[("09:00", "10:45")]);
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "09:30", "10:00"])
    );
}

#[test]
fn the_grid_restarts_at_each_window_after_a_lunch_break() {
    let host = Host::new(PARIS, NOW)
        .every_day(&[("09:00", "12:00"), ("13:10", "15:00")])
        .duration(45);
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "09:45", "10:30", "11:15", "13:10", "13:55"])
    );
}

#[test]
fn touching_windows_on_one_day_join_into_one() {
    let host = Host::new(PARIS, NOW)
        .every_day(&[("09:00", "10:00"), ("10:00", "11:00")])
        .duration(40);
    // Joined: 09:00–11:00 on a 40-minute grid; apart they would give 09:00 and 10:00 only.
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "09:40", "10:20"])
    );
}

#[test]
fn windows_touching_across_midnight_join_and_a_slot_may_span_midnight() {
    let mut host = Host::new(PARIS, NOW).duration(90);
    host.weekly.monday = day_windows(&[("22:00", "24:00")]);
    host.weekly.tuesday = day_windows(&[("00:00", "02:00")]);
    assert_eq!(
        host.local_starts_on("2026-06-01"),
        strings(&["22:00", "23:30"])
    );
    let spanning = host.slots_on("2026-06-01")[1];
    assert_eq!(spanning.end, host.local("2026-06-02 01:00"));
    // Tuesday's only start left would be 01:00, which does not fit before 02:00.
    assert!(host.local_starts_on("2026-06-02").is_empty());
}

#[test]
fn a_date_override_replaces_that_dates_weekly_hours() {
    let mut host = nine_to_twelve();
    host.overrides.push(DateOverride {
        date: date("2026-06-02"),
        windows: day_windows(&[("14:00", "15:00")]),
    });
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["14:00", "14:30"])
    );
    assert_eq!(host.local_starts_on("2026-06-03").len(), 6);
}

#[test]
fn an_override_without_windows_is_a_day_off() {
    let mut host = nine_to_twelve();
    host.overrides.push(DateOverride {
        date: date("2026-06-02"),
        windows: DayWindows::none(),
    });
    assert!(host.local_starts_on("2026-06-02").is_empty());
}

#[test]
fn of_two_overrides_for_one_date_the_first_wins() {
    let mut host = nine_to_twelve();
    for windows in [&[("14:00", "15:00")], &[("16:00", "17:00")]] {
        host.overrides.push(DateOverride {
            date: date("2026-06-02"),
            windows: day_windows(windows),
        });
    }
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["14:00", "14:30"])
    );
}

#[test]
fn a_whole_day_block_removes_every_date_in_its_range() {
    let mut host = nine_to_twelve();
    host.blocked
        .push(BlockedPeriod::new(date("2026-06-02"), date("2026-06-03"), None).unwrap());
    assert_eq!(host.local_starts_on("2026-06-01").len(), 6);
    assert!(host.local_starts_on("2026-06-02").is_empty());
    assert!(host.local_starts_on("2026-06-03").is_empty());
    assert_eq!(host.local_starts_on("2026-06-04").len(), 6);
}

#[test]
fn blocked_hours_remove_those_hours_on_each_date_of_the_range() {
    let mut host = nine_to_twelve();
    let hours = window("10:00", "11:00");
    host.blocked
        .push(BlockedPeriod::new(date("2026-06-02"), date("2026-06-03"), Some(hours)).unwrap());
    for day in ["2026-06-02", "2026-06-03"] {
        assert_eq!(
            host.local_starts_on(day),
            strings(&["09:00", "09:30", "11:00", "11:30"])
        );
    }
    assert_eq!(host.local_starts_on("2026-06-04").len(), 6);
}

#[test]
fn busy_time_removes_grid_points_without_shifting_the_grid() {
    let mut host = nine_to_twelve();
    host.busy_local("2026-06-02 09:10", "2026-06-02 09:20");
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:30", "10:00", "10:30", "11:00", "11:30"])
    );
}

#[test]
fn a_new_meetings_buffers_keep_it_away_from_existing_bookings() {
    let mut host = nine_to_twelve().buffers(0, 15);
    host.booked("2026-06-02 10:00", "2026-06-02 10:30", 0, 0);
    // 09:30 would end at 10:00 and its 15-minute buffer would run into the booking.
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "10:30", "11:00", "11:30"])
    );
}

#[test]
fn a_meeting_never_enters_an_existing_bookings_buffer() {
    let mut host = nine_to_twelve();
    host.booked("2026-06-02 10:00", "2026-06-02 10:30", 15, 15);
    // The booking holds 09:45–10:45: 09:30 (ends 10:00) and 10:30 collide with its buffers.
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "11:00", "11:30"])
    );
}

#[test]
fn buffers_may_overlap_each_other() {
    let mut host = nine_to_twelve().interval(15).buffers(15, 0);
    host.booked("2026-06-02 10:00", "2026-06-02 10:30", 0, 15);
    let starts = host.local_starts_on("2026-06-02");
    // 10:45: its 15-minute buffer before (10:30–10:45) overlaps the booking's buffer after.
    assert!(starts.contains(&"10:45".to_owned()), "{starts:?}");
    assert!(!starts.contains(&"10:30".to_owned()), "{starts:?}");
}

#[test]
fn external_busy_time_counts_the_new_meetings_buffers_only() {
    let mut host = nine_to_twelve().buffers(30, 0);
    host.busy_local("2026-06-02 10:00", "2026-06-02 10:30");
    // 10:30 needs 10:00–10:30 free as its buffer before; 11:00 is fine.
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "09:30", "11:00", "11:30"])
    );
}

#[test]
fn meetings_may_touch_bookings_when_there_are_no_buffers() {
    let mut host = nine_to_twelve();
    host.booked("2026-06-02 10:00", "2026-06-02 10:30", 0, 0);
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["09:00", "09:30", "10:30", "11:00", "11:30"])
    );
}

#[test]
fn no_slot_starts_before_the_minimum_notice() {
    let mut host = nine_to_twelve().notice_hours(2);
    host.now = host.local("2026-06-02 08:00");
    assert_eq!(
        host.local_starts_on("2026-06-02"),
        strings(&["10:00", "10:30", "11:00", "11:30"])
    );
    host.now = host.local("2026-06-02 08:00:01");
    assert_eq!(host.local_starts_on("2026-06-02")[0], "10:30");
}

#[test]
fn no_slot_starts_after_the_last_day_of_the_booking_window() {
    let mut host = Host::new(PARIS, NOW)
        .every_day(&[("09:00", "12:00"), ("23:30", "24:00")])
        .window_days(2);
    host.now = host.local("2026-06-01 20:00");
    assert_eq!(host.local_starts_on("2026-06-03").last().unwrap(), "23:30");
    assert!(host.local_starts_on("2026-06-04").is_empty());
    let late = host.local("2026-06-04 09:00");
    assert_eq!(host.check(late), Err(SlotRejection::BeyondWindow));
}

#[test]
fn a_day_holding_the_daily_limit_offers_nothing() {
    let mut host = nine_to_twelve().daily_limit(2);
    host.booked("2026-06-02 09:00", "2026-06-02 09:30", 0, 0);
    host.booked("2026-06-02 18:00", "2026-06-02 19:00", 0, 0); // outside hours, another event type
    assert!(host.local_starts_on("2026-06-02").is_empty());
    assert_eq!(host.local_starts_on("2026-06-03").len(), 6);
    let start = host.local("2026-06-02 10:00");
    assert_eq!(host.check(start), Err(SlotRejection::DailyLimitReached));
}

#[test]
fn bookings_count_toward_the_host_local_date_of_their_start() {
    let mut host = nine_to_twelve().daily_limit(1);
    // 23:30 in Paris on the 2nd is 21:30 UTC: still the 2nd for the host.
    host.booked("2026-06-02 23:30", "2026-06-03 00:30", 0, 0);
    assert!(host.local_starts_on("2026-06-02").is_empty());
    assert_eq!(host.local_starts_on("2026-06-03").len(), 6);
}

#[test]
fn a_week_holding_the_weekly_limit_offers_nothing() {
    let mut host = nine_to_twelve().weekly_limit(2);
    host.booked("2026-06-01 09:00", "2026-06-01 09:30", 0, 0); // Monday
    host.booked("2026-06-07 11:00", "2026-06-07 11:30", 0, 0); // Sunday, same ISO week
    for day in ["2026-06-01", "2026-06-04", "2026-06-07"] {
        assert!(host.local_starts_on(day).is_empty(), "{day}");
    }
    assert_eq!(host.local_starts_on("2026-06-08").len(), 6);
    assert_eq!(host.local_starts_on("2026-05-31").len(), 6);
    let start = host.local("2026-06-03 10:00");
    assert_eq!(host.check(start), Err(SlotRejection::WeeklyLimitReached));
}

#[test]
fn a_rescheduled_booking_is_neither_busy_nor_counted() {
    let mut host = nine_to_twelve().daily_limit(1);
    let moving = host.booked("2026-06-02 10:00", "2026-06-02 10:30", 0, 0);
    assert!(host.local_starts_on("2026-06-02").is_empty());
    host.ignore = Some(moving);
    assert_eq!(host.local_starts_on("2026-06-02").len(), 6);
    assert!(host.check(host.local("2026-06-02 10:00")).is_ok());
}

#[test]
fn inputs_may_come_in_any_order() {
    let mut sorted = nine_to_twelve().buffers(5, 5);
    sorted.booked("2026-06-02 09:00", "2026-06-02 09:30", 0, 0);
    sorted.booked("2026-06-02 11:00", "2026-06-02 11:30", 0, 0);
    sorted.busy_local("2026-06-02 10:00", "2026-06-02 10:10");
    sorted.busy_local("2026-06-03 10:00", "2026-06-03 10:10");
    let mut shuffled = sorted.clone();
    shuffled.bookings.reverse();
    shuffled.busy.reverse();
    let range = (
        instant("2026-06-01T00:00:00Z"),
        instant("2026-06-05T00:00:00Z"),
    );
    assert_eq!(
        sorted.engine().available_slots(range.0, range.1),
        shuffled.engine().available_slots(range.0, range.1)
    );
}

#[test]
fn the_query_keeps_slots_that_start_in_range_even_if_they_end_after_it() {
    let host = nine_to_twelve();
    let slots = host.engine().available_slots(
        host.local("2026-06-02 09:15"),
        host.local("2026-06-02 10:01"),
    );
    let starts: Vec<Timestamp> = slots.iter().map(|slot| slot.start).collect();
    assert_eq!(
        starts,
        [
            host.local("2026-06-02 09:30"),
            host.local("2026-06-02 10:00")
        ]
    );
}

#[test]
fn invitee_dates_become_the_invitees_midnights() {
    let tokyo = TimeZone::get("Asia/Tokyo").unwrap();
    let (start, end) = invitee_date_range(&tokyo, date("2026-06-02"), date("2026-06-03")).unwrap();
    assert_eq!(start, instant("2026-06-01T15:00:00Z"));
    assert_eq!(end, instant("2026-06-03T15:00:00Z"));
    assert_eq!(
        invitee_date_range(&tokyo, date("2026-06-03"), date("2026-06-02")),
        None
    );
}

#[test]
fn the_invitee_zone_changes_the_grouping_not_the_instants() {
    let host = Host::new(PARIS, NOW).every_day(&[("00:00", "03:00"), ("22:00", "24:00")]);
    let engine = host.engine();
    let range = (
        instant("2026-06-01T00:00:00Z"),
        instant("2026-06-10T00:00:00Z"),
    );
    let reference = engine.available_slots(range.0, range.1);
    for name in [
        "Pacific/Kiritimati",
        "America/Los_Angeles",
        "Asia/Kathmandu",
        "UTC",
    ] {
        let zone = TimeZone::get(name).unwrap();
        let from = zone.to_datetime(range.0).date();
        let to = zone.to_datetime(range.1).date();
        let mut seen = engine.available_slots_on_dates(&zone, from, to);
        seen.retain(|slot| slot.start >= range.0 && slot.start < range.1);
        assert_eq!(seen, reference, "{name}");
    }
}

#[test]
fn grouping_uses_the_invitees_local_dates_and_offsets() {
    let host = Host::new(PARIS, NOW).every_day(&[("00:00", "01:00")]);
    let slots = host.engine().available_slots(
        instant("2026-06-01T00:00:00Z"),
        instant("2026-06-03T00:00:00Z"),
    );
    // Paris 00:00 is 22:00 UTC the day before, 15:00 in Los Angeles the day before.
    let los_angeles = TimeZone::get("America/Los_Angeles").unwrap();
    let days = group_by_local_date(&slots, &los_angeles);
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].date, date("2026-06-01"));
    assert_eq!(days[0].slots.len(), 2);
    assert_eq!(
        days[0].slots[0].start.to_string(),
        "2026-06-01T15:00:00-07:00[America/Los_Angeles]"
    );
    assert_eq!(days[0].slots[0].start.timestamp(), slots[0].start);
    assert_eq!(days[1].date, date("2026-06-02"));
}

#[test]
fn a_host_available_around_the_clock_restarts_the_grid_each_monday_after_a_full_week() {
    // 50 minutes does not divide a week, so each week's grid leaves a remainder.
    let host = Host::new(PARIS, NOW)
        .every_day(&[("00:00", "24:00")])
        .duration(50);
    // Asking about one Wednesday or a whole month gives the same grid.
    let wide = host.engine().available_slots(
        instant("2026-06-01T00:00:00Z"),
        instant("2026-07-01T00:00:00Z"),
    );
    let narrow = host.engine().available_slots(
        host.local("2026-06-17 00:00"),
        host.local("2026-06-18 00:00"),
    );
    let mut part = wide.clone();
    part.retain(|slot| {
        slot.start >= narrow[0].start && slot.start <= narrow[narrow.len() - 1].start
    });
    assert_eq!(part, narrow);
    // Each Monday 00:00 (host-local) is a grid point, whatever the week before left over.
    for monday in ["2026-06-15 00:00", "2026-06-22 00:00", "2026-06-29 00:00"] {
        let start = host.local(monday);
        assert!(wide.iter().any(|slot| slot.start == start), "{monday}");
        assert!(host.check(start).is_ok(), "{monday}");
    }
    // The old grid's last slot (23:30–00:20) still runs across Monday midnight: the window
    // is not cut, only the grid restarts.
    let sunday_late = host.local("2026-06-21 23:30");
    assert!(wide.iter().any(|slot| slot.start == sunday_late));
    assert_eq!(
        host.check(host.local("2026-06-22 00:50"))
            .map(|slot| slot.start),
        Ok(host.local("2026-06-22 00:50"))
    );
    assert_eq!(
        host.check(host.local("2026-06-22 00:20")),
        Err(SlotRejection::NotOnGrid)
    );
}

#[test]
fn check_slot_accepts_a_listed_slot_and_names_the_broken_rule_otherwise() {
    let mut host = nine_to_twelve().notice_hours(1);
    host.now = host.local("2026-06-02 08:30");
    host.booked("2026-06-02 11:00", "2026-06-02 11:30", 0, 0);
    let accepted = host.check(host.local("2026-06-02 10:00")).unwrap();
    assert_eq!(accepted.end, host.local("2026-06-02 10:30"));
    let cases = [
        ("2026-06-02 09:00", SlotRejection::BeforeNotice),
        ("2026-06-02 11:00", SlotRejection::Busy),
        ("2026-06-02 10:15", SlotRejection::NotOnGrid),
        ("2026-06-02 11:45", SlotRejection::OutsideAvailability),
        ("2026-06-02 14:00", SlotRejection::OutsideAvailability),
    ];
    for (wall, expected) in cases {
        assert_eq!(host.check(host.local(wall)), Err(expected), "{wall}");
    }
    let off_by_a_nanosecond = host.local("2026-06-02 10:00") + jiff::SignedDuration::from_nanos(1);
    assert_eq!(
        host.check(off_by_a_nanosecond),
        Err(SlotRejection::NotOnGrid)
    );
    assert_eq!(SlotRejection::NotOnGrid.code(), "not_on_grid");
}

#[test]
fn rules_for_an_event_take_the_event_overrides() {
    let overrides: SettingOverrides =
        serde_json::from_str(r#"{"bufferBeforeMins":10,"minimumNoticeHours":2,"weeklyLimit":5}"#)
            .unwrap();
    let rules = SlotRules::for_event(
        &HostSettings::default(),
        &overrides,
        DurationMinutes::new(45).unwrap(),
    )
    .with_interval(DurationMinutes::new(15).unwrap());
    assert_eq!(rules.duration_mins.get(), 45);
    assert_eq!(rules.interval_mins.map(DurationMinutes::get), Some(15));
    assert_eq!(rules.buffer_before_mins, BufferMinutes::new(10).unwrap());
    assert_eq!(rules.buffer_after_mins, BufferMinutes::new(15).unwrap());
    assert_eq!(rules.minimum_notice_hours, NoticeHours::new(2).unwrap());
    assert_eq!(rules.weekly_limit, Some(BookingLimit::new(5).unwrap()));
}

#[test]
fn load_range_widens_the_query_by_eight_days() {
    let (start, end) = load_range(
        instant("2026-06-10T00:00:00Z"),
        instant("2026-06-11T00:00:00Z"),
    );
    assert_eq!(start, instant("2026-06-02T00:00:00Z"));
    assert_eq!(end, instant("2026-06-19T00:00:00Z"));
    let (start, end) = load_range(Timestamp::MIN, Timestamp::MAX);
    assert_eq!((start, end), (Timestamp::MIN, Timestamp::MAX));
}

#[test]
fn degenerate_input_is_ignored_and_huge_ranges_are_capped_by_the_booking_window() {
    let mut host = Host::new(PARIS, NOW)
        .every_day(&[("00:00", "24:00")])
        .window_days(730);
    host.booked("2026-06-02 10:00", "2026-06-02 09:00", -5, 100_000);
    host.busy.push(BusyInterval {
        start: instant("2026-06-03T10:00:00Z"),
        end: instant("2026-06-03T09:00:00Z"),
    });
    let slots = host
        .engine()
        .available_slots(Timestamp::MIN, Timestamp::MAX);
    // 731 host-local days (today and 730 more) of 48 slots each, minus today's hour before now.
    assert!(
        slots.len() > 730 * 48 && slots.len() <= 731 * 48,
        "{}",
        slots.len()
    );
    assert!(slots.windows(2).all(|pair| pair[0].start < pair[1].start));
    let mut far = Host::new(PARIS, "9999-12-30T12:00:00Z").every_day(&[("00:00", "24:00")]);
    far.rules.booking_window_days = kairos_core::settings::WindowDays::new(730).unwrap();
    let slots = far.engine().available_slots(Timestamp::MIN, Timestamp::MAX);
    assert!(slots.iter().all(|slot| slot.start >= far.now));
    let _ = far.check(Timestamp::MAX);
    let _ = far.check(Timestamp::MIN);
}
