//! Reading SQLite rows back into domain types. Anything that fails to parse is
//! [`StoreError::Corrupt`]: the database only ever receives validated values.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::event_type::EventColor;
use kairos_core::ids::{AccountId, BlockedDateId, ChangeId, EventTypeId, TenantId, UserId};
use kairos_core::schedule::{BlockedPeriod, DateOverride, TimeWindow};
use kairos_core::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, HostSettings, NoticeHours, WindowDays,
};
use kairos_core::text::{DisplayName, EmailAddress, LongText, Slug, Username};
use kairos_core::zone::TimeZoneName;
use kairos_store::{
    Account, Availability, BlockedDate, Change, EventType, EventTypeFields, PasswordReset,
    Principal, PublicEventType, Role, ScheduleVersion, StoreError, StoreResult, Tenant, User,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

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

pub(crate) fn get<'r, T>(row: &'r SqliteRow, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column).map_err(|e| corrupt(column, e))
}

fn parsed<T, E: std::fmt::Display>(
    row: &SqliteRow,
    column: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> StoreResult<T> {
    let text: String = get(row, column)?;
    parse(&text).map_err(|e| corrupt(column, e))
}

fn parsed_opt<T, E: std::fmt::Display>(
    row: &SqliteRow,
    column: &str,
    parse: impl FnOnce(&str) -> Result<T, E>,
) -> StoreResult<Option<T>> {
    let text: Option<String> = get(row, column)?;
    text.map(|t| parse(&t).map_err(|e| corrupt(column, e)))
        .transpose()
}

fn json<T: DeserializeOwned>(row: &SqliteRow, column: &str) -> StoreResult<T> {
    parsed(row, column, |text| serde_json::from_str(text))
}

fn bounded<T, E: std::fmt::Display>(
    row: &SqliteRow,
    column: &str,
    make: impl FnOnce(i64) -> Result<T, E>,
) -> StoreResult<T> {
    let value: i64 = get(row, column)?;
    make(value).map_err(|e| corrupt(column, e))
}

fn bounded_opt<T, E: std::fmt::Display>(
    row: &SqliteRow,
    column: &str,
    make: impl FnOnce(i64) -> Result<T, E>,
) -> StoreResult<Option<T>> {
    let value: Option<i64> = get(row, column)?;
    value
        .map(|v| make(v).map_err(|e| corrupt(column, e)))
        .transpose()
}

/// Serialises a domain value for a TEXT JSON column.
pub(crate) fn json_text<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// An instant as stored: whole seconds since the epoch.
pub(crate) fn to_seconds(at: Timestamp) -> i64 {
    at.as_second()
}

/// The first whole second at or after an instant: an exclusive upper bound that still admits
/// rows stored (rounded down) in the same second.
pub(crate) fn to_seconds_ceil(at: Timestamp) -> i64 {
    let seconds = at.as_second();
    if at.subsec_nanosecond() > 0 {
        seconds + 1
    } else {
        seconds
    }
}

/// An instant read back from whole seconds.
pub(crate) fn from_seconds(seconds: i64) -> StoreResult<Timestamp> {
    Timestamp::from_second(seconds).map_err(|e| corrupt("timestamp", e))
}

fn instant(row: &SqliteRow, column: &str) -> StoreResult<Timestamp> {
    from_seconds(get(row, column)?)
}

fn instant_opt(row: &SqliteRow, column: &str) -> StoreResult<Option<Timestamp>> {
    let value: Option<i64> = get(row, column)?;
    value.map(from_seconds).transpose()
}

pub(crate) fn tenant_from_row(row: &SqliteRow) -> StoreResult<Tenant> {
    Ok(Tenant {
        id: parsed(row, "id", TenantId::from_str)?,
        slug: parsed(row, "slug", Slug::parse)?,
        name: parsed(row, "name", DisplayName::parse)?,
        created_at: instant(row, "created_at")?,
    })
}

/// The joined row of [`crate::SqliteStore`]'s public event-type read: tenant columns `t_…`,
/// host columns unprefixed, event type columns `e_…`, and `schedule_version`.
pub(crate) fn public_event_type_from_row(row: &SqliteRow) -> StoreResult<PublicEventType> {
    let tenant = Tenant {
        id: parsed(row, "t_id", TenantId::from_str)?,
        slug: parsed(row, "t_slug", Slug::parse)?,
        name: parsed(row, "t_name", DisplayName::parse)?,
        created_at: instant(row, "t_created_at")?,
    };
    let host_id: Option<String> = get(row, "id")?;
    let event_type_id: Option<String> = get(row, "e_id")?;
    let version: Option<i64> = get(row, "schedule_version")?;
    Ok(PublicEventType {
        tenant,
        host: host_id.as_ref().map(|_| user_from_row(row)).transpose()?,
        event_type: event_type_id
            .map(|_| event_type_from_columns(row, "e_"))
            .transpose()?,
        schedule_version: host_id.map(|_| ScheduleVersion::new(version.unwrap_or(0))),
    })
}

pub(crate) fn account_from_row(row: &SqliteRow) -> StoreResult<Account> {
    Ok(Account {
        id: parsed(row, "id", AccountId::from_str)?,
        tenant_id: parsed(row, "tenant_id", TenantId::from_str)?,
        email: parsed(row, "email", EmailAddress::parse)?,
        role: parsed(row, "role", Role::parse)?,
        created_at: instant(row, "created_at")?,
    })
}

pub(crate) fn password_reset_from_row(row: &SqliteRow) -> StoreResult<PasswordReset> {
    Ok(PasswordReset {
        tenant_id: parsed(row, "tenant_id", TenantId::from_str)?,
        account_id: parsed(row, "account_id", AccountId::from_str)?,
        expires_at: instant(row, "expires_at")?,
    })
}

pub(crate) fn principal_from_row(row: &SqliteRow) -> StoreResult<Principal> {
    Ok(Principal {
        tenant_id: parsed(row, "tenant_id", TenantId::from_str)?,
        account_id: parsed(row, "account_id", AccountId::from_str)?,
        role: parsed(row, "role", Role::parse)?,
        user_id: parsed_opt(row, "user_id", UserId::from_str)?,
    })
}

pub(crate) fn user_from_row(row: &SqliteRow) -> StoreResult<User> {
    Ok(User {
        id: parsed(row, "id", UserId::from_str)?,
        tenant_id: parsed(row, "tenant_id", TenantId::from_str)?,
        account_id: parsed_opt(row, "account_id", AccountId::from_str)?,
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

pub(crate) fn event_type_from_row(row: &SqliteRow) -> StoreResult<EventType> {
    event_type_from_columns(row, "")
}

/// An event type from the columns named `prefix` + the usual name (a joined row).
pub(crate) fn event_type_from_columns(row: &SqliteRow, prefix: &str) -> StoreResult<EventType> {
    let c = |name: &'static str| prefixed(prefix, name);
    let overrides: Option<String> = get(row, &c("setting_overrides"))?;
    let booking_count: i64 = get(row, &c("booking_count"))?;
    Ok(EventType {
        id: parsed(row, &c("id"), EventTypeId::from_str)?,
        tenant_id: parsed(row, &c("tenant_id"), TenantId::from_str)?,
        user_id: parsed(row, &c("user_id"), UserId::from_str)?,
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
            setting_overrides: overrides
                .map(|text| serde_json::from_str(&text))
                .transpose()
                .map_err(|e| corrupt("setting_overrides", e))?
                .unwrap_or_default(),
            is_active: get(row, &c("is_active"))?,
        },
        archived_at: instant_opt(row, &c("archived_at"))?,
        booking_count: booking_count.unsigned_abs(),
        created_at: instant(row, &c("created_at"))?,
        updated_at: instant(row, &c("updated_at"))?,
    })
}

pub(crate) fn availability_from_row(row: &SqliteRow) -> StoreResult<Availability> {
    Ok(Availability {
        user_id: parsed(row, "user_id", UserId::from_str)?,
        timezone: parsed(row, "timezone", TimeZoneName::parse)?,
        weekly_schedule: json(row, "weekly_schedule")?,
        updated_at: instant(row, "updated_at")?,
    })
}

pub(crate) fn date_override_from_row(row: &SqliteRow) -> StoreResult<DateOverride> {
    Ok(DateOverride {
        date: parsed(row, "date", Date::from_str)?,
        windows: json(row, "windows")?,
    })
}

pub(crate) fn blocked_date_from_row(row: &SqliteRow) -> StoreResult<BlockedDate> {
    let all_day: bool = get(row, "is_all_day")?;
    let start: Option<String> = get(row, "start_time")?;
    let end: Option<String> = get(row, "end_time")?;
    let hours = match (all_day, start, end) {
        (false, Some(start), Some(end)) => {
            Some(TimeWindow::parse(&start, &end).map_err(|e| corrupt("start_time", e))?)
        }
        _ => None,
    };
    let period = BlockedPeriod::new(
        parsed(row, "start_date", Date::from_str)?,
        parsed(row, "end_date", Date::from_str)?,
        hours,
    )
    .map_err(|e| corrupt("end_date", e))?;
    Ok(BlockedDate {
        id: parsed(row, "id", BlockedDateId::from_str)?,
        user_id: parsed(row, "user_id", UserId::from_str)?,
        period,
        reason: parsed_opt(row, "reason", LongText::parse)?,
        created_at: instant(row, "created_at")?,
    })
}

pub(crate) fn change_from_row(row: &SqliteRow) -> StoreResult<Change> {
    let details: Option<String> = get(row, "details")?;
    Ok(Change {
        id: parsed(row, "id", ChangeId::from_str)?,
        entity_type: get(row, "entity_type")?,
        entity_id: get(row, "entity_id")?,
        action: get(row, "action")?,
        actor_id: parsed_opt(row, "actor_id", AccountId::from_str)?,
        details: details
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|e| corrupt("details", e))?
            .unwrap_or(serde_json::Value::Null),
        created_at: instant(row, "created_at")?,
    })
}

pub(crate) fn booking_from_row(row: &SqliteRow) -> StoreResult<kairos_store::Booking> {
    use kairos_core::booking::{BookingStatus, CancelledBy};
    use kairos_core::ids::BookingId;
    let digest: Vec<u8> = get(row, "manage_token_digest")?;
    Ok(kairos_store::Booking {
        id: parsed(row, "id", BookingId::from_str)?,
        tenant_id: parsed(row, "tenant_id", TenantId::from_str)?,
        event_type_id: parsed(row, "event_type_id", EventTypeId::from_str)?,
        host_user_id: parsed(row, "host_user_id", UserId::from_str)?,
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
        rescheduled_from: parsed_opt(row, "rescheduled_from", BookingId::from_str)?,
        reminders_sent: json(row, "reminders_sent")?,
        created_at: instant(row, "created_at")?,
        updated_at: instant(row, "updated_at")?,
        manage_token_digest: digest
            .try_into()
            .map_err(|_| corrupt("manage_token_digest", "not 32 bytes"))?,
    })
}

pub(crate) fn outbox_from_row(row: &SqliteRow) -> StoreResult<kairos_store::OutboxMessage> {
    use kairos_core::event_type::ReminderTiming;
    use kairos_core::ids::{BookingId, OutboxId};
    use kairos_core::notification::{Audience, NotificationKind};
    let attempts: i64 = get(row, "attempts")?;
    Ok(kairos_store::OutboxMessage {
        id: parsed(row, "id", OutboxId::from_str)?,
        tenant_id: parsed(row, "tenant_id", TenantId::from_str)?,
        booking_id: parsed(row, "booking_id", BookingId::from_str)?,
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
        payload: json(row, "payload")?,
        created_at: instant(row, "created_at")?,
        updated_at: instant(row, "updated_at")?,
    })
}

pub(crate) fn template_from_row(
    row: &SqliteRow,
) -> StoreResult<kairos_store::NotificationTemplate> {
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
