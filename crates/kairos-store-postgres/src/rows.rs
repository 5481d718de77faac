//! Reading PostgreSQL rows back into domain types. Anything that fails to decode or parse is
//! [`StoreError::Corrupt`]: the database only ever receives validated values.

use jiff::Timestamp;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::event_type::EventColor;
use kairos_core::ids::{
    AccountId, BlockedDateId, BookingId, ChangeId, EventTypeId, TenantId, UserId,
};
use kairos_core::schedule::{BlockedPeriod, DateOverride, TimeWindow};
use kairos_core::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, HostSettings, NoticeHours, WindowDays,
};
use kairos_core::slots::ExistingBooking;
use kairos_core::text::{DisplayName, EmailAddress, LongText, Slug, Username};
use kairos_core::zone::TimeZoneName;
use kairos_store::{
    Account, Availability, BlockedDate, Booking, Change, EventType, EventTypeFields, PasswordReset,
    Role, ScheduleVersion, StoreError, StoreResult, Tenant, User,
};
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use uuid::Uuid;

use crate::types::{PgDate, PgTimestamp};

/// The name of column `name` in a row whose columns carry `prefix` (joined rows).
fn prefixed(prefix: &str, name: &'static str) -> std::borrow::Cow<'static, str> {
    if prefix.is_empty() {
        std::borrow::Cow::Borrowed(name)
    } else {
        std::borrow::Cow::Owned(format!("{prefix}{name}"))
    }
}

fn corrupt(column: &str, error: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{column}: {error}"))
}

fn get<'r, T>(row: &'r PgRow, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(column).map_err(|e| corrupt(column, e))
}

fn id<T>(row: &PgRow, column: &str, wrap: fn(Uuid) -> T) -> StoreResult<T> {
    get::<Uuid>(row, column).map(wrap)
}

fn id_opt<T>(row: &PgRow, column: &str, wrap: fn(Uuid) -> T) -> StoreResult<Option<T>> {
    get::<Option<Uuid>>(row, column).map(|value| value.map(wrap))
}

fn parsed<T, E: std::fmt::Display>(
    row: &PgRow,
    column: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> StoreResult<T> {
    let text: String = get(row, column)?;
    parse(&text).map_err(|e| corrupt(column, e))
}

fn parsed_opt<T, E: std::fmt::Display>(
    row: &PgRow,
    column: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> StoreResult<Option<T>> {
    let text: Option<String> = get(row, column)?;
    text.map(|t| parse(&t).map_err(|e| corrupt(column, e)))
        .transpose()
}

fn json<T: DeserializeOwned>(row: &PgRow, column: &str) -> StoreResult<T> {
    get::<Json<T>>(row, column).map(|Json(value)| value)
}

fn json_opt<T: DeserializeOwned>(row: &PgRow, column: &str) -> StoreResult<Option<T>> {
    get::<Option<Json<T>>>(row, column).map(|value| value.map(|Json(inner)| inner))
}

fn bounded<T, E: std::fmt::Display>(
    row: &PgRow,
    column: &str,
    make: impl FnOnce(i64) -> Result<T, E>,
) -> StoreResult<T> {
    let value: i32 = get(row, column)?;
    make(i64::from(value)).map_err(|e| corrupt(column, e))
}

fn bounded_opt<T, E: std::fmt::Display>(
    row: &PgRow,
    column: &str,
    make: impl FnOnce(i64) -> Result<T, E>,
) -> StoreResult<Option<T>> {
    let value: Option<i32> = get(row, column)?;
    value
        .map(|v| make(i64::from(v)).map_err(|e| corrupt(column, e)))
        .transpose()
}

fn instant(row: &PgRow, column: &str) -> StoreResult<Timestamp> {
    get::<PgTimestamp>(row, column).map(|PgTimestamp(at)| at)
}

fn instant_opt(row: &PgRow, column: &str) -> StoreResult<Option<Timestamp>> {
    get::<Option<PgTimestamp>>(row, column).map(|value| value.map(|PgTimestamp(at)| at))
}

fn date(row: &PgRow, column: &str) -> StoreResult<jiff::civil::Date> {
    get::<PgDate>(row, column).map(|PgDate(day)| day)
}

fn count(row: &PgRow, column: &str) -> StoreResult<u64> {
    let value: i64 = get(row, column)?;
    u64::try_from(value).map_err(|e| corrupt(column, e))
}

pub(crate) fn tenant_from_row(row: &PgRow) -> StoreResult<Tenant> {
    Ok(Tenant {
        id: id(row, "id", TenantId::from_uuid)?,
        slug: parsed(row, "slug", Slug::parse)?,
        name: parsed(row, "name", DisplayName::parse)?,
        created_at: instant(row, "created_at")?,
    })
}

/// The host row of [`crate::PgStore`]'s public event-type read: host columns unprefixed, the
/// host's `schedule_version`, and event type columns `e_…` (NULL when the host has no such type).
pub(crate) fn public_host_from_row(
    row: &PgRow,
) -> StoreResult<(User, Option<EventType>, ScheduleVersion)> {
    let event_type_id: Option<Uuid> = get(row, "e_id")?;
    let version: Option<i64> = get(row, "schedule_version")?;
    Ok((
        user_from_row(row)?,
        event_type_id
            .map(|_| event_type_from_columns(row, "e_"))
            .transpose()?,
        ScheduleVersion::new(version.unwrap_or(0)),
    ))
}

pub(crate) fn account_from_row(row: &PgRow) -> StoreResult<Account> {
    Ok(Account {
        id: id(row, "id", AccountId::from_uuid)?,
        tenant_id: id(row, "tenant_id", TenantId::from_uuid)?,
        email: parsed(row, "email", EmailAddress::parse)?,
        role: parsed(row, "role", Role::parse)?,
        created_at: instant(row, "created_at")?,
    })
}

pub(crate) fn password_reset_from_row(row: &PgRow) -> StoreResult<PasswordReset> {
    Ok(PasswordReset {
        tenant_id: id(row, "tenant_id", TenantId::from_uuid)?,
        account_id: id(row, "account_id", AccountId::from_uuid)?,
        expires_at: instant(row, "expires_at")?,
    })
}

pub(crate) fn user_from_row(row: &PgRow) -> StoreResult<User> {
    Ok(User {
        id: id(row, "id", UserId::from_uuid)?,
        tenant_id: id(row, "tenant_id", TenantId::from_uuid)?,
        account_id: id_opt(row, "account_id", AccountId::from_uuid)?,
        username: parsed(row, "username", Username::parse)?,
        display_name: parsed(row, "display_name", DisplayName::parse)?,
        email: parsed(row, "email", EmailAddress::parse)?,
        timezone: parsed(row, "timezone", TimeZoneName::parse)?,
        avatar_url: get(row, "avatar_url")?,
        is_active: get(row, "is_active")?,
        settings: HostSettings {
            minimum_notice_hours: bounded(row, "minimum_notice_hours", NoticeHours::new)?,
            booking_window_days: bounded(row, "booking_window_days", WindowDays::new)?,
            buffer_before_mins: bounded(row, "buffer_before_mins", BufferMinutes::new)?,
            buffer_after_mins: bounded(row, "buffer_after_mins", BufferMinutes::new)?,
            daily_limit: bounded_opt(row, "daily_limit", BookingLimit::new)?,
            weekly_limit: bounded_opt(row, "weekly_limit", BookingLimit::new)?,
            default_duration: bounded(row, "default_duration", DurationMinutes::new)?,
        },
        created_at: instant(row, "created_at")?,
        updated_at: instant(row, "updated_at")?,
    })
}

pub(crate) fn event_type_from_row(row: &PgRow) -> StoreResult<EventType> {
    event_type_from_columns(row, "")
}

/// An event type from the columns named `prefix` + the usual name (a joined row).
pub(crate) fn event_type_from_columns(row: &PgRow, prefix: &str) -> StoreResult<EventType> {
    let c = |name: &'static str| prefixed(prefix, name);
    Ok(EventType {
        id: id(row, &c("id"), EventTypeId::from_uuid)?,
        tenant_id: id(row, &c("tenant_id"), TenantId::from_uuid)?,
        user_id: id(row, &c("user_id"), UserId::from_uuid)?,
        fields: EventTypeFields {
            name: parsed(row, &c("name"), DisplayName::parse)?,
            slug: parsed(row, &c("slug"), Slug::parse)?,
            description: parsed_opt(row, &c("description"), LongText::parse)?,
            duration: bounded(row, &c("duration"), DurationMinutes::new)?,
            slot_interval: bounded_opt(row, &c("slot_interval"), DurationMinutes::new)?,
            color: parsed(row, &c("color"), |c| {
                serde_json::from_value::<EventColor>(serde_json::Value::String(c.to_owned()))
            })?,
            location: json(row, &c("location"))?,
            custom_questions: json(row, &c("custom_questions"))?,
            reminder_settings: json(row, &c("reminder_settings"))?,
            setting_overrides: json_opt(row, &c("setting_overrides"))?.unwrap_or_default(),
            is_active: get(row, &c("is_active"))?,
        },
        archived_at: instant_opt(row, &c("archived_at"))?,
        booking_count: count(row, &c("booking_count"))?,
        created_at: instant(row, &c("created_at"))?,
        updated_at: instant(row, &c("updated_at"))?,
    })
}

pub(crate) fn availability_from_row(row: &PgRow) -> StoreResult<Availability> {
    Ok(Availability {
        user_id: id(row, "user_id", UserId::from_uuid)?,
        timezone: parsed(row, "timezone", TimeZoneName::parse)?,
        weekly_schedule: json(row, "weekly_schedule")?,
        updated_at: instant(row, "updated_at")?,
    })
}

pub(crate) fn date_override_from_row(row: &PgRow) -> StoreResult<DateOverride> {
    Ok(DateOverride {
        date: date(row, "date")?,
        windows: json(row, "windows")?,
    })
}

pub(crate) fn blocked_date_from_row(row: &PgRow) -> StoreResult<BlockedDate> {
    let all_day: bool = get(row, "is_all_day")?;
    let start: Option<String> = get(row, "start_time")?;
    let end: Option<String> = get(row, "end_time")?;
    let hours = match (all_day, start, end) {
        (false, Some(start), Some(end)) => {
            Some(TimeWindow::parse(&start, &end).map_err(|e| corrupt("start_time", e))?)
        }
        _ => None,
    };
    let period = BlockedPeriod::new(date(row, "start_date")?, date(row, "end_date")?, hours)
        .map_err(|e| corrupt("end_date", e))?;
    Ok(BlockedDate {
        id: id(row, "id", BlockedDateId::from_uuid)?,
        user_id: id(row, "user_id", UserId::from_uuid)?,
        period,
        reason: parsed_opt(row, "reason", LongText::parse)?,
        created_at: instant(row, "created_at")?,
    })
}

pub(crate) fn change_from_row(row: &PgRow) -> StoreResult<Change> {
    Ok(Change {
        id: id(row, "id", ChangeId::from_uuid)?,
        entity_type: get(row, "entity_type")?,
        entity_id: get(row, "entity_id")?,
        action: get(row, "action")?,
        actor_id: id_opt(row, "actor_id", AccountId::from_uuid)?,
        details: json_opt(row, "details")?.unwrap_or(serde_json::Value::Null),
        created_at: instant(row, "created_at")?,
    })
}

pub(crate) fn existing_booking_from_row(row: &PgRow) -> StoreResult<ExistingBooking> {
    Ok(ExistingBooking {
        id: id(row, "id", BookingId::from_uuid)?,
        start: instant(row, "start_time")?,
        end: instant(row, "end_time")?,
        buffer_before_mins: get(row, "buffer_before_mins")?,
        buffer_after_mins: get(row, "buffer_after_mins")?,
    })
}

pub(crate) fn booking_from_row(row: &PgRow) -> StoreResult<Booking> {
    let digest: Vec<u8> = get(row, "manage_token_digest")?;
    Ok(Booking {
        id: id(row, "id", BookingId::from_uuid)?,
        tenant_id: id(row, "tenant_id", TenantId::from_uuid)?,
        event_type_id: id(row, "event_type_id", EventTypeId::from_uuid)?,
        host_user_id: id(row, "host_user_id", UserId::from_uuid)?,
        event_type_name: get(row, "event_type_name")?,
        host_name: get(row, "host_name")?,
        host_email: get(row, "host_email")?,
        invitee: json(row, "invitee")?,
        start_time: instant(row, "start_time")?,
        end_time: instant(row, "end_time")?,
        timezone: parsed(row, "timezone", TimeZoneName::parse)?,
        status: parsed(row, "status", BookingStatus::parse)?,
        location: json(row, "location")?,
        buffer_before_mins: get(row, "buffer_before_mins")?,
        buffer_after_mins: get(row, "buffer_after_mins")?,
        ical_uid: get(row, "ical_uid")?,
        sequence: get(row, "sequence")?,
        cancelled_by: parsed_opt(row, "cancelled_by", CancelledBy::parse)?,
        cancel_reason: get(row, "cancel_reason")?,
        rescheduled_from: id_opt(row, "rescheduled_from", BookingId::from_uuid)?,
        reminders_sent: json(row, "reminders_sent")?,
        created_at: instant(row, "created_at")?,
        updated_at: instant(row, "updated_at")?,
        manage_token_digest: digest
            .try_into()
            .map_err(|_| corrupt("manage_token_digest", "not 32 bytes"))?,
    })
}

pub(crate) fn outbox_from_row(row: &PgRow) -> StoreResult<kairos_store::OutboxMessage> {
    use kairos_core::event_type::ReminderTiming;
    use kairos_core::ids::OutboxId;
    use kairos_core::notification::{Audience, NotificationKind};
    let attempts: i32 = get(row, "attempts")?;
    Ok(kairos_store::OutboxMessage {
        id: id(row, "id", OutboxId::from_uuid)?,
        tenant_id: id(row, "tenant_id", TenantId::from_uuid)?,
        booking_id: id(row, "booking_id", BookingId::from_uuid)?,
        kind: parsed(row, "kind", NotificationKind::parse)?,
        audience: parsed(row, "audience", Audience::parse)?,
        reminder: parsed_opt(row, "reminder", ReminderTiming::parse)?,
        recipient: get(row, "recipient")?,
        send_at: instant(row, "send_at")?,
        status: parsed(row, "status", kairos_store::OutboxStatus::parse)?,
        attempts: u32::try_from(attempts).map_err(|e| corrupt("attempts", e))?,
        next_attempt_at: instant(row, "next_attempt_at")?,
        last_error: get(row, "last_error")?,
        sent_at: instant_opt(row, "sent_at")?,
        payload: get::<sqlx::types::Json<serde_json::Value>>(row, "payload")?.0,
        created_at: instant(row, "created_at")?,
        updated_at: instant(row, "updated_at")?,
    })
}

pub(crate) fn template_from_row(row: &PgRow) -> StoreResult<kairos_store::NotificationTemplate> {
    Ok(kairos_store::NotificationTemplate {
        kind: parsed(
            row,
            "kind",
            kairos_core::notification::NotificationKind::parse,
        )?,
        audience: parsed(row, "audience", kairos_core::notification::Audience::parse)?,
        subject: get(row, "subject")?,
        body: get(row, "body")?,
        updated_at: instant(row, "updated_at")?,
    })
}
