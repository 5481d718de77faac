//! An iCalendar (RFC 5545) writer for one booked event, as iTIP (RFC 5546) messages want it.
//!
//! [`write_calendar`] turns a [`CalendarEvent`] into a `VCALENDAR` holding one `VEVENT`. What it
//! guarantees for any input, however long or odd:
//!
//! - Every content line ends in CRLF and is folded so that no physical line is longer than
//!   75 octets (the leading space of a continuation line included). A fold never splits a
//!   UTF-8 sequence, so each physical line is valid UTF-8 on its own.
//! - No value can start a new property or component: TEXT values are escaped (`\\`, `\;`, `\,`,
//!   and every line break becomes `\n`), control characters other than tab are dropped, and
//!   parameter values lose their DQUOTEs and control characters.
//! - Instants are written in UTC (`…Z`), never with a TZID, so no VTIMEZONE is needed and no
//!   client can shift the meeting across a DST change it disagrees about.
//! - The event carries DTEND, never DURATION.
//!
//! iTIP in short: a reschedule is [`Method::Request`] again with the same UID, a higher
//! SEQUENCE and a new DTSTAMP, so clients move the event in place; a cancellation is
//! [`Method::Cancel`] with the same UID and a raised SEQUENCE.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use kairos_core::text::EmailAddress;

/// The product identifier written as PRODID; it names the software that made the file.
const PRODUCT_ID: &str = "-//Kairos//Scheduling//EN";

/// The longest physical line, in octets, CRLF not counted (RFC 5545 section 3.1).
const MAX_LINE_OCTETS: usize = 75;

/// The iTIP method of a calendar object: what the receiving client should do with it.
///
/// In an iMIP email the `method` parameter of the `text/calendar` part must equal this value;
/// [`Method::as_str`] gives the spelling for both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `METHOD:PUBLISH`: a copy of the event with no scheduling semantics, for a plain `.ics`
    /// download. RFC 5546 forbids ATTENDEE here, so none is written.
    Publish,
    /// `METHOD:REQUEST`: an invitation, or an update to one already sent (same UID, higher
    /// SEQUENCE). Clients show Accept / Decline.
    Request,
    /// `METHOD:CANCEL`: the event is cancelled; STATUS is always CANCELLED.
    Cancel,
}

impl Method {
    /// The method as written in the METHOD property and in the MIME `method` parameter,
    /// e.g. `"REQUEST"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Publish => "PUBLISH",
            Method::Request => "REQUEST",
            Method::Cancel => "CANCEL",
        }
    }
}

/// A calendar user: the organizer (the host) or the attendee (the invitee).
#[derive(Debug, Clone, Copy)]
pub struct Person<'a> {
    /// The display name, written as the CN parameter; left out when empty.
    pub name: &'a str,
    /// The address, written as a `mailto:` URI.
    pub email: &'a EmailAddress,
}

/// One booked event, as it goes into a calendar object.
#[derive(Debug, Clone, Copy)]
pub struct CalendarEvent<'a> {
    /// The event's UID: stable across reschedules and cancellation so clients update the event
    /// in place, e.g. `"<booking-root-id>@<host>"`.
    pub uid: &'a str,
    /// The revision number: 0 for the first invitation, raised with every change.
    pub sequence: u32,
    /// When this revision was made (DTSTAMP).
    pub stamp: Timestamp,
    /// When the event starts (DTSTART).
    pub start: Timestamp,
    /// When the event ends (DTEND).
    pub end: Timestamp,
    /// The title (SUMMARY).
    pub summary: &'a str,
    /// Free text (DESCRIPTION), e.g. the invitee's notes and the links to manage the booking.
    pub description: Option<&'a str>,
    /// Where the event happens (LOCATION): an address, a phone number or a meeting link.
    pub location: Option<&'a str>,
    /// A link about the event (URL), e.g. the booking's page.
    pub url: Option<&'a str>,
    /// The host, who owns the event (ORGANIZER).
    pub organizer: Person<'a>,
    /// The invitee (ATTENDEE), asked to reply.
    pub attendee: Person<'a>,
    /// Whether the booking is cancelled: STATUS:CANCELLED rather than STATUS:CONFIRMED.
    /// [`Method::Cancel`] writes CANCELLED whatever this says.
    pub cancelled: bool,
}

/// Writes `event` as an iCalendar object with the given iTIP `method`.
///
/// The result has CRLF line ends and folded lines and can be sent as is, as a
/// `text/calendar; charset=UTF-8; method=…` part or a `.ics` file. It never panics.
///
/// ```
/// use jiff::Timestamp;
/// use kairos_core::text::EmailAddress;
/// use kairos_notify::ics::{write_calendar, CalendarEvent, Method, Person};
///
/// let host = EmailAddress::parse("ada@example.com").unwrap();
/// let guest = EmailAddress::parse("grace@example.org").unwrap();
/// let event = CalendarEvent {
///     uid: "b7f1c2@kairos.example",
///     sequence: 1,
///     stamp: "2026-03-01T09:00:00Z".parse::<Timestamp>().unwrap(),
///     start: "2026-03-10T14:00:00Z".parse::<Timestamp>().unwrap(),
///     end: "2026-03-10T14:30:00Z".parse::<Timestamp>().unwrap(),
///     summary: "Intro call, 30 min",
///     description: None,
///     location: None,
///     url: None,
///     organizer: Person { name: "Ada Lovelace", email: &host },
///     attendee: Person { name: "Grace Hopper", email: &guest },
///     cancelled: false,
/// };
/// let ics = write_calendar(Method::Request, &event);
/// assert!(ics.contains("\r\nMETHOD:REQUEST\r\n"));
/// assert!(ics.contains("\r\nDTSTART:20260310T140000Z\r\n"));
/// assert!(ics.contains("\r\nSUMMARY:Intro call\\, 30 min\r\n"));
/// ```
pub fn write_calendar(method: Method, event: &CalendarEvent<'_>) -> String {
    let mut out = String::with_capacity(1024);
    let mut line = |text: &str| push_folded(&mut out, text);

    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line(&format!("PRODID:{PRODUCT_ID}"));
    line("CALSCALE:GREGORIAN");
    line(&format!("METHOD:{}", method.as_str()));
    line("BEGIN:VEVENT");
    line(&format!("UID:{}", escape_text(event.uid)));
    line(&format!("DTSTAMP:{}", format_utc(event.stamp)));
    line(&format!("DTSTART:{}", format_utc(event.start)));
    line(&format!("DTEND:{}", format_utc(event.end)));
    line(&format!("SEQUENCE:{}", event.sequence));
    line(&format!("SUMMARY:{}", escape_text(event.summary)));
    if let Some(description) = event.description {
        line(&format!("DESCRIPTION:{}", escape_text(description)));
    }
    if let Some(location) = event.location {
        line(&format!("LOCATION:{}", escape_text(location)));
    }
    if let Some(url) = event.url {
        line(&format!("URL:{}", strip_controls(url)));
    }
    let status = if event.cancelled || method == Method::Cancel {
        "CANCELLED"
    } else {
        "CONFIRMED"
    };
    line(&format!("STATUS:{status}"));
    line(&format!(
        "ORGANIZER{}:{}",
        common_name(event.organizer.name),
        mailto(event.organizer.email)
    ));
    if method != Method::Publish {
        line(&format!(
            "ATTENDEE{};ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:{}",
            common_name(event.attendee.name),
            mailto(event.attendee.email)
        ));
    }
    line("END:VEVENT");
    line("END:VCALENDAR");
    out
}

/// Formats an instant as a UTC DATE-TIME (`YYYYMMDDTHHMMSSZ`), dropping fractions of a second.
fn format_utc(timestamp: Timestamp) -> String {
    let utc = TimeZone::UTC.to_datetime(timestamp);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
        utc.year(),
        utc.month(),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// Escapes a TEXT value (RFC 5545 section 3.3.11): backslash, semicolon and comma get a
/// backslash, every line break (CRLF, LF or a lone CR) becomes `\n`, and other control
/// characters except tab are dropped.
fn escape_text(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            ';' => escaped.push_str("\\;"),
            ',' => escaped.push_str("\\,"),
            '\r' => {
                chars.next_if_eq(&'\n');
                escaped.push_str("\\n");
            }
            '\n' => escaped.push_str("\\n"),
            c if is_dropped_control(c) => {}
            c => escaped.push(c),
        }
    }
    escaped
}

/// Drops control characters other than tab from a value that has no escaping of its own
/// (a URI), so it cannot break the line it is on.
fn strip_controls(value: &str) -> String {
    value.chars().filter(|&c| !is_dropped_control(c)).collect()
}

/// Whether `c` is a control character that no value may carry: every C0 and C1 control and
/// DEL, except tab, which RFC 5545 allows in TEXT and quoted parameter values.
fn is_dropped_control(c: char) -> bool {
    c.is_control() && c != '\t'
}

/// The `;CN=…` parameter for a display name, or nothing when the name is empty once cleaned.
///
/// A parameter value cannot be escaped, only quoted (RFC 5545 section 3.2): DQUOTEs and
/// control characters are dropped, and the value is quoted when it holds `:`, `;` or `,`.
fn common_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|&c| c != '"' && !is_dropped_control(c))
        .collect();
    if cleaned.is_empty() {
        String::new()
    } else if cleaned.contains([':', ';', ',']) {
        format!(";CN=\"{cleaned}\"")
    } else {
        format!(";CN={cleaned}")
    }
}

/// The `mailto:` URI (RFC 6068) for an address. ASCII characters that a mailto URI does not
/// allow as they are (such as `?`, `%`, `#` or `/`, which a validated address may still hold in
/// its local part) are percent-encoded; non-ASCII characters are kept, as calendar clients
/// compare addresses textually.
fn mailto(email: &EmailAddress) -> String {
    let mut uri = String::from("mailto:");
    for c in email.as_str().chars() {
        let allowed = !c.is_ascii()
            || c.is_ascii_alphanumeric()
            || matches!(
                c,
                '-' | '.'
                    | '_'
                    | '~'
                    | '!'
                    | '$'
                    | '\''
                    | '('
                    | ')'
                    | '*'
                    | '+'
                    | ','
                    | ';'
                    | ':'
                    | '@'
            );
        if allowed {
            uri.push(c);
        } else {
            // Only ASCII reaches here, so the character is one octet.
            uri.push_str(&format!("%{:02X}", u32::from(c)));
        }
    }
    uri
}

/// Appends one content line to `out`, folded (RFC 5545 section 3.1) and ended with CRLF.
///
/// Each physical line holds at most 75 octets, the single leading space of a continuation
/// line included; cuts fall on character boundaries. A cut is moved back before trailing
/// spaces or tabs when that leaves something on the line, because some parsers trim the end
/// of each physical line and would lose them.
fn push_folded(out: &mut String, line: &str) {
    let mut rest = line;
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        let mut cut = room;
        while !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let without_trailing_blanks = rest[..cut].trim_end_matches([' ', '\t']).len();
        if without_trailing_blanks > 0 {
            cut = without_trailing_blanks;
        }
        let (head, tail) = rest.split_at(cut);
        out.push_str(head);
        out.push_str("\r\n ");
        rest = tail;
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(line: &str) -> String {
        let mut out = String::new();
        push_folded(&mut out, line);
        out
    }

    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    fn physical_lines(text: &str) -> Vec<&str> {
        let body = text.strip_suffix("\r\n").expect("output ends with CRLF");
        body.split("\r\n").collect()
    }

    fn email(address: &str) -> EmailAddress {
        EmailAddress::parse(address).unwrap()
    }

    #[test]
    fn a_line_of_exactly_75_octets_is_not_folded() {
        let line = format!("SUMMARY:{}", "a".repeat(75 - 8));
        assert_eq!(line.len(), 75);
        assert_eq!(folded(&line), format!("{line}\r\n"));
    }

    #[test]
    fn a_line_of_76_octets_folds_after_75() {
        let line = format!("SUMMARY:{}", "a".repeat(76 - 8));
        let out = folded(&line);
        let lines = physical_lines(&out);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0].len(), 75);
        assert_eq!(lines[1], " a");
        assert_eq!(unfold(&out), format!("{line}\r\n"));
    }

    #[test]
    fn continuation_lines_hold_74_octets_after_their_space() {
        let line = "x".repeat(75 + 74 + 10);
        let out = folded(&line);
        let lines = physical_lines(&out);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].len(), 75);
        assert_eq!(lines[1].len(), 75);
        assert!(lines[1].starts_with(' ') && !lines[1][1..].starts_with(' '));
        assert_eq!(lines[2], format!(" {}", "x".repeat(10)));
    }

    #[test]
    fn multibyte_characters_at_the_fold_are_never_split() {
        // Shift a run of 2-, 3- and 4-octet characters across the 75-octet boundary at every
        // offset, so each kind lands on it in every alignment.
        for character in ["é", "€", "😀"] {
            for offset in 0..8 {
                let line = format!(
                    "SUMMARY:{}{}",
                    "a".repeat(60 + offset),
                    character.repeat(30)
                );
                let out = folded(&line);
                for physical in physical_lines(&out) {
                    assert!(physical.len() <= 75, "{physical:?} is too long");
                }
                // Splitting a character would have produced a `String` that is not UTF-8,
                // which cannot exist; what is checked here is that nothing was lost or moved.
                assert_eq!(unfold(&out), format!("{line}\r\n"));
                let first = physical_lines(&out)[0];
                assert!(
                    first.len() > 75 - character.len(),
                    "cut too early: {first:?}"
                );
            }
        }
    }

    #[test]
    fn a_fold_is_not_placed_right_after_a_space() {
        let line = format!("SUMMARY:{} {}", "a".repeat(66), "b".repeat(20));
        assert_eq!(line.find(' '), Some(74));
        let out = folded(&line);
        let lines = physical_lines(&out);
        assert_eq!(lines[0], format!("SUMMARY:{}", "a".repeat(66)));
        assert!(lines[1].starts_with("  b"));
        assert_eq!(unfold(&out), format!("{line}\r\n"));
    }

    #[test]
    fn a_line_of_blanks_still_folds_within_the_limit() {
        let line = format!("SUMMARY:{}", " ".repeat(300));
        let out = folded(&line);
        assert!(physical_lines(&out).iter().all(|l| l.len() <= 75));
        assert_eq!(unfold(&out), format!("{line}\r\n"));
    }

    #[test]
    fn an_empty_line_is_just_crlf() {
        assert_eq!(folded(""), "\r\n");
    }

    #[test]
    fn text_escapes_backslash_semicolon_comma_and_line_breaks() {
        assert_eq!(
            escape_text("a\\b;c,d\r\ne\nf\rg"),
            "a\\\\b\\;c\\,d\\ne\\nf\\ng"
        );
        assert_eq!(escape_text("a:b\"c"), "a:b\"c");
        assert_eq!(escape_text(""), "");
    }

    #[test]
    fn text_drops_control_characters_but_keeps_tab() {
        assert_eq!(
            escape_text("a\u{0}b\u{7}c\u{1b}d\u{7f}e\u{85}f\tg"),
            "abcdef\tg"
        );
    }

    #[test]
    fn urls_lose_control_characters_and_are_not_escaped() {
        assert_eq!(
            strip_controls("https://x.example/a,b;c\r\nEND:VEVENT"),
            "https://x.example/a,b;cEND:VEVENT"
        );
    }

    #[test]
    fn common_names_are_quoted_when_they_hold_delimiters() {
        assert_eq!(common_name("Ada Lovelace"), ";CN=Ada Lovelace");
        assert_eq!(common_name("Lovelace, Ada"), ";CN=\"Lovelace, Ada\"");
        assert_eq!(common_name("a;b"), ";CN=\"a;b\"");
        assert_eq!(common_name("Dr: Ada"), ";CN=\"Dr: Ada\"");
    }

    #[test]
    fn common_names_lose_quotes_and_control_characters() {
        assert_eq!(
            common_name("Ada \"The Countess\"\r\nX"),
            ";CN=Ada The CountessX"
        );
        assert_eq!(common_name("\"\u{1}\""), "");
        assert_eq!(common_name(""), "");
    }

    #[test]
    fn mailto_percent_encodes_what_a_uri_cannot_hold() {
        assert_eq!(mailto(&email("ada@example.com")), "mailto:ada@example.com");
        assert_eq!(
            mailto(&email("a?b%c#d/e\"f@example.com")),
            "mailto:a%3Fb%25c%23d%2Fe%22f@example.com"
        );
        assert_eq!(mailto(&email("zoë@exämple.com")), "mailto:zoë@exämple.com");
    }

    #[test]
    fn instants_are_written_in_utc_without_fractions() {
        let instant: Timestamp = "2026-03-29T01:30:00.987+02:00".parse().unwrap();
        assert_eq!(format_utc(instant), "20260328T233000Z");
        assert_eq!(format_utc(Timestamp::UNIX_EPOCH), "19700101T000000Z");
    }

    #[test]
    fn extreme_instants_do_not_panic() {
        for extreme in [Timestamp::MIN, Timestamp::MAX] {
            let written = format_utc(extreme);
            assert!(written.ends_with('Z'), "{written}");
        }
        assert!(format_utc(Timestamp::MAX).starts_with("9999"));
    }

    struct Parties {
        host: EmailAddress,
        guest: EmailAddress,
    }

    fn parties() -> Parties {
        Parties {
            host: email("ada@example.com"),
            guest: email("grace@example.org"),
        }
    }

    fn booking(parties: &Parties) -> CalendarEvent<'_> {
        CalendarEvent {
            uid: "0190f1e2-7c3a-7d4e-9a1b-2c3d4e5f6a7b@kairos.example",
            sequence: 0,
            stamp: "2026-03-01T09:00:00Z".parse().unwrap(),
            start: "2026-03-10T14:00:00Z".parse().unwrap(),
            end: "2026-03-10T14:30:00Z".parse().unwrap(),
            summary: "Intro call: Ada & Grace",
            description: Some("Agenda:\n1. Hello, world; 2. Paths like C:\\tmp"),
            location: Some("Room 4, 2nd floor"),
            url: Some("https://kairos.example/b/0190f1e2?x=1,2"),
            organizer: Person {
                name: "Ada Lovelace",
                email: &parties.host,
            },
            attendee: Person {
                name: "Hopper, Grace",
                email: &parties.guest,
            },
            cancelled: false,
        }
    }

    #[test]
    fn a_request_is_an_invitation_with_an_attendee_asked_to_reply() {
        let parties = parties();
        let expected = concat!(
            "BEGIN:VCALENDAR\r\n",
            "VERSION:2.0\r\n",
            "PRODID:-//Kairos//Scheduling//EN\r\n",
            "CALSCALE:GREGORIAN\r\n",
            "METHOD:REQUEST\r\n",
            "BEGIN:VEVENT\r\n",
            "UID:0190f1e2-7c3a-7d4e-9a1b-2c3d4e5f6a7b@kairos.example\r\n",
            "DTSTAMP:20260301T090000Z\r\n",
            "DTSTART:20260310T140000Z\r\n",
            "DTEND:20260310T143000Z\r\n",
            "SEQUENCE:0\r\n",
            "SUMMARY:Intro call: Ada & Grace\r\n",
            "DESCRIPTION:Agenda:\\n1. Hello\\, world\\; 2. Paths like C:\\\\tmp\r\n",
            "LOCATION:Room 4\\, 2nd floor\r\n",
            "URL:https://kairos.example/b/0190f1e2?x=1,2\r\n",
            "STATUS:CONFIRMED\r\n",
            "ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com\r\n",
            "ATTENDEE;CN=\"Hopper, Grace\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP\r\n",
            " =TRUE:mailto:grace@example.org\r\n",
            "END:VEVENT\r\n",
            "END:VCALENDAR\r\n",
        );
        assert_eq!(
            write_calendar(Method::Request, &booking(&parties)),
            expected
        );
    }

    #[test]
    fn a_cancel_keeps_the_uid_raises_the_sequence_and_says_cancelled() {
        let parties = parties();
        let event = CalendarEvent {
            sequence: 2,
            stamp: "2026-03-05T08:15:00Z".parse().unwrap(),
            description: None,
            location: None,
            url: None,
            attendee: Person {
                name: "",
                email: &parties.guest,
            },
            ..booking(&parties)
        };
        let expected = concat!(
            "BEGIN:VCALENDAR\r\n",
            "VERSION:2.0\r\n",
            "PRODID:-//Kairos//Scheduling//EN\r\n",
            "CALSCALE:GREGORIAN\r\n",
            "METHOD:CANCEL\r\n",
            "BEGIN:VEVENT\r\n",
            "UID:0190f1e2-7c3a-7d4e-9a1b-2c3d4e5f6a7b@kairos.example\r\n",
            "DTSTAMP:20260305T081500Z\r\n",
            "DTSTART:20260310T140000Z\r\n",
            "DTEND:20260310T143000Z\r\n",
            "SEQUENCE:2\r\n",
            "SUMMARY:Intro call: Ada & Grace\r\n",
            "STATUS:CANCELLED\r\n",
            "ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com\r\n",
            "ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:grace@\r\n",
            " example.org\r\n",
            "END:VEVENT\r\n",
            "END:VCALENDAR\r\n",
        );
        // `cancelled` left false on purpose: METHOD:CANCEL alone must say CANCELLED.
        assert_eq!(write_calendar(Method::Cancel, &event), expected);
        let flagged = CalendarEvent {
            cancelled: true,
            ..event
        };
        assert_eq!(write_calendar(Method::Cancel, &flagged), expected);
    }

    #[test]
    fn a_publish_is_a_plain_copy_without_attendees() {
        let parties = parties();
        let event = CalendarEvent {
            sequence: 1,
            description: None,
            location: None,
            url: None,
            ..booking(&parties)
        };
        let expected = concat!(
            "BEGIN:VCALENDAR\r\n",
            "VERSION:2.0\r\n",
            "PRODID:-//Kairos//Scheduling//EN\r\n",
            "CALSCALE:GREGORIAN\r\n",
            "METHOD:PUBLISH\r\n",
            "BEGIN:VEVENT\r\n",
            "UID:0190f1e2-7c3a-7d4e-9a1b-2c3d4e5f6a7b@kairos.example\r\n",
            "DTSTAMP:20260301T090000Z\r\n",
            "DTSTART:20260310T140000Z\r\n",
            "DTEND:20260310T143000Z\r\n",
            "SEQUENCE:1\r\n",
            "SUMMARY:Intro call: Ada & Grace\r\n",
            "STATUS:CONFIRMED\r\n",
            "ORGANIZER;CN=Ada Lovelace:mailto:ada@example.com\r\n",
            "END:VEVENT\r\n",
            "END:VCALENDAR\r\n",
        );
        assert_eq!(write_calendar(Method::Publish, &event), expected);
    }

    #[test]
    fn a_cancelled_booking_published_says_cancelled() {
        let parties = parties();
        let event = CalendarEvent {
            cancelled: true,
            ..booking(&parties)
        };
        let ics = write_calendar(Method::Publish, &event);
        assert!(ics.contains("\r\nSTATUS:CANCELLED\r\n"));
        assert!(!ics.contains("CONFIRMED"));
    }

    #[test]
    fn values_cannot_inject_properties() {
        let parties = parties();
        let event = CalendarEvent {
            uid: "u\r\nMETHOD:PUBLISH",
            summary: "s\r\nEND:VEVENT",
            description: Some("d\nBEGIN:VALARM"),
            location: Some("l\rX-EVIL:1"),
            url: Some("https://x.example/\r\nATTENDEE:mailto:evil@example.com"),
            organizer: Person {
                name: "o\"\r\n:mailto:evil@example.com",
                email: &parties.host,
            },
            ..booking(&parties)
        };
        let ics = write_calendar(Method::Request, &event);
        let unfolded = unfold(&ics);
        let names: Vec<&str> = physical_lines(&unfolded)
            .iter()
            .map(|line| line.split([':', ';']).next().unwrap_or(""))
            .collect();
        assert_eq!(
            names,
            [
                "BEGIN",
                "VERSION",
                "PRODID",
                "CALSCALE",
                "METHOD",
                "BEGIN",
                "UID",
                "DTSTAMP",
                "DTSTART",
                "DTEND",
                "SEQUENCE",
                "SUMMARY",
                "DESCRIPTION",
                "LOCATION",
                "URL",
                "STATUS",
                "ORGANIZER",
                "ATTENDEE",
                "END",
                "END",
            ]
        );
        assert!(unfolded.contains("\r\nORGANIZER;CN=\"o:mailto:evil@example.com\":mailto:ada@"));
    }

    #[test]
    fn long_unicode_text_folds_into_short_lines() {
        let parties = parties();
        let summary = "Café ☕ mit Zoë 😀, Ünïcödé; ".repeat(40);
        let event = CalendarEvent {
            summary: &summary,
            description: Some(""),
            ..booking(&parties)
        };
        let ics = write_calendar(Method::Request, &event);
        assert!(physical_lines(&ics).iter().all(|line| line.len() <= 75));
        assert!(ics.contains("\r\nDESCRIPTION:\r\n"));
        assert!(unfold(&ics).contains(&format!("\r\nSUMMARY:{}\r\n", escape_text(&summary))));
    }
}
