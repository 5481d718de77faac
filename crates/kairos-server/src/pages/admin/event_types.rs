//! The console's event type pages: the list (active or archived, with booking counts and public
//! links), the create and edit form, and archive, restore and delete.
//!
//! Invariants:
//! - A submitted form is parsed straight into the event type's domain fields
//!   ([`EventTypeFields`], the types the admin API's JSON bodies parse into) and saved through
//!   [`crate::app::event_types`], so the rules and the permission checks are the API's. Problems
//!   are kept under the field names the API uses, so an application error lands on its input.
//! - Every input is parsed on its own, so one submit shows every problem; nothing is stored
//!   unless the whole form is valid.
//! - Members see and change only their own event types: another host's type answers 404, as if
//!   it did not exist.

use std::collections::HashSet;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kairos_core::event_type::{
    CustomQuestion, CustomQuestions, EventColor, Location, LocationType, QuestionDraft,
    QuestionType, Reminder, ReminderSettings, ReminderTiming,
};
use kairos_core::ids::{EventTypeId, UserId};
use kairos_core::settings::{
    BookingLimit, BufferMinutes, DurationMinutes, HostSettings, NoticeHours, SettingOverrides,
    WindowDays,
};
use kairos_core::text::{DisplayName, LongText, Slug};
use kairos_store::{DeleteOutcome, EventType, EventTypeFields, PageRequest, User};
use serde::Deserialize;

use super::{Console, ConsoleLayout, Section, done, notice_code, with_status};
use crate::app::{AppError, event_types, hosts};
use crate::pages::error::sentence;
use crate::pages::{PageError, render};
use crate::state::AppState;

/// Where the pages live.
const LIST: &str = "/admin/scheduling/event-types";

/// Event types per list page.
const PER_PAGE: u32 = 50;

/// Blank question rows a form offers (more with "Add question" when scripts run).
const BLANK_QUESTIONS: usize = 2;

/// The most question rows a submitted form is read for (the domain allows 30 questions).
const MAX_QUESTION_ROWS: usize = 100;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(LIST, get(list_page).post(create_submit))
        .route("/admin/scheduling/event-types/new", get(new_page))
        .route(
            "/admin/scheduling/event-types/{id}",
            get(edit_page).post(update_submit),
        )
        .route(
            "/admin/scheduling/event-types/{id}/archive",
            post(archive_submit),
        )
        .route(
            "/admin/scheduling/event-types/{id}/restore",
            post(restore_submit),
        )
        .route(
            "/admin/scheduling/event-types/{id}/delete",
            get(delete_page).post(delete_submit),
        )
}

// --- choices the form offers -----------------------------------------------------------------

/// One option of a radio group or select.
struct Choice {
    value: &'static str,
    label: &'static str,
    /// The colour class of a colour, the hint of a location type.
    extra: &'static str,
    /// Whether a question type takes options.
    takes_options: bool,
}

fn color_label(color: EventColor) -> &'static str {
    match color {
        EventColor::Green => "Green",
        EventColor::Mint => "Mint",
        EventColor::Blue => "Blue",
        EventColor::Purple => "Purple",
        EventColor::Orange => "Orange",
        EventColor::Red => "Red",
        EventColor::Gray => "Grey",
    }
}

/// A location type's label and what its value is.
fn location_text(kind: LocationType) -> (&'static str, &'static str) {
    match kind {
        LocationType::GoogleMeet => ("Google Meet", "Optional: a fixed meeting link"),
        LocationType::Zoom => ("Zoom", "Optional: a fixed meeting link"),
        LocationType::Phone => ("Phone call", "Required: the phone number"),
        LocationType::InPerson => ("In person", "Required: the address"),
        LocationType::Custom => ("Somewhere else", "Required: where or how you meet"),
    }
}

fn location_label(kind: LocationType) -> &'static str {
    location_text(kind).0
}

/// A question type's label.
fn question_label(kind: QuestionType) -> &'static str {
    match kind {
        QuestionType::Text => "Short text",
        QuestionType::Textarea => "Long text",
        QuestionType::Email => "Email address",
        QuestionType::Phone => "Phone number",
        QuestionType::Number => "Number",
        QuestionType::Select => "Drop-down (one choice)",
        QuestionType::Radio => "Radio buttons (one choice)",
        QuestionType::Multiselect => "Checkboxes (several choices)",
        QuestionType::Checkbox => "Single tick box (yes or no)",
    }
}

fn timing_label(timing: ReminderTiming) -> &'static str {
    match timing {
        ReminderTiming::Hours48 => "48 hours before",
        ReminderTiming::Hours24 => "24 hours before",
        ReminderTiming::Hours2 => "2 hours before",
        ReminderTiming::Hours1 => "1 hour before",
        ReminderTiming::Minutes30 => "30 minutes before",
        ReminderTiming::Minutes15 => "15 minutes before",
    }
}

/// Reads one override input into [`SettingOverrides`]; `false` when it holds a problem.
type SetOverride = fn(&mut SettingOverrides, &mut Found, &str, &str, FieldError) -> bool;

/// A host setting an event type may override: its API key, label, unit, the host's value, the
/// stored override and how a typed one is read.
struct OverrideSpec {
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    min: i32,
    max: i32,
    host_value: fn(&HostSettings) -> Option<i32>,
    stored: fn(&SettingOverrides) -> Option<i32>,
    set: SetOverride,
}

const OVERRIDES: [OverrideSpec; 6] = [
    OverrideSpec {
        key: "bufferBeforeMins",
        label: "Buffer before",
        unit: "minutes",
        min: 0,
        max: 480,
        host_value: |s| Some(s.buffer_before_mins.get()),
        stored: |o| o.buffer_before_mins.map(BufferMinutes::get),
        set: |o, found, field, typed, error| {
            bounded(found, field, typed, error, BufferMinutes::new)
                .map(|v| o.buffer_before_mins = v)
                .is_ok()
        },
    },
    OverrideSpec {
        key: "bufferAfterMins",
        label: "Buffer after",
        unit: "minutes",
        min: 0,
        max: 480,
        host_value: |s| Some(s.buffer_after_mins.get()),
        stored: |o| o.buffer_after_mins.map(BufferMinutes::get),
        set: |o, found, field, typed, error| {
            bounded(found, field, typed, error, BufferMinutes::new)
                .map(|v| o.buffer_after_mins = v)
                .is_ok()
        },
    },
    OverrideSpec {
        key: "minimumNoticeHours",
        label: "Minimum notice",
        unit: "hours",
        min: 0,
        max: 8760,
        host_value: |s| Some(s.minimum_notice_hours.get()),
        stored: |o| o.minimum_notice_hours.map(NoticeHours::get),
        set: |o, found, field, typed, error| {
            bounded(found, field, typed, error, NoticeHours::new)
                .map(|v| o.minimum_notice_hours = v)
                .is_ok()
        },
    },
    OverrideSpec {
        key: "bookingWindowDays",
        label: "Booking window",
        unit: "days",
        min: 1,
        max: 730,
        host_value: |s| Some(s.booking_window_days.get()),
        stored: |o| o.booking_window_days.map(WindowDays::get),
        set: |o, found, field, typed, error| {
            bounded(found, field, typed, error, WindowDays::new)
                .map(|v| o.booking_window_days = v)
                .is_ok()
        },
    },
    OverrideSpec {
        key: "dailyLimit",
        label: "Most bookings a day",
        unit: "",
        min: 1,
        max: 1000,
        host_value: |s| s.daily_limit.map(|l| l.get()),
        stored: |o| o.daily_limit.map(BookingLimit::get),
        set: |o, found, field, typed, error| {
            bounded(found, field, typed, error, BookingLimit::new)
                .map(|v| o.daily_limit = v)
                .is_ok()
        },
    },
    OverrideSpec {
        key: "weeklyLimit",
        label: "Most bookings a week",
        unit: "",
        min: 1,
        max: 1000,
        host_value: |s| s.weekly_limit.map(|l| l.get()),
        stored: |o| o.weekly_limit.map(BookingLimit::get),
        set: |o, found, field, typed, error| {
            bounded(found, field, typed, error, BookingLimit::new)
                .map(|v| o.weekly_limit = v)
                .is_ok()
        },
    },
];

// --- helpers ---------------------------------------------------------------------------------

/// An event type id from the path; anything else is "not found".
fn parse_id(id: &str) -> Result<EventTypeId, PageError> {
    id.parse()
        .map_err(|_| PageError(AppError::NotFound("event type")))
}

/// Another host's type is "not found" for a member, so the console does not reveal which ids
/// exist.
fn hidden(error: AppError) -> PageError {
    match error {
        AppError::Forbidden(_) => PageError(AppError::NotFound("event type")),
        other => PageError(other),
    }
}

/// Loads an event type the console user may manage, with its host.
async fn load(
    state: &AppState,
    console: &Console,
    id: EventTypeId,
) -> Result<(EventType, Option<User>), PageError> {
    event_types::load_with_host(state, &console.caller, id)
        .await
        .map_err(hidden)
}

/// The address of an event type's booking page.
fn public_link(state: &AppState, console: &Console, host: &User, slug: &str) -> String {
    format!(
        "{}/book/{}/{}/{slug}",
        state.settings.public_url(),
        console.tenant.slug,
        host.username
    )
}

/// A slug made from a name: lower-case ASCII letters and digits, other runs become one `-`.
fn slug_from(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(64);
    slug.trim_end_matches('-').to_owned()
}

/// `30 min`, `1 h`, `1 h 30 min`.
fn minutes_text(minutes: i32) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

// --- the list --------------------------------------------------------------------------------

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    show: Option<String>,
    host: Option<String>,
    page: Option<u32>,
}

/// An event type as a card of the list.
struct Row {
    name: String,
    edit_href: String,
    delete_href: String,
    action_base: String,
    color_class: &'static str,
    color_label: &'static str,
    duration: String,
    location: String,
    host: Option<String>,
    status: &'static str,
    status_class: &'static str,
    archived: bool,
    bookings: u64,
    public_link: Option<String>,
    copy_id: String,
}

/// A host in the filter or the form's host select.
struct HostOption {
    id: String,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin/event_types.html")]
struct ListPage {
    layout: ConsoleLayout,
    rows: Vec<Row>,
    archived: bool,
    active_href: String,
    archived_href: String,
    active_total: u64,
    archived_total: u64,
    show_hosts: bool,
    host_filter: Vec<HostOption>,
    filtered: bool,
    can_create: bool,
    previous_href: Option<String>,
    next_href: Option<String>,
    page_note: String,
}

fn list_href(archived: bool, host: Option<UserId>, page: u32) -> String {
    let mut pairs: Vec<(&str, String)> = Vec::new();
    if archived {
        pairs.push(("show", "archived".to_owned()));
    }
    if let Some(host) = host {
        pairs.push(("host", host.to_string()));
    }
    if page > 1 {
        pairs.push(("page", page.to_string()));
    }
    if pairs.is_empty() {
        LIST.to_owned()
    } else {
        let query = serde_urlencoded::to_string(&pairs).unwrap_or_default();
        format!("{LIST}?{query}")
    }
}

fn location_summary(event_type: &EventType) -> String {
    let location = &event_type.fields.location;
    let label = location_label(location.kind());
    match location.display_name().or(location.value()) {
        Some(detail) => format!("{label} · {detail}"),
        None => label.to_owned(),
    }
}

async fn list_page(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, PageError> {
    let notice = notice_code(query.as_deref());
    let params: ListQuery =
        serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default();
    let archived = params.show.as_deref() == Some("archived");
    let manages = console.manages_tenant();
    let host_filter = if manages {
        params
            .host
            .as_deref()
            .and_then(|h| h.parse::<UserId>().ok())
    } else {
        None
    };
    let page_number = params.page.unwrap_or(1).max(1);
    let hosts = hosts::choices(&state, &console.caller).await?;
    // A member without a host profile has no event types (and cannot create any).
    let has_scope = manages || console.caller.own_host().is_some();

    let mut rows = Vec::new();
    let (mut active_total, mut archived_total, mut shown_total) = (0, 0, 0);
    let offset = (page_number - 1).saturating_mul(PER_PAGE);
    if has_scope {
        let listing = event_types::listing(
            &state,
            &console.caller,
            host_filter,
            archived,
            PageRequest::new(PER_PAGE, offset),
        )
        .await?;
        active_total = listing.live_total;
        archived_total = listing.archived_total;
        let page = listing.page;
        shown_total = page.total;
        for event_type in page.items {
            let host = hosts.iter().find(|h| h.id == event_type.user_id);
            let is_archived = event_type.archived_at.is_some();
            let (status, status_class) = if is_archived {
                ("Archived", "archived")
            } else if event_type.fields.is_active {
                ("Active", "active")
            } else {
                ("Off", "inactive")
            };
            let bookable = !is_archived && event_type.fields.is_active;
            let id = event_type.id;
            rows.push(Row {
                name: event_type.fields.name.to_string(),
                edit_href: format!("{LIST}/{id}"),
                delete_href: format!("{LIST}/{id}/delete"),
                action_base: format!("{LIST}/{id}"),
                color_class: crate::pages::accent_class(event_type.fields.color),
                color_label: color_label(event_type.fields.color),
                duration: minutes_text(event_type.fields.duration.get()),
                location: location_summary(&event_type),
                host: manages.then(|| {
                    host.map_or_else(|| "Unknown host".to_owned(), |h| h.display_name.to_string())
                }),
                status,
                status_class,
                archived: is_archived,
                bookings: event_type.booking_count,
                public_link: host
                    .filter(|_| bookable)
                    .map(|h| public_link(&state, &console, h, event_type.fields.slug.as_str())),
                copy_id: format!("link-{id}"),
            });
        }
    }

    let shown_until = u64::from(offset) + rows.len() as u64;
    let previous_href =
        (page_number > 1).then(|| list_href(archived, host_filter, page_number - 1));
    let next_href =
        (shown_until < shown_total).then(|| list_href(archived, host_filter, page_number + 1));
    let page_note = if previous_href.is_some() || next_href.is_some() {
        format!("{}–{} of {shown_total}", offset + 1, shown_until)
    } else {
        String::new()
    };
    let page = ListPage {
        layout: console
            .layout("Event types", Section::EventTypes)
            .with_notice(notice.as_deref()),
        rows,
        archived,
        active_href: list_href(false, host_filter, 1),
        archived_href: list_href(true, host_filter, 1),
        active_total,
        archived_total,
        show_hosts: manages,
        host_filter: if manages {
            hosts
                .iter()
                .map(|h| HostOption {
                    id: h.id.to_string(),
                    name: h.display_name.to_string(),
                    selected: Some(h.id) == host_filter,
                })
                .collect()
        } else {
            Vec::new()
        },
        filtered: host_filter.is_some(),
        can_create: has_scope,
        previous_href,
        next_href,
        page_note,
    };
    render(&page)
}

// --- the form --------------------------------------------------------------------------------

/// The form's values as the user typed them (or as stored), for showing the form again.
#[derive(Debug, Clone, Default)]
struct FormValues {
    user_id: String,
    name: String,
    slug: String,
    description: String,
    duration: String,
    slot_interval: String,
    color: String,
    location_type: String,
    location_value: String,
    location_display_name: String,
    is_active: bool,
    reminders_enabled: bool,
}

/// One question row of the editor.
#[derive(Debug, Clone, Default)]
struct QuestionRow {
    /// The question's id; empty for a row added in this form.
    id: String,
    label: String,
    kind: String,
    required: bool,
    /// One option a line.
    options: String,
    placeholder: String,
    remove: bool,
    error: Option<String>,
}

impl QuestionRow {
    fn blank() -> Self {
        Self {
            kind: "text".to_owned(),
            ..Self::default()
        }
    }

    /// A row nobody filled in (ignored on submit).
    fn is_blank(&self) -> bool {
        self.id.is_empty()
            && self.label.trim().is_empty()
            && self.options.trim().is_empty()
            && self.placeholder.trim().is_empty()
    }
}

/// A question row as the template shows it: names and ids carry its position.
struct QuestionView {
    /// `customQuestions[<index>]`, the prefix of its field names.
    name: String,
    /// `q<index>`, the prefix of its element ids.
    dom: String,
    number: String,
    row: QuestionRow,
}

/// One reminder timing row.
#[derive(Debug, Clone)]
struct ReminderRow {
    timing: &'static str,
    label: &'static str,
    checked: bool,
    to_host: bool,
    to_invitee: bool,
}

/// One setting override input.
#[derive(Debug, Clone)]
struct OverrideRow {
    /// `settingOverrides.<key>`: the field name, as the API names it in errors.
    name: String,
    dom: String,
    label: &'static str,
    unit: &'static str,
    min: i32,
    max: i32,
    value: String,
    host_hint: String,
    error: Option<String>,
}

/// A problem with the submitted form: where it shows, where the summary links to, and what.
#[derive(Debug, Clone)]
struct FieldError {
    /// The input group the message sits next to (`name`, `location`, `question:2`, …).
    slot: String,
    anchor: String,
    summary: String,
    message: String,
}

#[derive(Template)]
#[template(path = "admin/event_type_form.html")]
struct FormPage {
    layout: ConsoleLayout,
    heading: String,
    action: String,
    is_new: bool,
    archived: bool,
    action_base: String,
    delete_href: String,
    booking_count: u64,
    host_name: Option<String>,
    public_link: Option<String>,
    hosts: Vec<HostOption>,
    values: FormValues,
    colors: Vec<Choice>,
    locations: Vec<Choice>,
    question_types: Vec<Choice>,
    questions: Vec<QuestionView>,
    /// The blank row "Add question" copies (`__INDEX__` and `__NUMBER__` replaced).
    template_questions: Vec<QuestionView>,
    next_question: usize,
    reminders: Vec<ReminderRow>,
    overrides: Vec<OverrideRow>,
    errors: Vec<FieldError>,
}

impl FormPage {
    /// The message for an input group, if it has one.
    fn error(&self, slot: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.slot == slot)
            .map(|e| e.message.as_str())
    }

    fn has_error(&self, slot: &str) -> bool {
        self.error(slot).is_some()
    }
}

/// What a form page is about: a new type, or an existing one (and its host).
enum Subject {
    New {
        host: Option<User>,
    },
    Existing {
        event_type: Box<EventType>,
        host: Option<User>,
    },
}

impl Subject {
    fn host(&self) -> Option<&User> {
        match self {
            Subject::New { host } | Subject::Existing { host, .. } => host.as_ref(),
        }
    }
}

/// Everything the form shows besides its values.
struct Editor {
    values: FormValues,
    questions: Vec<QuestionRow>,
    reminders: Vec<ReminderRow>,
    overrides: Vec<String>,
}

impl Editor {
    /// The form of a new event type: the spec's defaults.
    fn new_type(default_host: Option<&User>) -> Self {
        let values = FormValues {
            user_id: default_host.map(|h| h.id.to_string()).unwrap_or_default(),
            duration: default_host
                .map_or(30, |h| h.settings.default_duration.get())
                .to_string(),
            color: EventColor::default().as_str().to_owned(),
            location_type: "google_meet".to_owned(),
            is_active: true,
            reminders_enabled: true,
            ..FormValues::default()
        };
        let reminders = kairos_core::event_type::ReminderSettings::default();
        Self {
            values,
            questions: Vec::new(),
            reminders: reminder_rows(reminders.reminders()),
            overrides: vec![String::new(); OVERRIDES.len()],
        }
    }

    /// The form of a stored event type.
    fn stored(event_type: &EventType) -> Self {
        let fields = &event_type.fields;
        let location = &fields.location;
        let values = FormValues {
            user_id: event_type.user_id.to_string(),
            name: fields.name.to_string(),
            slug: fields.slug.to_string(),
            description: fields
                .description
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            duration: fields.duration.get().to_string(),
            slot_interval: fields
                .slot_interval
                .map(|i| i.get().to_string())
                .unwrap_or_default(),
            color: fields.color.as_str().to_owned(),
            location_type: location.kind().as_str().to_owned(),
            location_value: location.value().unwrap_or_default().to_owned(),
            location_display_name: location.display_name().unwrap_or_default().to_owned(),
            is_active: fields.is_active,
            reminders_enabled: fields.reminder_settings.enabled(),
        };
        let questions = fields
            .custom_questions
            .as_slice()
            .iter()
            .map(|q| QuestionRow {
                id: q.id().to_owned(),
                label: q.label().to_owned(),
                kind: q.kind().as_str().to_owned(),
                required: q.required(),
                options: q.options().join("\n"),
                placeholder: q.placeholder().unwrap_or_default().to_owned(),
                remove: false,
                error: None,
            })
            .collect();
        let overrides = OVERRIDES
            .iter()
            .map(|spec| {
                (spec.stored)(&fields.setting_overrides)
                    .map(|value| value.to_string())
                    .unwrap_or_default()
            })
            .collect();
        Self {
            values,
            questions,
            reminders: reminder_rows(fields.reminder_settings.reminders()),
            overrides,
        }
    }
}

fn reminder_rows(reminders: &[kairos_core::event_type::Reminder]) -> Vec<ReminderRow> {
    ReminderTiming::ALL
        .into_iter()
        .map(|timing| {
            let set = reminders.iter().find(|r| r.timing == timing);
            ReminderRow {
                timing: timing.as_str(),
                label: timing_label(timing),
                checked: set.is_some(),
                // An unticked timing offers both recipients, ready to tick.
                to_host: set.is_none_or(|r| r.send_to_host),
                to_invitee: set.is_none_or(|r| r.send_to_invitee),
            }
        })
        .collect()
}

/// Renders the form page for `subject` with `editor`'s values and `errors`.
fn form_page(
    state: &AppState,
    console: &Console,
    subject: &Subject,
    hosts: &[User],
    editor: Editor,
    errors: Vec<FieldError>,
) -> FormPage {
    let Editor {
        values,
        questions,
        reminders,
        overrides,
    } = editor;
    let (heading, action, is_new, archived, booking_count, public) = match subject {
        Subject::New { .. } => (
            "New event type".to_owned(),
            LIST.to_owned(),
            true,
            false,
            0,
            None,
        ),
        Subject::Existing { event_type, host } => {
            let bookable = event_type.archived_at.is_none() && event_type.fields.is_active;
            (
                format!("Edit {}", event_type.fields.name),
                format!("{LIST}/{}", event_type.id),
                false,
                event_type.archived_at.is_some(),
                event_type.booking_count,
                host.as_ref()
                    .filter(|_| bookable)
                    .map(|h| public_link(state, console, h, event_type.fields.slug.as_str())),
            )
        }
    };
    let host_settings = subject.host().map(|h| &h.settings);
    let errors_for = |slot: &str| {
        errors
            .iter()
            .find(|e| e.slot == slot)
            .map(|e| e.message.clone())
    };
    let overrides = OVERRIDES
        .iter()
        .zip(overrides)
        .map(|(spec, value)| {
            let host_hint = match host_settings {
                Some(settings) => match ((spec.host_value)(settings), spec.unit) {
                    (Some(v), "") => format!("Host's setting: {v}."),
                    (Some(v), unit) => format!("Host's setting: {v} {unit}."),
                    (None, _) => "Host's setting: no limit.".to_owned(),
                },
                None => "Blank keeps the host's setting.".to_owned(),
            };
            let name = format!("settingOverrides.{}", spec.key);
            OverrideRow {
                error: errors_for(&name),
                dom: format!("override-{}", spec.key),
                name,
                label: spec.label,
                unit: spec.unit,
                min: spec.min,
                max: spec.max,
                value,
                host_hint,
            }
        })
        .collect();
    let mut views: Vec<QuestionView> = questions
        .into_iter()
        .enumerate()
        .map(|(index, row)| question_view(index.to_string(), (index + 1).to_string(), row))
        .collect();
    for _ in 0..BLANK_QUESTIONS {
        let index = views.len();
        views.push(question_view(
            index.to_string(),
            (index + 1).to_string(),
            QuestionRow::blank(),
        ));
    }
    let next_question = views.len();
    let selected_host = values.user_id.clone();
    let (action_base, delete_href) = match subject {
        Subject::Existing { event_type, .. } => (
            format!("{LIST}/{}", event_type.id),
            format!("{LIST}/{}/delete", event_type.id),
        ),
        Subject::New { .. } => (String::new(), String::new()),
    };
    let title = if is_new {
        "New event type".to_owned()
    } else {
        heading.clone()
    };
    FormPage {
        layout: console.layout(title, Section::EventTypes),
        heading,
        action,
        is_new,
        archived,
        action_base,
        delete_href,
        booking_count,
        host_name: match subject {
            Subject::Existing { host, .. } if console.manages_tenant() => {
                host.as_ref().map(|h| h.display_name.to_string())
            }
            _ => None,
        },
        public_link: public,
        hosts: if is_new && console.manages_tenant() {
            hosts
                .iter()
                .map(|h| HostOption {
                    id: h.id.to_string(),
                    name: if h.is_active {
                        h.display_name.to_string()
                    } else {
                        format!("{} (inactive)", h.display_name)
                    },
                    selected: h.id.to_string() == selected_host,
                })
                .collect()
        } else {
            Vec::new()
        },
        values,
        colors: EventColor::ALL
            .into_iter()
            .map(|c| Choice {
                value: c.as_str(),
                label: color_label(c),
                extra: crate::pages::accent_class(c),
                takes_options: false,
            })
            .collect(),
        locations: LocationType::ALL
            .into_iter()
            .map(|kind| {
                let (label, hint) = location_text(kind);
                Choice {
                    value: kind.as_str(),
                    label,
                    extra: hint,
                    takes_options: false,
                }
            })
            .collect(),
        question_types: QuestionType::ALL
            .into_iter()
            .map(|kind| Choice {
                value: kind.as_str(),
                label: question_label(kind),
                extra: "",
                takes_options: kind.has_options(),
            })
            .collect(),
        questions: views,
        template_questions: vec![question_view(
            "__INDEX__".to_owned(),
            "__NUMBER__".to_owned(),
            QuestionRow::blank(),
        )],
        next_question,
        reminders,
        overrides,
        errors,
    }
}

fn question_view(index: String, number: String, row: QuestionRow) -> QuestionView {
    QuestionView {
        name: format!("customQuestions[{index}]"),
        dom: format!("q{index}"),
        number,
        row,
    }
}

async fn new_page(State(state): State<AppState>, console: Console) -> Result<Response, PageError> {
    // A member without a host profile cannot have event types; the list says why.
    if !console.manages_tenant() && console.host.is_none() {
        return Ok(Redirect::to(LIST).into_response());
    }
    let hosts = hosts::choices(&state, &console.caller).await?;
    let subject = Subject::New {
        host: console.host.clone(),
    };
    let editor = Editor::new_type(console.host.as_ref());
    let page = form_page(&state, &console, &subject, &hosts, editor, Vec::new());
    Ok(render(&page)?.into_response())
}

async fn edit_page(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Html<String>, PageError> {
    let (event_type, host) = load(&state, &console, parse_id(&id)?).await?;
    let editor = Editor::stored(&event_type);
    let subject = Subject::Existing {
        event_type: Box::new(event_type),
        host,
    };
    let mut page = form_page(&state, &console, &subject, &[], editor, Vec::new());
    page.layout = page
        .layout
        .with_notice(notice_code(query.as_deref()).as_deref());
    render(&page)
}

// --- reading a submitted form ----------------------------------------------------------------

/// A submitted form: what to show again, the fields it makes when every input is valid, and
/// the problems found.
struct Submission {
    editor: Editor,
    /// The host named in the form (a new type, owners and admins).
    host: Option<UserId>,
    /// Every field of the event type, when the whole form is valid.
    fields: Option<EventTypeFields>,
    /// For each question of the type, its row in `editor.questions`.
    question_rows: Vec<usize>,
    errors: Vec<FieldError>,
}

/// A whole number typed into a field, `None` when blank.
fn whole_number(text: &str) -> Result<Option<i64>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>().map(Some).map_err(|_| ())
}

/// The problems found while reading a form, each under the event type field it is about (the
/// names the admin API gives them, so an application error lands on the same input).
#[derive(Default)]
struct Found {
    /// A rule of a domain type (shown as `Label: rule`).
    rules: Vec<(String, String)>,
    /// What the form itself asks for (shown as written).
    form: Vec<FieldError>,
}

impl Found {
    /// A value's parse result, its error recorded under `field`.
    fn check<T>(&mut self, field: &str, parsed: Result<T, kairos_core::ParseError>) -> Option<T> {
        parsed
            .map_err(|error| {
                self.rules
                    .push((field.to_owned(), error.message().to_owned()))
            })
            .ok()
    }
}

/// An optional number input made into a bounded setting.
fn bounded<T>(
    found: &mut Found,
    field: &str,
    typed: &str,
    not_a_number: FieldError,
    make: impl FnOnce(i64) -> Result<T, kairos_core::ParseError>,
) -> Result<Option<T>, ()> {
    match whole_number(typed) {
        Ok(None) => Ok(None),
        Ok(Some(number)) => found.check(field, make(number)).map(Some).ok_or(()),
        Err(()) => {
            found.form.push(not_a_number);
            Err(())
        }
    }
}

/// Reads the form into an event type's fields, parsing every input into its domain type on
/// its own so one submit names every problem. `base` gives what an input left out keeps (a
/// new type's defaults, or the stored fields).
fn read_form(form: &super::ConsoleForm, with_host: bool, base: &EventTypeFields) -> Submission {
    let text = |name: &str| form.value(name).unwrap_or_default().to_owned();
    let values = FormValues {
        user_id: text("userId"),
        name: text("name"),
        slug: text("slug"),
        description: text("description"),
        duration: text("duration"),
        slot_interval: text("slotInterval"),
        color: text("color"),
        location_type: text("location.type"),
        location_value: text("location.value"),
        location_display_name: text("location.displayName"),
        is_active: form.checked("isActive"),
        reminders_enabled: form.checked("reminderSettings.enabled"),
    };
    let mut found = Found::default();

    let host = match form.text("userId").filter(|_| with_host) {
        None => None,
        Some(id) => match id.parse::<UserId>() {
            Ok(id) => Some(id),
            Err(_) => {
                found.rules.push((
                    "userId".to_owned(),
                    "choose one of the hosts in the list".to_owned(),
                ));
                None
            }
        },
    };
    let name = found.check("name", DisplayName::parse(values.name.trim()));
    let slug = match values.slug.trim() {
        "" => slug_from(&values.name),
        typed => typed.to_owned(),
    };
    let slug = found.check("slug", Slug::parse(&slug));
    let description = match values.description.trim() {
        "" => Some(None),
        typed => found.check("description", LongText::parse(typed)).map(Some),
    };
    let duration = match whole_number(&values.duration) {
        Ok(Some(minutes)) => found.check("duration", DurationMinutes::new(minutes)),
        Ok(None) => {
            found.form.push(problem(
                "duration",
                "Enter how long the meeting lasts, in minutes.",
            ));
            None
        }
        Err(()) => {
            found
                .form
                .push(problem("duration", "Enter a whole number of minutes."));
            None
        }
    };
    let slot_interval = bounded(
        &mut found,
        "slotInterval",
        &values.slot_interval,
        problem(
            "slotInterval",
            "Enter a whole number of minutes, or leave it blank.",
        ),
        DurationMinutes::new,
    );
    let color = match values.color.as_str() {
        "" => Some(base.color),
        typed => found.check("color", EventColor::parse(typed)),
    };
    let location = match values.location_type.as_str() {
        "" => Some(base.location.clone()),
        typed => found
            .check("location.type", LocationType::parse(typed))
            .and_then(|kind| {
                let given = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
                found.check(
                    "location",
                    Location::new(
                        kind,
                        given(&values.location_value),
                        given(&values.location_display_name),
                    ),
                )
            }),
    };

    let (reminders, reminder_settings) = read_reminders(form, values.reminders_enabled, &mut found);
    let (override_values, setting_overrides) = read_overrides(form, &mut found);
    let (rows, question_rows, custom_questions) = read_questions(form, &mut found);

    let mut errors = found.form;
    errors.extend(
        found
            .rules
            .iter()
            .map(|(field, message)| FieldError::at(field, message, &question_rows)),
    );
    let fields = (|| {
        Some(EventTypeFields {
            name: name?,
            slug: slug?,
            description: description?,
            duration: duration?,
            slot_interval: slot_interval.ok()?,
            color: color?,
            location: location?,
            custom_questions: custom_questions?,
            reminder_settings: reminder_settings?,
            setting_overrides: setting_overrides?,
            is_active: values.is_active,
        })
    })()
    .filter(|_| errors.is_empty());
    let mut submission = Submission {
        editor: Editor {
            values,
            questions: rows,
            reminders,
            overrides: override_values,
        },
        host,
        fields,
        question_rows,
        errors: Vec::new(),
    };
    for error in errors {
        submission.push(error);
    }
    submission
        .errors
        .sort_by_key(|error| form_order(&error.slot));
    submission
}

/// The reminder inputs: each ticked timing with its recipients.
fn read_reminders(
    form: &super::ConsoleForm,
    enabled: bool,
    found: &mut Found,
) -> (Vec<ReminderRow>, Option<ReminderSettings>) {
    let rows: Vec<ReminderRow> = ReminderTiming::ALL
        .into_iter()
        .map(|timing| {
            let name = format!("reminder.{}", timing.as_str());
            ReminderRow {
                timing: timing.as_str(),
                label: timing_label(timing),
                checked: form.checked(&name),
                to_host: form.checked(&format!("{name}.host")),
                to_invitee: form.checked(&format!("{name}.invitee")),
            }
        })
        .collect();
    let chosen = ReminderTiming::ALL
        .into_iter()
        .zip(&rows)
        .filter(|(_, row)| row.checked)
        .map(|(timing, row)| Reminder {
            timing,
            send_to_host: row.to_host,
            send_to_invitee: row.to_invitee,
        })
        .collect();
    let settings = found.check("reminderSettings", ReminderSettings::new(enabled, chosen));
    (rows, settings)
}

/// The override inputs (blank inherits the host's setting): what was typed, and the overrides
/// when every one is valid.
fn read_overrides(
    form: &super::ConsoleForm,
    found: &mut Found,
) -> (Vec<String>, Option<SettingOverrides>) {
    let mut overrides = SettingOverrides::default();
    let mut all_ok = true;
    let mut typed_values = Vec::new();
    for spec in &OVERRIDES {
        let name = format!("settingOverrides.{}", spec.key);
        let typed = form.value(&name).unwrap_or_default().to_owned();
        let not_a_number = FieldError {
            anchor: format!("override-{}", spec.key),
            summary: format!("{}: enter a whole number, or leave it blank", spec.label),
            message: "Enter a whole number, or leave it blank to use the host's setting."
                .to_owned(),
            slot: name.clone(),
        };
        all_ok &= (spec.set)(&mut overrides, found, &name, &typed, not_a_number);
        typed_values.push(typed);
    }
    (typed_values, all_ok.then_some(overrides))
}

/// The question rows: what to show again, each question's row, and the questions when every
/// one is valid. Kept ids stay; new ones are made from the label, unique within the type.
fn read_questions(
    form: &super::ConsoleForm,
    found: &mut Found,
) -> (Vec<QuestionRow>, Vec<usize>, Option<CustomQuestions>) {
    let rows = question_rows_of(form);
    let mut taken: HashSet<String> = rows
        .iter()
        .filter(|r| !r.remove && !r.id.is_empty())
        .map(|r| r.id.clone())
        .collect();
    let mut questions = Vec::new();
    let mut question_rows = Vec::new();
    let mut all_ok = true;
    for (position, row) in rows.iter().enumerate() {
        if row.remove {
            continue;
        }
        let field = format!("customQuestions[{}]", question_rows.len());
        question_rows.push(position);
        let id = if row.id.is_empty() {
            new_question_id(&row.label, &mut taken)
        } else {
            row.id.clone()
        };
        let Some(kind) = found.check(&field, QuestionType::parse(&row.kind)) else {
            all_ok = false;
            continue;
        };
        let options = kind.has_options().then(|| {
            row.options
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .map(str::to_owned)
                .collect()
        });
        let draft = QuestionDraft {
            id,
            label: row.label.trim().to_owned(),
            kind,
            required: row.required,
            options,
            placeholder: Some(row.placeholder.trim().to_owned()).filter(|p| !p.is_empty()),
        };
        match found.check(&field, CustomQuestion::new(draft)) {
            Some(question) => questions.push(question),
            None => all_ok = false,
        }
    }
    let questions = if all_ok {
        found.check("customQuestions", CustomQuestions::try_from(questions))
    } else {
        None
    };
    (rows, question_rows, questions)
}

/// The question rows of a submitted form, in the order of their numbers (blank new rows left
/// out).
fn question_rows_of(form: &super::ConsoleForm) -> Vec<QuestionRow> {
    let mut indexes: Vec<usize> = form
        .fields()
        .iter()
        .filter_map(|(key, _)| key.strip_prefix("customQuestions["))
        .filter_map(|rest| rest.split_once(']'))
        .filter_map(|(index, _)| index.parse().ok())
        .filter(|index| *index < MAX_QUESTION_ROWS)
        .collect();
    indexes.sort_unstable();
    indexes.dedup();
    indexes
        .into_iter()
        .map(|index| {
            let field = |part: &str| format!("customQuestions[{index}].{part}");
            QuestionRow {
                id: form.text(&field("id")).unwrap_or_default().to_owned(),
                label: form.value(&field("label")).unwrap_or_default().to_owned(),
                kind: form.text(&field("type")).unwrap_or("text").to_owned(),
                required: form.checked(&field("required")),
                options: form.value(&field("options")).unwrap_or_default().to_owned(),
                placeholder: form
                    .value(&field("placeholder"))
                    .unwrap_or_default()
                    .to_owned(),
                remove: form.checked(&field("remove")),
                error: None,
            }
        })
        .filter(|row| !row.is_blank())
        .collect()
}

/// An id for a new question: its label as a slug (`question` when that is empty), with `-2`,
/// `-3`, … added until no other question of the type has it.
fn new_question_id(label: &str, taken: &mut HashSet<String>) -> String {
    let mut base = slug_from(label);
    base.truncate(56);
    let base = match base.trim_end_matches('-') {
        "" => "question".to_owned(),
        trimmed => trimmed.to_owned(),
    };
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// A problem the form itself names at a top-level field, shown as written.
fn problem(field: &str, message: &str) -> FieldError {
    let (slot, anchor, label) = place(field, &[]);
    FieldError {
        slot,
        anchor,
        summary: format!("{label}: {}", lower_first(message.trim_end_matches('.'))),
        message: message.to_owned(),
    }
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Where an event type field shows on the form: the input group, the element the summary
/// links to, and the group's name in the summary.
fn place(field: &str, question_rows: &[usize]) -> (String, String, String) {
    if let Some(rest) = field.strip_prefix("customQuestions[") {
        let index: Option<usize> = rest.split_once(']').and_then(|(i, _)| i.parse().ok());
        if let Some(row) = index.and_then(|i| question_rows.get(i)) {
            return (
                format!("question:{row}"),
                format!("q{row}"),
                format!("Question {}", row + 1),
            );
        }
    }
    if let Some(key) = field.strip_prefix("settingOverrides.") {
        let key = key.split(['.', '[']).next().unwrap_or_default();
        if let Some(spec) = OVERRIDES.iter().find(|s| s.key == key) {
            return (
                format!("settingOverrides.{key}"),
                format!("override-{key}"),
                spec.label.to_owned(),
            );
        }
    }
    let top = field.split(['.', '[']).next().unwrap_or_default();
    let (slot, anchor, label) = match top {
        "name" => ("name", "name", "Name"),
        "slug" => ("slug", "slug", "Slug"),
        "description" => ("description", "description", "Description"),
        "duration" => ("duration", "duration", "Duration"),
        "slotInterval" => ("slotInterval", "slotInterval", "Start times"),
        "color" => ("color", "color-group", "Colour"),
        "location" if field == "location.type" => ("location", "location-group", "Location"),
        "location" => ("location", "location-value", "Location"),
        "customQuestions" => ("customQuestions", "questions", "Questions"),
        "reminderSettings" => ("reminderSettings", "reminders", "Reminders"),
        "settingOverrides" => ("settingOverrides", "overrides", "Booking rules"),
        "userId" => ("userId", "userId", "Host"),
        "isActive" => ("isActive", "isActive", "Status"),
        _ => ("form", "form-errors", "Form"),
    };
    (slot.to_owned(), anchor.to_owned(), label.to_owned())
}

impl FieldError {
    /// A broken rule of `field` (`Label: rule` in the summary, the rule as a sentence by the
    /// input).
    fn at(field: &str, message: &str, question_rows: &[usize]) -> Self {
        let (slot, anchor, label) = place(field, question_rows);
        FieldError {
            slot,
            anchor,
            summary: format!("{label}: {message}"),
            message: sentence(message),
        }
    }
}

/// An application error as a problem of the form; `None` for errors that are not about one of
/// its fields.
fn field_error(error: &AppError, question_rows: &[usize]) -> Option<FieldError> {
    let (field, message) = match error {
        AppError::Validation { field, message } => (field.as_str(), message.clone()),
        AppError::BadRequest {
            field: Some(field),
            message,
        } => (field.as_str(), message.clone()),
        AppError::Conflict {
            field: Some(field), ..
        } if field == "slug" => (
            "slug",
            "this host already has an event type with this slug (archived ones count too); choose another"
                .to_owned(),
        ),
        AppError::Conflict {
            field: Some(field),
            message,
            ..
        } => (field.as_str(), message.clone()),
        AppError::NotFound(_) => ("userId", "choose one of the hosts in the list".to_owned()),
        _ => return None,
    };
    Some(FieldError::at(field, &message, question_rows))
}

/// Where an input group comes on the form, so the summary lists problems top to bottom.
fn form_order(slot: &str) -> (usize, usize) {
    const ORDER: [&str; 12] = [
        "userId",
        "name",
        "slug",
        "description",
        "isActive",
        "duration",
        "slotInterval",
        "color",
        "location",
        "customQuestions",
        "reminderSettings",
        "settingOverrides",
    ];
    if let Some(row) = slot.strip_prefix("question:") {
        return (9, row.parse::<usize>().map_or(0, |r| r + 1));
    }
    let top = slot.split('.').next().unwrap_or_default();
    let rank = ORDER.iter().position(|s| *s == top).unwrap_or(ORDER.len());
    let within = OVERRIDES
        .iter()
        .position(|spec| slot.strip_prefix("settingOverrides.") == Some(spec.key))
        .map_or(0, |i| i + 1);
    (rank, within)
}

impl Submission {
    /// Adds a problem, and puts a question's message on its row.
    fn push(&mut self, problem: FieldError) {
        if let Some(row) = problem
            .slot
            .strip_prefix("question:")
            .and_then(|r| r.parse::<usize>().ok())
            && let Some(question) = self.editor.questions.get_mut(row)
            && question.error.is_none()
        {
            question.error = Some(problem.message.clone());
        }
        self.errors.push(problem);
    }

    /// Adds an application error to the form's problems; `false` when it is not about a field.
    fn refused(&mut self, error: &AppError) -> bool {
        match field_error(error, &self.question_rows) {
            Some(problem) => {
                self.push(problem);
                true
            }
            None => false,
        }
    }
}

/// The form again with its problems, answered 422.
fn invalid(
    state: &AppState,
    console: &Console,
    subject: &Subject,
    hosts: &[User],
    submission: Submission,
) -> Result<Response, PageError> {
    let page = form_page(
        state,
        console,
        subject,
        hosts,
        submission.editor,
        submission.errors,
    );
    Ok(with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        render(&page)?,
    ))
}

/// The fields a new event type starts from: what the form leaves out keeps these.
fn new_type_fields() -> Result<EventTypeFields, PageError> {
    let placeholder = |error: kairos_core::ParseError| PageError(AppError::internal(error));
    Ok(EventTypeFields {
        name: DisplayName::parse("New event type").map_err(placeholder)?,
        slug: Slug::parse("new-event-type").map_err(placeholder)?,
        description: None,
        duration: DurationMinutes::new(30).map_err(placeholder)?,
        slot_interval: None,
        color: EventColor::default(),
        location: Location::google_meet(),
        custom_questions: CustomQuestions::default(),
        reminder_settings: ReminderSettings::default(),
        setting_overrides: SettingOverrides::default(),
        is_active: true,
    })
}

async fn create_submit(
    State(state): State<AppState>,
    console: Console,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = console.form(&body)?;
    let manages = console.manages_tenant();
    if !manages && console.host.is_none() {
        return Ok(Redirect::to(LIST).into_response());
    }
    let hosts = hosts::choices(&state, &console.caller).await?;
    // Members create for themselves: any host in the form is ignored.
    let mut submission = read_form(&form, manages, &new_type_fields()?);
    let subject = Subject::New {
        host: if manages {
            form.text("userId")
                .and_then(|id| hosts.iter().find(|h| h.id.to_string() == id))
                .cloned()
        } else {
            console.host.clone()
        },
    };
    let Some(fields) = submission.fields.take() else {
        return invalid(&state, &console, &subject, &hosts, submission);
    };
    match event_types::create(&state, &console.caller, submission.host, fields).await {
        Ok(_) => Ok(done(LIST, "created")),
        Err(error) => {
            if submission.refused(&error) {
                invalid(&state, &console, &subject, &hosts, submission)
            } else {
                Err(PageError(error))
            }
        }
    }
}

async fn update_submit(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    let form = console.form(&body)?;
    let id = parse_id(&id)?;
    let (event_type, host) = load(&state, &console, id).await?;
    let mut submission = read_form(&form, false, &event_type.fields);
    let subject = Subject::Existing {
        event_type: Box::new(event_type),
        host,
    };
    let Some(fields) = submission.fields.take() else {
        return invalid(&state, &console, &subject, &[], submission);
    };
    match event_types::update(&state, &console.caller, id, |stored| *stored = fields).await {
        Ok(_) => Ok(done(&format!("{LIST}/{id}"), "saved")),
        Err(error) => {
            if submission.refused(&error) {
                invalid(&state, &console, &subject, &[], submission)
            } else {
                Err(PageError(error))
            }
        }
    }
}

// --- archive, restore, delete ----------------------------------------------------------------

async fn archive_submit(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    console.form(&body)?;
    let id = parse_id(&id)?;
    event_types::archive(&state, &console.caller, id)
        .await
        .map_err(hidden)?;
    Ok(done(LIST, "archived"))
}

async fn restore_submit(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    console.form(&body)?;
    let id = parse_id(&id)?;
    event_types::restore(&state, &console.caller, id)
        .await
        .map_err(hidden)?;
    Ok(done(LIST, "restored"))
}

#[derive(Template)]
#[template(path = "admin/event_type_delete.html")]
struct DeletePage {
    layout: ConsoleLayout,
    name: String,
    action: String,
    back_href: String,
    bookings: u64,
}

impl DeletePage {
    fn bookings_text(&self) -> String {
        match self.bookings {
            1 => "1 booking".to_owned(),
            n => format!("{n} bookings"),
        }
    }
}

async fn delete_page(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> Result<Html<String>, PageError> {
    let (event_type, _) = load(&state, &console, parse_id(&id)?).await?;
    let name = event_type.fields.name.to_string();
    let page = DeletePage {
        layout: console.layout(format!("Delete {name}"), Section::EventTypes),
        name,
        action: format!("{LIST}/{}/delete", event_type.id),
        back_href: format!("{LIST}/{}", event_type.id),
        bookings: event_type.booking_count,
    };
    render(&page)
}

async fn delete_submit(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, PageError> {
    console.form(&body)?;
    let id = parse_id(&id)?;
    match event_types::delete(&state, &console.caller, id)
        .await
        .map_err(hidden)?
    {
        DeleteOutcome::Deleted => Ok(done(LIST, "deleted")),
        DeleteOutcome::Archived => Ok(done(
            &format!("{LIST}?show=archived"),
            "archived-not-deleted",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_come_from_names() {
        assert_eq!(slug_from("Intro call (30 min)"), "intro-call-30-min");
        assert_eq!(slug_from("  --Déjà vu--  "), "d-j-vu");
        assert_eq!(slug_from("会議"), "");
        assert!(slug_from(&"ab ".repeat(40)).len() <= 64);
    }

    #[test]
    fn new_question_ids_are_unique() {
        let mut taken: HashSet<String> = ["company".to_owned()].into_iter().collect();
        assert_eq!(new_question_id("Company", &mut taken), "company-2");
        assert_eq!(new_question_id("Company", &mut taken), "company-3");
        assert_eq!(new_question_id("？", &mut taken), "question");
        assert_eq!(new_question_id("", &mut taken), "question-2");
    }

    #[test]
    fn api_fields_find_their_inputs() {
        let rows = [0, 2];
        assert_eq!(place("customQuestions[1]", &rows).0, "question:2");
        assert_eq!(place("customQuestions[1].type", &rows).1, "q2");
        assert_eq!(place("customQuestions", &rows).0, "customQuestions");
        assert_eq!(
            place("settingOverrides.bufferBeforeMins", &rows).1,
            "override-bufferBeforeMins"
        );
        assert_eq!(place("location.type", &rows).1, "location-group");
        assert_eq!(
            place("reminderSettings.reminders[0].timing", &rows).0,
            "reminderSettings"
        );
    }
}
