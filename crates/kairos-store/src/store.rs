//! The storage traits, one per resource, and [`Store`], which is all of them.
//!
//! Every trait is object safe, so the server holds an `Arc<dyn Store>` and never knows which
//! backend runs. Calling a method on a `dyn Store` needs the trait that declares it in scope:
//! `use kairos_store::prelude::*;` brings them all.

use async_trait::async_trait;
use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::ids::{
    AccountId, BlockedDateId, BookingId, EventTypeId, OutboxId, TenantId, UserId,
};
use kairos_core::notification::{Audience, NotificationKind};
use kairos_core::schedule::DateOverride;
use kairos_core::text::{EmailAddress, Slug, Username};

use crate::{
    Account, Actor, Availability, AvailabilityUpdate, BlockedDate, Booking, BookingCheck,
    BookingFilter, Change, ChangeFilter, ClaimedMessage, DeleteOutcome, Delivery, EventType,
    EventTypeFields, EventTypeFilter, NewAccount, NewApiToken, NewBlockedDate, NewBooking,
    NewOwner, NewPasswordReset, NewSession, NewTenant, NewUser, NotificationTemplate, OutboxCounts,
    OutboxFor, OutboxMessage, Page, PageRequest, PasswordReset, Principal, PublicEventType,
    ScheduleSnapshot, SessionPrincipal, StoreResult, Tenant, TenantWithOwner, User, UserFilter,
    UserUpdate,
};

/// Everything Kairos persists: every resource trait at once. Implemented for every type that
/// implements them all, so a backend implements the resource traits and nothing else.
pub trait Store:
    HealthStore
    + TenantStore
    + AccessStore
    + HostStore
    + EventTypeStore
    + AvailabilityStore
    + BookingStore
    + ChangelogStore
    + OutboxStore
    + TemplateStore
    + Send
    + Sync
    + std::fmt::Debug
    + 'static
{
}

impl<T> Store for T where
    T: HealthStore
        + TenantStore
        + AccessStore
        + HostStore
        + EventTypeStore
        + AvailabilityStore
        + BookingStore
        + ChangelogStore
        + OutboxStore
        + TemplateStore
        + Send
        + Sync
        + std::fmt::Debug
        + 'static
{
}

/// Whether the database answers.
#[async_trait]
pub trait HealthStore: Send + Sync {
    /// Checks that the database answers (for `/readyz`).
    async fn ping(&self) -> StoreResult<()>;
}

/// Tenants: creating one with its owner, and finding one by id or slug.
#[async_trait]
pub trait TenantStore: Send + Sync {
    /// Creates a tenant together with its first account (an owner) and that account's scheduling
    /// profile, in one transaction. Fails with a conflict on
    /// [`Unique::TenantSlug`](crate::Unique::TenantSlug) if the slug is taken.
    async fn create_tenant(
        &self,
        tenant: NewTenant,
        owner: NewOwner,
    ) -> StoreResult<TenantWithOwner>;

    /// How many tenants exist (the demo is seeded only into an empty database).
    async fn count_tenants(&self) -> StoreResult<u64>;

    /// A tenant by id.
    async fn tenant(&self, id: TenantId) -> StoreResult<Tenant>;

    /// A tenant by its public slug.
    async fn tenant_by_slug(&self, slug: &Slug) -> StoreResult<Tenant>;
}

/// Who may act: accounts, API tokens, console sessions, passwords and password-reset links.
#[async_trait]
pub trait AccessStore: Send + Sync {
    /// Creates an account in a tenant. Conflict on
    /// [`Unique::AccountEmail`](crate::Unique::AccountEmail) if the address is taken in that
    /// tenant.
    async fn create_account(&self, tenant: TenantId, account: NewAccount) -> StoreResult<Account>;

    /// The account with this email, with its password hash (for login).
    async fn account_by_email(
        &self,
        tenant: TenantId,
        email: &EmailAddress,
    ) -> StoreResult<(Account, String)>;

    /// An account by id.
    async fn account(&self, tenant: TenantId, id: AccountId) -> StoreResult<Account>;

    /// Stores an API token for an account; only the SHA-256 digest of the secret is kept.
    async fn create_api_token(&self, tenant: TenantId, token: NewApiToken) -> StoreResult<()>;

    /// Resolves a token digest to who it acts for, or `NotFound`.
    async fn principal_for_token(&self, digest: &[u8; 32]) -> StoreResult<Principal>;

    /// Stores an admin-console session for an account of `tenant` (and drops that tenant's
    /// sessions that expired before `session.created_at`).
    async fn create_session(&self, tenant: TenantId, session: NewSession) -> StoreResult<()>;

    /// Resolves a session digest to who it acts for while it lasts: `NotFound` when there is no
    /// such session or it expired at or before `now`.
    async fn session_principal(
        &self,
        digest: &[u8; 32],
        now: Timestamp,
    ) -> StoreResult<SessionPrincipal>;

    /// Ends a session (logout). Ending one that does not exist is not an error.
    async fn delete_session(&self, digest: &[u8; 32]) -> StoreResult<()>;

    /// Replaces an account's password hash and ends the account's other sessions (all but the
    /// one whose digest is `keep`), in one transaction with its changelog row. `NotFound` for
    /// an unknown account.
    async fn set_password(
        &self,
        tenant: TenantId,
        account: AccountId,
        password_hash: &str,
        keep: Option<&[u8; 32]>,
    ) -> StoreResult<()>;

    /// Stores a password-reset link for an account of `tenant` and says `true`; or stores
    /// nothing and says `false` when the account already has a link created after
    /// `reset.quiet_since` (so that nobody can have an account sent a stream of emails). Only
    /// the newest link of an account works: earlier ones are dropped, as are the tenant's links
    /// that expired before `reset.created_at`.
    async fn create_password_reset(
        &self,
        tenant: TenantId,
        reset: NewPasswordReset,
    ) -> StoreResult<bool>;

    /// The account a reset link is for while it works: `NotFound` when there is no such link,
    /// it was used, or it expired at or before `now`.
    async fn password_reset(&self, digest: &[u8; 32], now: Timestamp)
    -> StoreResult<PasswordReset>;

    /// Uses a reset link: in one transaction the link is spent (a second use is `NotFound`, as
    /// is an expired link), the account's password hash replaced, every session of the account
    /// ended, and a changelog row written.
    async fn reset_password(
        &self,
        digest: &[u8; 32],
        now: Timestamp,
        password_hash: &str,
    ) -> StoreResult<PasswordReset>;
}

/// Host profiles (scheduling users), and the two one-read lookups the public pages start from.
#[async_trait]
pub trait HostStore: Send + Sync {
    /// Creates a host profile and its availability (the given zone, Mon–Fri 09:00–17:00). Conflict
    /// on [`Unique::Username`](crate::Unique::Username) if taken, on
    /// [`Unique::AccountHostProfile`](crate::Unique::AccountHostProfile) if the account already has
    /// a profile.
    async fn create_user(&self, tenant: TenantId, actor: Actor, user: NewUser)
    -> StoreResult<User>;

    /// Lists hosts, oldest first.
    async fn list_users(
        &self,
        tenant: TenantId,
        filter: UserFilter,
        page: PageRequest,
    ) -> StoreResult<Page<User>>;

    /// A host by id.
    async fn user(&self, tenant: TenantId, id: UserId) -> StoreResult<User>;

    /// A host by username.
    async fn user_by_username(&self, tenant: TenantId, username: &Username) -> StoreResult<User>;

    /// Replaces a host's profile fields and settings.
    async fn update_user(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: UserId,
        update: UserUpdate,
    ) -> StoreResult<User>;

    /// Resolves a public event-type address in one database read: the tenant by slug (or
    /// `NotFound`), its host by username, that host's event type by slug, and the host's
    /// [`ScheduleVersion`](crate::ScheduleVersion) for [`SnapshotCache`](crate::SnapshotCache).
    async fn public_event_type(
        &self,
        tenant: &Slug,
        username: &Username,
        event_type: &Slug,
    ) -> StoreResult<PublicEventType>;

    /// Resolves a booking request's target in one database read: the tenant by slug (or
    /// `NotFound`), its event type by id with that type's host, and the host's
    /// [`ScheduleVersion`](crate::ScheduleVersion). Host, type and version are empty when the
    /// tenant has no such type.
    async fn booking_target(
        &self,
        tenant: &Slug,
        event_type: EventTypeId,
    ) -> StoreResult<PublicEventType>;
}

/// Event types: what a host offers, their archive and deletion.
#[async_trait]
pub trait EventTypeStore: Send + Sync {
    /// Creates an event type. Conflict on [`Unique::EventTypeSlug`](crate::Unique::EventTypeSlug)
    /// if the host already has one with that slug (archived ones included).
    async fn create_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        event_type: EventTypeFields,
        user: UserId,
    ) -> StoreResult<EventType>;

    /// Lists event types, newest first.
    async fn list_event_types(
        &self,
        tenant: TenantId,
        filter: EventTypeFilter,
        page: PageRequest,
    ) -> StoreResult<Page<EventType>>;

    /// An event type by id (archived ones too).
    async fn event_type(&self, tenant: TenantId, id: EventTypeId) -> StoreResult<EventType>;

    /// A host's event type by slug (archived ones too).
    async fn event_type_by_slug(
        &self,
        tenant: TenantId,
        user: UserId,
        slug: &Slug,
    ) -> StoreResult<EventType>;

    /// Replaces an event type's fields.
    async fn update_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
        fields: EventTypeFields,
    ) -> StoreResult<EventType>;

    /// Deletes an event type, or archives it when bookings refer to it.
    async fn delete_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
    ) -> StoreResult<DeleteOutcome>;

    /// Archives an event type: it stays readable and keeps its bookings, but is no longer
    /// listed or bookable. Archiving an archived type is a no-op.
    async fn archive_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
    ) -> StoreResult<EventType>;

    /// Brings an archived event type back.
    async fn restore_event_type(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: EventTypeId,
    ) -> StoreResult<EventType>;
}

/// When a host can be booked: weekly hours, date overrides and blocked dates.
#[async_trait]
pub trait AvailabilityStore: Send + Sync {
    /// A host's weekly hours and zone.
    async fn availability(&self, tenant: TenantId, user: UserId) -> StoreResult<Availability>;

    /// Replaces a host's weekly hours and zone.
    async fn put_availability(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        update: AvailabilityUpdate,
    ) -> StoreResult<Availability>;

    /// A host's date overrides with dates in `[from, to]` (either bound open), by date.
    async fn list_date_overrides(
        &self,
        tenant: TenantId,
        user: UserId,
        from: Option<Date>,
        to: Option<Date>,
    ) -> StoreResult<Vec<DateOverride>>;

    /// Sets (creates or replaces) the override for one date.
    async fn put_date_override(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        date_override: DateOverride,
    ) -> StoreResult<DateOverride>;

    /// Removes the override for one date; `NotFound` if there was none.
    async fn delete_date_override(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        date: Date,
    ) -> StoreResult<()>;

    /// A host's blocked dates, by start date.
    async fn list_blocked_dates(
        &self,
        tenant: TenantId,
        user: UserId,
        page: PageRequest,
    ) -> StoreResult<Page<BlockedDate>>;

    /// Adds a blocked date range.
    async fn create_blocked_date(
        &self,
        tenant: TenantId,
        actor: Actor,
        user: UserId,
        blocked: NewBlockedDate,
    ) -> StoreResult<BlockedDate>;

    /// A blocked date range by id.
    async fn blocked_date(&self, tenant: TenantId, id: BlockedDateId) -> StoreResult<BlockedDate>;

    /// Removes a blocked date range.
    async fn delete_blocked_date(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BlockedDateId,
    ) -> StoreResult<()>;
}

/// Bookings: the schedule snapshot the slot engine reads, the changes that run under the host's
/// lock, and the reads (analytics included).
#[async_trait]
pub trait BookingStore: Send + Sync {
    /// The host's availability, overrides, blocked periods and confirmed bookings overlapping
    /// `[span_start, span_end)`, read in one transaction. `ignore` leaves one booking out (the
    /// one being rescheduled).
    async fn schedule_snapshot(
        &self,
        tenant: TenantId,
        host: UserId,
        span_start: Timestamp,
        span_end: Timestamp,
        ignore: Option<BookingId>,
    ) -> StoreResult<ScheduleSnapshot>;

    /// Writes a booking in one transaction that serialises on the host (PostgreSQL advisory lock,
    /// SQLite `BEGIN IMMEDIATE`), reads a fresh snapshot around the new booking, asks `check`, and
    /// only then inserts (docs/architecture.md, "The booking transaction"). A refusal is
    /// [`StoreError::Rejected`](crate::StoreError::Rejected); an overlap the database itself
    /// refuses is a conflict on [`Unique::OverlappingBooking`](crate::Unique::OverlappingBooking).
    /// The messages `outbox` gives for the written booking are queued in the same transaction.
    async fn create_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        booking: NewBooking,
        check: &BookingCheck<'_>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking>;

    /// Moves a confirmed, not yet started booking: in one transaction (same lock and check as
    /// [`BookingStore::create_booking`], the old booking not counted), marks the old one
    /// `rescheduled` and writes the new one with `rescheduled_from`, the same iCalendar UID and a
    /// higher sequence. Refused with `booking_not_confirmed` / `booking_in_past`. The old booking's
    /// pending reminders are cancelled and the messages `outbox` gives for the new booking queued,
    /// in the same transaction.
    // The booking change and its two hooks (check, outbox) are one operation.
    #[allow(clippy::too_many_arguments)]
    async fn reschedule_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        now: Timestamp,
        booking: NewBooking,
        check: &BookingCheck<'_>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking>;

    /// Cancels a confirmed booking (refused with `booking_not_confirmed` otherwise), cancels its
    /// pending reminders and queues the messages `outbox` gives for the cancelled booking, in
    /// one transaction.
    async fn cancel_booking(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        by: CancelledBy,
        reason: Option<String>,
        outbox: &OutboxFor<'_>,
    ) -> StoreResult<Booking>;

    /// Marks a booking `completed` or `no_show` (from `confirmed`, `completed` or `no_show`).
    async fn set_booking_outcome(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: BookingId,
        status: BookingStatus,
    ) -> StoreResult<Booking>;

    /// A booking by id.
    async fn booking(&self, tenant: TenantId, id: BookingId) -> StoreResult<Booking>;

    /// Bookings by start time (newest first), filtered.
    async fn list_bookings(
        &self,
        tenant: TenantId,
        filter: BookingFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Booking>>;

    /// Bookings created in `[from, to)`, any status, for analytics (oldest first).
    async fn bookings_created_between(
        &self,
        tenant: TenantId,
        from: Timestamp,
        to: Timestamp,
    ) -> StoreResult<Vec<Booking>>;
}

/// The changelog every write adds a row to (in the write's own transaction).
#[async_trait]
pub trait ChangelogStore: Send + Sync {
    /// Changelog rows, newest first, optionally for one entity.
    async fn list_changes(
        &self,
        tenant: TenantId,
        filter: ChangeFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Change>>;
}

/// The notification outbox (docs/architecture.md, "The outbox"): claiming, finishing, listing,
/// retrying and counting messages ([`OutboxStatus`](crate::OutboxStatus) tells a message's life).
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Claims up to `limit` pending messages due at `now`, over all tenants, earliest first:
    /// each gets a fresh lease until `lease_until` and one more attempt. Messages leased to
    /// another live worker are skipped (PostgreSQL `FOR UPDATE SKIP LOCKED`), so concurrent
    /// workers never claim the same message; a lease that ran out is claimable again.
    async fn claim_outbox(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> StoreResult<Vec<ClaimedMessage>>;

    /// Records the outcome of a claimed message's attempt and ends the lease. A sent reminder
    /// is also recorded in its booking's `reminders_sent`. Returns `false`, changing nothing,
    /// when the claim is no longer held (the lease ran out and another worker took it).
    async fn finish_outbox(
        &self,
        claimed: &ClaimedMessage,
        delivery: Delivery,
        at: Timestamp,
    ) -> StoreResult<bool>;

    /// A booking's messages, oldest first.
    async fn list_outbox(
        &self,
        tenant: TenantId,
        booking: BookingId,
    ) -> StoreResult<Vec<OutboxMessage>>;

    /// Puts a failed message back in the queue (attempts reset, due at `now`). Refused with
    /// `message_not_failed` for messages in another state.
    async fn retry_outbox(
        &self,
        tenant: TenantId,
        actor: Actor,
        id: OutboxId,
        now: Timestamp,
    ) -> StoreResult<OutboxMessage>;

    /// How many messages are in each state, over all tenants.
    async fn outbox_counts(&self, now: Timestamp) -> StoreResult<OutboxCounts>;
}

/// The tenants' own notification wording.
#[async_trait]
pub trait TemplateStore: Send + Sync {
    /// The tenant's own notification wording, by type and audience.
    async fn notification_templates(
        &self,
        tenant: TenantId,
    ) -> StoreResult<Vec<NotificationTemplate>>;

    /// Sets the tenant's wording for one notification type and audience (replacing any before).
    async fn put_notification_template(
        &self,
        tenant: TenantId,
        actor: Actor,
        kind: NotificationKind,
        audience: Audience,
        subject: Option<String>,
        body: Option<String>,
    ) -> StoreResult<NotificationTemplate>;

    /// Goes back to the built-in wording for one type and audience; `NotFound` if there was no
    /// override.
    async fn delete_notification_template(
        &self,
        tenant: TenantId,
        actor: Actor,
        kind: NotificationKind,
        audience: Audience,
    ) -> StoreResult<()>;
}
