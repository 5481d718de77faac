//! What the store reads and writes. Fields use the domain types of `kairos-core`, so a model
//! read back from storage is as valid as one that came through the API.

use jiff::Timestamp;
use kairos_core::booking::{BookingStatus, CancelledBy, Invitee};
use kairos_core::event_type::{
    CustomQuestions, EventColor, Location, ReminderSettings, ReminderTiming,
};
use kairos_core::ids::{
    AccountId, BlockedDateId, BookingId, ChangeId, EventTypeId, TenantId, UserId,
};
use kairos_core::schedule::{BlockedPeriod, DateOverride, WeeklySchedule};
use kairos_core::settings::{DurationMinutes, HostSettings, SettingOverrides};
use kairos_core::slots::ExistingBooking;
use kairos_core::text::{DisplayName, EmailAddress, LongText, Slug, Username};
use kairos_core::zone::TimeZoneName;
use serde::Serialize;

use crate::{StoreError, StoreResult};

/// A new tenant.
#[derive(Debug, Clone)]
pub struct NewTenant {
    pub slug: Slug,
    pub name: DisplayName,
}

/// The first account of a new tenant, and the host profile that goes with it.
#[derive(Debug, Clone)]
pub struct NewOwner {
    pub email: EmailAddress,
    pub password_hash: String,
    pub username: Username,
    pub display_name: DisplayName,
    pub timezone: TimeZoneName,
}

/// A tenant: one business.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: TenantId,
    pub slug: Slug,
    pub name: DisplayName,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// What [`crate::TenantStore::create_tenant`] made.
#[derive(Debug, Clone)]
pub struct TenantWithOwner {
    pub tenant: Tenant,
    pub account: Account,
    pub user: User,
}

/// What an account may do. Owners and admins manage the whole tenant; a member manages only
/// their own profile, event types, availability and bookings.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Member,
}

impl Role {
    /// The stored spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Admin => "admin",
            Self::Member => "member",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(value: &str) -> Result<Self, StoreError> {
        match value {
            "owner" => Ok(Self::Owner),
            "admin" => Ok(Self::Admin),
            "member" => Ok(Self::Member),
            other => Err(StoreError::Corrupt(format!("unknown role {other:?}"))),
        }
    }

    /// Whether this role manages the whole tenant.
    pub const fn manages_tenant(self) -> bool {
        matches!(self, Self::Owner | Self::Admin)
    }
}

/// A new login account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: EmailAddress,
    pub password_hash: String,
    pub role: Role,
}

/// A login account.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: AccountId,
    pub tenant_id: TenantId,
    pub email: EmailAddress,
    pub role: Role,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// A new API token; only the digest of its secret is stored.
#[derive(Debug, Clone)]
pub struct NewApiToken {
    pub account_id: AccountId,
    pub name: String,
    pub digest: [u8; 32],
}

/// A new admin-console session: the SHA-256 digest of the cookie secret (the secret itself is
/// never stored) and the session's CSRF token, which forms echo back.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub account_id: AccountId,
    pub digest: [u8; 32],
    pub csrf_token: String,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

/// A live session: who it acts for and the token its forms must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionPrincipal {
    pub principal: Principal,
    pub csrf_token: String,
    pub expires_at: Timestamp,
}

/// A new password-reset link: the SHA-256 digest of the link's secret (the secret itself is
/// only ever in the email) and how long it works.
#[derive(Debug, Clone)]
pub struct NewPasswordReset {
    pub account_id: AccountId,
    pub digest: [u8; 32],
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    /// No new link while the account has one created after this instant.
    pub quiet_since: Timestamp,
}

/// The account a live password-reset link is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    pub tenant_id: TenantId,
    pub account_id: AccountId,
    pub expires_at: Timestamp,
}

/// Who a credential acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub tenant_id: TenantId,
    pub account_id: AccountId,
    pub role: Role,
    /// The account's own host profile, if it has one.
    pub user_id: Option<UserId>,
}

/// Who made a change, for the changelog. `None` is the system or an unauthenticated invitee.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actor {
    pub account_id: Option<AccountId>,
}

impl Actor {
    /// The system itself (seeding, workers).
    pub const SYSTEM: Actor = Actor { account_id: None };

    /// A signed-in account.
    pub fn account(id: AccountId) -> Self {
        Self {
            account_id: Some(id),
        }
    }
}

/// A new host profile.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub account_id: Option<AccountId>,
    pub username: Username,
    pub display_name: DisplayName,
    pub email: EmailAddress,
    pub timezone: TimeZoneName,
    pub avatar_url: Option<String>,
    pub settings: HostSettings,
}

/// A host profile (the spec's `scheduling_users`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub account_id: Option<AccountId>,
    pub username: Username,
    pub display_name: DisplayName,
    pub email: EmailAddress,
    pub timezone: TimeZoneName,
    pub avatar_url: Option<String>,
    pub is_active: bool,
    pub settings: HostSettings,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
}

/// The new state of a host profile.
#[derive(Debug, Clone)]
pub struct UserUpdate {
    pub username: Username,
    pub display_name: DisplayName,
    pub email: EmailAddress,
    pub timezone: TimeZoneName,
    pub avatar_url: Option<String>,
    pub is_active: bool,
    pub settings: HostSettings,
}

impl From<User> for UserUpdate {
    fn from(user: User) -> Self {
        Self {
            username: user.username,
            display_name: user.display_name,
            email: user.email,
            timezone: user.timezone,
            avatar_url: user.avatar_url,
            is_active: user.is_active,
            settings: user.settings,
        }
    }
}

/// Which hosts to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct UserFilter {
    /// Only this host (a member sees only themselves).
    pub only: Option<UserId>,
    /// Leave out deactivated hosts.
    pub active_only: bool,
}

/// Everything about an event type that its owner sets.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventTypeFields {
    pub name: DisplayName,
    pub slug: Slug,
    pub description: Option<LongText>,
    pub duration: DurationMinutes,
    /// Step between offered start times; `None` = the duration.
    pub slot_interval: Option<DurationMinutes>,
    pub color: EventColor,
    pub location: Location,
    pub custom_questions: CustomQuestions,
    pub reminder_settings: ReminderSettings,
    pub setting_overrides: SettingOverrides,
    pub is_active: bool,
}

/// An event type.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventType {
    pub id: EventTypeId,
    pub tenant_id: TenantId,
    pub user_id: UserId,
    #[serde(flatten)]
    pub fields: EventTypeFields,
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub archived_at: Option<Timestamp>,
    /// Bookings of this type in any status.
    pub booking_count: u64,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
}

/// Whether archived event types are listed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ArchivedFilter {
    /// Only live ones (the default).
    #[default]
    Exclude,
    /// Only archived ones.
    Only,
    /// Both.
    Include,
}

impl ArchivedFilter {
    /// The spelling a backend binds for its list query.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Exclude => "exclude",
            Self::Only => "only",
            Self::Include => "include",
        }
    }
}

/// Which event types to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct EventTypeFilter {
    pub user: Option<UserId>,
    pub archived: ArchivedFilter,
    /// Only active, non-archived types (the public page).
    pub bookable_only: bool,
}

/// What deleting an event type did.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeleteOutcome {
    /// It had no bookings and is gone.
    Deleted,
    /// It had bookings, so it was archived instead.
    Archived,
}

/// A host's weekly hours.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Availability {
    pub user_id: UserId,
    pub timezone: TimeZoneName,
    pub weekly_schedule: WeeklySchedule,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
}

/// New weekly hours.
#[derive(Debug, Clone)]
pub struct AvailabilityUpdate {
    pub timezone: TimeZoneName,
    pub weekly_schedule: WeeklySchedule,
}

/// A new blocked date range.
#[derive(Debug, Clone)]
pub struct NewBlockedDate {
    pub period: BlockedPeriod,
    pub reason: Option<LongText>,
}

/// A blocked date range.
#[derive(Debug, Clone)]
pub struct BlockedDate {
    pub id: BlockedDateId,
    pub user_id: UserId,
    pub period: BlockedPeriod,
    pub reason: Option<LongText>,
    pub created_at: Timestamp,
}

/// One changelog row.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub id: ChangeId,
    pub entity_type: String,
    pub entity_id: String,
    pub action: String,
    pub actor_id: Option<AccountId>,
    pub details: serde_json::Value,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
}

/// Which changelog rows to list.
#[derive(Debug, Clone, Default)]
pub struct ChangeFilter {
    pub entity_type: Option<String>,
    pub entity_id: Option<String>,
}

/// Which page of a list to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    limit: u32,
    offset: u32,
}

impl PageRequest {
    /// The largest page.
    pub const MAX_LIMIT: u32 = 200;
    /// The page size when none is asked for.
    pub const DEFAULT_LIMIT: u32 = 50;

    /// A page of `limit` rows (clamped to 1..=MAX_LIMIT) after skipping `offset`.
    pub fn new(limit: u32, offset: u32) -> Self {
        Self {
            limit: limit.clamp(1, Self::MAX_LIMIT),
            offset,
        }
    }

    /// Rows on the page.
    pub const fn limit(&self) -> u32 {
        self.limit
    }

    /// Rows skipped.
    pub const fn offset(&self) -> u32 {
        self.offset
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LIMIT, 0)
    }
}

/// One page of a list, with the total across all pages.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub limit: u32,
    pub offset: u32,
}

impl<T> Page<T> {
    /// The page `request` asked for, of `items` (as decoded from the page's rows) out of
    /// `total` rows in all (what the `COUNT(*)` of the same filter returned).
    pub fn collect(
        items: impl IntoIterator<Item = StoreResult<T>>,
        total: i64,
        request: PageRequest,
    ) -> StoreResult<Self> {
        Ok(Page {
            items: items.into_iter().collect::<StoreResult<_>>()?,
            total: crate::decode::row_count(total)?,
            limit: request.limit(),
            offset: request.offset(),
        })
    }

    /// Maps the items, keeping the paging.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            total: self.total,
            limit: self.limit,
            offset: self.offset,
        }
    }
}

/// A host's schedule version: a counter the database raises (by trigger, in the writing
/// transaction) on every change to what a [`ScheduleSnapshot`] holds — the host's confirmed
/// bookings, weekly hours, date overrides and blocked dates. While it reads the same, a
/// snapshot read at it is still exact, whichever process made the changes. Versions of one host
/// only grow and never repeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScheduleVersion(i64);

impl ScheduleVersion {
    /// The version as stored.
    pub const fn new(value: i64) -> Self {
        Self(value)
    }

    /// The stored counter.
    pub const fn get(self) -> i64 {
        self.0
    }
}

/// What a public event-type address (tenant slug, username, event-type slug) leads to, read
/// in one go for the public pages. The host and the event type are whatever rows exist:
/// inactive hosts and archived or inactive types included, for the caller to judge.
#[derive(Debug, Clone)]
pub struct PublicEventType {
    pub tenant: Tenant,
    /// The tenant's host with that username, if there is one.
    pub host: Option<User>,
    /// That host's event type with that slug, if there is one.
    pub event_type: Option<EventType>,
    /// The host's schedule version, read with the rows above (`None` without a host).
    pub schedule_version: Option<ScheduleVersion>,
}

/// Everything the slot engine needs about one host, read in one consistent snapshot.
#[derive(Debug, Clone)]
pub struct ScheduleSnapshot {
    /// The host's schedule version, read before (or with) the rest: the snapshot holds at
    /// least every change up to it.
    pub version: ScheduleVersion,
    pub availability: Availability,
    /// Overrides of the host-local dates the span touches (one day of margin each side).
    pub overrides: Vec<DateOverride>,
    /// Blocked periods touching those dates.
    pub blocked: Vec<BlockedPeriod>,
    /// The host's confirmed bookings (every event type) overlapping the span, by start.
    pub bookings: Vec<ExistingBooking>,
}

/// What a backend's snapshot query reads for a span, beyond the span itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SnapshotBounds {
    /// The first date of overrides and blocked dates to read. The host's zone is not known
    /// before its availability row arrives, so dates are bounded in UTC with two days of margin
    /// each side (every zone lies within ±14 hours of UTC); extra dates are harmless to the
    /// engine.
    pub first_date: jiff::civil::Date,
    /// The last date to read.
    pub last_date: jiff::civil::Date,
    /// The earliest start of a booking that can reach into the span: no booking is longer
    /// than the longest event, so a bound on `start_time` lets the (tenant, host, start_time)
    /// index bound the scan.
    pub earliest_start: Timestamp,
}

impl SnapshotBounds {
    /// The bounds for `[span_start, span_end)`.
    pub fn new(span_start: Timestamp, span_end: Timestamp) -> Self {
        let margin = jiff::Span::new().days(2);
        let utc_date = |at: Timestamp| jiff::tz::TimeZone::UTC.to_datetime(at).date();
        Self {
            first_date: utc_date(span_start)
                .checked_sub(margin)
                .unwrap_or(jiff::civil::Date::MIN),
            last_date: utc_date(span_end)
                .checked_add(margin)
                .unwrap_or(jiff::civil::Date::MAX),
            earliest_start: span_start
                .saturating_sub(jiff::SignedDuration::from_mins(i64::from(
                    DurationMinutes::MAX,
                )))
                .unwrap_or(span_start),
        }
    }
}

/// How a booking-changing transaction asks the caller whether the change is allowed, given
/// a snapshot read inside the transaction after the host's lock was taken. `Err((code,
/// message))` refuses the change with [`StoreError::Rejected`].
pub type BookingCheck<'a> =
    dyn Fn(&ScheduleSnapshot) -> Result<(), (&'static str, String)> + Send + Sync + 'a;

/// A booking to write.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub event_type_id: EventTypeId,
    pub host_user_id: UserId,
    pub event_type_name: String,
    pub host_name: String,
    pub host_email: String,
    pub invitee: Invitee,
    pub start_time: Timestamp,
    pub end_time: Timestamp,
    /// The invitee's zone.
    pub timezone: TimeZoneName,
    pub location: Location,
    pub buffer_before_mins: i32,
    pub buffer_after_mins: i32,
    /// SHA-256 of the secret in the invitee's cancel and reschedule links.
    pub manage_token_digest: [u8; 32],
}

impl NewBooking {
    /// The booking this request becomes when stored as confirmed with `id`, `ical_uid` and
    /// `sequence` at `at`: what a backend that writes the row and its outbox in one statement
    /// hands the outbox hook before the row exists.
    pub fn confirmed(
        &self,
        tenant_id: TenantId,
        id: BookingId,
        ical_uid: String,
        sequence: i32,
        rescheduled_from: Option<BookingId>,
        at: Timestamp,
    ) -> Booking {
        Booking {
            id,
            tenant_id,
            event_type_id: self.event_type_id,
            host_user_id: self.host_user_id,
            event_type_name: self.event_type_name.clone(),
            host_name: self.host_name.clone(),
            host_email: self.host_email.clone(),
            invitee: self.invitee.clone(),
            start_time: self.start_time,
            end_time: self.end_time,
            timezone: self.timezone.clone(),
            status: BookingStatus::Confirmed,
            location: self.location.clone(),
            buffer_before_mins: self.buffer_before_mins,
            buffer_after_mins: self.buffer_after_mins,
            ical_uid,
            sequence,
            cancelled_by: None,
            cancel_reason: None,
            rescheduled_from,
            reminders_sent: std::collections::BTreeMap::new(),
            created_at: at,
            updated_at: at,
            manage_token_digest: self.manage_token_digest,
        }
    }
}

/// A booking (the spec's `scheduling_bookings`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Booking {
    pub id: BookingId,
    pub tenant_id: TenantId,
    pub event_type_id: EventTypeId,
    pub host_user_id: UserId,
    pub event_type_name: String,
    pub host_name: String,
    pub host_email: String,
    pub invitee: Invitee,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub start_time: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub end_time: Timestamp,
    pub timezone: TimeZoneName,
    pub status: BookingStatus,
    pub location: Location,
    pub buffer_before_mins: i32,
    pub buffer_after_mins: i32,
    /// The iCalendar UID, shared by every booking of a reschedule chain.
    pub ical_uid: String,
    /// The iCalendar SEQUENCE: raised by every change.
    pub sequence: i32,
    pub cancelled_by: Option<CancelledBy>,
    pub cancel_reason: Option<String>,
    pub rescheduled_from: Option<BookingId>,
    /// The reminders that went out, by timing (`{"24h": true}`).
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub reminders_sent: std::collections::BTreeMap<ReminderTiming, bool>,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: Timestamp,
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub updated_at: Timestamp,
    #[serde(skip)]
    pub manage_token_digest: [u8; 32],
}

/// Which bookings to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct BookingFilter {
    pub status: Option<BookingStatus>,
    /// Bookings starting at or after this instant.
    pub from: Option<Timestamp>,
    /// Bookings starting before this instant.
    pub to: Option<Timestamp>,
    pub event_type: Option<EventTypeId>,
    pub host: Option<UserId>,
    /// Latest start first (the default), or soonest first.
    pub order: BookingOrder,
}

/// The order of a booking list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BookingOrder {
    /// Latest start first (history, the API's order).
    #[default]
    LatestFirst,
    /// Soonest start first (what comes next).
    SoonestFirst,
}

impl BookingOrder {
    /// The SQL `ORDER BY` of a booking list in this order (ties broken by id).
    pub const fn sql(self) -> &'static str {
        match self {
            BookingOrder::LatestFirst => "ORDER BY start_time DESC, id DESC",
            BookingOrder::SoonestFirst => "ORDER BY start_time ASC, id ASC",
        }
    }
}
