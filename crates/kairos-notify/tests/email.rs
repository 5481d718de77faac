//! Composed emails read back by independent parsers (`mail-parser` for MIME, `ical` for the
//! calendar), and the mailers delivering them: into files, and to a real SMTP server
//! (Python's aiosmtpd, started per test).

// Fixtures and helpers unwrap like the tests they serve.
#![allow(clippy::unwrap_used)]

use std::io::BufReader;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

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
use kairos_notify::transport::{
    FileMailer, Mailer, SendError, SmtpMailer, SmtpSecurity, SmtpSettings,
};
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

// ---- FileMailer ----

#[tokio::test]
async fn the_file_mailer_writes_each_message_once() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = FileMailer::new(dir.path().join("outbox"));
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    mailer.send(&composed(&n)).await.unwrap();

    let path = mailer.path_for("<outbox-42@kairos.example>");
    assert_eq!(path, dir.path().join("outbox/outbox-42@kairos.example.eml"));
    let written = std::fs::read(&path).unwrap();
    let message = parse(&written);
    assert_eq!(message.message_id(), Some("outbox-42@kairos.example"));
    let _ = calendar_of(&message, "REQUEST");

    // A retry of the same row (here with a later Date) finds the file and leaves it alone.
    let retry = compose(
        &n,
        None,
        &from(),
        &message_id(),
        "2026-03-01T10:00:00Z".parse().unwrap(),
    )
    .unwrap();
    mailer.send(&retry).await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), written);

    // Another row is another file; no temporary files are left behind.
    let other = compose(
        &n,
        None,
        &from(),
        &MessageId::parse("outbox-43@kairos.example").unwrap(),
        now(),
    )
    .unwrap();
    mailer.send(&other).await.unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("outbox"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "outbox-42@kairos.example.eml",
            "outbox-43@kairos.example.eml"
        ]
    );
}

#[tokio::test]
async fn the_file_mailer_reports_an_unwritable_directory_as_transient() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, b"a file where the directory should be").unwrap();
    let mailer = FileMailer::new(&blocker);
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let error = mailer.send(&composed(&n)).await.unwrap_err();
    assert!(error.is_transient(), "{error}");
}

// ---- SmtpMailer ----

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn settings(port: u16, timeout: Duration) -> SmtpSettings {
    SmtpSettings {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::None,
        credentials: None,
        timeout,
        hello_name: Some("kairos.test".into()),
    }
}

fn aiosmtpd_installed() -> bool {
    kairos_test_services::aiosmtpd()
}

/// An aiosmtpd server on a free local port, killed when dropped.
struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts `python3 -m aiosmtpd` with the handler class and its arguments; the test's
    /// directory is on PYTHONPATH (for handlers written there) and waits until it listens.
    fn start(dir: tempfile::TempDir, handler: &[&str]) -> Self {
        let port = free_port();
        let child = Command::new("python3")
            .args([
                "-m",
                "aiosmtpd",
                "-n",
                "-l",
                &format!("127.0.0.1:{port}"),
                "-c",
            ])
            .args(handler)
            .env("PYTHONPATH", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 starts");
        let mut server = Self { child, port, dir };
        for _ in 0..200 {
            if TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() {
                return server;
            }
            if let Some(status) = server.child.try_wait().unwrap() {
                panic!("aiosmtpd exited with {status} before listening");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("aiosmtpd did not listen on port {port} within 10 s");
    }

    /// A server that stores every message in a Maildir under its directory.
    fn maildir() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let maildir = dir.path().join("maildir");
        Self::start(
            dir,
            &["aiosmtpd.handlers.Mailbox", maildir.to_str().unwrap()],
        )
    }

    /// A server that answers every RCPT TO with `reply`.
    fn refusing(reply: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("kairos_refusing_handler.py"),
            format!(
                "class Refuse:\n    async def handle_RCPT(self, server, session, envelope, \
                 address, rcpt_options):\n        return {reply:?}\n"
            ),
        )
        .unwrap();
        Self::start(dir, &["kairos_refusing_handler.Refuse"])
    }

    fn delivered(&self) -> Vec<PathBuf> {
        let new = self.dir.path().join("maildir/new");
        let mut files: Vec<PathBuf> = std::fs::read_dir(new)
            .map(|entries| entries.map(|entry| entry.unwrap().path()).collect())
            .unwrap_or_default();
        files.sort();
        files
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_delivered(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap()
}

#[tokio::test]
async fn the_smtp_mailer_delivers_to_a_real_server() {
    if !aiosmtpd_installed() {
        return;
    }
    let server = SmtpServer::maildir();
    let mailer = SmtpMailer::new(settings(server.port, Duration::from_secs(10))).unwrap();
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    mailer.send(&composed(&n)).await.unwrap();

    let delivered = server.delivered();
    assert_eq!(delivered.len(), 1, "one message in the Maildir");
    let bytes = read_delivered(&delivered[0]);
    let message = parse(&bytes);
    // aiosmtpd records the SMTP envelope in headers of its own.
    assert_eq!(
        message.header_raw("X-MailFrom").map(str::trim),
        Some("notifications@kairos.example")
    );
    assert_eq!(
        message.header_raw("X-RcptTo").map(str::trim),
        Some("zoe@example.org")
    );
    assert_eq!(message.message_id(), Some("outbox-42@kairos.example"));
    assert_eq!(
        message.subject(),
        Some("Confirmed: Café call ☕ with Ada Lovelace")
    );
    // Python's Maildir stores messages with local (LF) line ends; the calendar is the same.
    let calendar = calendar_of(&message, "REQUEST");
    assert_eq!(value(&calendar.events[0].properties, "UID"), n.ical_uid);
    assert_eq!(
        message.body_text(0).unwrap().replace("\r\n", "\n"),
        render(&n, None).text
    );
}

#[tokio::test]
async fn a_5xx_refusal_is_permanent() {
    if !aiosmtpd_installed() {
        return;
    }
    let server = SmtpServer::refusing("550 5.1.1 No such user here");
    let mailer = SmtpMailer::new(settings(server.port, Duration::from_secs(10))).unwrap();
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let error = mailer.send(&composed(&n)).await.unwrap_err();
    assert!(
        matches!(&error, SendError::Permanent(text) if text.contains("550")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_4xx_refusal_is_transient() {
    if !aiosmtpd_installed() {
        return;
    }
    let server = SmtpServer::refusing("451 4.3.0 Try again later");
    let mailer = SmtpMailer::new(settings(server.port, Duration::from_secs(10))).unwrap();
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let error = mailer.send(&composed(&n)).await.unwrap_err();
    assert!(
        matches!(&error, SendError::Transient(text) if text.contains("451")),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_refused_connection_is_transient() {
    let port = free_port();
    let mailer = SmtpMailer::new(settings(port, Duration::from_secs(5))).unwrap();
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let error = mailer.send(&composed(&n)).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_as_transient() {
    // The kernel completes the handshake for the backlog; nobody ever says 220.
    let silent = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = silent.local_addr().unwrap().port();
    let mailer = SmtpMailer::new(settings(port, Duration::from_millis(500))).unwrap();
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let started = std::time::Instant::now();
    let error = mailer.send(&composed(&n)).await.unwrap_err();
    assert!(error.is_transient(), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the timeout applies"
    );
    drop(silent);
}
