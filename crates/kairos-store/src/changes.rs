//! The changelog rows each operation writes, built once here so that both backends record the
//! same entity type, action and `details` for the same change; a backend only stores them.

use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::booking::{BookingStatus, CancelledBy};
use kairos_core::ids::{AccountId, ApiTokenId, BlockedDateId, BookingId, EventTypeId, TenantId};
use kairos_core::ids::{OutboxId, UserId};
use kairos_core::notification::{Audience, NotificationKind};
use kairos_core::schedule::DateOverride;
use kairos_core::text::{EmailAddress, Slug, Username};
use serde_json::{Value, json};

use crate::{
    Actor, AvailabilityUpdate, DeleteOutcome, EventTypeFields, NewBlockedDate, NewBooking, Role,
    UserUpdate,
};

/// A changelog row to write.
#[derive(Debug, Clone, PartialEq)]
pub struct NewChange {
    pub entity_type: &'static str,
    pub entity_id: String,
    pub action: &'static str,
    pub actor: Actor,
    pub details: Value,
}

impl NewChange {
    fn new(
        entity_type: &'static str,
        entity_id: impl ToString,
        action: &'static str,
        actor: Actor,
        details: Value,
    ) -> Self {
        Self {
            entity_type,
            entity_id: entity_id.to_string(),
            action,
            actor,
            details,
        }
    }

    /// A tenant was created by (and with) its owner account.
    pub fn tenant_created(tenant: TenantId, slug: &Slug, owner: AccountId) -> Self {
        Self::new(
            "tenant",
            tenant,
            "created",
            Actor::account(owner),
            json!({ "slug": slug.as_str() }),
        )
    }

    /// An account was added to a tenant.
    pub fn account_created(account: AccountId, email: &EmailAddress, role: Role) -> Self {
        Self::new(
            "account",
            account,
            "created",
            Actor::SYSTEM,
            json!({ "email": email.as_str(), "role": role.as_str() }),
        )
    }

    /// An account got an API token.
    pub fn api_token_created(token: ApiTokenId, account: AccountId, name: &str) -> Self {
        Self::new(
            "api_token",
            token,
            "created",
            Actor::account(account),
            json!({ "name": name }),
        )
    }

    /// An account changed its own password.
    pub fn password_changed(account: AccountId) -> Self {
        Self::password(account, "password_changed")
    }

    /// An account's password was replaced through a reset link.
    pub fn password_reset(account: AccountId) -> Self {
        Self::password(account, "password_reset")
    }

    fn password(account: AccountId, action: &'static str) -> Self {
        Self::new(
            "account",
            account,
            action,
            Actor::account(account),
            json!({}),
        )
    }

    /// A host profile was created.
    pub fn user_created(user: UserId, actor: Actor, username: &Username) -> Self {
        Self::new(
            "user",
            user,
            "created",
            actor,
            json!({ "username": username.as_str() }),
        )
    }

    /// A host profile was replaced.
    pub fn user_updated(user: UserId, actor: Actor, update: &UserUpdate) -> Self {
        Self::new(
            "user",
            user,
            "updated",
            actor,
            json!({ "username": update.username.as_str(), "isActive": update.is_active }),
        )
    }

    /// An event type was created.
    pub fn event_type_created(id: EventTypeId, actor: Actor, fields: &EventTypeFields) -> Self {
        Self::new(
            "event_type",
            id,
            "created",
            actor,
            event_type_details(fields),
        )
    }

    /// An event type's fields were replaced.
    pub fn event_type_updated(id: EventTypeId, actor: Actor, fields: &EventTypeFields) -> Self {
        Self::new(
            "event_type",
            id,
            "updated",
            actor,
            event_type_details(fields),
        )
    }

    /// An event type was deleted, or archived instead because `bookings` refer to it.
    pub fn event_type_deleted(
        id: EventTypeId,
        actor: Actor,
        outcome: DeleteOutcome,
        bookings: u64,
    ) -> Self {
        let action = match outcome {
            DeleteOutcome::Deleted => "deleted",
            DeleteOutcome::Archived => "archived",
        };
        Self::new(
            "event_type",
            id,
            action,
            actor,
            json!({ "bookings": bookings }),
        )
    }

    /// An event type was archived (`archived`) or brought back.
    pub fn event_type_set_archived(id: EventTypeId, actor: Actor, archived: bool) -> Self {
        let action = if archived { "archived" } else { "restored" };
        Self::new("event_type", id, action, actor, json!({}))
    }

    /// A host's weekly hours and zone were replaced.
    pub fn availability_updated(user: UserId, actor: Actor, update: &AvailabilityUpdate) -> Self {
        Self::new(
            "availability",
            user,
            "updated",
            actor,
            json!({ "timezone": update.timezone.as_str(), "weeklySchedule": update.weekly_schedule }),
        )
    }

    /// A host's override for one date was set.
    pub fn date_override_set(user: UserId, actor: Actor, date_override: &DateOverride) -> Self {
        Self::new(
            "date_override",
            user,
            "set",
            actor,
            json!({ "date": date_override.date.to_string(), "windows": date_override.windows }),
        )
    }

    /// A host's override for one date was removed.
    pub fn date_override_deleted(user: UserId, actor: Actor, date: Date) -> Self {
        Self::new(
            "date_override",
            user,
            "deleted",
            actor,
            json!({ "date": date.to_string() }),
        )
    }

    /// A blocked date range was added.
    pub fn blocked_date_created(id: BlockedDateId, actor: Actor, blocked: &NewBlockedDate) -> Self {
        Self::new(
            "blocked_date",
            id,
            "created",
            actor,
            json!({
                "startDate": blocked.period.start_date().to_string(),
                "endDate": blocked.period.end_date().to_string(),
            }),
        )
    }

    /// A blocked date range was removed.
    pub fn blocked_date_deleted(id: BlockedDateId, actor: Actor) -> Self {
        Self::new("blocked_date", id, "deleted", actor, json!({}))
    }

    /// A booking was made.
    pub fn booking_created(id: BookingId, actor: Actor, booking: &NewBooking) -> Self {
        Self::new(
            "booking",
            id,
            "created",
            actor,
            json!({
                "startTime": booking.start_time.to_string(),
                "endTime": booking.end_time.to_string(),
                "eventTypeId": booking.event_type_id.to_string(),
                "invitee": booking.invitee.email.as_str(),
            }),
        )
    }

    /// A booking was moved to `start`: the old booking's row `rescheduled`, then the new one's
    /// `created`, in that order.
    pub fn booking_rescheduled(
        old: BookingId,
        new: BookingId,
        actor: Actor,
        start: Timestamp,
    ) -> [Self; 2] {
        [
            Self::new(
                "booking",
                old,
                "rescheduled",
                actor,
                json!({ "to": new.to_string(), "startTime": start.to_string() }),
            ),
            Self::new(
                "booking",
                new,
                "created",
                actor,
                json!({ "rescheduledFrom": old.to_string(), "startTime": start.to_string() }),
            ),
        ]
    }

    /// A booking was cancelled.
    pub fn booking_cancelled(
        id: BookingId,
        actor: Actor,
        by: CancelledBy,
        reason: Option<&str>,
    ) -> Self {
        Self::new(
            "booking",
            id,
            "cancelled",
            actor,
            json!({ "by": by.as_str(), "reason": reason }),
        )
    }

    /// A booking's outcome went from `from` to `to` (the action is the new status).
    pub fn booking_outcome(
        id: BookingId,
        actor: Actor,
        from: BookingStatus,
        to: BookingStatus,
    ) -> Self {
        Self::new(
            "booking",
            id,
            to.as_str(),
            actor,
            json!({ "from": from.as_str() }),
        )
    }

    /// A failed outbox message was put back in the queue.
    pub fn outbox_retried(
        id: OutboxId,
        actor: Actor,
        booking: BookingId,
        kind: NotificationKind,
    ) -> Self {
        Self::new(
            "outbox_message",
            id,
            "retried",
            actor,
            json!({ "bookingId": booking.to_string(), "kind": kind.as_str() }),
        )
    }

    /// A tenant's wording for one notification type and audience was set.
    pub fn template_updated(
        kind: NotificationKind,
        audience: Audience,
        actor: Actor,
        subject: Option<&str>,
        body: Option<&str>,
    ) -> Self {
        Self::new(
            "notification_template",
            template_id(kind, audience),
            "updated",
            actor,
            json!({ "subject": subject, "body": body }),
        )
    }

    /// A tenant's wording for one notification type and audience was dropped.
    pub fn template_deleted(kind: NotificationKind, audience: Audience, actor: Actor) -> Self {
        Self::new(
            "notification_template",
            template_id(kind, audience),
            "deleted",
            actor,
            Value::Null,
        )
    }
}

/// Changelog details of an event type change.
fn event_type_details(fields: &EventTypeFields) -> Value {
    json!({ "name": fields.name.as_str(), "slug": fields.slug.as_str(), "duration": fields.duration.get() })
}

/// The changelog's entity id of a notification template: `kind/audience`.
fn template_id(kind: NotificationKind, audience: Audience) -> String {
    format!("{}/{}", kind.as_str(), audience.as_str())
}

#[cfg(test)]
mod tests {
    //! The rows as the backends wrote them before they were built here: renaming a key or an
    //! action is a change to stored data, so it should fail here first.

    use kairos_core::booking::Invitee;
    use kairos_core::event_type::{CustomQuestions, EventColor, Location, ReminderSettings};
    use kairos_core::schedule::{BlockedPeriod, DayWindows, WeeklySchedule};
    use kairos_core::settings::{DurationMinutes, HostSettings, SettingOverrides};
    use kairos_core::text::DisplayName;
    use kairos_core::zone::TimeZoneName;

    use super::*;

    fn row(change: &NewChange) -> (&str, &str, &str, Option<AccountId>, &Value) {
        (
            change.entity_type,
            change.entity_id.as_str(),
            change.action,
            change.actor.account_id,
            &change.details,
        )
    }

    fn fields() -> EventTypeFields {
        EventTypeFields {
            name: DisplayName::parse("Intro call").expect("name"),
            slug: Slug::parse("intro").expect("slug"),
            description: None,
            duration: DurationMinutes::new(30).expect("duration"),
            slot_interval: None,
            color: EventColor::default(),
            location: Location::google_meet(),
            custom_questions: CustomQuestions::default(),
            reminder_settings: ReminderSettings::default(),
            setting_overrides: SettingOverrides::default(),
            is_active: true,
        }
    }

    #[test]
    fn tenant_account_token_and_password_rows() {
        let tenant = TenantId::new();
        let account = AccountId::new();
        let slug = Slug::parse("acme").expect("slug");
        let change = NewChange::tenant_created(tenant, &slug, account);
        let id = tenant.to_string();
        assert_eq!(
            row(&change),
            (
                "tenant",
                id.as_str(),
                "created",
                Some(account),
                &json!({ "slug": "acme" })
            )
        );

        let email = EmailAddress::parse("a@acme.example").expect("email");
        let change = NewChange::account_created(account, &email, Role::Member);
        let id = account.to_string();
        let details = json!({ "email": "a@acme.example", "role": "member" });
        assert_eq!(
            row(&change),
            ("account", id.as_str(), "created", None, &details)
        );

        let token = ApiTokenId::new();
        let change = NewChange::api_token_created(token, account, "cli");
        let token_id = token.to_string();
        let details = json!({ "name": "cli" });
        assert_eq!(
            row(&change),
            (
                "api_token",
                token_id.as_str(),
                "created",
                Some(account),
                &details
            )
        );

        for (change, action) in [
            (NewChange::password_changed(account), "password_changed"),
            (NewChange::password_reset(account), "password_reset"),
        ] {
            assert_eq!(
                row(&change),
                ("account", id.as_str(), action, Some(account), &json!({}))
            );
        }
    }

    #[test]
    fn host_and_event_type_rows() {
        let user = UserId::new();
        let actor = Actor::account(AccountId::new());
        let username = Username::parse("ada").expect("username");
        let id = user.to_string();
        let change = NewChange::user_created(user, actor, &username);
        let details = json!({ "username": "ada" });
        assert_eq!(
            row(&change),
            ("user", id.as_str(), "created", actor.account_id, &details)
        );
        let update = UserUpdate {
            username,
            display_name: DisplayName::parse("Ada").expect("name"),
            email: EmailAddress::parse("ada@example.com").expect("email"),
            timezone: TimeZoneName::parse("UTC").expect("zone"),
            avatar_url: None,
            is_active: false,
            settings: HostSettings::default(),
        };
        let change = NewChange::user_updated(user, actor, &update);
        let details = json!({ "username": "ada", "isActive": false });
        assert_eq!(
            row(&change),
            ("user", id.as_str(), "updated", actor.account_id, &details)
        );

        let event_type = EventTypeId::new();
        let id = event_type.to_string();
        let details = json!({ "name": "Intro call", "slug": "intro", "duration": 30 });
        for (change, action) in [
            (
                NewChange::event_type_created(event_type, actor, &fields()),
                "created",
            ),
            (
                NewChange::event_type_updated(event_type, actor, &fields()),
                "updated",
            ),
        ] {
            assert_eq!(
                row(&change),
                (
                    "event_type",
                    id.as_str(),
                    action,
                    actor.account_id,
                    &details
                )
            );
        }
        for (outcome, action) in [
            (DeleteOutcome::Deleted, "deleted"),
            (DeleteOutcome::Archived, "archived"),
        ] {
            let change = NewChange::event_type_deleted(event_type, actor, outcome, 3);
            let details = json!({ "bookings": 3 });
            assert_eq!(
                row(&change),
                (
                    "event_type",
                    id.as_str(),
                    action,
                    actor.account_id,
                    &details
                )
            );
        }
        for (archived, action) in [(true, "archived"), (false, "restored")] {
            let change = NewChange::event_type_set_archived(event_type, actor, archived);
            assert_eq!(
                row(&change),
                (
                    "event_type",
                    id.as_str(),
                    action,
                    actor.account_id,
                    &json!({})
                )
            );
        }
    }

    #[test]
    fn availability_rows() {
        let user = UserId::new();
        let actor = Actor::SYSTEM;
        let id = user.to_string();
        let update = AvailabilityUpdate {
            timezone: TimeZoneName::parse("Asia/Tokyo").expect("zone"),
            weekly_schedule: WeeklySchedule::empty(),
        };
        let change = NewChange::availability_updated(user, actor, &update);
        let details =
            json!({ "timezone": "Asia/Tokyo", "weeklySchedule": WeeklySchedule::empty() });
        assert_eq!(
            row(&change),
            ("availability", id.as_str(), "updated", None, &details)
        );

        let day = jiff::civil::date(2030, 1, 7);
        let date_override = DateOverride {
            date: day,
            windows: DayWindows::default(),
        };
        let change = NewChange::date_override_set(user, actor, &date_override);
        let details = json!({ "date": "2030-01-07", "windows": DayWindows::default() });
        assert_eq!(
            row(&change),
            ("date_override", id.as_str(), "set", None, &details)
        );
        let change = NewChange::date_override_deleted(user, actor, day);
        let details = json!({ "date": "2030-01-07" });
        assert_eq!(
            row(&change),
            ("date_override", id.as_str(), "deleted", None, &details)
        );

        let blocked = BlockedDateId::new();
        let id = blocked.to_string();
        let new = NewBlockedDate {
            period: BlockedPeriod::new(day, jiff::civil::date(2030, 1, 9), None).expect("period"),
            reason: None,
        };
        let change = NewChange::blocked_date_created(blocked, actor, &new);
        let details = json!({ "startDate": "2030-01-07", "endDate": "2030-01-09" });
        assert_eq!(
            row(&change),
            ("blocked_date", id.as_str(), "created", None, &details)
        );
        let change = NewChange::blocked_date_deleted(blocked, actor);
        assert_eq!(
            row(&change),
            ("blocked_date", id.as_str(), "deleted", None, &json!({}))
        );
    }

    #[test]
    fn booking_rows() {
        let actor = Actor::SYSTEM;
        let event_type = EventTypeId::new();
        let start: Timestamp = "2030-01-07T10:00:00Z".parse().expect("start");
        let booking = NewBooking {
            event_type_id: event_type,
            host_user_id: UserId::new(),
            event_type_name: "Intro call".to_owned(),
            host_name: "Ada".to_owned(),
            host_email: "ada@example.com".to_owned(),
            invitee: Invitee {
                name: DisplayName::parse("Grace").expect("name"),
                email: EmailAddress::parse("grace@example.com").expect("email"),
                notes: None,
                responses: Default::default(),
            },
            start_time: start,
            end_time: "2030-01-07T10:30:00Z".parse().expect("end"),
            timezone: TimeZoneName::parse("UTC").expect("zone"),
            location: Location::google_meet(),
            buffer_before_mins: 0,
            buffer_after_mins: 0,
            manage_token_digest: [0; 32],
        };
        let old = BookingId::new();
        let new = BookingId::new();
        let change = NewChange::booking_created(old, actor, &booking);
        let details = json!({
            "startTime": "2030-01-07T10:00:00Z",
            "endTime": "2030-01-07T10:30:00Z",
            "eventTypeId": event_type.to_string(),
            "invitee": "grace@example.com",
        });
        let old_id = old.to_string();
        let new_id = new.to_string();
        assert_eq!(
            row(&change),
            ("booking", old_id.as_str(), "created", None, &details)
        );

        let [moved, created] = NewChange::booking_rescheduled(old, new, actor, start);
        let details = json!({ "to": new_id, "startTime": "2030-01-07T10:00:00Z" });
        assert_eq!(
            row(&moved),
            ("booking", old_id.as_str(), "rescheduled", None, &details)
        );
        let details = json!({ "rescheduledFrom": old_id, "startTime": "2030-01-07T10:00:00Z" });
        assert_eq!(
            row(&created),
            ("booking", new_id.as_str(), "created", None, &details)
        );

        let change = NewChange::booking_cancelled(old, actor, CancelledBy::Host, Some("ill"));
        let details = json!({ "by": "host", "reason": "ill" });
        assert_eq!(
            row(&change),
            ("booking", old_id.as_str(), "cancelled", None, &details)
        );
        let change = NewChange::booking_cancelled(old, actor, CancelledBy::Invitee, None);
        let details = json!({ "by": "invitee", "reason": null });
        assert_eq!(row(&change).4, &details);

        let change =
            NewChange::booking_outcome(old, actor, BookingStatus::Confirmed, BookingStatus::NoShow);
        let details = json!({ "from": "confirmed" });
        assert_eq!(
            row(&change),
            ("booking", old_id.as_str(), "no_show", None, &details)
        );
    }

    #[test]
    fn outbox_and_template_rows() {
        let actor = Actor::SYSTEM;
        let message = OutboxId::new();
        let booking = BookingId::new();
        let change = NewChange::outbox_retried(message, actor, booking, NotificationKind::Reminder);
        let id = message.to_string();
        let details = json!({ "bookingId": booking.to_string(), "kind": "booking_reminder" });
        assert_eq!(
            row(&change),
            ("outbox_message", id.as_str(), "retried", None, &details)
        );

        let kind = NotificationKind::Reminder;
        let audience = Audience::Invitee;
        let id = format!("{}/{}", kind.as_str(), audience.as_str());
        let change = NewChange::template_updated(kind, audience, actor, Some("Hi"), None);
        let details = json!({ "subject": "Hi", "body": null });
        assert_eq!(
            row(&change),
            (
                "notification_template",
                id.as_str(),
                "updated",
                None,
                &details
            )
        );
        let change = NewChange::template_deleted(kind, audience, actor);
        assert_eq!(
            row(&change),
            (
                "notification_template",
                id.as_str(),
                "deleted",
                None,
                &Value::Null
            )
        );
    }
}
