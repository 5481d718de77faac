//! Notifications: what each booking change tells whom, the messages of a booking as the host
//! sees them (and putting a failed one back in the queue), the tenant's own wording of each
//! notification, and the mailer and worker that deliver them.
//!
//! A booking change hands the store its outbox messages, written in the same transaction as the
//! change (docs/architecture.md, "The outbox").
//!
//! One message per recipient and reason: a confirmation, reschedule or cancellation to the host
//! and to the invitee, due at once; and, for a booking that stands, the event type's reminders,
//! due their timing before the start in absolute time (a "24h" reminder goes out exactly 24
//! hours before, whatever DST does in between). A reminder whose time has already passed when
//! the booking is made is not queued. Each message carries a [`Notification`] snapshot, so the
//! worker renders it later without reading anything else.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kairos_core::event_type::{CustomQuestions, Location, LocationType, ReminderSettings};
use kairos_core::ids::{BookingId, OutboxId};
use kairos_core::notification::{Audience, NotificationKind};
use kairos_notify::message::Mailbox;
use kairos_notify::notification::{Notification, Party, Response};
use kairos_notify::template::{TemplateOverride, default_template};
use kairos_notify::transport::{FileMailer, Mailer, SmtpCredentials, SmtpMailer, SmtpSettings};
use kairos_notify::worker::{OutboxWorker, WorkerConfig};
use kairos_store::{
    Booking, NewOutboxMessage, NotificationTemplate, OutboxMessage, StoreError, Tenant, User,
};
use serde::Serialize;
use utoipa::ToSchema;

use super::{AppError, AppResult, Caller};
use crate::settings::{MailSettings, ServeSettings, SmtpSecurity};
use crate::state::AppState;

/// The invitee's links to manage a booking; they carry its secret token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteeLinks {
    pub cancel: String,
    pub reschedule: String,
    pub calendar: String,
}

impl InviteeLinks {
    /// The links of booking `id` of `tenant`, under the public base URL.
    pub fn new(base: &str, tenant: &Tenant, id: BookingId, token: &str) -> Self {
        let slug = &tenant.slug;
        Self {
            cancel: format!("{base}/book/{slug}/cancel/{id}?token={token}"),
            reschedule: format!("{base}/book/{slug}/reschedule/{id}?token={token}"),
            calendar: format!(
                "{base}/api/public/scheduling/{slug}/bookings/{id}/calendar.ics?token={token}"
            ),
        }
    }
}

/// How a location reads to people (in emails and calendar entries).
pub fn location_text(location: &Location) -> String {
    let kind = match location.kind() {
        LocationType::GoogleMeet => "Google Meet",
        LocationType::Zoom => "Zoom",
        LocationType::Phone => "Phone call",
        LocationType::InPerson => "In person",
        LocationType::Custom => "",
    };
    match (location.value(), location.display_name()) {
        (Some(value), _) if kind.is_empty() => value.to_owned(),
        (Some(value), _) => format!("{kind}: {value}"),
        (None, Some(name)) => name.to_owned(),
        (None, None) => kind.to_owned(),
    }
}

/// A location's join link, when its value is one.
fn join_link(location: &Location) -> Option<String> {
    location
        .value()
        .filter(|value| value.starts_with("https://") || value.starts_with("http://"))
        .map(str::to_owned)
}

/// Everything about a booking change that is not in the booking row itself.
#[derive(Debug)]
pub struct Announcement<'a> {
    /// The public base URL, for links.
    pub base_url: &'a str,
    pub tenant: &'a Tenant,
    /// The host (their zone and address).
    pub host: &'a User,
    /// The event type's questions, to label the invitee's answers.
    pub questions: &'a CustomQuestions,
    /// The event type's reminders, for a booking that stands (none for a cancellation).
    pub reminders: Option<&'a ReminderSettings>,
    /// The invitee's manage token, when the change created one (a new or moved booking).
    pub manage_token: Option<&'a str>,
    /// For a reschedule: when the booking used to start.
    pub previous_start: Option<Timestamp>,
    pub now: Timestamp,
}

impl Announcement<'_> {
    /// The messages announcing `kind` for `booking` (as written), reminders included.
    pub fn messages(&self, kind: NotificationKind, booking: &Booking) -> Vec<NewOutboxMessage> {
        let mut messages: Vec<NewOutboxMessage> = [Audience::Host, Audience::Invitee]
            .into_iter()
            .map(|audience| self.message(kind, audience, None, self.now, booking))
            .collect();
        let Some(settings) = self.reminders.filter(|settings| settings.enabled()) else {
            return messages;
        };
        for reminder in settings.reminders() {
            let before = SignedDuration::from_mins(reminder.timing.minutes_before());
            let Ok(send_at) = booking.start_time.checked_sub(before) else {
                continue;
            };
            if send_at <= self.now {
                continue;
            }
            let audiences = [
                (reminder.send_to_host, Audience::Host),
                (reminder.send_to_invitee, Audience::Invitee),
            ];
            for (wanted, audience) in audiences {
                if wanted {
                    messages.push(self.message(
                        NotificationKind::Reminder,
                        audience,
                        Some(reminder.timing),
                        send_at,
                        booking,
                    ));
                }
            }
        }
        messages
    }

    fn message(
        &self,
        kind: NotificationKind,
        audience: Audience,
        reminder: Option<kairos_core::event_type::ReminderTiming>,
        send_at: Timestamp,
        booking: &Booking,
    ) -> NewOutboxMessage {
        let notification = self.notification(kind, audience, reminder, booking);
        NewOutboxMessage {
            kind,
            audience,
            reminder,
            recipient: notification.to().email.to_string(),
            send_at,
            // A Notification is strings, numbers and instants, so it always serialises; a
            // Null payload would fail visibly at delivery, never silently.
            payload: serde_json::to_value(&notification).unwrap_or(serde_json::Value::Null),
        }
    }

    fn notification(
        &self,
        kind: NotificationKind,
        audience: Audience,
        reminder: Option<kairos_core::event_type::ReminderTiming>,
        booking: &Booking,
    ) -> Notification {
        let links = self
            .manage_token
            .filter(|_| audience == Audience::Invitee && kind != NotificationKind::Cancellation)
            .map(|token| InviteeLinks::new(self.base_url, self.tenant, booking.id, token));
        let location = location_text(&booking.location);
        Notification {
            kind,
            audience,
            reminder,
            tenant_name: self.tenant.name.to_string(),
            host: Party {
                name: booking.host_name.clone(),
                email: self.host.email.clone(),
            },
            invitee: Party {
                name: booking.invitee.name.to_string(),
                email: booking.invitee.email.clone(),
            },
            event_type_name: booking.event_type_name.clone(),
            start: booking.start_time,
            end: booking.end_time,
            previous_start: self.previous_start,
            time_zone: match audience {
                Audience::Host => self.host.timezone.clone(),
                Audience::Invitee => booking.timezone.clone(),
            },
            location: (!location.is_empty()).then_some(location),
            meet_link: join_link(&booking.location),
            cancel_link: links.as_ref().map(|l| l.cancel.clone()),
            reschedule_link: links.as_ref().map(|l| l.reschedule.clone()),
            manage_link: (audience == Audience::Host)
                .then(|| format!("{}/admin/scheduling/bookings/{}", self.base_url, booking.id)),
            responses: Response::list(self.questions, &booking.invitee.responses),
            notes: booking.invitee.notes.as_ref().map(ToString::to_string),
            cancel_reason: booking.cancel_reason.clone(),
            ical_uid: booking.ical_uid.clone(),
            sequence: u32::try_from(booking.sequence).unwrap_or(0),
        }
    }
}

/// The messages of a booking the caller may manage, oldest first: every confirmation,
/// reminder, reschedule and cancellation notice with its state, attempts and last error.
pub async fn booking_messages(
    state: &AppState,
    caller: &Caller,
    id: BookingId,
) -> AppResult<Vec<OutboxMessage>> {
    super::bookings::load(state, caller, id).await?;
    state
        .store
        .list_outbox(caller.tenant(), id)
        .await
        .map_err(AppError::from_store("booking"))
}

/// Puts a failed message of a booking the caller may manage back in the queue: it is sent
/// again at once, with a fresh count of attempts (404 for a message of another booking, 409
/// `message_not_failed` for one that did not fail).
pub async fn retry(
    state: &AppState,
    caller: &Caller,
    id: BookingId,
    message_id: OutboxId,
) -> AppResult<OutboxMessage> {
    let messages = booking_messages(state, caller, id).await?;
    if !messages.iter().any(|m| m.id == message_id) {
        return Err(AppError::NotFound("message"));
    }
    let retried = state
        .store
        .retry_outbox(
            caller.tenant(),
            caller.actor(),
            message_id,
            state.clock.now(),
        )
        .await
        .map_err(|error| match error {
            StoreError::Rejected { code, message } => AppError::Conflict {
                code,
                message,
                field: None,
            },
            other => AppError::from_store("message")(other),
        })?;
    state.notify_outbox();
    Ok(retried)
}

/// The wording of one notification type for one audience: the tenant's override, if any, and
/// the built-in default it replaces.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TemplateView {
    pub kind: NotificationKind,
    pub audience: Audience,
    /// The tenant's subject template; `null` uses the default.
    pub subject: Option<String>,
    /// The tenant's plain-text body template; `null` uses the default. The HTML part is made
    /// from it.
    pub body: Option<String>,
    pub default_subject: &'static str,
    pub default_body: &'static str,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<jiff::Timestamp>,
}

fn view(
    kind: NotificationKind,
    audience: Audience,
    stored: Option<&NotificationTemplate>,
) -> TemplateView {
    let defaults = default_template(kind, audience);
    TemplateView {
        kind,
        audience,
        subject: stored.and_then(|t| t.subject.clone()),
        body: stored.and_then(|t| t.body.clone()),
        default_subject: defaults.subject,
        default_body: defaults.body,
        updated_at: stored.map(|t| t.updated_at),
    }
}

/// Every notification type and audience with its wording, in the spec's order of types, host
/// before invitee.
pub async fn template_views(state: &AppState, caller: &Caller) -> AppResult<Vec<TemplateView>> {
    let stored = state
        .store
        .notification_templates(caller.tenant())
        .await
        .map_err(AppError::from_store("templates"))?;
    let views = NotificationKind::ALL
        .into_iter()
        .flat_map(|kind| [(kind, Audience::Host), (kind, Audience::Invitee)])
        .map(|(kind, audience)| {
            let found = stored
                .iter()
                .find(|t| t.kind == kind && t.audience == audience);
            view(kind, audience, found)
        })
        .collect();
    Ok(views)
}

/// A notification type as spelled in a path (400 naming `kind` otherwise).
pub fn parse_kind(kind: &str) -> AppResult<NotificationKind> {
    NotificationKind::parse(kind).map_err(|e| AppError::bad_request("kind", e.to_string()))
}

/// An audience as spelled in a path (400 naming `audience` otherwise).
pub fn parse_audience(audience: &str) -> AppResult<Audience> {
    Audience::parse(audience).map_err(|e| AppError::bad_request("audience", e.to_string()))
}

/// Checks and stores a tenant's wording for one type and audience (owners and admins only);
/// a blank field keeps the built-in one. An unknown `{{variable}}`, unbalanced braces or a
/// subject over one line is a 422 naming `subject` or `body`.
pub async fn save_template(
    state: &AppState,
    caller: &Caller,
    kind: NotificationKind,
    audience: Audience,
    subject: Option<&str>,
    body: Option<&str>,
) -> AppResult<TemplateView> {
    caller.require_tenant_manager()?;
    let parsed = TemplateOverride::parse(subject, body)
        .map_err(|e| AppError::validation(e.field.as_str(), e.error.to_string()))?;
    let saved = state
        .store
        .put_notification_template(
            caller.tenant(),
            caller.actor(),
            kind,
            audience,
            parsed.subject().map(str::to_owned),
            parsed.body().map(str::to_owned),
        )
        .await
        .map_err(AppError::from_store("template"))?;
    Ok(view(kind, audience, Some(&saved)))
}

/// Removes the tenant's wording for one type and audience (owners and admins only); 404 when
/// it had none.
pub async fn reset_template(
    state: &AppState,
    caller: &Caller,
    kind: NotificationKind,
    audience: Audience,
) -> AppResult<()> {
    caller.require_tenant_manager()?;
    state
        .store
        .delete_notification_template(caller.tenant(), caller.actor(), kind, audience)
        .await
        .map_err(AppError::from_store("template override"))
}

/// The mailer the settings ask for: SMTP when a host is set, else `.eml` files.
pub fn mailer(settings: &MailSettings) -> anyhow::Result<Arc<dyn Mailer>> {
    let Some(host) = &settings.smtp_host else {
        return Ok(Arc::new(FileMailer::new(&settings.mail_dir)));
    };
    let credentials = match (&settings.smtp_username, &settings.smtp_password) {
        (Some(username), Some(password)) => Some(SmtpCredentials {
            username: username.clone(),
            password: password.clone(),
        }),
        (None, None) => None,
        _ => anyhow::bail!("set both KAIROS_SMTP_USERNAME and KAIROS_SMTP_PASSWORD, or neither"),
    };
    let mailer = SmtpMailer::new(SmtpSettings {
        host: host.clone(),
        port: settings.smtp_port,
        security: match settings.smtp_security {
            SmtpSecurity::None => kairos_notify::transport::SmtpSecurity::None,
            SmtpSecurity::Starttls => kairos_notify::transport::SmtpSecurity::StartTls,
            SmtpSecurity::Tls => kairos_notify::transport::SmtpSecurity::Tls,
        },
        credentials,
        timeout: Duration::from_secs(settings.smtp_timeout_secs.max(1)),
        hello_name: None,
    })?;
    Ok(Arc::new(mailer))
}

/// The sender of every email: `KAIROS_MAIL_FROM`, else `Kairos <notifications@HOST>` with the
/// public URL's host.
pub fn sender(settings: &ServeSettings) -> anyhow::Result<Mailbox> {
    if let Some(from) = &settings.mail.mail_from {
        return from
            .parse::<Mailbox>()
            .map_err(|e| anyhow::anyhow!("KAIROS_MAIL_FROM {from:?} is not a mailbox: {e}"));
    }
    let public = settings.public_url();
    let host = public
        .split_once("://")
        .map_or(public.as_str(), |(_, rest)| rest)
        .split(['/', ':'])
        .next()
        .filter(|host| !host.is_empty())
        .unwrap_or("localhost");
    format!("Kairos <notifications@{host}>")
        .parse::<Mailbox>()
        .map_err(|e| {
            anyhow::anyhow!("no default sender for host {host:?} ({e}): set KAIROS_MAIL_FROM")
        })
}

/// The outbox worker for this process, as the settings describe it.
pub fn worker(state: &AppState) -> anyhow::Result<OutboxWorker> {
    let settings = &state.settings;
    let mail = &settings.mail;
    let from = sender(settings)?;
    let config = WorkerConfig {
        message_domain: from.email.domain().to_owned(),
        from,
        max_attempts: mail.outbox_max_attempts.max(1),
        retry_base: Duration::from_secs(mail.outbox_retry_secs),
        retry_max: Duration::from_secs(mail.outbox_retry_max_secs.max(mail.outbox_retry_secs)),
        // Longer than a whole SMTP exchange can take, so a live worker never loses its claim.
        lease: Duration::from_secs(mail.smtp_timeout_secs.max(1) * 4 + 60),
        poll: Duration::from_millis(mail.outbox_poll_ms.max(10)),
        batch: 16,
    };
    Ok(OutboxWorker::new(
        Arc::clone(&state.store),
        mailer(mail)?,
        Arc::clone(&state.clock),
        config,
        Arc::clone(&state.outbox_wake),
        Arc::clone(&state.outbox_stats),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_sender_uses_the_public_host() {
        let settings = ServeSettings {
            public_url: Some("https://book.acme.example:8443/".to_owned()),
            ..ServeSettings::default()
        };
        let from = sender(&settings).expect("sender");
        assert_eq!(from.email.to_string(), "notifications@book.acme.example");
        assert_eq!(from.name.as_deref(), Some("Kairos"));
    }

    #[test]
    fn a_configured_sender_must_be_a_mailbox() {
        let mut settings = ServeSettings::default();
        settings.mail.mail_from = Some("Acme <bookings@acme.example>".to_owned());
        assert_eq!(
            sender(&settings).expect("sender").email.to_string(),
            "bookings@acme.example"
        );
        settings.mail.mail_from = Some("not an address".to_owned());
        let error = sender(&settings).expect_err("refused").to_string();
        assert!(error.contains("KAIROS_MAIL_FROM"), "{error}");
    }

    #[test]
    fn smtp_credentials_come_in_pairs() {
        let mut mail = MailSettings {
            smtp_host: Some("smtp.example.com".to_owned()),
            smtp_username: Some("user".to_owned()),
            ..MailSettings::default()
        };
        let error = mailer(&mail).expect_err("half a credential").to_string();
        assert!(error.contains("KAIROS_SMTP_PASSWORD"), "{error}");
        mail.smtp_password = Some("secret".to_owned());
        assert!(mailer(&mail).is_ok());
        mail.smtp_host = None;
        assert!(format!("{:?}", mailer(&mail).expect("file mailer")).contains("FileMailer"));
    }

    #[test]
    fn join_links_come_only_from_urls() {
        let zoom: Location =
            serde_json::from_str(r#"{"type":"zoom","value":"https://zoom.us/j/1"}"#)
                .expect("location");
        assert_eq!(join_link(&zoom).as_deref(), Some("https://zoom.us/j/1"));
        assert_eq!(location_text(&zoom), "Zoom: https://zoom.us/j/1");
        let phone: Location =
            serde_json::from_str(r#"{"type":"phone","value":"+1 555 0100"}"#).expect("location");
        assert_eq!(join_link(&phone), None);
    }
}
