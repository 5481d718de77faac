//! Email templates: a tiny `{{variable}}` language, the built-in texts, and rendering to a
//! subject, a plain-text body and an HTML body.
//!
//! # The language
//!
//! A template is text with variables written `{{name}}` (spaces inside the braces are
//! allowed: `{{ hostName }}`). [`Template::parse`] accepts only the names in [`Variable`] and
//! rejects an unknown name, a `{{` that is not closed on the same line and a `}}` that closes
//! nothing, naming the variable or the text and the line. Single braces are ordinary text;
//! there is no way to write a literal `{{`.
//!
//! Rendering rules, the same for the built-in templates and tenant overrides:
//!
//! - **Empty lines vanish.** A template line that holds at least one variable, all of which
//!   are empty for this booking, is left out: `Notes: {{notes}}` disappears when there are no
//!   notes. Runs of blank lines collapse into one, and the body starts and ends with text.
//! - **`{{details}}`** is the summary of the booking: event, time, place, the other party, the
//!   invitee's answers and notes, then the links (join, reschedule, cancel, manage). In the
//!   plain-text body it is `Label: value` lines; in the HTML body it is a card with the links as
//!   buttons. Every body shows it: where the template puts it, or else at the end, so an
//!   invitee can always find when, where and how to cancel.
//! - **`{{customResponses}}`** is one `Question: answer` line per answered question (not JSON,
//!   which reads badly in an email).
//! - **Times** are shown in the recipient's zone with the zone's name and abbreviation, e.g.
//!   `Tuesday, 3 March 2026, 14:30 (Europe/Berlin, CET)`, so a DST change is visible.
//! - **Subjects** are one line: line breaks in values become spaces, so no value can add a
//!   header.
//! - **HTML** is made from the rendered text: every character is escaped, blank lines make
//!   paragraphs and line breaks `<br>`. Only the values of the link variables (`meetLink`,
//!   `cancelLink`, `rescheduleLink`, `manageLink`) become links, and only when they are
//!   `http(s)` URLs: a URL typed by an invitee into their notes stays text.
//!
//! # Overrides
//!
//! A tenant may replace the subject, the body or both for one ([`NotificationKind`],
//! [`Audience`]) pair: host and invitee emails say different things, so they are overridden
//! separately. [`TemplateOverride::parse`] is the check to run when an override is saved;
//! a stored override deserialises through the same check.

mod defaults;
mod html;
mod values;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::notification::{Audience, Notification, NotificationKind};
pub(crate) use values::Fragment;
use values::Values;

/// A value a template can show.
///
/// The names are those of the booking spec plus a few that make better emails:
/// `previousStartTime`, `cancelReason`, `tenantName`, `reminderTiming`, `notes`, `timeRange`,
/// `manageLink` and `details`. A variable with nothing to show (no location, say) is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Variable {
    /// `{{hostName}}`: the host's name.
    HostName,
    /// `{{hostEmail}}`: the host's address.
    HostEmail,
    /// `{{inviteeName}}`: the invitee's name.
    InviteeName,
    /// `{{inviteeEmail}}`: the invitee's address.
    InviteeEmail,
    /// `{{eventTypeName}}`: the event type, e.g. `Intro call`.
    EventTypeName,
    /// `{{duration}}`: e.g. `30 minutes`, `1 hour 15 minutes`.
    Duration,
    /// `{{startTime}}`: the start in the recipient's zone, with the zone.
    StartTime,
    /// `{{endTime}}`: the end in the recipient's zone, with the zone.
    EndTime,
    /// `{{timeRange}}`: start and end together, e.g.
    /// `Tuesday, 3 March 2026, 14:30–15:00 (Europe/Berlin, CET)`.
    TimeRange,
    /// `{{timezone}}`: the recipient's IANA zone name.
    Timezone,
    /// `{{location}}`: where the meeting happens.
    Location,
    /// `{{meetLink}}`: the video call link.
    MeetLink,
    /// `{{cancelLink}}`: the invitee's cancel page (invitee emails only).
    CancelLink,
    /// `{{rescheduleLink}}`: the invitee's reschedule page (invitee emails only).
    RescheduleLink,
    /// `{{manageLink}}`: the booking in the admin app (host emails).
    ManageLink,
    /// `{{customResponses}}`: `Question: answer` lines.
    CustomResponses,
    /// `{{notes}}`: the invitee's notes.
    Notes,
    /// `{{previousStartTime}}`: for a reschedule, the old start.
    PreviousStartTime,
    /// `{{cancelReason}}`: why the booking was cancelled.
    CancelReason,
    /// `{{tenantName}}`: the organisation's name.
    TenantName,
    /// `{{reminderTiming}}`: for a reminder, e.g. `in 24 hours`.
    ReminderTiming,
    /// `{{details}}`: the booking summary block (body only).
    Details,
}

impl Variable {
    /// Every variable, in the order a help text lists them.
    pub const ALL: [Self; 22] = [
        Self::HostName,
        Self::HostEmail,
        Self::InviteeName,
        Self::InviteeEmail,
        Self::EventTypeName,
        Self::Duration,
        Self::StartTime,
        Self::EndTime,
        Self::TimeRange,
        Self::Timezone,
        Self::Location,
        Self::MeetLink,
        Self::CancelLink,
        Self::RescheduleLink,
        Self::ManageLink,
        Self::CustomResponses,
        Self::Notes,
        Self::PreviousStartTime,
        Self::CancelReason,
        Self::TenantName,
        Self::ReminderTiming,
        Self::Details,
    ];

    /// The name written between the braces, e.g. `"hostName"`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::HostName => "hostName",
            Self::HostEmail => "hostEmail",
            Self::InviteeName => "inviteeName",
            Self::InviteeEmail => "inviteeEmail",
            Self::EventTypeName => "eventTypeName",
            Self::Duration => "duration",
            Self::StartTime => "startTime",
            Self::EndTime => "endTime",
            Self::TimeRange => "timeRange",
            Self::Timezone => "timezone",
            Self::Location => "location",
            Self::MeetLink => "meetLink",
            Self::CancelLink => "cancelLink",
            Self::RescheduleLink => "rescheduleLink",
            Self::ManageLink => "manageLink",
            Self::CustomResponses => "customResponses",
            Self::Notes => "notes",
            Self::PreviousStartTime => "previousStartTime",
            Self::CancelReason => "cancelReason",
            Self::TenantName => "tenantName",
            Self::ReminderTiming => "reminderTiming",
            Self::Details => "details",
        }
    }

    /// The variable with this name, if there is one. Names are case-sensitive.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|variable| variable.name() == name)
    }
}

impl fmt::Display for Variable {
    /// Writes the variable as a template spells it, e.g. `{{hostName}}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{{{{}}}}}", self.name())
    }
}

/// Why a template was refused. Every message names the line (counted from 1) and the
/// variable or text at fault, so it can be shown to the tenant as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `{{name}}` with a name that is not a [`Variable`].
    #[error(
        "line {line}: unknown variable {{{{{name}}}}}; the variables are {}",
        variable_list()
    )]
    UnknownVariable {
        /// The name as written, trimmed.
        name: String,
        /// The line it is on.
        line: usize,
    },
    /// A `{{` with nothing or only spaces before its `}}`.
    #[error("line {line}: empty variable {{{{}}}}; write a name such as {{{{hostName}}}}")]
    EmptyVariable {
        /// The line it is on.
        line: usize,
    },
    /// A `{{` with no `}}` after it on the same line (or another `{{` first).
    #[error("line {line}: {near:?} opens a variable with {{{{ but does not close it with }}}}")]
    Unclosed {
        /// The text from the unclosed `{{`, shortened.
        near: String,
        /// The line it is on.
        line: usize,
    },
    /// A `}}` that closes no `{{`.
    #[error("line {line}: {near:?} has }}}} without a {{{{ before it")]
    UnmatchedClose {
        /// The text up to and including the stray `}}`, shortened.
        near: String,
        /// The line it is on.
        line: usize,
    },
    /// A subject with a line break in it.
    #[error("a subject is a single line; remove the line break")]
    LineBreakInSubject,
    /// A variable that only works in a body, used in a subject.
    #[error("{variable} can only be used in the body, not in the subject")]
    NotInSubject {
        /// The variable.
        variable: Variable,
    },
    /// More text than a template of this kind may hold.
    #[error("at most {max} characters, got {got}")]
    TooLong {
        /// The limit.
        max: usize,
        /// The length given.
        got: usize,
    },
}

/// `{{a}}, {{b}}, …` for error messages.
fn variable_list() -> String {
    Variable::ALL
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// One piece of a template line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    /// Text shown as it is.
    Literal(String),
    /// A variable, replaced by its value.
    Variable(Variable),
}

/// A parsed template: its source and its lines, each a run of text and variables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    source: String,
    lines: Vec<Vec<Piece>>,
}

impl Template {
    /// Parses a template, refusing unknown variables and unbalanced braces.
    ///
    /// CRLF and lone CR line ends are read as LF.
    ///
    /// ```
    /// use kairos_notify::template::{Template, TemplateError};
    ///
    /// let template = Template::parse("Hi {{ inviteeName }},").unwrap();
    /// assert_eq!(template.source(), "Hi {{ inviteeName }},");
    ///
    /// let error = Template::parse("Hi {{guestName}}").unwrap_err();
    /// assert!(matches!(error, TemplateError::UnknownVariable { ref name, line: 1 } if name == "guestName"));
    /// assert!(error.to_string().starts_with("line 1: unknown variable {{guestName}}"));
    /// ```
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let source = source.replace("\r\n", "\n").replace('\r', "\n");
        let lines = source
            .split('\n')
            .enumerate()
            .map(|(index, line)| parse_line(line, index + 1))
            .collect::<Result<_, _>>()?;
        Ok(Self { source, lines })
    }

    /// The text the template was parsed from (with LF line ends).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The variables the template uses, in order of appearance, repeats included.
    pub fn variables(&self) -> impl Iterator<Item = Variable> + '_ {
        self.lines.iter().flatten().filter_map(|piece| match piece {
            Piece::Variable(variable) => Some(*variable),
            Piece::Literal(_) => None,
        })
    }

    /// A template that shows `text` as it is; for the built-in texts should they ever fail to
    /// parse (a test makes sure they do not), so rendering never panics.
    fn literal(text: &str) -> Self {
        Self {
            source: text.to_owned(),
            lines: text
                .split('\n')
                .map(|line| vec![Piece::Literal(line.to_owned())])
                .collect(),
        }
    }

    /// Parses one of the built-in texts.
    fn built_in(text: &str) -> Self {
        Self::parse(text).unwrap_or_else(|_| Self::literal(text))
    }

    /// Checks the extra rules of a subject: one line, no body-only variable.
    fn check_subject(&self) -> Result<(), TemplateError> {
        if self.lines.len() > 1 {
            return Err(TemplateError::LineBreakInSubject);
        }
        match self.variables().find(|v| *v == Variable::Details) {
            Some(variable) => Err(TemplateError::NotInSubject { variable }),
            None => Ok(()),
        }
    }
}

/// The text around a position in a line, for error messages: at most 40 characters.
fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        let mut short: String = text.chars().take(MAX - 1).collect();
        short.push('…');
        short
    }
}

fn parse_line(line: &str, number: usize) -> Result<Vec<Piece>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = line;
    loop {
        let open = rest.find("{{");
        let close = rest.find("}}");
        let stray_close = match (open, close) {
            (_, None) => None,
            (None, Some(close)) => Some(close),
            (Some(open), Some(close)) => (close < open).then_some(close),
        };
        if let Some(close) = stray_close {
            return Err(TemplateError::UnmatchedClose {
                near: shorten(&rest[..close + 2]),
                line: number,
            });
        }
        let Some(open) = open else {
            if !rest.is_empty() {
                pieces.push(Piece::Literal(rest.to_owned()));
            }
            return Ok(pieces);
        };
        if open > 0 {
            pieces.push(Piece::Literal(rest[..open].to_owned()));
        }
        let unclosed = || TemplateError::Unclosed {
            near: shorten(&rest[open..]),
            line: number,
        };
        let after = &rest[open + 2..];
        let end = after.find("}}").ok_or_else(unclosed)?;
        let inner = &after[..end];
        if inner.contains('{') {
            return Err(unclosed());
        }
        let name = inner.trim();
        if name.is_empty() {
            return Err(TemplateError::EmptyVariable { line: number });
        }
        let variable = Variable::from_name(name).ok_or_else(|| TemplateError::UnknownVariable {
            name: name.to_owned(),
            line: number,
        })?;
        pieces.push(Piece::Variable(variable));
        rest = &after[end + 2..];
    }
}

/// Which part of an override a [`TemplateError`] is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OverrideField {
    /// The subject line.
    Subject,
    /// The body.
    Body,
}

impl OverrideField {
    /// The JSON field name, `"subject"` or `"body"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Subject => "subject",
            Self::Body => "body",
        }
    }
}

/// Why a [`TemplateOverride`] was refused: the field and what is wrong with it. The server
/// answers 422 with this.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}: {error}", field.as_str())]
pub struct OverrideError {
    /// The field at fault.
    pub field: OverrideField,
    /// What is wrong with it.
    pub error: TemplateError,
}

/// A tenant's replacement for the built-in subject, body or both, for one
/// ([`NotificationKind`], [`Audience`]) pair; what it leaves out stays built-in.
///
/// Only a parsed override exists: build one with [`TemplateOverride::parse`] when the tenant
/// saves it (a refusal is a 422 naming the field), store it with serde (`{"subject": …,
/// "body": …}`), and loading it runs the same check.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(try_from = "RawTemplateOverride", into = "RawTemplateOverride")]
pub struct TemplateOverride {
    subject: Option<Template>,
    body: Option<Template>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplateOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    subject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    body: Option<String>,
}

impl TryFrom<RawTemplateOverride> for TemplateOverride {
    type Error = OverrideError;
    fn try_from(raw: RawTemplateOverride) -> Result<Self, OverrideError> {
        Self::parse(raw.subject.as_deref(), raw.body.as_deref())
    }
}

impl From<TemplateOverride> for RawTemplateOverride {
    fn from(value: TemplateOverride) -> Self {
        Self {
            subject: value.subject.map(|t| t.source),
            body: value.body.map(|t| t.source),
        }
    }
}

impl TemplateOverride {
    /// The longest subject template, in characters.
    pub const MAX_SUBJECT_CHARS: usize = 300;
    /// The longest body template, in characters.
    pub const MAX_BODY_CHARS: usize = 20_000;

    /// Parses an override. A missing or blank field means "keep the built-in one".
    ///
    /// ```
    /// use kairos_notify::template::{OverrideField, TemplateOverride};
    ///
    /// let ok = TemplateOverride::parse(Some("Booked: {{eventTypeName}}"), None).unwrap();
    /// assert_eq!(ok.subject(), Some("Booked: {{eventTypeName}}"));
    /// assert_eq!(ok.body(), None);
    ///
    /// let error = TemplateOverride::parse(None, Some("Hi {{name}}")).unwrap_err();
    /// assert_eq!(error.field, OverrideField::Body);
    /// assert!(error.to_string().starts_with("body: line 1: unknown variable {{name}}"));
    /// ```
    pub fn parse(subject: Option<&str>, body: Option<&str>) -> Result<Self, OverrideError> {
        let subject = parse_field(subject, Self::MAX_SUBJECT_CHARS)
            .and_then(|template| {
                if let Some(template) = &template {
                    template.check_subject()?;
                }
                Ok(template)
            })
            .map_err(|error| OverrideError {
                field: OverrideField::Subject,
                error,
            })?;
        let body = parse_field(body, Self::MAX_BODY_CHARS).map_err(|error| OverrideError {
            field: OverrideField::Body,
            error,
        })?;
        Ok(Self { subject, body })
    }

    /// The subject template as the tenant wrote it, if overridden.
    pub fn subject(&self) -> Option<&str> {
        self.subject.as_ref().map(Template::source)
    }

    /// The body template as the tenant wrote it (LF line ends), if overridden.
    pub fn body(&self) -> Option<&str> {
        self.body.as_ref().map(Template::source)
    }
}

fn parse_field(text: Option<&str>, max: usize) -> Result<Option<Template>, TemplateError> {
    let Some(text) = text.filter(|text| !text.trim().is_empty()) else {
        return Ok(None);
    };
    let got = text.chars().count();
    if got > max {
        return Err(TemplateError::TooLong { max, got });
    }
    Template::parse(text).map(Some)
}

/// The built-in subject and body for one kind of email, as template source.
///
/// An admin screen can show these as the starting point of an override.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultTemplate {
    /// The subject template.
    pub subject: &'static str,
    /// The plain-text body template.
    pub body: &'static str,
}

/// The built-in templates for a kind of email and its audience.
pub fn default_template(kind: NotificationKind, audience: Audience) -> DefaultTemplate {
    defaults::template(kind, audience)
}

/// A rendered email: what goes into the message's headers and parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    /// The subject: one line, no control characters.
    pub subject: String,
    /// The plain-text body, LF line ends, ending with a line end.
    pub text: String,
    /// The HTML body: a complete document with inline styles.
    pub html: String,
}

/// Renders the email for `notification`, with the tenant's override for its kind and audience
/// if there is one.
///
/// Rendering cannot fail: every template that exists has been parsed, and every value has a
/// text (empty when there is nothing to show).
pub fn render(
    notification: &Notification,
    template_override: Option<&TemplateOverride>,
) -> RenderedEmail {
    let defaults = default_template(notification.kind, notification.audience);
    let built_in_subject;
    let subject = match template_override.and_then(|o| o.subject.as_ref()) {
        Some(subject) => subject,
        None => {
            built_in_subject = Template::built_in(defaults.subject);
            &built_in_subject
        }
    };
    let built_in_body;
    let body = match template_override.and_then(|o| o.body.as_ref()) {
        Some(body) => body,
        None => {
            built_in_body = Template::built_in(defaults.body);
            &built_in_body
        }
    };

    let values = Values::new(notification);
    let subject = render_subject(subject, &values);
    let lines = render_lines(body, &values);
    let text = html::to_text(&lines, Some(&values));
    let html = html::to_html(&lines, Some(&values), &notification.tenant_name, &subject);
    RenderedEmail {
        subject,
        text,
        html,
    }
}

/// Renders an email that is about no booking (a console account's password reset, say):
/// `lines` as given, with blank lines between paragraphs, under `tenant`'s name.
pub(crate) fn render_lines_only(
    tenant: &str,
    subject: &str,
    lines: &[Vec<Fragment>],
) -> RenderedEmail {
    RenderedEmail {
        subject: subject.to_owned(),
        text: html::to_text(lines, None),
        html: html::to_html(lines, None, tenant, subject),
    }
}

/// The calendar event's DESCRIPTION for this notification: the other party, the answers and
/// notes, and the links; what the calendar has no property of its own for.
pub(crate) fn calendar_description(notification: &Notification) -> String {
    Values::new(notification).details().calendar_description()
}

/// The subject: values in, line breaks and control characters out, spaces collapsed.
fn render_subject(template: &Template, values: &Values<'_>) -> String {
    let mut subject = String::new();
    for piece in template.lines.iter().flatten() {
        match piece {
            Piece::Literal(text) => subject.push_str(text),
            Piece::Variable(Variable::Details) => {}
            Piece::Variable(variable) => match values.get(*variable) {
                Fragment::Text(text) | Fragment::Link(text) => subject.push_str(&text),
                Fragment::Details => {}
            },
        }
    }
    subject
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The body as lines of fragments, after the empty-line rule, with blank runs collapsed and
/// `{{details}}` appended when the template does not place it.
fn render_lines(template: &Template, values: &Values<'_>) -> Vec<Vec<Fragment>> {
    let mut lines: Vec<Vec<Fragment>> = Vec::new();
    let mut has_details = false;
    for pieces in &template.lines {
        let mut line = Vec::with_capacity(pieces.len());
        let mut variables = 0;
        let mut empty_variables = 0;
        for piece in pieces {
            match piece {
                Piece::Literal(text) => line.push(Fragment::Text(text.clone())),
                Piece::Variable(variable) => {
                    let fragment = values.get(*variable);
                    variables += 1;
                    if fragment.is_empty() {
                        empty_variables += 1;
                    }
                    has_details |= matches!(fragment, Fragment::Details);
                    line.push(fragment);
                }
            }
        }
        if variables > 0 && variables == empty_variables {
            continue;
        }
        let blank = is_blank(&line);
        let previous_blank = lines.last().is_none_or(|last| is_blank(last));
        if !(blank && previous_blank) {
            lines.push(line);
        }
    }
    if !has_details {
        if lines.last().is_some_and(|last| !is_blank(last)) {
            lines.push(Vec::new());
        }
        lines.push(vec![Fragment::Details]);
    }
    while lines.last().is_some_and(|last| is_blank(last)) {
        lines.pop();
    }
    lines
}

fn is_blank(line: &[Fragment]) -> bool {
    line.iter().all(|fragment| match fragment {
        Fragment::Text(text) => text.trim().is_empty(),
        Fragment::Link(_) | Fragment::Details => false,
    })
}

#[cfg(test)]
mod tests;
