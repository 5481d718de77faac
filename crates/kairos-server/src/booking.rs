//! The booking rules as the server applies them: slots for an event type, and creating,
//! moving and cancelling bookings. Public and admin routes both call these, so an invitee and a
//! host are held to the same rules.
//!
//! Guarantee: a booking is written only if [`SlotEngine::check_slot`] accepts its start on a
//! snapshot read inside the writing transaction, after the host's lock was taken (see
//! [`kairos_store::Store::create_booking`]). Listing and accepting run the same engine code, so
//! what was shown free and what is accepted cannot disagree on the same data.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use kairos_core::booking::{Answer, CancelledBy, Invitee, validate_answers};
use kairos_core::ids::BookingId;
use kairos_core::notification::NotificationKind;
use kairos_core::slots::{
    HostAvailability, Slot, SlotDay, SlotEngine, SlotRules, group_by_local_date,
    invitee_date_range, load_range_for,
};
use kairos_core::zone::TimeZoneName;
use kairos_store::{
    Actor, Booking, EventType, NewBooking, ScheduleSnapshot, ScheduleVersion, SnapshotKey,
    StoreError, Tenant, User,
};
use rand::RngExt;
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::notifications::Announcement;
use crate::state::AppState;

/// The most days one slots request may cover.
pub const MAX_SLOT_DAYS: i32 = 62;

/// The effective slot rules of an event type: the host's settings with the type's overrides,
/// its duration and slot interval.
pub fn rules_for(host: &User, event_type: &EventType) -> SlotRules {
    let rules = SlotRules::for_event(
        &host.settings,
        &event_type.fields.setting_overrides,
        event_type.fields.duration,
    );
    match event_type.fields.slot_interval {
        Some(interval) => rules.with_interval(interval),
        None => rules,
    }
}

fn engine<'a>(
    snapshot: &'a ScheduleSnapshot,
    rules: &'a SlotRules,
    now: Timestamp,
    ignore: Option<BookingId>,
) -> SlotEngine<'a> {
    SlotEngine {
        host: HostAvailability {
            zone: snapshot.availability.timezone.time_zone(),
            weekly: &snapshot.availability.weekly_schedule,
            overrides: &snapshot.overrides,
            blocked: &snapshot.blocked,
        },
        bookings: &snapshot.bookings,
        busy: &[],
        rules,
        now,
        ignore_booking: ignore,
    }
}

/// One slot as the API shows it: RFC 3339 instants with the invitee's offset.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotBody {
    /// e.g. `2026-12-01T09:00:00-05:00`.
    pub start: String,
    pub end: String,
}

/// The slots of one invitee-local date.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotDayBody {
    /// `YYYY-MM-DD` in the invitee's zone.
    pub date: String,
    pub slots: Vec<SlotBody>,
}

/// The answer of a slots request.
#[derive(Debug, Serialize, ToSchema)]
pub struct SlotsBody {
    /// The invitee zone the days are grouped in.
    pub timezone: String,
    pub days: Vec<SlotDayBody>,
}

fn slot_days_body(zone: &TimeZoneName, days: Vec<SlotDay>) -> SlotsBody {
    SlotsBody {
        timezone: zone.to_string(),
        days: days
            .into_iter()
            .map(|day| SlotDayBody {
                date: day.date.to_string(),
                slots: day
                    .slots
                    .into_iter()
                    .map(|slot| SlotBody {
                        start: slot
                            .start
                            .timestamp()
                            .display_with_offset(slot.start.offset())
                            .to_string(),
                        end: slot
                            .end
                            .timestamp()
                            .display_with_offset(slot.end.offset())
                            .to_string(),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The free slots of an event type on the invitee-local dates `[from, to]`. `version` is the
/// host's schedule version as just read: a snapshot kept at that version is exact and is
/// reused (see [`kairos_store::SnapshotCache`]); otherwise a fresh one is read and kept.
pub async fn list_slots(
    state: &AppState,
    host: &User,
    event_type: &EventType,
    version: ScheduleVersion,
    invitee_zone: &TimeZoneName,
    from: Date,
    to: Date,
) -> Result<SlotsBody, ApiError> {
    let days = free_slot_days(
        state,
        host,
        event_type,
        Some(version),
        invitee_zone,
        from,
        to,
    )
    .await?;
    Ok(slot_days_body(invitee_zone, days))
}

/// The free slots of an event type on the invitee-local dates `[from, to]`, grouped by those
/// dates (the days without a free slot are left out). With the host's schedule `version` as
/// just read, a cached snapshot at that version is used; without it, a fresh one is read.
pub async fn free_slot_days(
    state: &AppState,
    host: &User,
    event_type: &EventType,
    version: Option<ScheduleVersion>,
    invitee_zone: &TimeZoneName,
    from: Date,
    to: Date,
) -> Result<Vec<SlotDay>, ApiError> {
    let (start, end) = invitee_date_range(invitee_zone.time_zone(), from, to)
        .ok_or_else(|| ApiError::bad_request("to", "the date range is out of bounds"))?;
    let rules = rules_for(host, event_type);
    let (span_start, span_end) = load_range_for(&rules, start, end);
    let key = SnapshotKey {
        tenant: host.tenant_id,
        host: host.id,
        span_start,
        span_end,
    };
    let snapshot = match version {
        Some(version) => {
            state
                .snapshots
                .snapshot(state.store.as_ref(), key, version)
                .await?
        }
        None => std::sync::Arc::new(
            state
                .store
                .schedule_snapshot(key.tenant, key.host, key.span_start, key.span_end, None)
                .await?,
        ),
    };
    let slots: Vec<Slot> =
        engine(&snapshot, &rules, state.clock.now(), None).available_slots(start, end);
    Ok(group_by_local_date(&slots, invitee_zone.time_zone()))
}

/// What an invitee (or a host on their behalf) asks for.
#[derive(Debug)]
pub struct BookingRequest {
    pub start: Timestamp,
    pub invitee: Invitee,
    pub timezone: TimeZoneName,
}

/// Checks an invitee's raw answers against the event type's questions (the JSON API and the
/// booking form both call this); a refusal is a 422 naming `invitee.responses.<question id>`.
pub fn invitee_answers(
    event_type: &EventType,
    raw: &serde_json::Map<String, serde_json::Value>,
) -> Result<BTreeMap<String, Answer>, ApiError> {
    validate_answers(&event_type.fields.custom_questions, raw).map_err(|error| {
        ApiError::validation(
            format!("{ANSWER_FIELD_PREFIX}{}", error.question),
            error.message,
        )
    })
}

/// The field prefix of an answer error from [`invitee_answers`].
pub const ANSWER_FIELD_PREFIX: &str = "invitee.responses.";

/// A booking together with the secret of its manage links (shown once).
#[derive(Debug)]
pub struct BookedWithToken {
    pub booking: Booking,
    pub manage_token: String,
}

/// A fresh manage token and its digest.
fn manage_token() -> (String, [u8; 32]) {
    let bytes: [u8; 32] = rand::rng().random();
    let token = hex::encode(bytes);
    let digest = Sha256::digest(token.as_bytes()).into();
    (token, digest)
}

/// Whether `token` is the secret of a booking's manage links (constant-time comparison).
pub fn manage_token_matches(booking: &Booking, token: &str) -> bool {
    let digest: [u8; 32] = Sha256::digest(token.as_bytes()).into();
    digest
        .iter()
        .zip(booking.manage_token_digest.iter())
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0
}

fn new_booking(
    host: &User,
    event_type: &EventType,
    request: BookingRequest,
    digest: [u8; 32],
    rules: &SlotRules,
) -> Result<NewBooking, ApiError> {
    let duration = SignedDuration::from_mins(i64::from(event_type.fields.duration.get()));
    let end_time = request
        .start
        .checked_add(duration)
        .map_err(|_| ApiError::validation("startTime", "the start time is out of range"))?;
    Ok(NewBooking {
        event_type_id: event_type.id,
        host_user_id: host.id,
        event_type_name: event_type.fields.name.to_string(),
        host_name: host.display_name.to_string(),
        host_email: host.email.to_string(),
        invitee: request.invitee,
        start_time: request.start,
        end_time,
        timezone: request.timezone,
        location: event_type.fields.location.clone(),
        buffer_before_mins: rules.buffer_before_mins.get(),
        buffer_after_mins: rules.buffer_after_mins.get(),
        manage_token_digest: digest,
    })
}

/// Maps the store's answer for a booking change: refusals and overlaps are 409s.
pub fn booking_error(error: StoreError) -> ApiError {
    match error {
        StoreError::Rejected { code, message } => ApiError::Conflict {
            code,
            message,
            field: Some("startTime".to_owned()),
        },
        StoreError::Conflict { .. } => ApiError::Conflict {
            code: "slot_unavailable",
            message: "that time is no longer free".to_owned(),
            field: Some("startTime".to_owned()),
        },
        other => ApiError::from_store("booking")(other),
    }
}

/// [`booking_error`], counting a refused time in `/metrics`.
fn counted_booking_error(state: &AppState, error: StoreError) -> ApiError {
    let error = booking_error(error);
    if let ApiError::Conflict { code, .. } = &error
        && *code == "slot_unavailable"
    {
        count(&state.metrics.bookings.refused);
    }
    error
}

fn count(counter: &std::sync::atomic::AtomicU64) {
    counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
}

fn slot_check<'a>(
    rules: &'a SlotRules,
    start: Timestamp,
    now: Timestamp,
    ignore: Option<BookingId>,
) -> impl Fn(&ScheduleSnapshot) -> Result<(), (&'static str, String)> + Send + Sync + 'a {
    move |snapshot| {
        engine(snapshot, rules, now, ignore)
            .check_slot(start)
            .map(|_| ())
            .map_err(|rejection| {
                (
                    "slot_unavailable",
                    format!("{rejection} ({})", rejection.code()),
                )
            })
    }
}

/// Who and what a booking change is about: the tenant, the host and the event type.
#[derive(Debug, Clone, Copy)]
pub struct BookingScope<'a> {
    pub tenant: &'a Tenant,
    pub host: &'a User,
    pub event_type: &'a EventType,
}

impl<'a> BookingScope<'a> {
    fn announcement(
        &self,
        base_url: &'a str,
        manage_token: Option<&'a str>,
        previous_start: Option<Timestamp>,
        now: Timestamp,
        with_reminders: bool,
    ) -> Announcement<'a> {
        Announcement {
            base_url,
            tenant: self.tenant,
            host: self.host,
            questions: &self.event_type.fields.custom_questions,
            reminders: with_reminders.then_some(&self.event_type.fields.reminder_settings),
            manage_token,
            previous_start,
            now,
        }
    }
}

/// The host and event type of an existing booking, for a [`BookingScope`].
pub async fn host_and_type(
    state: &AppState,
    booking: &Booking,
) -> Result<(User, EventType), ApiError> {
    let host = state
        .store
        .user(booking.tenant_id, booking.host_user_id)
        .await
        .map_err(ApiError::from_store("host"))?;
    let event_type = state
        .store
        .event_type(booking.tenant_id, booking.event_type_id)
        .await
        .map_err(ApiError::from_store("event type"))?;
    Ok((host, event_type))
}

/// Books `request` on an active event type of an active host; the confirmations and reminders
/// are queued in the same transaction.
pub async fn book(
    state: &AppState,
    actor: Actor,
    scope: BookingScope<'_>,
    request: BookingRequest,
) -> Result<BookedWithToken, ApiError> {
    let rules = rules_for(scope.host, scope.event_type);
    let now = state.clock.now();
    let start = request.start;
    let (token, digest) = manage_token();
    let booking = new_booking(scope.host, scope.event_type, request, digest, &rules)?;
    let check = slot_check(&rules, start, now, None);
    let base_url = state.settings.public_url();
    let announcement = scope.announcement(&base_url, Some(&token), None, now, true);
    let outbox = |booking: &Booking| announcement.messages(NotificationKind::Confirmation, booking);
    let booking = state
        .store
        .create_booking(scope.host.tenant_id, actor, booking, &check, &outbox)
        .await
        .map_err(|error| counted_booking_error(state, error))?;
    state.notify_outbox();
    count(&state.metrics.bookings.created);
    Ok(BookedWithToken {
        booking,
        manage_token: token,
    })
}

/// Moves `old` to `start` (same invitee and answers), checked like a new booking with `old`
/// not counted. The old booking's reminders are dropped; the reschedule notices and the new
/// reminders are queued in the same transaction.
pub async fn reschedule(
    state: &AppState,
    actor: Actor,
    scope: BookingScope<'_>,
    old: &Booking,
    start: Timestamp,
    timezone: Option<TimeZoneName>,
) -> Result<BookedWithToken, ApiError> {
    let rules = rules_for(scope.host, scope.event_type);
    let now = state.clock.now();
    let (token, digest) = manage_token();
    let request = BookingRequest {
        start,
        invitee: old.invitee.clone(),
        timezone: timezone.unwrap_or_else(|| old.timezone.clone()),
    };
    let booking = new_booking(scope.host, scope.event_type, request, digest, &rules)?;
    let check = slot_check(&rules, start, now, Some(old.id));
    let base_url = state.settings.public_url();
    let announcement = scope.announcement(&base_url, Some(&token), Some(old.start_time), now, true);
    let outbox = |booking: &Booking| announcement.messages(NotificationKind::Reschedule, booking);
    let booking = state
        .store
        .reschedule_booking(
            scope.host.tenant_id,
            actor,
            old.id,
            now,
            booking,
            &check,
            &outbox,
        )
        .await
        .map_err(|error| counted_booking_error(state, error))?;
    state.notify_outbox();
    count(&state.metrics.bookings.rescheduled);
    Ok(BookedWithToken {
        booking,
        manage_token: token,
    })
}

/// Cancels a confirmed booking; its reminders are dropped and the cancellation notices queued
/// in the same transaction.
pub async fn cancel(
    state: &AppState,
    actor: Actor,
    scope: BookingScope<'_>,
    booking: &Booking,
    by: CancelledBy,
    reason: Option<String>,
) -> Result<Booking, ApiError> {
    let now = state.clock.now();
    let base_url = state.settings.public_url();
    let announcement = scope.announcement(&base_url, None, None, now, false);
    let outbox = |booking: &Booking| announcement.messages(NotificationKind::Cancellation, booking);
    let cancelled = state
        .store
        .cancel_booking(booking.tenant_id, actor, booking.id, by, reason, &outbox)
        .await
        .map_err(booking_error)?;
    state.notify_outbox();
    count(&state.metrics.bookings.cancelled);
    Ok(cancelled)
}

/// Parses an RFC 3339 instant from a request, naming the field on failure. Years outside
/// 1–9999 are refused: no meeting is there, and not every database stores them.
pub fn parse_instant(field: &str, value: &str) -> Result<Timestamp, ApiError> {
    let instant = value.parse::<Timestamp>().map_err(|_| {
        ApiError::validation(
            field,
            format!("{value:?} is not an RFC 3339 instant such as 2026-12-01T09:00:00Z"),
        )
    })?;
    let year = instant.to_zoned_datetime(jiff::tz::TimeZone::UTC).year();
    if !(1..=9999).contains(&year) {
        return Err(ApiError::validation(
            field,
            format!("{value:?} is out of range (years 1 to 9999)"),
        ));
    }
    Ok(instant)
}
