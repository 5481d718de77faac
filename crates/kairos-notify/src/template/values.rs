//! The text of every variable for one notification: times in the recipient's zone, durations
//! in words, values cleaned of characters that could break a line or a header, and the
//! booking summary behind `{{details}}`.

use jiff::fmt::strtime;
use jiff::{Timestamp, ZonedDateTime};
use kairos_core::event_type::ReminderTiming;
use kairos_core::zone::TimeZoneName;

use super::Variable;
use crate::notification::{Audience, Notification, NotificationKind, Party};

/// A rendered piece of a body line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fragment {
    /// Text, shown as it is (escaped in HTML).
    Text(String),
    /// An `http(s)` URL from a link variable: a link in HTML.
    Link(String),
    /// The booking summary.
    Details,
}

impl Fragment {
    /// Whether the fragment shows nothing, for the empty-line rule.
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Self::Text(text) => text.trim().is_empty(),
            Self::Link(_) | Self::Details => false,
        }
    }
}

/// The values of one notification, computed once.
#[derive(Debug)]
pub(crate) struct Values<'a> {
    notification: &'a Notification,
    start: String,
    end: String,
    range: String,
    previous_start: String,
}

impl<'a> Values<'a> {
    pub(crate) fn new(notification: &'a Notification) -> Self {
        let zone = &notification.time_zone;
        Self {
            notification,
            start: format_instant(notification.start, zone),
            end: format_instant(notification.end, zone),
            range: format_range(notification.start, notification.end, zone),
            previous_start: notification
                .previous_start
                .map(|previous| format_instant(previous, zone))
                .unwrap_or_default(),
        }
    }

    /// The value of a variable.
    pub(crate) fn get(&self, variable: Variable) -> Fragment {
        let n = self.notification;
        let text = |value: &str| Fragment::Text(one_line(value));
        let optional = |value: &Option<String>| text(value.as_deref().unwrap_or(""));
        match variable {
            Variable::HostName => text(n.host.name_or_email()),
            Variable::HostEmail => text(n.host.email.as_str()),
            Variable::InviteeName => text(n.invitee.name_or_email()),
            Variable::InviteeEmail => text(n.invitee.email.as_str()),
            Variable::EventTypeName => text(&n.event_type_name),
            Variable::Duration => Fragment::Text(format_duration(n)),
            Variable::StartTime => Fragment::Text(self.start.clone()),
            Variable::EndTime => Fragment::Text(self.end.clone()),
            Variable::TimeRange => Fragment::Text(self.range.clone()),
            Variable::Timezone => Fragment::Text(n.time_zone.as_str().to_owned()),
            Variable::Location => optional(&n.location),
            Variable::MeetLink => link(n.meet_link.as_deref()),
            Variable::CancelLink => link(n.cancel_link.as_deref()),
            Variable::RescheduleLink => link(n.reschedule_link.as_deref()),
            Variable::ManageLink => link(n.manage_link.as_deref()),
            Variable::CustomResponses => Fragment::Text(
                n.responses
                    .iter()
                    .map(|r| format!("{}: {}", one_line(&r.question), multi_line(&r.answer)))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ),
            Variable::Notes => Fragment::Text(multi_line(n.notes.as_deref().unwrap_or(""))),
            Variable::PreviousStartTime => Fragment::Text(self.previous_start.clone()),
            Variable::CancelReason => {
                Fragment::Text(multi_line(n.cancel_reason.as_deref().unwrap_or("")))
            }
            Variable::TenantName => text(&n.tenant_name),
            Variable::ReminderTiming => Fragment::Text(reminder_phrase(n).to_owned()),
            Variable::Details => Fragment::Details,
        }
    }

    /// The booking summary behind `{{details}}`, as rows and buttons.
    pub(crate) fn details(&self) -> Details {
        let n = self.notification;
        let cancelled = n.kind == NotificationKind::Cancellation;
        // The card shows the event and its duration as its title, so not as a row.
        let mut rows = vec![Row {
            label: "What".to_owned(),
            value: format!("{} ({})", one_line(&n.event_type_name), format_duration(n)),
            in_calendar: false,
            in_card: false,
        }];
        let mut row = |label: &str, value: String, in_calendar: bool| {
            if !value.trim().is_empty() {
                rows.push(Row {
                    label: label.to_owned(),
                    value,
                    in_calendar,
                    in_card: true,
                });
            }
        };
        row("When", self.range.clone(), false);
        if n.kind == NotificationKind::Reschedule {
            row("Previously", self.previous_start.clone(), false);
        }
        row(
            "Where",
            one_line(n.location.as_deref().unwrap_or("")),
            false,
        );
        let (other_label, other) = match n.audience {
            Audience::Host => ("Invitee", &n.invitee),
            Audience::Invitee => ("Host", &n.host),
        };
        row(other_label, party_line(other), true);
        for response in &n.responses {
            row(
                &one_line(&response.question),
                multi_line(&response.answer),
                true,
            );
        }
        row("Notes", multi_line(n.notes.as_deref().unwrap_or("")), true);

        let mut links = Vec::new();
        let mut add_link = |label: &'static str, url: Option<&str>| {
            if let Some(url) = url.map(one_line).filter(|url| !url.is_empty()) {
                links.push(LinkButton { label, url });
            }
        };
        if !cancelled {
            add_link("Join meeting", n.meet_link.as_deref());
            add_link("Reschedule", n.reschedule_link.as_deref());
            add_link("Cancel booking", n.cancel_link.as_deref());
        }
        add_link("Open booking", n.manage_link.as_deref());

        Details {
            title: one_line(&n.event_type_name),
            duration: format_duration(n),
            cancelled,
            rows,
            links,
        }
    }
}

/// The booking summary: a title, labelled rows and links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Details {
    /// The event type's name.
    pub(crate) title: String,
    /// How long it lasts, in words.
    pub(crate) duration: String,
    /// Whether the booking is cancelled (the card says so; no join or change links).
    pub(crate) cancelled: bool,
    /// `Label: value` rows, values possibly several lines.
    pub(crate) rows: Vec<Row>,
    /// The links, in order: join, reschedule, cancel, manage.
    pub(crate) links: Vec<LinkButton>,
}

/// One labelled value of the summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) label: String,
    pub(crate) value: String,
    /// Whether the calendar event's description repeats it (the time and place have their
    /// own calendar properties).
    pub(crate) in_calendar: bool,
    /// Whether the HTML card shows it as a row.
    pub(crate) in_card: bool,
}

/// A link of the summary: a button in HTML, a `Label: URL` line in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkButton {
    pub(crate) label: &'static str,
    pub(crate) url: String,
}

impl LinkButton {
    /// Whether the URL may be an HTML link: only `http` and `https` may.
    pub(crate) fn is_web(&self) -> bool {
        is_web_url(&self.url)
    }
}

impl Details {
    /// The summary as plain text: the rows, a blank line, the links.
    pub(crate) fn to_text(&self) -> String {
        let mut lines: Vec<String> = self.rows.iter().map(row_text).collect();
        if !self.links.is_empty() {
            lines.push(String::new());
            lines.extend(
                self.links
                    .iter()
                    .map(|link| format!("{}: {}", link.label, link.url)),
            );
        }
        lines.join("\n")
    }

    /// The calendar event's DESCRIPTION: what the calendar has no property for.
    pub(crate) fn calendar_description(&self) -> String {
        let mut lines: Vec<String> = self
            .rows
            .iter()
            .filter(|row| row.in_calendar)
            .map(row_text)
            .collect();
        if !self.links.is_empty() && !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(
            self.links
                .iter()
                .map(|link| format!("{}: {}", link.label, link.url)),
        );
        lines.join("\n")
    }
}

fn row_text(row: &Row) -> String {
    format!("{}: {}", row.label, row.value)
}

/// `Name <address>`, or the address alone when the name is blank.
fn party_line(party: &Party) -> String {
    let name = one_line(&party.name);
    if name.is_empty() {
        party.email.as_str().to_owned()
    } else {
        format!("{name} <{}>", party.email)
    }
}

/// A link variable's value: a link when it is an `http(s)` URL, text otherwise.
fn link(url: Option<&str>) -> Fragment {
    let url = one_line(url.unwrap_or(""));
    if is_web_url(&url) {
        Fragment::Link(url)
    } else {
        Fragment::Text(url)
    }
}

fn is_web_url(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && !url.contains(char::is_whitespace)
}

/// A value meant for one line: every line break and control character becomes a space, and
/// the ends are trimmed. Names and titles go through this, so none can forge a line.
pub(crate) fn one_line(value: &str) -> String {
    let mut line = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            chars.next_if_eq(&'\n');
            line.push(' ');
        } else if c.is_control() {
            line.push(' ');
        } else {
            line.push(c);
        }
    }
    line.trim().to_owned()
}

/// A value that may span lines (notes, answers, reasons): line ends become LF, other control
/// characters except tab are dropped, trailing space is trimmed.
pub(crate) fn multi_line(value: &str) -> String {
    let mut text = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                chars.next_if_eq(&'\n');
                text.push('\n');
            }
            '\n' | '\t' => text.push(c),
            c if c.is_control() => {}
            c => text.push(c),
        }
    }
    text.trim().to_owned()
}

/// `30 minutes`, `1 hour`, `1 hour 15 minutes`, `2 hours`.
fn format_duration(notification: &Notification) -> String {
    let minutes = notification.duration().as_mins();
    let (hours, minutes) = (minutes / 60, minutes % 60);
    let unit = |count: i64, one: &str, many: &str| {
        format!("{count} {}", if count == 1 { one } else { many })
    };
    match (hours, minutes) {
        (0, minutes) => unit(minutes, "minute", "minutes"),
        (hours, 0) => unit(hours, "hour", "hours"),
        (hours, minutes) => format!(
            "{} {}",
            unit(hours, "hour", "hours"),
            unit(minutes, "minute", "minutes")
        ),
    }
}

/// `in 24 hours` for a reminder; `soon` for a reminder without a timing; empty otherwise.
fn reminder_phrase(notification: &Notification) -> &'static str {
    if notification.kind != NotificationKind::Reminder {
        return "";
    }
    match notification.reminder {
        Some(ReminderTiming::Hours48) => "in 2 days",
        Some(ReminderTiming::Hours24) => "in 24 hours",
        Some(ReminderTiming::Hours2) => "in 2 hours",
        Some(ReminderTiming::Hours1) => "in 1 hour",
        Some(ReminderTiming::Minutes30) => "in 30 minutes",
        Some(ReminderTiming::Minutes15) => "in 15 minutes",
        None => "soon",
    }
}

/// Formats with jiff's strftime; the formats here are fixed and valid, so the fallback (the
/// RFC 9557 form) is only for instants jiff cannot format.
fn strftime(format: &str, zoned: &ZonedDateTime) -> String {
    strtime::format(format, zoned).unwrap_or_else(|_| zoned.to_string())
}

/// ` (Europe/Berlin, CET)`, or ` (UTC)` when the abbreviation is the zone's name.
fn zone_suffix(zoned: &ZonedDateTime, zone: &TimeZoneName) -> String {
    let abbreviation = strftime("%Z", zoned);
    if abbreviation == zone.as_str() || abbreviation.is_empty() {
        format!(" ({})", zone.as_str())
    } else {
        format!(" ({}, {abbreviation})", zone.as_str())
    }
}

const DATE: &str = "%A, %-d %B %Y";
const CLOCK: &str = "%H:%M";

/// `Tuesday, 3 March 2026, 14:30 (Europe/Berlin, CET)`.
pub(crate) fn format_instant(instant: Timestamp, zone: &TimeZoneName) -> String {
    let zoned = instant.to_zoned_datetime(zone.time_zone().clone());
    format!(
        "{}, {}{}",
        strftime(DATE, &zoned),
        strftime(CLOCK, &zoned),
        zone_suffix(&zoned, zone)
    )
}

/// `Tuesday, 3 March 2026, 14:30–15:00 (Europe/Berlin, CET)` when start and end share a day
/// and an abbreviation; both in full otherwise (a meeting across midnight or a DST change).
pub(crate) fn format_range(start: Timestamp, end: Timestamp, zone: &TimeZoneName) -> String {
    let zoned_start = start.to_zoned_datetime(zone.time_zone().clone());
    let zoned_end = end.to_zoned_datetime(zone.time_zone().clone());
    let same_day = zoned_start.date() == zoned_end.date();
    let same_abbreviation = strftime("%Z", &zoned_start) == strftime("%Z", &zoned_end);
    if same_day && same_abbreviation {
        format!(
            "{}, {}–{}{}",
            strftime(DATE, &zoned_start),
            strftime(CLOCK, &zoned_start),
            strftime(CLOCK, &zoned_end),
            zone_suffix(&zoned_start, zone)
        )
    } else {
        format!(
            "{} – {}",
            format_instant(start, zone),
            format_instant(end, zone)
        )
    }
}
