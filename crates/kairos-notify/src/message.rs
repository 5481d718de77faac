//! One notification as an email message (RFC 5322), with its calendar object attached the way
//! iMIP (RFC 6047) clients expect.
//!
//! The structure of every message:
//!
//! ```text
//! multipart/mixed
//! ├── multipart/alternative
//! │   ├── text/plain; charset=utf-8
//! │   ├── text/html; charset=utf-8
//! │   └── text/calendar; charset=UTF-8; method=REQUEST   (method=CANCEL for a cancellation)
//! └── application/ics; attachment; filename="invite.ics"  (the same calendar object)
//! ```
//!
//! The `text/calendar` alternative is what Gmail, Outlook and Apple Mail turn into an
//! invitation with Accept / Decline; the attachment is for clients that only offer files.
//!
//! The message carries the [`MessageId`] it is given, so sending the same outbox row twice
//! (after a crash between "sent" and "marked sent") produces the same Message-ID, which
//! receivers and [`FileMailer`](crate::transport::FileMailer) recognise as one message.

use std::fmt;
use std::time::SystemTime;

use jiff::Timestamp;
use kairos_core::ParseError;
use lettre::Address;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, MultiPart, SinglePart};

use crate::ics::{CalendarEvent, Person, write_calendar};
use crate::notification::{Notification, NotificationKind, Party, calendar_method};
use crate::template::{TemplateOverride, calendar_description, render};

pub use lettre::Message;
pub use lettre::message::Mailbox;

/// The file name of the calendar attachment.
pub const ATTACHMENT_NAME: &str = "invite.ics";

/// A Message-ID (RFC 5322 section 3.6.4): `left@right`, written `<left@right>` in the header.
///
/// Both sides are dot-atoms: ASCII letters, digits and ``!#$%&'*+-/=?^_`{|}~``, in runs
/// separated by single dots. At most 200 characters, so it also fits in a file name.
/// Make one per outbox row, e.g. `<outbox-row-uuid>@<your mail domain>`, and keep it: a
/// retry must send the same ID.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageId(String);

impl MessageId {
    /// The longest accepted ID, angle brackets not counted.
    pub const MAX_LEN: usize = 200;

    /// Parses a Message-ID, with or without its angle brackets.
    ///
    /// ```
    /// use kairos_notify::message::MessageId;
    ///
    /// let id = MessageId::parse("<0190f1e2-7c3a@mail.kairos.example>").unwrap();
    /// assert_eq!(id.as_str(), "0190f1e2-7c3a@mail.kairos.example");
    /// assert_eq!(id.to_string(), "<0190f1e2-7c3a@mail.kairos.example>");
    /// assert!(MessageId::parse("no-at-sign").is_err());
    /// assert!(MessageId::parse("a@b\r\nBcc: x@y").is_err());
    /// ```
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        let inner = value
            .strip_prefix('<')
            .and_then(|rest| rest.strip_suffix('>'))
            .unwrap_or(value);
        let invalid = || {
            ParseError::new(format!(
                "not a valid Message-ID {value:?}: use <unique-part@domain> with letters, \
                 digits, dots and hyphens, at most {} characters",
                Self::MAX_LEN
            ))
        };
        if inner.len() > Self::MAX_LEN {
            return Err(invalid());
        }
        let (left, right) = inner.split_once('@').ok_or_else(invalid)?;
        if !is_dot_atom(left) || !is_dot_atom(right) {
            return Err(invalid());
        }
        Ok(Self(inner.to_owned()))
    }

    /// The ID without angle brackets.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for MessageId {
    /// The header form, in angle brackets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{}>", self.0)
    }
}

/// Whether `text` is a dot-atom (RFC 5322 section 3.2.3).
fn is_dot_atom(text: &str) -> bool {
    !text.is_empty()
        && text.split('.').all(|atom| {
            !atom.is_empty()
                && atom
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-/=?^_`{|}~".contains(&b))
        })
}

/// Why a notification could not become a message. None of these gets better by retrying.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    /// An address our validation accepted but the email library does not (for example an
    /// unusual character in the local part).
    #[error("the {role} address {address:?} cannot be used in an email: {reason}")]
    Address {
        /// `"recipient"` or `"reply-to"`.
        role: &'static str,
        /// The address.
        address: String,
        /// Why it was refused.
        reason: String,
    },
    /// `now` is outside the range of the platform's clock.
    #[error("the instant {0} cannot be written as an email date")]
    Date(Timestamp),
    /// The MIME structure could not be built.
    #[error("the email could not be built: {0}")]
    Build(String),
}

/// Builds the email for one notification.
///
/// - `template_override`: the tenant's override for this notification's kind and audience.
/// - `from`: the sending mailbox, an address on a domain whose SPF and DKIM you control; never
///   the host's or the invitee's address (receivers would reject it under DMARC). A display
///   name such as `"Acme via Kairos"` reads well.
/// - `message_id`: stable per outbox row, so a duplicate delivery is recognisable.
/// - `now`: the Date header and the calendar's DTSTAMP.
///
/// To, Reply-To and the calendar's people follow the notification: the recipient by
/// [`Notification::audience`], replies to the other party, the host as ORGANIZER and the
/// invitee as ATTENDEE. The raw bytes are [`Message::formatted`].
pub fn compose(
    notification: &Notification,
    template_override: Option<&TemplateOverride>,
    from: &Mailbox,
    message_id: &MessageId,
    now: Timestamp,
) -> Result<Message, ComposeError> {
    let rendered = render(notification, template_override);
    let calendar = calendar(notification, now);
    let method = calendar_method(notification.kind);

    let to = mailbox(notification.to(), "recipient")?;
    let reply_to = mailbox(notification.other_party(), "reply-to")?;
    let content_type = |value: &str| {
        ContentType::parse(value).map_err(|error| ComposeError::Build(error.to_string()))
    };
    let calendar_type = content_type(&format!(
        "text/calendar; charset=UTF-8; method={}",
        method.as_str()
    ))?;
    let attachment_type = content_type("application/ics")?;

    let alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(rendered.text))
        .singlepart(SinglePart::html(rendered.html))
        .singlepart(
            SinglePart::builder()
                .header(calendar_type)
                .body(calendar.clone()),
        );
    let attachment = Attachment::new(ATTACHMENT_NAME.to_owned()).body(calendar, attachment_type);

    headers(from, to, rendered.subject, message_id, now)?
        .reply_to(reply_to)
        .multipart(
            MultiPart::mixed()
                .multipart(alternative)
                .singlepart(attachment),
        )
        .map_err(|error| ComposeError::Build(error.to_string()))
}

/// The headers every message of ours carries: Message-ID, Date, From, To, Subject, and
/// `Auto-Submitted: auto-generated` (RFC 3834: out-of-office and other robots must not answer).
pub(crate) fn headers(
    from: &Mailbox,
    to: Mailbox,
    subject: String,
    message_id: &MessageId,
    now: Timestamp,
) -> Result<lettre::message::MessageBuilder, ComposeError> {
    let date = SystemTime::try_from(now).map_err(|_| ComposeError::Date(now))?;
    Ok(Message::builder()
        .message_id(Some(message_id.to_string()))
        .date(date)
        .from(from.clone())
        .to(to)
        .subject(subject)
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        )))
}

/// The calendar object for a notification: REQUEST with the current UID and SEQUENCE, or
/// CANCEL for a cancellation; stamped `now`.
fn calendar(notification: &Notification, now: Timestamp) -> String {
    let n = notification;
    let summary = format!(
        "{} with {}",
        single_line(&n.event_type_name),
        single_line(n.other_party().name_or_email())
    );
    let description = calendar_description(n);
    let event = CalendarEvent {
        uid: &n.ical_uid,
        sequence: n.sequence,
        stamp: now,
        start: n.start,
        end: n.end,
        summary: &summary,
        description: Some(description.as_str()).filter(|d| !d.is_empty()),
        location: n
            .location
            .as_deref()
            .or(n.meet_link.as_deref())
            .filter(|l| !l.trim().is_empty()),
        url: n.meet_link.as_deref().filter(|l| !l.trim().is_empty()),
        organizer: Person {
            name: &n.host.name,
            email: &n.host.email,
        },
        attendee: Person {
            name: &n.invitee.name,
            email: &n.invitee.email,
        },
        cancelled: n.kind == NotificationKind::Cancellation,
    };
    write_calendar(calendar_method(n.kind), &event)
}

/// A party as a mailbox: the name cleaned to one line, the address checked by lettre.
fn mailbox(party: &Party, role: &'static str) -> Result<Mailbox, ComposeError> {
    let address: Address =
        party
            .email
            .as_str()
            .parse()
            .map_err(
                |error: lettre::address::AddressError| ComposeError::Address {
                    role,
                    address: party.email.to_string(),
                    reason: error.to_string(),
                },
            )?;
    let name = single_line(&party.name);
    Ok(Mailbox::new((!name.is_empty()).then_some(name), address))
}

/// Control characters (line breaks included) become spaces; the ends are trimmed.
pub(crate) fn single_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_ids_accept_dot_atoms_with_or_without_brackets() {
        for (given, inner) in [
            ("a@b", "a@b"),
            ("<a.b-c_d@mail.example.com>", "a.b-c_d@mail.example.com"),
            ("0190f1e2+x=y@k.example", "0190f1e2+x=y@k.example"),
        ] {
            assert_eq!(MessageId::parse(given).unwrap().as_str(), inner);
        }
    }

    #[test]
    fn message_ids_refuse_what_could_break_a_header_or_a_path() {
        for bad in [
            "",
            "<>",
            "a",
            "@b",
            "a@",
            "a@@b",
            "a b@c",
            "a@b\r\nBcc: x@y",
            "a..b@c",
            ".a@b",
            "<a@b",
            "a@b>",
            "a\"b@c",
            "é@b",
        ] {
            assert!(MessageId::parse(bad).is_err(), "{bad:?} should be refused");
        }
        let long = format!("{}@example.com", "a".repeat(MessageId::MAX_LEN));
        assert!(MessageId::parse(&long).is_err());
    }

    #[test]
    fn single_line_turns_controls_into_spaces() {
        assert_eq!(single_line(" Ada\r\nLovelace\u{0} "), "Ada  Lovelace");
    }
}
