//! The host side of bookings: lists and counts, one booking with its history and messages, and
//! the host's changes (cancel, move, record the outcome). A member sees and changes only their
//! own bookings; owners and admins the tenant's. Moves and cancellations run the same booking
//! transaction as the invitee's ([`super::booking`]).

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::ids::{AccountId, BookingId};
use kairos_core::slots::SlotDay;
use kairos_core::text::LongText;
use kairos_store::transitions::ensure_movable;
use kairos_store::{
    ArchivedFilter, Booking, BookingFilter, BookingOrder, Change, ChangeFilter, EventType,
    EventTypeFilter, OutboxMessage, Page, PageRequest, Tenant, User, UserFilter,
};

use super::booking::{self, BookingScope, booking_error, given_reason, host_and_type};
use super::{AppError, AppResult, Caller};
use crate::state::AppState;

/// A booking the caller may manage (404 when missing, 403 for a member's colleague's booking).
pub async fn load(state: &AppState, caller: &Caller, id: BookingId) -> AppResult<Booking> {
    let booking = state
        .store
        .booking(caller.tenant(), id)
        .await
        .map_err(AppError::from_store("booking"))?;
    caller.require_manage(booking.host_user_id)?;
    Ok(booking)
}

/// `requested` as the caller may see it: a host is only a choice for owners and admins (a
/// member always sees their own bookings; asking for another host's is a 403), and `to` may not
/// be before `from`.
fn visible(caller: &Caller, requested: BookingFilter) -> AppResult<BookingFilter> {
    let host = caller.visible_host(requested.host)?;
    if let (Some(from), Some(to)) = (requested.from, requested.to)
        && to < from
    {
        return Err(AppError::bad_request("to", "to is before from"));
    }
    Ok(BookingFilter { host, ..requested })
}

/// One page of the bookings the caller may see, filtered (newest start first, or as the
/// filter orders).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    filter: BookingFilter,
    page: PageRequest,
) -> AppResult<Page<Booking>> {
    let filter = visible(caller, filter)?;
    Ok(state
        .store
        .list_bookings(caller.tenant(), filter, page)
        .await?)
}

/// What the booking list can be filtered by: the tenant's hosts (for owners and admins; none
/// for a member) and the event types the caller may see, archived ones included.
pub async fn filter_choices(
    state: &AppState,
    caller: &Caller,
) -> AppResult<(Vec<User>, Vec<EventType>)> {
    let tenant = caller.tenant();
    let hosts = if caller.manages_tenant() {
        state
            .store
            .list_users(
                tenant,
                UserFilter {
                    only: None,
                    active_only: false,
                },
                PageRequest::new(PageRequest::MAX_LIMIT, 0),
            )
            .await?
            .items
    } else {
        Vec::new()
    };
    let event_types = state
        .store
        .list_event_types(
            tenant,
            EventTypeFilter {
                user: if caller.manages_tenant() {
                    None
                } else {
                    caller.own_host()
                },
                archived: ArchivedFilter::Include,
                bookable_only: false,
            },
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await?
        .items;
    Ok((hosts, event_types))
}

/// The figures of the console's dashboard, over the bookings the caller sees.
#[derive(Debug)]
pub struct Overview {
    /// Confirmed bookings from now on.
    pub upcoming_total: u64,
    /// Confirmed bookings in the next seven days.
    pub next_week: u64,
    /// Bookings (any status) that started in the last 30 days.
    pub past_month: u64,
    /// Cancelled bookings starting from 30 days ago on.
    pub cancelled: u64,
    /// The next ten confirmed bookings, soonest first.
    pub upcoming: Vec<Booking>,
}

/// The dashboard's figures: a member's own bookings, the tenant's for owners and admins.
pub async fn overview(state: &AppState, caller: &Caller) -> AppResult<Overview> {
    let tenant = caller.tenant();
    let host = if caller.manages_tenant() {
        None
    } else {
        caller.own_host()
    };
    let now = state.clock.now();
    let day = SignedDuration::from_hours(24);
    let count = |filter: BookingFilter| async move {
        state
            .store
            .list_bookings(tenant, filter, PageRequest::new(1, 0))
            .await
            .map(|page| page.total)
            .map_err(AppError::from)
    };
    let confirmed = |from: Timestamp, to: Option<Timestamp>| BookingFilter {
        status: Some(BookingStatus::Confirmed),
        from: Some(from),
        to,
        host,
        order: BookingOrder::SoonestFirst,
        ..BookingFilter::default()
    };
    let upcoming_total = count(confirmed(now, None)).await?;
    let next_week = count(confirmed(now, Some(now + day * 7))).await?;
    let past_month = count(BookingFilter {
        from: Some(now - day * 30),
        to: Some(now),
        host,
        ..BookingFilter::default()
    })
    .await?;
    let cancelled = count(BookingFilter {
        status: Some(BookingStatus::Cancelled),
        from: Some(now - day * 30),
        host,
        ..BookingFilter::default()
    })
    .await?;
    let upcoming = state
        .store
        .list_bookings(tenant, confirmed(now, None), PageRequest::new(10, 0))
        .await?
        .items;
    Ok(Overview {
        upcoming_total,
        next_week,
        past_month,
        cancelled,
        upcoming,
    })
}

/// The changelog rows of a booking, newest first.
async fn history(state: &AppState, caller: &Caller, id: BookingId) -> AppResult<Vec<Change>> {
    let history = state
        .store
        .list_changes(
            caller.tenant(),
            ChangeFilter {
                entity_type: Some("booking".to_owned()),
                entity_id: Some(id.to_string()),
            },
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await?;
    Ok(history.items)
}

/// A booking the caller may manage with its changelog rows, newest first.
pub async fn detail(
    state: &AppState,
    caller: &Caller,
    id: BookingId,
) -> AppResult<(Booking, Vec<Change>)> {
    let booking = load(state, caller, id).await?;
    let history = history(state, caller, id).await?;
    Ok((booking, history))
}

/// Everything the console shows about one booking.
#[derive(Debug)]
pub struct BookingRecord {
    pub booking: Booking,
    pub host: User,
    pub event_type: EventType,
    /// Changelog rows, newest first.
    pub history: Vec<Change>,
    /// Every message about it, oldest first.
    pub messages: Vec<OutboxMessage>,
    /// The email of each account named in the history (`None`: since removed).
    pub actors: BTreeMap<AccountId, Option<String>>,
}

/// A booking the caller may manage, with its host, event type, history, messages and the
/// accounts its history names.
pub async fn record(state: &AppState, caller: &Caller, id: BookingId) -> AppResult<BookingRecord> {
    let booking = load(state, caller, id).await?;
    let (host, event_type) = host_and_type(state, &booking).await?;
    let history = history(state, caller, id).await?;
    let messages = state
        .store
        .list_outbox(caller.tenant(), id)
        .await
        .map_err(AppError::from_store("booking"))?;
    let mut actors = BTreeMap::new();
    for account in history.iter().filter_map(|change| change.actor_id) {
        if let std::collections::btree_map::Entry::Vacant(entry) = actors.entry(account) {
            let email = state
                .store
                .account(caller.tenant(), account)
                .await
                .ok()
                .map(|found| found.email.to_string());
            entry.insert(email);
        }
    }
    Ok(BookingRecord {
        booking,
        host,
        event_type,
        history,
        messages,
        actors,
    })
}

/// The caller's tenant.
async fn caller_tenant(state: &AppState, caller: &Caller) -> AppResult<Tenant> {
    state
        .store
        .tenant(caller.tenant())
        .await
        .map_err(AppError::from_store("tenant"))
}

/// Cancels a booking as its host (or a tenant manager), with an optional reason (blank is
/// none); the invitee is notified.
pub async fn cancel(
    state: &AppState,
    caller: &Caller,
    id: BookingId,
    reason: Option<LongText>,
) -> AppResult<Booking> {
    let booking = load(state, caller, id).await?;
    let tenant = caller_tenant(state, caller).await?;
    let (host, event_type) = host_and_type(state, &booking).await?;
    let scope = BookingScope {
        tenant: &tenant,
        host: &host,
        event_type: &event_type,
    };
    booking::cancel(
        state,
        caller.actor(),
        scope,
        &booking,
        CancelledBy::Host,
        given_reason(reason),
    )
    .await
}

/// Moves a booking to `start` as its host, under the same rules as the invitee; returns the new
/// booking.
pub async fn reschedule(
    state: &AppState,
    caller: &Caller,
    id: BookingId,
    start: Timestamp,
) -> AppResult<Booking> {
    let old = load(state, caller, id).await?;
    let tenant = caller_tenant(state, caller).await?;
    let (host, event_type) = host_and_type(state, &old).await?;
    let scope = BookingScope {
        tenant: &tenant,
        host: &host,
        event_type: &event_type,
    };
    let booked = booking::reschedule(state, caller.actor(), scope, &old, start, None).await?;
    Ok(booked.booking)
}

/// A booking the host is about to move, and the free times offered for it.
#[derive(Debug)]
pub struct MoveOptions {
    pub booking: Booking,
    pub host: User,
    pub event_type: EventType,
    /// The effective booking window of the event type, in days.
    pub window_days: i64,
    /// The free slots on the host-local dates asked for.
    pub days: Vec<SlotDay>,
}

/// The free times for moving a booking, on the host-local dates `[from, to]` (409 when the
/// booking can no longer be moved).
pub async fn move_options(
    state: &AppState,
    caller: &Caller,
    id: BookingId,
    dates: impl FnOnce(&User, i64) -> (Date, Date),
) -> AppResult<MoveOptions> {
    let booking = load(state, caller, id).await?;
    ensure_movable(&booking, state.clock.now()).map_err(booking_error)?;
    let (host, event_type) = host_and_type(state, &booking).await?;
    let window_days = i64::from(
        booking::rules_for(&host, &event_type)
            .booking_window_days
            .get(),
    );
    let (from, to) = dates(&host, window_days);
    let days =
        booking::free_slot_days(state, &host, &event_type, None, &host.timezone, from, to).await?;
    Ok(MoveOptions {
        booking,
        host,
        event_type,
        window_days,
        days,
    })
}

/// Records what happened at a meeting: `completed` or `no_show` (anything else is a 422 naming
/// `status`).
pub async fn record_outcome(
    state: &AppState,
    caller: &Caller,
    id: BookingId,
    status: BookingStatus,
) -> AppResult<Booking> {
    if !matches!(status, BookingStatus::Completed | BookingStatus::NoShow) {
        return Err(AppError::validation(
            "status",
            "an outcome is completed or no_show",
        ));
    }
    load(state, caller, id).await?;
    state
        .store
        .set_booking_outcome(caller.tenant(), caller.actor(), id, status)
        .await
        .map_err(booking_error)
}
