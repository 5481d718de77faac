//! The steps of every booking change, written once: inside one transaction that already holds the
//! host's lock, read the booking and a fresh snapshot, ask the caller's check, write, add the
//! changelog rows and queue the outbox messages, commit
//! (docs/architecture.md, "The booking transaction"). A backend opens and locks the transaction its
//! own way and supplies its SQL through [`BookingTransaction`]; the order of the steps and the
//! rules between them live here.

use std::future::Future;

use jiff::Timestamp;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::ids::{BookingId, UserId};
use kairos_core::slots::load_range;

use crate::transitions::{ensure_cancellable, ensure_movable, ensure_outcome, run_check};
use crate::{
    Actor, Booking, BookingCheck, NewBooking, NewChange, NewOutboxMessage, OutboxFor,
    ScheduleSnapshot, StoreResult,
};

/// How a booking's row changes in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingUpdate<'a> {
    /// Moved: status `rescheduled`, sequence raised (the new booking is a new row).
    Rescheduled,
    /// Cancelled by `by` for `reason`, sequence raised.
    Cancelled {
        by: CancelledBy,
        reason: Option<&'a str>,
    },
    /// The outcome `completed` or `no_show` recorded (sequence unchanged).
    Outcome(BookingStatus),
}

/// A backend's open booking transaction, scoped to one tenant and already holding the lock of
/// every host the change touches: its reads and writes, in the backend's SQL.
pub trait BookingTransaction: Send + Sized {
    /// A fresh snapshot of `host` over `[span_start, span_end)`, leaving out `ignore`.
    fn snapshot(
        &mut self,
        host: UserId,
        span_start: Timestamp,
        span_end: Timestamp,
        ignore: Option<BookingId>,
    ) -> impl Future<Output = StoreResult<ScheduleSnapshot>> + Send;

    /// A booking as the transaction sees it; `NotFound` if the tenant has no such booking.
    fn booking(&mut self, id: BookingId) -> impl Future<Output = StoreResult<Booking>> + Send;

    /// Writes `booking` as a new confirmed booking with `sequence`, `rescheduled_from` and the
    /// iCalendar UID `ical_uid` (`None`: a new one, `{id}@kairos`).
    fn insert(
        &mut self,
        booking: &NewBooking,
        ical_uid: Option<&str>,
        sequence: i32,
        rescheduled_from: Option<BookingId>,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<BookingId>> + Send;

    /// Changes booking `id`'s row as `update` says.
    fn update(
        &mut self,
        id: BookingId,
        update: BookingUpdate<'_>,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Adds a changelog row.
    fn record(
        &mut self,
        change: NewChange,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Cancels booking `id`'s reminders that have not gone out.
    fn cancel_pending_reminders(
        &mut self,
        id: BookingId,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Queues `messages` about `booking`.
    fn queue(
        &mut self,
        booking: &Booking,
        messages: Vec<NewOutboxMessage>,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<()>> + Send;

    /// Commits.
    fn commit(self) -> impl Future<Output = StoreResult<()>> + Send;

    /// Writes a checked new booking with its changelog row `created` and the messages
    /// `outbox` gives for it, and returns it as stored. The provided way is one step at a
    /// time; a backend may do it in fewer round trips.
    fn create(
        &mut self,
        booking: NewBooking,
        actor: Actor,
        outbox: &OutboxFor<'_>,
        at: Timestamp,
    ) -> impl Future<Output = StoreResult<Booking>> + Send {
        async move {
            let id = self.insert(&booking, None, 0, None, at).await?;
            self.record(NewChange::booking_created(id, actor, &booking), at)
                .await?;
            let created = self.booking(id).await?;
            self.queue(&created, outbox(&created), at).await?;
            Ok(created)
        }
    }
}

/// Creates a booking: the check sees a fresh snapshot around it, and only then is it written.
pub async fn create<T: BookingTransaction>(
    mut tx: T,
    actor: Actor,
    booking: NewBooking,
    at: Timestamp,
    check: &BookingCheck<'_>,
    outbox: &OutboxFor<'_>,
) -> StoreResult<Booking> {
    let (span_start, span_end) = load_range(booking.start_time, booking.end_time);
    let snapshot = tx
        .snapshot(booking.host_user_id, span_start, span_end, None)
        .await?;
    run_check(check, &snapshot)?;
    let created = tx.create(booking, actor, outbox, at).await?;
    tx.commit().await?;
    Ok(created)
}

/// Moves booking `id` (confirmed, not started by `now`) to `booking`: the old one is marked
/// `rescheduled`, the new one keeps its UID with a higher sequence, the old one's pending
/// reminders are cancelled and the new one's messages queued.
// The booking change and its two hooks (check, outbox) are one operation.
#[allow(clippy::too_many_arguments)]
pub async fn reschedule<T: BookingTransaction>(
    mut tx: T,
    id: BookingId,
    actor: Actor,
    now: Timestamp,
    booking: NewBooking,
    at: Timestamp,
    check: &BookingCheck<'_>,
    outbox: &OutboxFor<'_>,
) -> StoreResult<Booking> {
    let old = tx.booking(id).await?;
    ensure_movable(&old, now)?;
    let (span_start, span_end) = load_range(booking.start_time, booking.end_time);
    let snapshot = tx
        .snapshot(booking.host_user_id, span_start, span_end, Some(id))
        .await?;
    run_check(check, &snapshot)?;
    tx.update(id, BookingUpdate::Rescheduled, at).await?;
    let new_id = tx
        .insert(
            &booking,
            Some(&old.ical_uid),
            old.sequence + 1,
            Some(id),
            at,
        )
        .await?;
    for change in NewChange::booking_rescheduled(id, new_id, actor, booking.start_time) {
        tx.record(change, at).await?;
    }
    let created = tx.booking(new_id).await?;
    tx.cancel_pending_reminders(id, at).await?;
    tx.queue(&created, outbox(&created), at).await?;
    tx.commit().await?;
    Ok(created)
}

/// Cancels booking `id` (confirmed only): its pending reminders are cancelled and the messages
/// `outbox` gives for the cancelled booking queued.
pub async fn cancel<T: BookingTransaction>(
    mut tx: T,
    id: BookingId,
    actor: Actor,
    by: CancelledBy,
    reason: Option<String>,
    at: Timestamp,
    outbox: &OutboxFor<'_>,
) -> StoreResult<Booking> {
    let old = tx.booking(id).await?;
    ensure_cancellable(&old)?;
    let reason = reason.as_deref();
    tx.update(id, BookingUpdate::Cancelled { by, reason }, at)
        .await?;
    tx.record(NewChange::booking_cancelled(id, actor, by, reason), at)
        .await?;
    let cancelled = tx.booking(id).await?;
    tx.cancel_pending_reminders(id, at).await?;
    tx.queue(&cancelled, outbox(&cancelled), at).await?;
    tx.commit().await?;
    Ok(cancelled)
}

/// Records booking `id`'s outcome (`completed` or `no_show`, on a booking that was held).
pub async fn set_outcome<T: BookingTransaction>(
    mut tx: T,
    id: BookingId,
    actor: Actor,
    status: BookingStatus,
    at: Timestamp,
) -> StoreResult<Booking> {
    let old = tx.booking(id).await?;
    ensure_outcome(&old, status)?;
    tx.update(id, BookingUpdate::Outcome(status), at).await?;
    tx.record(
        NewChange::booking_outcome(id, actor, old.status, status),
        at,
    )
    .await?;
    let updated = tx.booking(id).await?;
    tx.commit().await?;
    Ok(updated)
}
