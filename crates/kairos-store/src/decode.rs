//! Reading stored rows back into models, written once for every backend.
//!
//! A backend says how it reads one column of each SQL type ([`Columns`]: SQLite keeps ids and
//! dates as text and instants as seconds, PostgreSQL has `uuid`, `date` and `timestamptz`);
//! what the columns of each table mean is decided here, by [`FromColumns`]. Anything that
//! fails to decode or parse is [`StoreError::Corrupt`] naming the column: the database only
//! ever receives validated values.

use std::fmt::Display;

use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::event_type::{EventColor, ReminderTiming};
use kairos_core::ids::{
    AccountId, BlockedDateId, BookingId, ChangeId, EventTypeId, OutboxId, TenantId, UserId,
};
use kairos_core::notification::{Audience, NotificationKind};
use kairos_core::schedule::{BlockedPeriod, DateOverride, TimeWindow};
use kairos_core::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, HostSettings, NoticeHours, WindowDays,
};
use kairos_core::slots::ExistingBooking;
use kairos_core::text::{DisplayName, EmailAddress, LongText, Slug, Username};
use kairos_core::zone::TimeZoneName;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::{
    Account, Availability, BlockedDate, Booking, Change, EventType, EventTypeFields,
    NotificationTemplate, OutboxMessage, OutboxStatus, PasswordReset, Principal, Role,
    ScheduleVersion, StoreError, StoreResult, Tenant, User,
};

/// One row as a backend reads it: each method decodes the named column as one SQL type,
/// `None` for NULL. The provided methods add what every backend needs on top (required
/// columns, parsing into domain types).
pub trait Columns {
    /// A text column.
    fn text_opt(&self, column: &str) -> StoreResult<Option<String>>;
    /// A 32-bit integer column (`INTEGER` on PostgreSQL).
    fn int_opt(&self, column: &str) -> StoreResult<Option<i32>>;
    /// A 64-bit integer column (`BIGINT` on PostgreSQL: counters and versions).
    fn bigint_opt(&self, column: &str) -> StoreResult<Option<i64>>;
    /// A boolean column (never NULL in the schema).
    fn flag(&self, column: &str) -> StoreResult<bool>;
    /// A UUID column (ids).
    fn uuid_opt(&self, column: &str) -> StoreResult<Option<Uuid>>;
    /// An instant column.
    fn instant_opt(&self, column: &str) -> StoreResult<Option<Timestamp>>;
    /// A civil date column.
    fn date_opt(&self, column: &str) -> StoreResult<Option<Date>>;
    /// A JSON column, deserialised.
    fn json_opt<T: DeserializeOwned>(&self, column: &str) -> StoreResult<Option<T>>;
    /// A byte string column (digests; never NULL in the schema).
    fn bytes(&self, column: &str) -> StoreResult<Vec<u8>>;

    /// A text column that is never NULL.
    fn text(&self, column: &str) -> StoreResult<String> {
        required(column, self.text_opt(column)?)
    }

    /// A text column parsed by `parse`.
    fn parsed<T, E: Display>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> StoreResult<T> {
        parse(&self.text(column)?).map_err(|e| StoreError::corrupt(column, e))
    }

    /// A nullable text column parsed by `parse`.
    fn parsed_opt<T, E: Display>(
        &self,
        column: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> StoreResult<Option<T>> {
        self.text_opt(column)?
            .map(|text| parse(&text).map_err(|e| StoreError::corrupt(column, e)))
            .transpose()
    }

    /// An id column, as the id type `wrap` makes.
    fn id<T>(&self, column: &str, wrap: fn(Uuid) -> T) -> StoreResult<T> {
        required(column, self.uuid_opt(column)?).map(wrap)
    }

    /// A nullable id column.
    fn id_opt<T>(&self, column: &str, wrap: fn(Uuid) -> T) -> StoreResult<Option<T>> {
        Ok(self.uuid_opt(column)?.map(wrap))
    }

    /// A 32-bit integer column that is never NULL.
    fn int(&self, column: &str) -> StoreResult<i32> {
        required(column, self.int_opt(column)?)
    }

    /// A 32-bit integer column checked by `make` (a bounded setting).
    fn bounded<T, E: Display>(
        &self,
        column: &str,
        make: impl FnOnce(i64) -> Result<T, E>,
    ) -> StoreResult<T> {
        make(i64::from(self.int(column)?)).map_err(|e| StoreError::corrupt(column, e))
    }

    /// A nullable 32-bit integer column checked by `make`.
    fn bounded_opt<T, E: Display>(
        &self,
        column: &str,
        make: impl FnOnce(i64) -> Result<T, E>,
    ) -> StoreResult<Option<T>> {
        self.int_opt(column)?
            .map(|value| make(i64::from(value)).map_err(|e| StoreError::corrupt(column, e)))
            .transpose()
    }

    /// A count column (never negative).
    fn count(&self, column: &str) -> StoreResult<u64> {
        let value = required(column, self.bigint_opt(column)?)?;
        u64::try_from(value).map_err(|e| StoreError::corrupt(column, e))
    }

    /// An instant column that is never NULL.
    fn instant(&self, column: &str) -> StoreResult<Timestamp> {
        required(column, self.instant_opt(column)?)
    }

    /// A date column that is never NULL.
    fn date(&self, column: &str) -> StoreResult<Date> {
        required(column, self.date_opt(column)?)
    }

    /// A JSON column that is never NULL.
    fn json<T: DeserializeOwned>(&self, column: &str) -> StoreResult<T> {
        required(column, self.json_opt(column)?)
    }
}

fn required<T>(column: &str, value: Option<T>) -> StoreResult<T> {
    value.ok_or_else(|| StoreError::corrupt(column, "unexpected NULL"))
}

/// A model read from one row's [`Columns`].
pub trait FromColumns: Sized {
    /// Reads the model from `row`.
    fn from_columns(row: &impl Columns) -> StoreResult<Self>;
}

/// The count a `COUNT(*)` returned, as the models hold it.
pub fn row_count(count: i64) -> StoreResult<u64> {
    u64::try_from(count).map_err(|e| StoreError::corrupt("row count", e))
}

/// The columns named `prefix` + the usual name, in a row that joins several tables.
struct Prefixed<'a, C> {
    row: &'a C,
    prefix: &'static str,
}

impl<C: Columns> Prefixed<'_, C> {
    fn name(&self, column: &str) -> String {
        format!("{}{column}", self.prefix)
    }
}

impl<C: Columns> Columns for Prefixed<'_, C> {
    fn text_opt(&self, column: &str) -> StoreResult<Option<String>> {
        self.row.text_opt(&self.name(column))
    }
    fn int_opt(&self, column: &str) -> StoreResult<Option<i32>> {
        self.row.int_opt(&self.name(column))
    }
    fn bigint_opt(&self, column: &str) -> StoreResult<Option<i64>> {
        self.row.bigint_opt(&self.name(column))
    }
    fn flag(&self, column: &str) -> StoreResult<bool> {
        self.row.flag(&self.name(column))
    }
    fn uuid_opt(&self, column: &str) -> StoreResult<Option<Uuid>> {
        self.row.uuid_opt(&self.name(column))
    }
    fn instant_opt(&self, column: &str) -> StoreResult<Option<Timestamp>> {
        self.row.instant_opt(&self.name(column))
    }
    fn date_opt(&self, column: &str) -> StoreResult<Option<Date>> {
        self.row.date_opt(&self.name(column))
    }
    fn json_opt<T: DeserializeOwned>(&self, column: &str) -> StoreResult<Option<T>> {
        self.row.json_opt(&self.name(column))
    }
    fn bytes(&self, column: &str) -> StoreResult<Vec<u8>> {
        self.row.bytes(&self.name(column))
    }
}

/// A tenant whose columns carry `prefix` (`t_` where a public lookup joins it to its host).
pub fn tenant_prefixed(row: &impl Columns, prefix: &'static str) -> StoreResult<Tenant> {
    Tenant::from_columns(&Prefixed { row, prefix })
}

/// What a public lookup row says past the tenant: the host (columns unprefixed, a NULL `id`
/// when the tenant has no such host), the host's event type (columns `e_…`, a NULL `e_id` when
/// there is none) and the host's `schedule_version` (0 before the first change).
pub fn public_host(
    row: &impl Columns,
) -> StoreResult<(Option<User>, Option<EventType>, Option<ScheduleVersion>)> {
    let host_id = row.uuid_opt("id")?;
    let event_type_id = row.uuid_opt("e_id")?;
    let version = row.bigint_opt("schedule_version")?;
    Ok((
        host_id.map(|_| User::from_columns(row)).transpose()?,
        event_type_id
            .map(|_| EventType::from_columns(&Prefixed { row, prefix: "e_" }))
            .transpose()?,
        host_id.map(|_| ScheduleVersion::new(version.unwrap_or(0))),
    ))
}

impl FromColumns for Tenant {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(Tenant {
            id: row.id("id", TenantId::from_uuid)?,
            slug: row.parsed("slug", Slug::parse)?,
            name: row.parsed("name", DisplayName::parse)?,
            created_at: row.instant("created_at")?,
        })
    }
}

impl FromColumns for Account {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(Account {
            id: row.id("id", AccountId::from_uuid)?,
            tenant_id: row.id("tenant_id", TenantId::from_uuid)?,
            email: row.parsed("email", EmailAddress::parse)?,
            role: row.parsed("role", Role::parse)?,
            created_at: row.instant("created_at")?,
        })
    }
}

impl FromColumns for PasswordReset {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(PasswordReset {
            tenant_id: row.id("tenant_id", TenantId::from_uuid)?,
            account_id: row.id("account_id", AccountId::from_uuid)?,
            expires_at: row.instant("expires_at")?,
        })
    }
}

impl FromColumns for Principal {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(Principal {
            tenant_id: row.id("tenant_id", TenantId::from_uuid)?,
            account_id: row.id("account_id", AccountId::from_uuid)?,
            role: row.parsed("role", Role::parse)?,
            user_id: row.id_opt("user_id", UserId::from_uuid)?,
        })
    }
}

impl FromColumns for User {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(User {
            id: row.id("id", UserId::from_uuid)?,
            tenant_id: row.id("tenant_id", TenantId::from_uuid)?,
            account_id: row.id_opt("account_id", AccountId::from_uuid)?,
            username: row.parsed("username", Username::parse)?,
            display_name: row.parsed("display_name", DisplayName::parse)?,
            email: row.parsed("email", EmailAddress::parse)?,
            timezone: row.parsed("timezone", TimeZoneName::parse)?,
            avatar_url: row.text_opt("avatar_url")?,
            is_active: row.flag("is_active")?,
            settings: HostSettings {
                minimum_notice_hours: row.bounded("minimum_notice_hours", NoticeHours::new)?,
                booking_window_days: row.bounded("booking_window_days", WindowDays::new)?,
                buffer_before_mins: row.bounded("buffer_before_mins", BufferMinutes::new)?,
                buffer_after_mins: row.bounded("buffer_after_mins", BufferMinutes::new)?,
                daily_limit: row.bounded_opt("daily_limit", BookingLimit::new)?,
                weekly_limit: row.bounded_opt("weekly_limit", BookingLimit::new)?,
                default_duration: row.bounded("default_duration", DurationMinutes::new)?,
            },
            created_at: row.instant("created_at")?,
            updated_at: row.instant("updated_at")?,
        })
    }
}

impl FromColumns for EventType {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(EventType {
            id: row.id("id", EventTypeId::from_uuid)?,
            tenant_id: row.id("tenant_id", TenantId::from_uuid)?,
            user_id: row.id("user_id", UserId::from_uuid)?,
            fields: EventTypeFields {
                name: row.parsed("name", DisplayName::parse)?,
                slug: row.parsed("slug", Slug::parse)?,
                description: row.parsed_opt("description", LongText::parse)?,
                duration: row.bounded("duration", DurationMinutes::new)?,
                slot_interval: row.bounded_opt("slot_interval", DurationMinutes::new)?,
                color: row.parsed("color", |color| {
                    serde_json::from_value::<EventColor>(serde_json::Value::String(
                        color.to_owned(),
                    ))
                })?,
                location: row.json("location")?,
                custom_questions: row.json("custom_questions")?,
                reminder_settings: row.json("reminder_settings")?,
                setting_overrides: row.json_opt("setting_overrides")?.unwrap_or_default(),
                is_active: row.flag("is_active")?,
            },
            archived_at: row.instant_opt("archived_at")?,
            booking_count: row.count("booking_count")?,
            created_at: row.instant("created_at")?,
            updated_at: row.instant("updated_at")?,
        })
    }
}

impl FromColumns for Availability {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(Availability {
            user_id: row.id("user_id", UserId::from_uuid)?,
            timezone: row.parsed("timezone", TimeZoneName::parse)?,
            weekly_schedule: row.json("weekly_schedule")?,
            updated_at: row.instant("updated_at")?,
        })
    }
}

impl FromColumns for DateOverride {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(DateOverride {
            date: row.date("date")?,
            windows: row.json("windows")?,
        })
    }
}

impl FromColumns for BlockedDate {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        let hours = match (
            row.flag("is_all_day")?,
            row.text_opt("start_time")?,
            row.text_opt("end_time")?,
        ) {
            (false, Some(start), Some(end)) => Some(
                TimeWindow::parse(&start, &end)
                    .map_err(|e| StoreError::corrupt("start_time", e))?,
            ),
            _ => None,
        };
        let period = BlockedPeriod::new(row.date("start_date")?, row.date("end_date")?, hours)
            .map_err(|e| StoreError::corrupt("end_date", e))?;
        Ok(BlockedDate {
            id: row.id("id", BlockedDateId::from_uuid)?,
            user_id: row.id("user_id", UserId::from_uuid)?,
            period,
            reason: row.parsed_opt("reason", LongText::parse)?,
            created_at: row.instant("created_at")?,
        })
    }
}

impl FromColumns for Change {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(Change {
            id: row.id("id", ChangeId::from_uuid)?,
            entity_type: row.text("entity_type")?,
            entity_id: row.text("entity_id")?,
            action: row.text("action")?,
            actor_id: row.id_opt("actor_id", AccountId::from_uuid)?,
            details: row.json_opt("details")?.unwrap_or(serde_json::Value::Null),
            created_at: row.instant("created_at")?,
        })
    }
}

impl FromColumns for ExistingBooking {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(ExistingBooking {
            id: row.id("id", BookingId::from_uuid)?,
            start: row.instant("start_time")?,
            end: row.instant("end_time")?,
            buffer_before_mins: row.int("buffer_before_mins")?,
            buffer_after_mins: row.int("buffer_after_mins")?,
        })
    }
}

impl FromColumns for Booking {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(Booking {
            id: row.id("id", BookingId::from_uuid)?,
            tenant_id: row.id("tenant_id", TenantId::from_uuid)?,
            event_type_id: row.id("event_type_id", EventTypeId::from_uuid)?,
            host_user_id: row.id("host_user_id", UserId::from_uuid)?,
            event_type_name: row.text("event_type_name")?,
            host_name: row.text("host_name")?,
            host_email: row.text("host_email")?,
            invitee: row.json("invitee")?,
            start_time: row.instant("start_time")?,
            end_time: row.instant("end_time")?,
            timezone: row.parsed("timezone", TimeZoneName::parse)?,
            status: row.parsed("status", BookingStatus::parse)?,
            location: row.json("location")?,
            buffer_before_mins: row.int("buffer_before_mins")?,
            buffer_after_mins: row.int("buffer_after_mins")?,
            ical_uid: row.text("ical_uid")?,
            sequence: row.int("sequence")?,
            cancelled_by: row.parsed_opt("cancelled_by", CancelledBy::parse)?,
            cancel_reason: row.text_opt("cancel_reason")?,
            rescheduled_from: row.id_opt("rescheduled_from", BookingId::from_uuid)?,
            reminders_sent: row.json("reminders_sent")?,
            created_at: row.instant("created_at")?,
            updated_at: row.instant("updated_at")?,
            manage_token_digest: row
                .bytes("manage_token_digest")?
                .try_into()
                .map_err(|_| StoreError::corrupt("manage_token_digest", "not 32 bytes"))?,
        })
    }
}

impl FromColumns for OutboxMessage {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(OutboxMessage {
            id: row.id("id", OutboxId::from_uuid)?,
            tenant_id: row.id("tenant_id", TenantId::from_uuid)?,
            booking_id: row.id("booking_id", BookingId::from_uuid)?,
            kind: row.parsed("kind", NotificationKind::parse)?,
            audience: row.parsed("audience", Audience::parse)?,
            reminder: row.parsed_opt("reminder", ReminderTiming::parse)?,
            recipient: row.text("recipient")?,
            send_at: row.instant("send_at")?,
            status: row.parsed("status", OutboxStatus::parse)?,
            attempts: u32::try_from(row.int("attempts")?)
                .map_err(|e| StoreError::corrupt("attempts", e))?,
            next_attempt_at: row.instant("next_attempt_at")?,
            last_error: row.text_opt("last_error")?,
            sent_at: row.instant_opt("sent_at")?,
            payload: row.json("payload")?,
            created_at: row.instant("created_at")?,
            updated_at: row.instant("updated_at")?,
        })
    }
}

impl FromColumns for NotificationTemplate {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(NotificationTemplate {
            kind: row.parsed("kind", NotificationKind::parse)?,
            audience: row.parsed("audience", Audience::parse)?,
            subject: row.text_opt("subject")?,
            body: row.text_opt("body")?,
            updated_at: row.instant("updated_at")?,
        })
    }
}

/// One row of the outbox's `GROUP BY status` count: `status`, how many messages have it (`n`)
/// and how many of those are due (`due`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusCount {
    pub status: String,
    pub count: i64,
    pub due: i64,
}

impl FromColumns for StatusCount {
    fn from_columns(row: &impl Columns) -> StoreResult<Self> {
        Ok(StatusCount {
            status: row.text("status")?,
            count: required("n", row.bigint_opt("n")?)?,
            due: required("due", row.bigint_opt("due")?)?,
        })
    }
}
