//! The rules of booking state changes, shared by every backend (and the console, which asks
//! them before offering an action) so the backends differ only in their SQL.

use jiff::Timestamp;
use kairos_core::booking::BookingStatus;

use crate::{Booking, BookingCheck, ScheduleSnapshot, StoreError, StoreResult};

/// Runs the caller's check on a snapshot; a refusal becomes [`StoreError::Rejected`].
pub fn run_check(check: &BookingCheck<'_>, snapshot: &ScheduleSnapshot) -> StoreResult<()> {
    check(snapshot).map_err(|(code, message)| StoreError::rejected(code, message))
}

fn not_confirmed(status: BookingStatus) -> StoreError {
    StoreError::rejected(
        "booking_not_confirmed",
        format!("the booking is {}, not confirmed", status.as_str()),
    )
}

/// Only a confirmed booking can be cancelled.
pub fn ensure_cancellable(booking: &Booking) -> StoreResult<()> {
    if booking.status != BookingStatus::Confirmed {
        return Err(not_confirmed(booking.status));
    }
    Ok(())
}

/// Only a confirmed booking that has not started by `now` can be moved.
pub fn ensure_movable(booking: &Booking, now: Timestamp) -> StoreResult<()> {
    ensure_cancellable(booking)?;
    if booking.start_time <= now {
        return Err(StoreError::rejected(
            "booking_in_past",
            "the booking has already started and cannot be moved",
        ));
    }
    Ok(())
}

/// An outcome is `completed` or `no_show`, recorded on a booking that was held.
pub fn ensure_outcome(booking: &Booking, status: BookingStatus) -> StoreResult<()> {
    if !matches!(status, BookingStatus::Completed | BookingStatus::NoShow) {
        return Err(StoreError::rejected(
            "invalid_outcome",
            "a booking can only be marked completed or no_show",
        ));
    }
    if !matches!(
        booking.status,
        BookingStatus::Confirmed | BookingStatus::Completed | BookingStatus::NoShow
    ) {
        return Err(StoreError::rejected(
            "booking_not_confirmed",
            format!(
                "a {} booking has no outcome to record",
                booking.status.as_str()
            ),
        ));
    }
    Ok(())
}
