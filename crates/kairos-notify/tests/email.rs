//! Composed emails read back by independent parsers (`mail-parser` for MIME, `ical` for the
//! calendar).

// Fixtures and helpers unwrap like the tests they serve.
#![allow(clippy::unwrap_used)]

use std::io::BufReader;

use ical::IcalParser;
use ical::parser::ical::component::IcalCalendar;
use ical::property::Property;
use jiff::Timestamp;
use kairos_core::event_type::ReminderTiming;
use kairos_core::text::EmailAddress;
use kairos_core::zone::TimeZoneName;
use kairos_notify::message::{ATTACHMENT_NAME, Mailbox, Message, MessageId, compose};
use kairos_notify::notification::{Audience, Notification, NotificationKind, Party, Response};
use kairos_notify::template::{TemplateOverride, render};
use mail_parser::{MessageParser, MessagePart, MimeHeaders, PartType};

// ---- fixtures ----

fn now() -> Timestamp {
    "2026-03-01T09:00:00Z".parse().unwrap()
}

fn notification(kind: NotificationKind, audience: Audience) -> Notification {
    Notification {
        kind,
        audience,
        reminder: (kind == NotificationKind::Reminder).then_some(ReminderTiming::Hours2),
        tenant_name: "Acme Consulting".into(),
        host: Party {
            name: "Ada Lovelace".into(),
            email: EmailAddress::parse("ada@example.com").unwrap(),
        },
        invitee: Party {
            name: "Zoë Ünïcödé, Jr.".into(),
            email: EmailAddress::parse("zoe@example.org").unwrap(),
        },
        event_type_name: "Café call ☕".into(),
        start: "2026-03-29T09:00:00Z".parse().unwrap(),
        end: "2026-03-29T09:30:00Z".parse().unwrap(),
        previous_start: None,
        time_zone: TimeZoneName::parse(match audience {
            Audience::Host => "America/New_York",
            Audience::Invitee => "Europe/Berlin",
        })
        .unwrap(),
        location: Some("Google Meet".into()),
        meet_link: Some("https://meet.example/abc-defg-hij".into()),
        cancel_link: (audience == Audience::Invitee)
            .then(|| "https://acme.example/b/1/cancel?token=secret".into()),
        reschedule_link: (audience == Audience::Invitee)
            .then(|| "https://acme.example/b/1/reschedule?token=secret".into()),
        manage_link: (audience == Audience::Host)
            .then(|| "https://app.example/admin/bookings/1".into()),
        responses: vec![Response {
            question: "Team size".into(),
            answer: "11+".into(),
        }],
        notes: Some("Bring the numbers, please.".into()),
        cancel_reason: None,
        ical_uid: "0190f1e2-7c3a-7d4e-9a1b-2c3d4e5f6a7b@kairos.example".into(),
        sequence: 0,
    }
}

fn from() -> Mailbox {
    "Acme via Kairos <notifications@kairos.example>"
        .parse()
        .unwrap()
}

fn message_id() -> MessageId {
    MessageId::parse("<outbox-42@kairos.example>").unwrap()
}

fn composed(n: &Notification) -> Message {
    compose(n, None, &from(), &message_id(), now()).unwrap()
}

fn parse(bytes: &[u8]) -> mail_parser::Message<'_> {
    MessageParser::default()
        .parse(bytes)
        .expect("mail-parser reads the message")
}

/// The MIME tree as `type/subtype[children]`, e.g. `multipart/mixed[text/plain,…]`.
fn structure(message: &mail_parser::Message<'_>, part: &MessagePart<'_>) -> String {
    let content_type = part
        .content_type()
        .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")))
        .unwrap_or_else(|| "text/plain".to_owned());
    match &part.body {
        PartType::Multipart(children) => {
            let children: Vec<String> = children
                .iter()
                .map(|id| structure(message, message.part(*id).unwrap()))
                .collect();
            format!("{content_type}[{}]", children.join(","))
        }
        _ => content_type,
    }
}

/// Every leaf part whose content type is `ctype/subtype`.
fn parts_of_type<'a>(
    message: &'a mail_parser::Message<'a>,
    ctype: &str,
    subtype: &str,
) -> Vec<&'a MessagePart<'a>> {
    message
        .parts
        .iter()
        .filter(|part| part.is_content_type(ctype, subtype))
        .collect()
}

fn part_text(part: &MessagePart<'_>) -> String {
    match &part.body {
        PartType::Text(text) | PartType::Html(text) => text.to_string(),
        PartType::Binary(bytes) | PartType::InlineBinary(bytes) => {
            String::from_utf8(bytes.to_vec()).expect("UTF-8 part")
        }
        other => panic!("not a leaf part: {other:?}"),
    }
}

fn parse_calendar(ics: &str) -> IcalCalendar {
    let mut calendars = IcalParser::new(BufReader::new(ics.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .unwrap_or_else(|error| panic!("ical rejected the calendar: {error}\n{ics}"));
    assert!(calendars.next().is_none());
    assert_eq!(calendar.events.len(), 1);
    calendar
}

fn property<'a>(properties: &'a [Property], name: &str) -> &'a Property {
    let mut found = properties.iter().filter(|p| p.name == name);
    let first = found.next().unwrap_or_else(|| panic!("no {name}"));
    assert!(found.next().is_none(), "{name} twice");
    first
}

fn value<'a>(properties: &'a [Property], name: &str) -> &'a str {
    property(properties, name).value.as_deref().unwrap_or("")
}

/// The calendar from the `text/calendar` alternative, checked to equal the attachment.
fn calendar_of(message: &mail_parser::Message<'_>, method: &str) -> IcalCalendar {
    let calendars = parts_of_type(message, "text", "calendar");
    assert_eq!(calendars.len(), 1, "one text/calendar part");
    let calendar_part = calendars[0];
    let content_type = calendar_part.content_type().unwrap();
    assert_eq!(content_type.attribute("method"), Some(method));
    assert_eq!(
        content_type
            .attribute("charset")
            .map(str::to_ascii_uppercase),
        Some("UTF-8".to_owned())
    );
    assert!(!calendar_part.is_content_type("application", "ics"));
    let ics = part_text(calendar_part);

    let attachments = parts_of_type(message, "application", "ics");
    assert_eq!(attachments.len(), 1, "one application/ics attachment");
    let attachment = attachments[0];
    assert_eq!(attachment.attachment_name(), Some(ATTACHMENT_NAME));
    assert_eq!(
        attachment.content_disposition().map(|d| d.ctype()),
        Some("attachment")
    );
    assert_eq!(
        part_text(attachment),
        ics,
        "the attachment is the same calendar"
    );
    parse_calendar(&ics)
}

// ---- compose ----

#[test]
fn a_confirmation_is_text_html_and_an_imip_request() {
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let bytes = composed(&n).formatted();
    let message = parse(&bytes);

    assert_eq!(
        structure(&message, message.root_part()),
        "multipart/mixed[multipart/alternative[text/plain,text/html,text/calendar],application/ics]"
    );
    assert_eq!(message.message_id(), Some("outbox-42@kairos.example"));
    assert_eq!(
        message.date().map(|d| d.to_timestamp()),
        Some(now().as_second())
    );
    let rendered = render(&n, None);
    assert_eq!(message.subject(), Some(rendered.subject.as_str()));
    assert_eq!(
        message.subject(),
        Some("Confirmed: Café call ☕ with Ada Lovelace")
    );
    let to = message.to().and_then(|a| a.first()).unwrap();
    assert_eq!(to.address(), Some("zoe@example.org"));
    assert_eq!(to.name(), Some("Zoë Ünïcödé, Jr."));
    let reply_to = message.reply_to().and_then(|a| a.first()).unwrap();
    assert_eq!(reply_to.address(), Some("ada@example.com"));
    let sender = message.from().and_then(|a| a.first()).unwrap();
    assert_eq!(sender.address(), Some("notifications@kairos.example"));
    assert_eq!(sender.name(), Some("Acme via Kairos"));
    assert_eq!(
        message.header_raw("Auto-Submitted").map(str::trim),
        Some("auto-generated")
    );

    let text = message.body_text(0).unwrap().replace("\r\n", "\n");
    assert_eq!(text, rendered.text);
    assert!(text.contains("When: Sunday, 29 March 2026, 11:00–11:30 (Europe/Berlin, CEST)"));
    let html = message.body_html(0).unwrap().replace("\r\n", "\n");
    assert_eq!(html, rendered.html);

    let calendar = calendar_of(&message, "REQUEST");
    let ics = part_text(parts_of_type(&message, "text", "calendar")[0]);
    assert!(
        ics.ends_with("\r\n") && !ics.replace("\r\n", "").contains('\n'),
        "CRLF line ends survive the transfer encoding"
    );
    let event = &calendar.events[0].properties;
    assert_eq!(value(&calendar.properties, "METHOD"), "REQUEST");
    assert_eq!(value(event, "UID"), n.ical_uid);
    assert_eq!(value(event, "SEQUENCE"), "0");
    assert_eq!(value(event, "DTSTAMP"), "20260301T090000Z");
    assert_eq!(value(event, "DTSTART"), "20260329T090000Z");
    assert_eq!(value(event, "DTEND"), "20260329T093000Z");
    assert_eq!(value(event, "STATUS"), "CONFIRMED");
    assert_eq!(value(event, "SUMMARY"), "Café call ☕ with Ada Lovelace");
    assert_eq!(value(event, "LOCATION"), "Google Meet");
    assert_eq!(
        value(event, "ORGANIZER"),
        "mailto:ada@example.com",
        "the host organises"
    );
    assert_eq!(value(event, "ATTENDEE"), "mailto:zoe@example.org");
    let description = value(event, "DESCRIPTION");
    assert!(description.contains("Reschedule: https://acme.example/b/1/reschedule?token=secret"));
    assert!(description.contains("Team size: 11+"));
}

#[test]
fn a_host_email_goes_to_the_host_in_their_zone_and_replies_reach_the_invitee() {
    let n = notification(NotificationKind::Confirmation, Audience::Host);
    let bytes = composed(&n).formatted();
    let message = parse(&bytes);
    let to = message.to().and_then(|a| a.first()).unwrap();
    assert_eq!(to.address(), Some("ada@example.com"));
    let reply_to = message.reply_to().and_then(|a| a.first()).unwrap();
    assert_eq!(reply_to.address(), Some("zoe@example.org"));
    assert_eq!(reply_to.name(), Some("Zoë Ünïcödé, Jr."));
    let text = message.body_text(0).unwrap();
    assert!(
        text.contains("05:00–05:30 (America/New_York, EDT)"),
        "{text}"
    );
    assert!(!text.contains("token=secret"));

    let calendar = calendar_of(&message, "REQUEST");
    let event = &calendar.events[0].properties;
    assert_eq!(value(event, "ORGANIZER"), "mailto:ada@example.com");
    assert_eq!(value(event, "ATTENDEE"), "mailto:zoe@example.org");
    assert_eq!(
        value(event, "SUMMARY"),
        "Café call ☕ with Zoë Ünïcödé\\, Jr."
    );
}

#[test]
fn a_cancellation_is_an_imip_cancel_with_the_raised_sequence() {
    let n = Notification {
        sequence: 3,
        cancel_reason: Some("Double-booked".into()),
        ..notification(NotificationKind::Cancellation, Audience::Invitee)
    };
    let bytes = composed(&n).formatted();
    let message = parse(&bytes);
    assert_eq!(
        structure(&message, message.root_part()),
        "multipart/mixed[multipart/alternative[text/plain,text/html,text/calendar],application/ics]"
    );
    let calendar = calendar_of(&message, "CANCEL");
    let event = &calendar.events[0].properties;
    assert_eq!(value(&calendar.properties, "METHOD"), "CANCEL");
    assert_eq!(value(event, "UID"), n.ical_uid);
    assert_eq!(value(event, "SEQUENCE"), "3");
    assert_eq!(value(event, "STATUS"), "CANCELLED");
    assert_eq!(value(event, "ATTENDEE"), "mailto:zoe@example.org");
    let text = message.body_text(0).unwrap();
    assert!(text.contains("Reason: Double-booked"));
    assert!(!text.contains("Cancel booking"));
}

#[test]
fn a_reminder_resends_the_current_event_unchanged() {
    let n = Notification {
        sequence: 2,
        ..notification(NotificationKind::Reminder, Audience::Invitee)
    };
    let bytes = composed(&n).formatted();
    let message = parse(&bytes);
    assert_eq!(
        message.subject(),
        Some("Reminder: Café call ☕ with Ada Lovelace in 2 hours")
    );
    let calendar = calendar_of(&message, "REQUEST");
    let event = &calendar.events[0].properties;
    assert_eq!(value(event, "UID"), n.ical_uid);
    assert_eq!(value(event, "SEQUENCE"), "2");
    assert_eq!(value(event, "STATUS"), "CONFIRMED");
}

#[test]
fn a_reschedule_is_a_request_with_the_new_time() {
    let n = Notification {
        sequence: 1,
        previous_start: Some("2026-03-27T09:00:00Z".parse().unwrap()),
        ..notification(NotificationKind::Reschedule, Audience::Invitee)
    };
    let bytes = composed(&n).formatted();
    let message = parse(&bytes);
    let calendar = calendar_of(&message, "REQUEST");
    let event = &calendar.events[0].properties;
    assert_eq!(value(event, "SEQUENCE"), "1");
    assert_eq!(value(event, "DTSTART"), "20260329T090000Z");
    let text = message.body_text(0).unwrap();
    assert!(text.contains("Previously: Friday, 27 March 2026, 10:00 (Europe/Berlin, CET)"));
    assert!(text.contains("When: Sunday, 29 March 2026, 11:00–11:30 (Europe/Berlin, CEST)"));
}

#[test]
fn the_same_row_always_has_the_same_message_id() {
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let first = composed(&n).formatted();
    let later = compose(
        &n,
        None,
        &from(),
        &message_id(),
        "2026-03-01T09:05:00Z".parse().unwrap(),
    )
    .unwrap()
    .formatted();
    assert_eq!(parse(&first).message_id(), parse(&later).message_id());
    assert_eq!(parse(&first).message_id(), Some("outbox-42@kairos.example"));
}

#[test]
fn no_value_can_add_a_header() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Invitee);
    n.event_type_name = "Intro\r\nBcc: victim@example.net\r\nX-Evil: 1".into();
    n.host.name = "Ada\r\nCc: other@example.net".into();
    let template_override =
        TemplateOverride::parse(Some("{{eventTypeName}} / {{notes}}"), None).unwrap();
    n.notes = Some("line\r\nX-Notes: injected".into());
    let bytes = compose(&n, Some(&template_override), &from(), &message_id(), now())
        .unwrap()
        .formatted();
    let message = parse(&bytes);
    for header in ["Bcc", "Cc", "X-Evil", "X-Notes"] {
        assert!(
            message.header_raw(header).is_none(),
            "{header} was injected"
        );
    }
    assert_eq!(
        message.subject(),
        Some("Intro Bcc: victim@example.net X-Evil: 1 / line X-Notes: injected")
    );
    let reply_to = message.reply_to().and_then(|a| a.first()).unwrap();
    assert_eq!(reply_to.address(), Some("ada@example.com"));
}

#[test]
fn an_override_shapes_the_text_and_the_html() {
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let template_override = TemplateOverride::parse(
        Some("You're in, {{inviteeName}}!"),
        Some("Dear {{inviteeName}},\n\nsee you {{startTime}}.\n\n{{details}}\n\nAcme <3"),
    )
    .unwrap();
    let bytes = compose(&n, Some(&template_override), &from(), &message_id(), now())
        .unwrap()
        .formatted();
    let message = parse(&bytes);
    assert_eq!(message.subject(), Some("You're in, Zoë Ünïcödé, Jr.!"));
    let text = message.body_text(0).unwrap();
    assert!(text.starts_with("Dear Zoë Ünïcödé, Jr.,"));
    assert!(text.trim_end().ends_with("Acme <3"));
    let html = message.body_html(0).unwrap();
    assert!(html.contains("Acme &lt;3"));
    assert!(html.contains(">Cancel booking</a>"));
}
