//! The booking rules as the application applies them: the free slots of an event type, and
//! creating, moving and cancelling bookings. Invitees (through the booking pages and the public
//! API) and hosts (through the console and the admin API, see [`super::bookings`]) reach the
//! same functions, so they are held to the same rules.
//!
//! Guarantee (docs/architecture.md, "The booking transaction"): a booking is written only if
//! [`SlotEngine::check_slot`] accepts its start on a snapshot read inside the writing
//! transaction, after the host's lock was taken. Listing and accepting run the same engine code,
//! so what was shown free and what is accepted cannot disagree on the same data.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use kairos_core::booking::{Answer, CancelledBy, Invitee, validate_answers};
use kairos_core::ids::BookingId;
use kairos_core::ids::EventTypeId;
use kairos_core::notification::NotificationKind;
use kairos_core::slots::{
    HostAvailability, Slot, SlotDay, SlotEngine, SlotRules, group_by_local_date,
    invitee_date_range, load_range_for,
};
use kairos_core::text::{DisplayName, EmailAddress, LongText};
use kairos_core::zone::TimeZoneName;
use kairos_store::{
    Actor, Booking, EventType, NewBooking, ScheduleSnapshot, ScheduleVersion, SnapshotKey,
    StoreError, Tenant, User,
};

use super::access;
use super::directory::{self, BookablePage};
use super::notifications::Announcement;
use super::{AppError, AppResult};
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
) -> AppResult<Vec<SlotDay>> {
    let (start, end) = invitee_date_range(invitee_zone.time_zone(), from, to)
        .ok_or_else(|| AppError::bad_request("to", "the date range is out of bounds"))?;
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

/// An invitee as a request gives them: the answers still raw (question id → JSON value), to be
/// checked against the event type's questions once it is known.
#[derive(Debug)]
pub struct InviteeInput {
    pub name: DisplayName,
    pub email: EmailAddress,
    pub notes: Option<LongText>,
    pub timezone: TimeZoneName,
    pub answers: serde_json::Map<String, serde_json::Value>,
}

/// Checks an invitee's raw answers against the event type's questions; a refusal is a 422
/// naming `invitee.responses.<question id>`.
fn invitee_answers(
    event_type: &EventType,
    raw: &serde_json::Map<String, serde_json::Value>,
) -> Result<BTreeMap<String, Answer>, AppError> {
    validate_answers(&event_type.fields.custom_questions, raw).map_err(|error| {
        AppError::validation(
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
    let token = access::random_secret();
    let digest = access::token_digest(&token);
    (token, digest)
}

/// Whether `token` is the secret of a booking's manage links (constant-time comparison).
fn manage_token_matches(booking: &Booking, token: &str) -> bool {
    access::constant_time_eq(&access::token_digest(token), &booking.manage_token_digest)
}

fn new_booking(
    host: &User,
    event_type: &EventType,
    request: BookingRequest,
    digest: [u8; 32],
    rules: &SlotRules,
) -> Result<NewBooking, AppError> {
    let duration = SignedDuration::from_mins(i64::from(event_type.fields.duration.get()));
    let end_time = request
        .start
        .checked_add(duration)
        .map_err(|_| AppError::validation("startTime", "the start time is out of range"))?;
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
pub(super) fn booking_error(error: StoreError) -> AppError {
    match error {
        StoreError::Rejected { code, message } => AppError::Conflict {
            code,
            message,
            field: Some("startTime".to_owned()),
        },
        StoreError::Conflict { .. } => AppError::Conflict {
            code: "slot_unavailable",
            message: "that time is no longer free".to_owned(),
            field: Some("startTime".to_owned()),
        },
        other => AppError::from_store("booking")(other),
    }
}

/// [`booking_error`], counting a refused time in `/metrics`.
fn counted_booking_error(state: &AppState, error: StoreError) -> AppError {
    let error = booking_error(error);
    if let AppError::Conflict { code, .. } = &error
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
pub(super) struct BookingScope<'a> {
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
pub(super) async fn host_and_type(
    state: &AppState,
    booking: &Booking,
) -> Result<(User, EventType), AppError> {
    let host = state
        .store
        .user(booking.tenant_id, booking.host_user_id)
        .await
        .map_err(AppError::from_store("host"))?;
    let event_type = state
        .store
        .event_type(booking.tenant_id, booking.event_type_id)
        .await
        .map_err(AppError::from_store("event type"))?;
    Ok((host, event_type))
}

/// Books `request` on an active event type of an active host; the confirmations and reminders
/// are queued in the same transaction.
async fn book_in(
    state: &AppState,
    actor: Actor,
    scope: BookingScope<'_>,
    request: BookingRequest,
) -> Result<BookedWithToken, AppError> {
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
pub(super) async fn reschedule(
    state: &AppState,
    actor: Actor,
    scope: BookingScope<'_>,
    old: &Booking,
    start: Timestamp,
    timezone: Option<TimeZoneName>,
) -> Result<BookedWithToken, AppError> {
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
pub(super) async fn cancel(
    state: &AppState,
    actor: Actor,
    scope: BookingScope<'_>,
    booking: &Booking,
    by: CancelledBy,
    reason: Option<String>,
) -> Result<Booking, AppError> {
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

/// The free slots of a public event type on the invitee-local dates `[from, to]` in `zone`
/// (default: the host's zone), with the zone used. Tenant, host and type are resolved in one
/// store read, and the month's snapshot comes from the cache while the host's schedule is
/// unchanged.
pub async fn public_slots(
    state: &AppState,
    (tenant_slug, username, event_slug): (&str, &str, &str),
    zone: Option<TimeZoneName>,
    from: Date,
    to: Date,
) -> AppResult<(TimeZoneName, Vec<SlotDay>)> {
    let page = directory::bookable_page(state, tenant_slug, username, event_slug).await?;
    let zone = zone.unwrap_or_else(|| page.host.timezone.clone());
    let days = free_slot_days(
        state,
        &page.host,
        &page.event_type,
        Some(page.schedule_version),
        &zone,
        from,
        to,
    )
    .await?;
    Ok((zone, days))
}

/// A new booking and its tenant (for the manage links).
#[derive(Debug)]
pub struct Booked {
    pub tenant: Tenant,
    pub booked: BookedWithToken,
}

/// Books `start` on the event type `event_type` of the tenant `tenant_slug` for an invitee
/// (the public API): tenant, type and host in one store read, the answers checked against the
/// type's questions, then the booking transaction.
pub async fn book(
    state: &AppState,
    tenant_slug: &str,
    event_type: EventTypeId,
    start: Timestamp,
    invitee: InviteeInput,
) -> AppResult<Booked> {
    let (tenant, host, event_type) =
        directory::booking_target(state, tenant_slug, event_type).await?;
    let responses = invitee_answers(&event_type, &invitee.answers)?;
    let request = BookingRequest {
        start,
        timezone: invitee.timezone,
        invitee: Invitee {
            name: invitee.name,
            email: invitee.email,
            notes: invitee.notes,
            responses,
        },
    };
    let scope = BookingScope {
        tenant: &tenant,
        host: &host,
        event_type: &event_type,
    };
    let booked = book_in(state, Actor::SYSTEM, scope, request).await?;
    Ok(Booked { tenant, booked })
}

/// Books on an event type the booking form was shown for ([`directory::bookable_page`]),
/// with an invitee whose answers the form already checked against that type's questions.
pub async fn book_on_page(
    state: &AppState,
    page: &BookablePage,
    request: BookingRequest,
) -> AppResult<BookedWithToken> {
    let scope = BookingScope {
        tenant: &page.tenant,
        host: &page.host,
        event_type: &page.event_type,
    };
    book_in(state, Actor::SYSTEM, scope, request).await
}

/// Whether `start` is still a free slot of the form's event type, on fresh data (the booking
/// form is shown only for a time that is).
pub async fn still_free(
    state: &AppState,
    page: &BookablePage,
    start: Timestamp,
    zone: &TimeZoneName,
) -> AppResult<bool> {
    let date = start.to_zoned_datetime(zone.time_zone().clone()).date();
    let free = free_slot_days(state, &page.host, &page.event_type, None, zone, date, date).await?;
    Ok(free
        .iter()
        .flat_map(|day| day.slots.iter())
        .any(|slot| slot.start.timestamp() == start))
}

/// A booking of the tenant `tenant_slug` whose manage token matches; anything else is a 404,
/// so ids cannot be probed.
pub async fn invitee_booking(
    state: &AppState,
    tenant_slug: &str,
    id: BookingId,
    token: &str,
) -> AppResult<(Tenant, Booking)> {
    let tenant = directory::tenant(state, tenant_slug).await?;
    let booking = state
        .store
        .booking(tenant.id, id)
        .await
        .map_err(AppError::from_store("booking"))?;
    if !manage_token_matches(&booking, token) {
        return Err(AppError::NotFound("booking"));
    }
    Ok((tenant, booking))
}

/// A booking its invitee manages (token checked), with its host and event type.
#[derive(Debug, Clone)]
pub struct ManagedBooking {
    pub tenant: Tenant,
    pub booking: Booking,
    pub host: User,
    pub event_type: EventType,
}

/// [`invitee_booking`] with the booking's host and event type.
pub async fn managed_booking(
    state: &AppState,
    tenant_slug: &str,
    id: BookingId,
    token: &str,
) -> AppResult<ManagedBooking> {
    let (tenant, booking) = invitee_booking(state, tenant_slug, id, token).await?;
    let (host, event_type) = host_and_type(state, &booking).await?;
    Ok(ManagedBooking {
        tenant,
        booking,
        host,
        event_type,
    })
}

impl ManagedBooking {
    fn scope(&self) -> BookingScope<'_> {
        BookingScope {
            tenant: &self.tenant,
            host: &self.host,
            event_type: &self.event_type,
        }
    }
}

/// A reason as given: blank is none.
pub(super) fn given_reason(reason: Option<LongText>) -> Option<String> {
    reason
        .map(|reason| reason.to_string())
        .filter(|reason| !reason.trim().is_empty())
}

/// The invitee cancels their booking (409 `booking_not_confirmed` when it no longer stands),
/// with an optional reason; the host is told.
pub async fn cancel_managed(
    state: &AppState,
    managed: &ManagedBooking,
    reason: Option<LongText>,
) -> AppResult<Booking> {
    cancel(
        state,
        Actor::SYSTEM,
        managed.scope(),
        &managed.booking,
        CancelledBy::Invitee,
        given_reason(reason),
    )
    .await
}

/// The invitee moves their booking to `start` (and, if given, their zone): checked like a new
/// booking with the old one not counted, on an event type that still takes bookings.
pub async fn reschedule_managed(
    state: &AppState,
    managed: &ManagedBooking,
    start: Timestamp,
    timezone: Option<TimeZoneName>,
) -> AppResult<BookedWithToken> {
    directory::ensure_bookable(&managed.event_type)?;
    reschedule(
        state,
        Actor::SYSTEM,
        managed.scope(),
        &managed.booking,
        start,
        timezone,
    )
    .await
}

/// Parses an RFC 3339 instant from a request, naming the field on failure. Years outside
/// 1–9999 are refused: no meeting is there, and not every database stores them.
pub fn parse_instant(field: &str, value: &str) -> Result<Timestamp, AppError> {
    let instant = value.parse::<Timestamp>().map_err(|_| {
        AppError::validation(
            field,
            format!("{value:?} is not an RFC 3339 instant such as 2026-12-01T09:00:00Z"),
        )
    })?;
    let year = instant.to_zoned_datetime(jiff::tz::TimeZone::UTC).year();
    if !(1..=9999).contains(&year) {
        return Err(AppError::validation(
            field,
            format!("{value:?} is out of range (years 1 to 9999)"),
        ));
    }
    Ok(instant)
}
