//! The slot rules on DST days, in zones with odd offsets and DST changes at midnight, with
//! hosts and invitees on different sides of a change.
//!
//! Transitions used (read from jiff with the system tz database):
//! - America/New_York: 2026-03-08 02:00→03:00, 2026-11-01 02:00→01:00
//! - Europe/London: 2026-03-29 01:00→02:00, 2026-10-25 02:00→01:00
//! - Australia/Lord_Howe (+10:30/+11): 2026-04-05 02:00→01:30, 2026-10-04 02:00→02:30
//! - Pacific/Chatham (+12:45/+13:45): 2026-04-05 03:45→02:45, 2026-09-27 02:45→03:45
//! - America/Santiago: 2026-04-04 24:00→23:00, 2026-09-06 00:00→01:00
//! - America/Havana: 2026-03-08 00:00→01:00, 2026-11-01 01:00→00:00
//! - Asia/Kolkata (+05:30) and Asia/Kathmandu (+05:45) have no DST.

#![allow(clippy::unwrap_used)]

mod slot_fixtures;

use jiff::tz::TimeZone;
use kairos_core::slots::{SlotRejection, group_by_local_date};
use slot_fixtures::{Host, date, day_windows, instant, strings};

const BEFORE_2026: &str = "2025-12-01T00:00:00Z";

fn host(zone: &str, windows: &[(&str, &str)], minutes: i64) -> Host {
    Host::new(zone, BEFORE_2026)
        .every_day(windows)
        .duration(minutes)
}

/// `HH:MM±hh:mm` of each slot start as seen in `zone`, for slots starting on `day` there.
fn invitee_view(host: &Host, zone: &str, day: &str) -> Vec<String> {
    let zone = TimeZone::get(zone).unwrap();
    let slots = host
        .engine()
        .available_slots_on_dates(&zone, date(day), date(day));
    group_by_local_date(&slots, &zone)
        .into_iter()
        .flat_map(|day| day.slots)
        .map(|slot| slot.start.strftime("%H:%M%:z").to_string())
        .collect()
}

#[test]
fn new_york_spring_forward_day_window_lasts_three_real_hours() {
    let host = host("America/New_York", &[("00:00", "04:00")], 60);
    assert_eq!(
        host.utc_starts_on("2026-03-08"),
        strings(&["05:00", "06:00", "07:00"])
    );
    assert_eq!(
        host.local_starts_on("2026-03-08"),
        strings(&["00:00", "01:00", "03:00"])
    );
    assert_eq!(host.local_starts_on("2026-03-09").len(), 4);
}

#[test]
fn new_york_fall_back_day_window_lasts_five_real_hours() {
    let host = host("America/New_York", &[("00:00", "04:00")], 60);
    assert_eq!(
        host.utc_starts_on("2026-11-01"),
        strings(&["04:00", "05:00", "06:00", "07:00", "08:00"])
    );
    assert_eq!(
        host.local_starts_on("2026-11-01"),
        strings(&["00:00", "01:00", "01:00", "02:00", "03:00"])
    );
}

#[test]
fn a_window_start_in_the_spring_gap_moves_to_the_end_of_the_gap() {
    let host = host("America/New_York", &[("02:30", "05:00")], 60);
    // 02:30 does not exist: the window opens at 03:00 EDT (07:00 UTC), not at 03:30.
    assert_eq!(
        host.utc_starts_on("2026-03-08"),
        strings(&["07:00", "08:00"])
    );
    assert_eq!(
        host.check(instant("2026-03-08T07:30:00Z")),
        Err(SlotRejection::NotOnGrid)
    );
}

#[test]
fn a_window_end_in_the_spring_gap_moves_to_the_end_of_the_gap() {
    let host = host("America/New_York", &[("01:00", "02:30")], 30);
    // 01:00 EST (06:00 UTC) to the end of the gap (07:00 UTC): one real hour.
    assert_eq!(
        host.utc_starts_on("2026-03-08"),
        strings(&["06:00", "06:30"])
    );
}

#[test]
fn an_ambiguous_window_boundary_takes_the_earlier_instant() {
    let host = host("America/New_York", &[("01:30", "03:00")], 60);
    // 01:30 EDT (05:30 UTC) to 03:00 EST (08:00 UTC): two and a half real hours.
    assert_eq!(
        host.utc_starts_on("2026-11-01"),
        strings(&["05:30", "06:30"])
    );
}

#[test]
fn minimum_notice_counts_real_hours_across_spring_forward() {
    let mut host = host("America/New_York", &[("09:00", "17:00")], 60).notice_hours(24);
    host.now = instant("2026-03-07T14:00:00Z"); // 09:00 EST on Saturday
    // 24 real hours later is 10:00 EDT on Sunday, not 09:00.
    assert_eq!(host.local_starts_on("2026-03-08")[0], "10:00");
}

#[test]
fn the_booking_window_ends_at_host_midnight_after_a_dst_change() {
    let mut host = host("America/New_York", &[("22:00", "24:00")], 60).window_days(1);
    host.now = instant("2026-03-07T17:00:00Z"); // Saturday noon EST
    assert_eq!(
        host.local_starts_on("2026-03-08"),
        strings(&["22:00", "23:00"])
    );
    assert!(host.local_starts_on("2026-03-09").is_empty());
    // The last offered slot ends exactly at the window's end, 04:00 UTC on the 9th.
    assert_eq!(
        host.slots_on("2026-03-08")[1].end,
        instant("2026-03-09T04:00:00Z")
    );
}

#[test]
fn an_invitee_in_london_sees_new_york_hours_move_while_only_new_york_has_changed() {
    let host = host("America/New_York", &[("09:00", "10:00")], 60);
    assert_eq!(
        invitee_view(&host, "Europe/London", "2026-03-06"),
        strings(&["14:00+00:00"])
    );
    assert_eq!(
        invitee_view(&host, "Europe/London", "2026-03-09"),
        strings(&["13:00+00:00"])
    );
    assert_eq!(
        invitee_view(&host, "Europe/London", "2026-03-30"),
        strings(&["14:00+01:00"])
    );
}

#[test]
fn london_spring_forward_day_window_lasts_two_real_hours() {
    let host = host("Europe/London", &[("00:00", "03:00")], 60);
    assert_eq!(
        host.local_starts_on("2026-03-29"),
        strings(&["00:00", "02:00"])
    );
}

#[test]
fn london_fall_back_day_window_lasts_four_real_hours() {
    let host = host("Europe/London", &[("00:00", "03:00")], 60);
    assert_eq!(
        host.utc_starts_on("2026-10-25"),
        strings(&["23:00", "00:00", "01:00", "02:00"])
    );
    assert_eq!(
        host.local_starts_on("2026-10-25"),
        strings(&["00:00", "01:00", "01:00", "02:00"])
    );
}

#[test]
fn an_invitee_in_new_york_sees_london_hours_four_hours_ahead_between_the_two_changes() {
    let host = host("Europe/London", &[("09:00", "10:00")], 60);
    assert_eq!(
        invitee_view(&host, "America/New_York", "2026-03-06"),
        strings(&["04:00-05:00"])
    );
    assert_eq!(
        invitee_view(&host, "America/New_York", "2026-03-16"),
        strings(&["05:00-04:00"])
    );
    assert_eq!(
        invitee_view(&host, "America/New_York", "2026-04-06"),
        strings(&["04:00-04:00"])
    );
    assert_eq!(
        invitee_view(&host, "America/New_York", "2026-10-26"),
        strings(&["05:00-04:00"])
    );
}

#[test]
fn lord_howe_half_hour_spring_forward_leaves_three_and_a_half_hours() {
    let host = host("Australia/Lord_Howe", &[("00:00", "04:00")], 30);
    assert_eq!(
        host.local_starts_on("2026-10-04"),
        strings(&[
            "00:00", "00:30", "01:00", "01:30", "02:30", "03:00", "03:30"
        ])
    );
}

#[test]
fn lord_howe_half_hour_fall_back_gives_four_and_a_half_hours() {
    let host = host("Australia/Lord_Howe", &[("00:00", "04:00")], 30);
    assert_eq!(
        host.local_starts_on("2026-04-05"),
        strings(&[
            "00:00", "00:30", "01:00", "01:30", "01:30", "02:00", "02:30", "03:00", "03:30"
        ])
    );
    let slots = host.slots_on("2026-04-05");
    assert_eq!(slots[0].start, instant("2026-04-04T13:00:00Z"));
    assert_eq!(slots[8].end, instant("2026-04-04T17:30:00Z"));
}

#[test]
fn chatham_window_opening_in_the_gap_starts_at_three_forty_five() {
    let host = host("Pacific/Chatham", &[("03:00", "06:00")], 45);
    assert_eq!(
        host.local_starts_on("2026-09-27"),
        strings(&["03:45", "04:30", "05:15"])
    );
    assert_eq!(
        host.slots_on("2026-09-27")[0].start,
        instant("2026-09-26T14:00:00Z")
    );
}

#[test]
fn chatham_fall_back_repeats_the_three_o_clock_hour() {
    let host = host("Pacific/Chatham", &[("02:00", "05:00")], 60);
    assert_eq!(
        host.utc_starts_on("2026-04-05"),
        strings(&["12:15", "13:15", "14:15", "15:15"])
    );
    assert_eq!(
        host.local_starts_on("2026-04-05"),
        strings(&["02:00", "03:00", "03:00", "04:00"])
    );
}

#[test]
fn kolkata_hours_land_on_both_sides_of_new_yorks_fall_back_day() {
    let host = host("Asia/Kolkata", &[("09:00", "10:00")], 30);
    assert_eq!(
        host.utc_starts_on("2026-11-01"),
        strings(&["03:30", "04:00"])
    );
    // New York's 1 November has 25 hours: it holds the last Kolkata slot of the 1st (00:00
    // EDT) and both of the 2nd (22:30 and 23:00 EST).
    assert_eq!(
        invitee_view(&host, "America/New_York", "2026-11-01"),
        strings(&["00:00-04:00", "22:30-05:00", "23:00-05:00"])
    );
    assert_eq!(
        invitee_view(&host, "America/New_York", "2026-10-31"),
        strings(&["00:00-04:00", "23:30-04:00"])
    );
}

#[test]
fn kathmandu_quarter_hour_offset_reaches_london_on_both_sides_of_its_changes() {
    let host = host("Asia/Kathmandu", &[("09:00", "10:00")], 30);
    assert_eq!(
        host.local_starts_on("2026-03-29"),
        strings(&["09:00", "09:30"])
    );
    assert_eq!(
        host.utc_starts_on("2026-03-29"),
        strings(&["03:15", "03:45"])
    );
    assert_eq!(
        invitee_view(&host, "Europe/London", "2026-03-29"),
        strings(&["04:15+01:00", "04:45+01:00"])
    );
    assert_eq!(
        invitee_view(&host, "Europe/London", "2026-10-25"),
        strings(&["03:15+00:00", "03:45+00:00"])
    );
}

#[test]
fn santiago_midnight_gap_joins_saturday_night_to_sunday_morning() {
    let mut host = Host::new("America/Santiago", BEFORE_2026).duration(60);
    host.weekly.saturday = day_windows(&[("22:00", "24:00")]);
    host.weekly.sunday = day_windows(&[("00:00", "02:00")]);
    // Saturday 22:00 -04 (02:00 UTC) to Sunday 02:00 -03 (05:00 UTC): three real hours.
    assert_eq!(
        host.local_starts_on("2026-09-05"),
        strings(&["22:00", "23:00"])
    );
    assert_eq!(host.local_starts_on("2026-09-06"), strings(&["01:00"]));
    assert_eq!(host.utc_starts_on("2026-09-06"), strings(&["04:00"]));
}

#[test]
fn santiago_day_after_a_midnight_gap_starts_at_one_for_the_daily_limit() {
    let mut host = Host::new("America/Santiago", BEFORE_2026)
        .duration(60)
        .daily_limit(1);
    host.weekly.saturday = day_windows(&[("22:00", "24:00")]);
    host.weekly.sunday = day_windows(&[("00:00", "02:00")]);
    // 03:30 UTC is 23:30 on Saturday: the limit closes Saturday, not Sunday.
    host.bookings.push(kairos_core::slots::ExistingBooking {
        id: kairos_core::ids::BookingId::new(),
        start: instant("2026-09-06T03:30:00Z"),
        end: instant("2026-09-06T03:31:00Z"),
        buffer_before_mins: 0,
        buffer_after_mins: 0,
    });
    assert!(host.local_starts_on("2026-09-05").is_empty());
    assert_eq!(host.utc_starts_on("2026-09-06"), strings(&["04:00"]));
}

#[test]
fn santiago_fall_back_at_midnight_makes_saturday_night_three_hours() {
    let mut host = Host::new("America/Santiago", BEFORE_2026).duration(60);
    host.weekly.saturday = day_windows(&[("22:00", "24:00")]);
    assert_eq!(
        host.utc_starts_on("2026-04-04"),
        strings(&["01:00", "02:00", "03:00"])
    );
    assert_eq!(
        host.local_starts_on("2026-04-04"),
        strings(&["22:00", "23:00", "23:00"])
    );
}

#[test]
fn havana_ambiguous_midnight_starts_the_day_at_the_earlier_instant() {
    let mut host = Host::new("America/Havana", BEFORE_2026).duration(60);
    host.weekly.saturday = day_windows(&[("22:00", "24:00")]);
    host.weekly.sunday = day_windows(&[("00:00", "02:00")]);
    // Saturday 22:00 CDT (02:00 UTC) runs unbroken to Sunday 02:00 CST (07:00 UTC).
    assert_eq!(
        host.local_starts_on("2026-10-31"),
        strings(&["22:00", "23:00"])
    );
    assert_eq!(
        host.local_starts_on("2026-11-01"),
        strings(&["00:00", "00:00", "01:00"])
    );
    assert_eq!(
        host.utc_starts_on("2026-11-01"),
        strings(&["04:00", "05:00", "06:00"])
    );
}

#[test]
fn havana_spring_gap_at_midnight_leaves_one_real_hour_of_a_two_hour_window() {
    let host = host("America/Havana", &[("00:00", "02:00")], 60);
    assert_eq!(host.local_starts_on("2026-03-08"), strings(&["01:00"]));
    assert_eq!(host.utc_starts_on("2026-03-08"), strings(&["05:00"]));
}

#[test]
fn an_invitee_in_chatham_sees_all_five_new_york_fall_back_slots_on_one_evening() {
    let host = host("America/New_York", &[("00:00", "04:00")], 60);
    let slots = host.slots_on("2026-11-01");
    let chatham = TimeZone::get("Pacific/Chatham").unwrap();
    let days = group_by_local_date(&slots, &chatham);
    // 04:00–08:00 UTC on 1 November is 17:45–21:45 +13:45 the same day in Chatham.
    assert_eq!(days.len(), 1);
    assert_eq!(days[0].date, date("2026-11-01"));
    let shown: Vec<String> = days[0]
        .slots
        .iter()
        .map(|slot| slot.start.strftime("%H:%M").to_string())
        .collect();
    assert_eq!(
        shown,
        strings(&["17:45", "18:45", "19:45", "20:45", "21:45"])
    );
}
