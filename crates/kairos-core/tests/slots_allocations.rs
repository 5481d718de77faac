//! The slot engine's allocations grow with its output, not with its input: a query allocates a
//! fixed number of vectors (plus the logarithmic regrowth of the ones that scale), never one per
//! day, booking or slot. Counted with dhat's allocator, so no `unsafe` is needed here.

mod slot_fixtures;

use jiff::SignedDuration;
use kairos_core::ids::BookingId;
use kairos_core::slots::ExistingBooking;
use slot_fixtures::Host;

#[global_allocator]
static ALLOCATOR: dhat::Alloc = dhat::Alloc;

/// A host open 09:00–17:00 every day with `count` one-hour bookings spread over 60 days.
fn host_with_bookings(count: i64) -> Host {
    let mut host =
        Host::new("America/New_York", "2026-03-01T12:00:00Z").every_day(&[("09:00", "17:00")]);
    let first = host.local("2026-03-02 09:00");
    for index in 0..count {
        let day = index % 60;
        let hour = (index / 60) % 8;
        let start = first + SignedDuration::from_hours(24 * day + hour);
        host.bookings.push(ExistingBooking {
            id: BookingId::new(),
            start,
            end: start + SignedDuration::from_hours(1),
            buffer_before_mins: 0,
            buffer_after_mins: 0,
        });
    }
    host.bookings.sort_by_key(|b| b.start);
    host
}

/// Blocks allocated by one 60-day listing, and the number of slots it returned.
fn allocations_of_listing(host: &Host) -> (u64, usize) {
    let start = host.local("2026-03-02 00:00");
    let end = start + SignedDuration::from_hours(24 * 60);
    let before = dhat::HeapStats::get().total_blocks;
    let slots = host.engine().available_slots(start, end);
    let after = dhat::HeapStats::get().total_blocks;
    (after - before, slots.len())
}

#[test]
fn allocations_follow_the_output_not_the_number_of_bookings() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let (few_blocks, few_slots) = allocations_of_listing(&host_with_bookings(10));
    let (many_blocks, many_slots) = allocations_of_listing(&host_with_bookings(400));
    eprintln!(
        "10 bookings: {few_blocks} allocations, {few_slots} slots; 400 bookings: {many_blocks} allocations, {many_slots} slots"
    );
    assert!(few_slots > many_slots, "more bookings leave fewer slots");
    // Fifty times the bookings may only add the doubling regrowth of a few vectors.
    assert!(
        many_blocks <= few_blocks + 16,
        "10 bookings: {few_blocks} allocations; 400 bookings: {many_blocks}"
    );
    // And a 60-day listing of hundreds of slots allocates a few dozen blocks, not one per
    // day or slot.
    assert!(
        few_blocks < 64,
        "{few_blocks} allocations for {few_slots} slots over 60 days"
    );
    assert!(few_slots > 400, "{few_slots}");
}
