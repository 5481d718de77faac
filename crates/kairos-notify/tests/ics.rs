//! The iCalendar writer seen from outside: what an independent parser reads back, and the
//! line-level invariants for arbitrary text.

use std::io::BufReader;

use ical::IcalParser;
use ical::parser::ical::component::IcalCalendar;
use ical::property::Property;
use jiff::Timestamp;
use kairos_core::text::EmailAddress;
use kairos_notify::ics::{CalendarEvent, Method, Person, write_calendar};
use proptest::prelude::*;

fn email(address: &str) -> EmailAddress {
    EmailAddress::parse(address).expect("a valid test address")
}

fn instant(text: &str) -> Timestamp {
    text.parse().expect("a valid test instant")
}

/// Parses `ics` with the `ical` crate, insisting on exactly one calendar holding one event.
fn parse(ics: &str) -> IcalCalendar {
    let mut calendars = IcalParser::new(BufReader::new(ics.as_bytes()));
    let calendar = calendars
        .next()
        .expect("one calendar")
        .unwrap_or_else(|error| panic!("ical rejected the output: {error}\n{ics}"));
    assert!(calendars.next().is_none(), "more than one calendar");
    assert_eq!(calendar.events.len(), 1, "one VEVENT");
    calendar
}

fn property<'a>(properties: &'a [Property], name: &str) -> &'a Property {
    let mut found = properties.iter().filter(|p| p.name == name);
    let first = found.next().unwrap_or_else(|| panic!("no {name} property"));
    assert!(found.next().is_none(), "{name} appears more than once");
    first
}

fn value<'a>(properties: &'a [Property], name: &str) -> &'a str {
    property(properties, name).value.as_deref().unwrap_or("")
}

fn parameter<'a>(property: &'a Property, name: &str) -> Option<&'a [String]> {
    property
        .params
        .as_ref()?
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, values)| values.as_slice())
}

/// RFC 5545 TEXT unescaping, written here independently of the writer.
fn unescape(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n' | 'N') => out.push('\n'),
                Some(other) => out.push(other),
                None => panic!("dangling backslash in {text:?}"),
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn a_real_parser_reads_back_a_request() {
    let host = email("ada@example.com");
    let guest = email("grace@example.org");
    let summary = "Intro call, Ada & Grace; über 30 min 😀";
    let description = "Notes:\r\nBring C:\\tmp\\plan.txt, please; thanks\nSecond line";
    let location = "Room 4, 2nd floor";
    let event = CalendarEvent {
        uid: "0190f1e2-7c3a-7d4e-9a1b-2c3d4e5f6a7b@kairos.example",
        sequence: 3,
        stamp: instant("2026-03-01T09:00:00Z"),
        // A wall-clock time in a zone with DST: it must come out in UTC.
        start: instant("2026-03-29T14:00:00+02:00"),
        end: instant("2026-03-29T14:45:00+02:00"),
        summary,
        description: Some(description),
        location: Some(location),
        url: Some("https://kairos.example/bookings/0190f1e2?token=a,b"),
        organizer: Person {
            name: "Ada Lovelace",
            email: &host,
        },
        attendee: Person {
            name: "Hopper, Grace: Rear Admiral",
            email: &guest,
        },
        cancelled: false,
    };

    let ics = write_calendar(Method::Request, &event);
    let calendar = parse(&ics);
    let vevent = &calendar.events[0].properties;

    assert_eq!(value(&calendar.properties, "VERSION"), "2.0");
    assert_eq!(value(&calendar.properties, "METHOD"), "REQUEST");
    assert_eq!(value(&calendar.properties, "CALSCALE"), "GREGORIAN");
    assert_eq!(
        value(vevent, "UID"),
        "0190f1e2-7c3a-7d4e-9a1b-2c3d4e5f6a7b@kairos.example"
    );
    assert_eq!(value(vevent, "SEQUENCE"), "3");
    assert_eq!(value(vevent, "DTSTAMP"), "20260301T090000Z");
    assert_eq!(value(vevent, "DTSTART"), "20260329T120000Z");
    assert_eq!(value(vevent, "DTEND"), "20260329T124500Z");
    assert!(vevent.iter().all(|p| p.name != "DURATION"));
    assert_eq!(value(vevent, "STATUS"), "CONFIRMED");

    // The escaped form is what RFC 5545 prescribes, and unescaping gives the input back.
    assert_eq!(
        value(vevent, "SUMMARY"),
        "Intro call\\, Ada & Grace\\; über 30 min 😀"
    );
    assert_eq!(unescape(value(vevent, "SUMMARY")), summary);
    assert_eq!(
        value(vevent, "DESCRIPTION"),
        "Notes:\\nBring C:\\\\tmp\\\\plan.txt\\, please\\; thanks\\nSecond line"
    );
    assert_eq!(
        unescape(value(vevent, "DESCRIPTION")),
        "Notes:\nBring C:\\tmp\\plan.txt, please; thanks\nSecond line"
    );
    assert_eq!(unescape(value(vevent, "LOCATION")), location);
    assert_eq!(
        value(vevent, "URL"),
        "https://kairos.example/bookings/0190f1e2?token=a,b"
    );

    let organizer = property(vevent, "ORGANIZER");
    assert_eq!(organizer.value.as_deref(), Some("mailto:ada@example.com"));
    assert_eq!(
        parameter(organizer, "CN"),
        Some(&["Ada Lovelace".to_owned()][..])
    );

    let attendee = property(vevent, "ATTENDEE");
    assert_eq!(attendee.value.as_deref(), Some("mailto:grace@example.org"));
    assert_eq!(
        parameter(attendee, "CN"),
        Some(&["Hopper, Grace: Rear Admiral".to_owned()][..])
    );
    assert_eq!(
        parameter(attendee, "ROLE"),
        Some(&["REQ-PARTICIPANT".to_owned()][..])
    );
    assert_eq!(
        parameter(attendee, "PARTSTAT"),
        Some(&["NEEDS-ACTION".to_owned()][..])
    );
    assert_eq!(parameter(attendee, "RSVP"), Some(&["TRUE".to_owned()][..]));
}

#[test]
fn a_real_parser_reads_back_a_cancel_and_a_publish() {
    let host = email("ada@example.com");
    let guest = email("grace@example.org");
    let event = CalendarEvent {
        uid: "root-1@kairos.example",
        sequence: 4,
        stamp: instant("2026-03-02T10:00:00Z"),
        start: instant("2026-03-10T14:00:00Z"),
        end: instant("2026-03-10T14:30:00Z"),
        summary: "",
        description: None,
        location: None,
        url: None,
        organizer: Person {
            name: "",
            email: &host,
        },
        attendee: Person {
            name: "Grace",
            email: &guest,
        },
        cancelled: true,
    };

    let cancel = parse(&write_calendar(Method::Cancel, &event));
    let vevent = &cancel.events[0].properties;
    assert_eq!(value(&cancel.properties, "METHOD"), "CANCEL");
    assert_eq!(value(vevent, "UID"), "root-1@kairos.example");
    assert_eq!(value(vevent, "SEQUENCE"), "4");
    assert_eq!(value(vevent, "STATUS"), "CANCELLED");
    assert_eq!(value(vevent, "SUMMARY"), "");
    let organizer = property(vevent, "ORGANIZER");
    assert_eq!(organizer.value.as_deref(), Some("mailto:ada@example.com"));
    assert_eq!(parameter(organizer, "CN"), None);
    assert_eq!(
        property(vevent, "ATTENDEE").value.as_deref(),
        Some("mailto:grace@example.org")
    );

    let publish = parse(&write_calendar(Method::Publish, &event));
    let vevent = &publish.events[0].properties;
    assert_eq!(value(&publish.properties, "METHOD"), "PUBLISH");
    assert!(vevent.iter().all(|p| p.name != "ATTENDEE"));
    assert_eq!(value(vevent, "DTSTART"), "20260310T140000Z");
    assert_eq!(value(vevent, "DTEND"), "20260310T143000Z");
}

#[test]
fn a_real_parser_reads_back_long_folded_unicode() {
    let host = email("ada@example.com");
    let guest = email("grace@example.org");
    // Not ending in a blank: `ical` trims the end of every line, value included.
    let description = format!(
        "{}end",
        "Zoë’s agenda — «café» 😀 naïve façade; ".repeat(30)
    );
    let event = CalendarEvent {
        uid: "root-2@kairos.example",
        sequence: 0,
        stamp: instant("2026-03-02T10:00:00Z"),
        start: instant("2026-03-10T14:00:00Z"),
        end: instant("2026-03-10T14:30:00Z"),
        summary: "short",
        description: Some(&description),
        location: None,
        url: None,
        organizer: Person {
            name: "Ada",
            email: &host,
        },
        attendee: Person {
            name: &"Grace Brewster Murray Hopper ".repeat(5),
            email: &guest,
        },
        cancelled: false,
    };
    let ics = write_calendar(Method::Request, &event);
    assert!(ics.split("\r\n").all(|line| line.len() <= 75));

    let calendar = parse(&ics);
    let vevent = &calendar.events[0].properties;
    assert_eq!(unescape(value(vevent, "DESCRIPTION")), description);
    assert_eq!(
        parameter(property(vevent, "ATTENDEE"), "CN"),
        Some(&["Grace Brewster Murray Hopper ".repeat(5)][..])
    );
}

/// The physical lines of `ics`, each checked to end in CRLF.
fn physical_lines(ics: &str) -> Vec<&str> {
    let body = ics.strip_suffix("\r\n").expect("the output ends in CRLF");
    let lines: Vec<&str> = body.split("\r\n").collect();
    for line in &lines {
        assert!(!line.contains(['\r', '\n']), "bare CR or LF in {line:?}");
    }
    lines
}

/// The logical content lines: continuation lines (a CRLF followed by one space) joined back.
fn unfold(ics: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for physical in physical_lines(ics) {
        match (physical.strip_prefix(' '), lines.last_mut()) {
            (Some(continuation), Some(last)) => last.push_str(continuation),
            _ => lines.push(physical.to_owned()),
        }
    }
    lines
}

fn text_value(lines: &[String], name: &str) -> String {
    let prefix = format!("{name}:");
    let line = lines
        .iter()
        .find(|line| line.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {name} line"));
    unescape(&line[prefix.len()..])
}

/// What a TEXT value should read back as: line breaks become LF, other controls but tab go.
fn expected_text(input: &str) -> String {
    input
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// Text that is arbitrary Unicode, or dense in what escaping and folding must get right.
fn tricky_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(
            prop_oneof![
                Just("\\"),
                Just(";"),
                Just(","),
                Just(":"),
                Just("\""),
                Just("\r\n"),
                Just("\n"),
                Just("\r"),
                Just("\t"),
                Just(" "),
                Just("\u{0}"),
                Just("\u{7f}"),
                Just("\u{85}"),
                Just("a"),
                Just("é"),
                Just("€"),
                Just("😀"),
                Just("\\n"),
            ],
            0..300
        )
        .prop_map(|parts| parts.concat()),
    ]
}

proptest! {
    #[test]
    fn any_text_folds_within_75_octets_and_reads_back(
        summary in tricky_text(),
        description in tricky_text(),
        name in tricky_text(),
    ) {
        let host = email("ada@example.com");
        let guest = email("grace@example.org");
        let event = CalendarEvent {
            uid: "root-3@kairos.example",
            sequence: 1,
            stamp: instant("2026-03-02T10:00:00Z"),
            start: instant("2026-03-10T14:00:00Z"),
            end: instant("2026-03-10T14:30:00Z"),
            summary: &summary,
            description: Some(&description),
            location: None,
            url: None,
            organizer: Person { name: &name, email: &host },
            attendee: Person { name: &name, email: &guest },
            cancelled: false,
        };
        let ics = write_calendar(Method::Request, &event);

        for line in physical_lines(&ics) {
            prop_assert!(line.len() <= 75, "{} octets: {:?}", line.len(), line);
        }
        let lines = unfold(&ics);
        // Nothing in a value may start a line of its own.
        prop_assert_eq!(lines.len(), 18);
        prop_assert_eq!(text_value(&lines, "SUMMARY"), expected_text(&summary));
        prop_assert_eq!(text_value(&lines, "DESCRIPTION"), expected_text(&description));

        let cleaned_name: String = name
            .chars()
            .filter(|&c| c != '"' && (c == '\t' || !c.is_control()))
            .collect();
        let attendee = lines
            .iter()
            .find(|line| line.starts_with("ATTENDEE"))
            .expect("an ATTENDEE line");
        let expected_start = if cleaned_name.is_empty() {
            "ATTENDEE;ROLE=".to_owned()
        } else if cleaned_name.contains([':', ';', ',']) {
            format!("ATTENDEE;CN=\"{cleaned_name}\";ROLE=")
        } else {
            format!("ATTENDEE;CN={cleaned_name};ROLE=")
        };
        prop_assert!(attendee.starts_with(&expected_start), "{:?}", attendee);
    }
}
