//! The console's event type pages: the list (active or archived, with booking counts and public
//! links), the create and edit form, and archive, restore and delete.
//!
//! Invariants:
//! - A submitted form becomes the admin API's own request body (the JSON of
//!   [`CreateEventType`] / [`UpdateEventType`]) and is saved through the API's functions
//!   ([`api::create`], [`api::update`], …), so the rules, the defaults and the permission checks
//!   are the API's, and its error `field` names say which input is wrong.
//! - Every field of the body is checked on its own first, so one submit shows every problem;
//!   nothing is stored unless the whole body is valid.
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
use kairos_core::event_type::{EventColor, LocationType, QuestionType, ReminderTiming};
use kairos_core::ids::{EventTypeId, UserId};
use kairos_core::settings::HostSettings;
use kairos_store::{ArchivedFilter, DeleteOutcome, EventType, PageRequest, User, UserFilter};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Console, ConsoleLayout, Section, done, notice_code, with_status};
use crate::api::admin::event_types::{self as api, CreateEventType, UpdateEventType};
use crate::error::ApiError;
use crate::extract::parse_json;
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

/// Every colour, in the picker's order.
const COLORS: [EventColor; 7] = [
    EventColor::Blue,
    EventColor::Green,
    EventColor::Mint,
    EventColor::Purple,
    EventColor::Orange,
    EventColor::Red,
    EventColor::Gray,
];

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

/// Every location type with its JSON spelling, label and what its value is.
const LOCATIONS: [(LocationType, &str, &str, &str); 5] = [
    (
        LocationType::GoogleMeet,
        "google_meet",
        "Google Meet",
        "Optional: a fixed meeting link",
    ),
    (
        LocationType::Zoom,
        "zoom",
        "Zoom",
        "Optional: a fixed meeting link",
    ),
    (
        LocationType::Phone,
        "phone",
        "Phone call",
        "Required: the phone number",
    ),
    (
        LocationType::InPerson,
        "in_person",
        "In person",
        "Required: the address",
    ),
    (
        LocationType::Custom,
        "custom",
        "Somewhere else",
        "Required: where or how you meet",
    ),
];

fn location_spelling(kind: LocationType) -> &'static str {
    LOCATIONS
        .iter()
        .find(|(k, ..)| *k == kind)
        .map_or("google_meet", |(_, value, ..)| value)
}

fn location_label(kind: LocationType) -> &'static str {
    LOCATIONS
        .iter()
        .find(|(k, ..)| *k == kind)
        .map_or("Google Meet", |(_, _, label, _)| label)
}

/// Every question type with its JSON spelling and label.
const QUESTION_TYPES: [(QuestionType, &str, &str); 9] = [
    (QuestionType::Text, "text", "Short text"),
    (QuestionType::Textarea, "textarea", "Long text"),
    (QuestionType::Email, "email", "Email address"),
    (QuestionType::Phone, "phone", "Phone number"),
    (QuestionType::Number, "number", "Number"),
    (QuestionType::Select, "select", "Drop-down (one choice)"),
    (QuestionType::Radio, "radio", "Radio buttons (one choice)"),
    (
        QuestionType::Multiselect,
        "multiselect",
        "Checkboxes (several choices)",
    ),
    (
        QuestionType::Checkbox,
        "checkbox",
        "Single tick box (yes or no)",
    ),
];

fn question_spelling(kind: QuestionType) -> &'static str {
    QUESTION_TYPES
        .iter()
        .find(|(k, ..)| *k == kind)
        .map_or("text", |(_, value, _)| value)
}

/// Whether a submitted question type offers options (unknown types pass their options on, so
/// the domain names the real problem).
fn takes_options(kind: &str) -> bool {
    QUESTION_TYPES
        .iter()
        .find(|(_, value, _)| *value == kind)
        .is_none_or(|(k, ..)| k.has_options())
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

/// A host setting an event type may override: its API key, label, unit and the host's value.
struct OverrideSpec {
    key: &'static str,
    label: &'static str,
    unit: &'static str,
    min: i32,
    max: i32,
    host_value: fn(&HostSettings) -> Option<i32>,
}

const OVERRIDES: [OverrideSpec; 6] = [
    OverrideSpec {
        key: "bufferBeforeMins",
        label: "Buffer before",
        unit: "minutes",
        min: 0,
        max: 480,
        host_value: |s| Some(s.buffer_before_mins.get()),
    },
    OverrideSpec {
        key: "bufferAfterMins",
        label: "Buffer after",
        unit: "minutes",
        min: 0,
        max: 480,
        host_value: |s| Some(s.buffer_after_mins.get()),
    },
    OverrideSpec {
        key: "minimumNoticeHours",
        label: "Minimum notice",
        unit: "hours",
        min: 0,
        max: 8760,
        host_value: |s| Some(s.minimum_notice_hours.get()),
    },
    OverrideSpec {
        key: "bookingWindowDays",
        label: "Booking window",
        unit: "days",
        min: 1,
        max: 730,
        host_value: |s| Some(s.booking_window_days.get()),
    },
    OverrideSpec {
        key: "dailyLimit",
        label: "Most bookings a day",
        unit: "",
        min: 1,
        max: 1000,
        host_value: |s| s.daily_limit.map(|l| l.get()),
    },
    OverrideSpec {
        key: "weeklyLimit",
        label: "Most bookings a week",
        unit: "",
        min: 1,
        max: 1000,
        host_value: |s| s.weekly_limit.map(|l| l.get()),
    },
];

// --- helpers ---------------------------------------------------------------------------------

/// An event type id from the path; anything else is "not found".
fn parse_id(id: &str) -> Result<EventTypeId, PageError> {
    id.parse()
        .map_err(|_| PageError(ApiError::NotFound("event type")))
}

/// Loads an event type the console user may manage. Another host's type is "not found" for a
/// member, so the console does not reveal which ids exist.
async fn load(
    state: &AppState,
    console: &Console,
    id: EventTypeId,
) -> Result<EventType, PageError> {
    api::load(state, &console.admin, id)
        .await
        .map_err(|error| match error {
            ApiError::Forbidden(_) => PageError(ApiError::NotFound("event type")),
            other => PageError(other),
        })
}

/// The tenant's hosts (for owners and admins; a member's list is their own profile).
async fn hosts(state: &AppState, console: &Console) -> Result<Vec<User>, PageError> {
    if !console.manages_tenant() {
        return Ok(console.host.iter().cloned().collect());
    }
    let page = state
        .store
        .list_users(
            console.principal().tenant_id,
            UserFilter::default(),
            PageRequest::new(PageRequest::MAX_LIMIT, 0),
        )
        .await
        .map_err(ApiError::from)?;
    Ok(page.items)
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
    let hosts = hosts(&state, &console).await?;
    // A member without a host profile has no event types (and cannot create any).
    let has_scope = manages || console.principal().user_id.is_some();

    let mut rows = Vec::new();
    let (mut active_total, mut archived_total, mut shown_total) = (0, 0, 0);
    let offset = (page_number - 1).saturating_mul(PER_PAGE);
    if has_scope {
        let admin = &console.admin;
        let count = |filter| api::list(&state, admin, host_filter, filter, PageRequest::new(1, 0));
        active_total = count(ArchivedFilter::Exclude).await?.total;
        archived_total = count(ArchivedFilter::Only).await?.total;
        let filter = if archived {
            ArchivedFilter::Only
        } else {
            ArchivedFilter::Exclude
        };
        let page = api::list(
            &state,
            admin,
            host_filter,
            filter,
            PageRequest::new(PER_PAGE, offset),
        )
        .await?;
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
            location_type: location_spelling(location.kind()).to_owned(),
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
                kind: question_spelling(q.kind()).to_owned(),
                required: q.required(),
                options: q.options().join("\n"),
                placeholder: q.placeholder().unwrap_or_default().to_owned(),
                remove: false,
                error: None,
            })
            .collect();
        let json = serde_json::to_value(&fields.setting_overrides).unwrap_or_default();
        let overrides = OVERRIDES
            .iter()
            .map(|spec| {
                json.get(spec.key)
                    .map(ToString::to_string)
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
        colors: COLORS
            .iter()
            .map(|c| Choice {
                value: c.as_str(),
                label: color_label(*c),
                extra: crate::pages::accent_class(*c),
                takes_options: false,
            })
            .collect(),
        locations: LOCATIONS
            .iter()
            .map(|(_, value, label, hint)| Choice {
                value,
                label,
                extra: hint,
                takes_options: false,
            })
            .collect(),
        question_types: QUESTION_TYPES
            .iter()
            .map(|(kind, value, label)| Choice {
                value,
                label,
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
    let hosts = hosts(&state, &console).await?;
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
    let event_type = load(&state, &console, parse_id(&id)?).await?;
    let host = state
        .store
        .user(console.principal().tenant_id, event_type.user_id)
        .await
        .ok();
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

/// A submitted form: what to show again, the API body it makes, and the problems found so far.
struct Submission {
    editor: Editor,
    body: Map<String, Value>,
    /// For each question in the body, its row in `editor.questions`.
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

/// Reads the form into an API body (the JSON of [`CreateEventType`] / [`UpdateEventType`]).
fn read_form(form: &super::ConsoleForm, with_host: bool) -> Submission {
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
    let mut body = Map::new();
    let mut errors = Vec::new();

    if with_host && let Some(user) = form.text("userId") {
        body.insert("userId".to_owned(), json!(user));
    }
    body.insert("name".to_owned(), json!(values.name.trim()));
    let slug = match values.slug.trim() {
        "" => slug_from(&values.name),
        typed => typed.to_owned(),
    };
    body.insert("slug".to_owned(), json!(slug));
    let description = values.description.trim();
    body.insert(
        "description".to_owned(),
        if description.is_empty() {
            Value::Null
        } else {
            json!(description)
        },
    );
    match whole_number(&values.duration) {
        Ok(Some(minutes)) => {
            body.insert("duration".to_owned(), json!(minutes));
        }
        Ok(None) => errors.push(problem(
            "duration",
            "Enter how long the meeting lasts, in minutes.",
        )),
        Err(()) => errors.push(problem("duration", "Enter a whole number of minutes.")),
    }
    match whole_number(&values.slot_interval) {
        Ok(interval) => {
            body.insert("slotInterval".to_owned(), json!(interval));
        }
        Err(()) => errors.push(problem(
            "slotInterval",
            "Enter a whole number of minutes, or leave it blank.",
        )),
    }
    if !values.color.is_empty() {
        body.insert("color".to_owned(), json!(values.color));
    }
    if !values.location_type.is_empty() {
        let mut location = Map::new();
        location.insert("type".to_owned(), json!(values.location_type));
        for (key, value) in [
            ("value", &values.location_value),
            ("displayName", &values.location_display_name),
        ] {
            if !value.trim().is_empty() {
                location.insert(key.to_owned(), json!(value.trim()));
            }
        }
        body.insert("location".to_owned(), Value::Object(location));
    }
    body.insert("isActive".to_owned(), json!(values.is_active));

    // Reminders: each ticked timing with its recipients.
    let reminders: Vec<ReminderRow> = ReminderTiming::ALL
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
    let chosen: Vec<Value> = reminders
        .iter()
        .filter(|r| r.checked)
        .map(|r| json!({ "timing": r.timing, "sendToHost": r.to_host, "sendToInvitee": r.to_invitee }))
        .collect();
    body.insert(
        "reminderSettings".to_owned(),
        json!({ "enabled": values.reminders_enabled, "reminders": chosen }),
    );

    // Overrides: blank inherits the host's setting.
    let mut overrides = Map::new();
    let mut override_values = Vec::new();
    for spec in &OVERRIDES {
        let name = format!("settingOverrides.{}", spec.key);
        let typed = text(&name);
        match whole_number(&typed) {
            Ok(Some(number)) => {
                overrides.insert(spec.key.to_owned(), json!(number));
            }
            Ok(None) => {}
            Err(()) => errors.push(FieldError {
                anchor: format!("override-{}", spec.key),
                summary: format!("{}: enter a whole number, or leave it blank", spec.label),
                message: "Enter a whole number, or leave it blank to use the host's setting."
                    .to_owned(),
                slot: name,
            }),
        }
        override_values.push(typed);
    }
    body.insert("settingOverrides".to_owned(), Value::Object(overrides));

    // Questions: rows in the order of their numbers; blank new rows are ignored.
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
    let rows: Vec<QuestionRow> = indexes
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
        .collect();
    // Kept ids stay; new ones are made from the label, unique within the type.
    let mut taken: HashSet<String> = rows
        .iter()
        .filter(|r| !r.remove && !r.id.is_empty())
        .map(|r| r.id.clone())
        .collect();
    let mut questions = Vec::new();
    let mut question_rows = Vec::new();
    for (position, row) in rows.iter().enumerate() {
        if row.remove {
            continue;
        }
        let id = if row.id.is_empty() {
            new_question_id(&row.label, &mut taken)
        } else {
            row.id.clone()
        };
        let mut question = Map::new();
        question.insert("id".to_owned(), json!(id));
        question.insert("label".to_owned(), json!(row.label.trim()));
        question.insert("type".to_owned(), json!(row.kind));
        question.insert("required".to_owned(), json!(row.required));
        if takes_options(&row.kind) {
            let options: Vec<&str> = row
                .options
                .lines()
                .map(str::trim)
                .filter(|line| !line.is_empty())
                .collect();
            question.insert("options".to_owned(), json!(options));
        }
        if !row.placeholder.trim().is_empty() {
            question.insert("placeholder".to_owned(), json!(row.placeholder.trim()));
        }
        questions.push(Value::Object(question));
        question_rows.push(position);
    }
    body.insert("customQuestions".to_owned(), Value::Array(questions));

    Submission {
        editor: Editor {
            values,
            questions: rows,
            reminders,
            overrides: override_values,
        },
        body,
        question_rows,
        errors,
    }
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

/// A form-level problem at a top-level field.
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

/// Where an API error field shows on the form: the input group, the element the summary links
/// to, and the group's name in the summary.
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

/// An API error as a problem shown on the form; `None` for errors that are not about a field.
fn field_error(error: &ApiError, question_rows: &[usize]) -> Option<FieldError> {
    let (field, message) = match error {
        ApiError::Validation { field, message } => (field.as_str(), message.clone()),
        ApiError::BadRequest {
            field: Some(field),
            message,
        } => (field.as_str(), message.clone()),
        ApiError::Conflict {
            field: Some(field), ..
        } if field == "slug" => (
            "slug",
            "this host already has an event type with this slug (archived ones count too); choose another"
                .to_owned(),
        ),
        ApiError::Conflict {
            field: Some(field),
            message,
            ..
        } => (field.as_str(), message.clone()),
        _ => return None,
    };
    let (slot, anchor, label) = place(field, question_rows);
    Some(FieldError {
        slot,
        anchor,
        summary: format!("{label}: {message}"),
        message: sentence(&message),
    })
}

/// Checks every field of the body on its own with the API's rules (each question, too), so all
/// problems show at once.
fn check_fields(submission: &mut Submission) {
    let reported: HashSet<String> = submission.errors.iter().map(|e| e.slot.clone()).collect();
    let mut found = Vec::new();
    let check = |key: &str, value: &Value| -> Result<(), ApiError> {
        let mut one = Map::new();
        one.insert(key.to_owned(), value.clone());
        let bytes = serde_json::to_vec(&Value::Object(one)).unwrap_or_default();
        parse_json::<UpdateEventType>(&bytes).map(|_| ())
    };
    for (key, value) in &submission.body {
        if key == "userId" || reported.contains(key) {
            continue;
        }
        if key == "customQuestions" {
            let questions = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let mut each_ok = true;
            for (index, question) in questions.iter().enumerate() {
                if let Err(error) = check(key, &json!([question])) {
                    each_ok = false;
                    // The error names the question as `customQuestions[0]`: put its index back.
                    let error = match error {
                        ApiError::Validation { field, message } => ApiError::Validation {
                            field: field.replacen(
                                "customQuestions[0]",
                                &format!("customQuestions[{index}]"),
                                1,
                            ),
                            message,
                        },
                        other => other,
                    };
                    found.push(error);
                }
            }
            if each_ok && let Err(error) = check(key, value) {
                found.push(error);
            }
            continue;
        }
        if let Err(error) = check(key, value) {
            found.push(error);
        }
    }
    for error in found {
        add_error(submission, &error);
    }
    submission.errors.sort_by_key(|e| form_order(&e.slot));
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

/// Adds an API error to the form's problems; `false` when it is not about a field.
fn add_error(submission: &mut Submission, error: &ApiError) -> bool {
    let Some(problem) = field_error(error, &submission.question_rows) else {
        return false;
    };
    if let Some(row) = problem
        .slot
        .strip_prefix("question:")
        .and_then(|r| r.parse::<usize>().ok())
        && let Some(question) = submission.editor.questions.get_mut(row)
        && question.error.is_none()
    {
        question.error = Some(problem.message.clone());
    }
    submission.errors.push(problem);
    true
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

/// The body as JSON bytes for the API's parser.
fn body_bytes(body: &Map<String, Value>) -> Vec<u8> {
    serde_json::to_vec(body).unwrap_or_default()
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
    let hosts = hosts(&state, &console).await?;
    // Members create for themselves: any host in the form is ignored.
    let mut submission = read_form(&form, manages);
    let subject = Subject::New {
        host: if manages {
            form.text("userId")
                .and_then(|id| hosts.iter().find(|h| h.id.to_string() == id))
                .cloned()
        } else {
            console.host.clone()
        },
    };
    check_fields(&mut submission);
    if !submission.errors.is_empty() {
        return invalid(&state, &console, &subject, &hosts, submission);
    }
    let parsed = parse_json::<CreateEventType>(&body_bytes(&submission.body));
    let result = match parsed {
        Ok(request) => {
            let (user, fields) = request.into_fields();
            api::create(&state, &console.admin, user, fields).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(done(LIST, "created")),
        Err(ApiError::NotFound(_)) => {
            let error = ApiError::validation("userId", "choose one of the hosts in the list");
            add_error(&mut submission, &error);
            invalid(&state, &console, &subject, &hosts, submission)
        }
        Err(error) => {
            if add_error(&mut submission, &error) {
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
    let event_type = load(&state, &console, id).await?;
    let host = state
        .store
        .user(console.principal().tenant_id, event_type.user_id)
        .await
        .ok();
    let mut submission = read_form(&form, false);
    let mut fields = event_type.fields.clone();
    let subject = Subject::Existing {
        event_type: Box::new(event_type),
        host,
    };
    check_fields(&mut submission);
    if !submission.errors.is_empty() {
        return invalid(&state, &console, &subject, &[], submission);
    }
    let result = match parse_json::<UpdateEventType>(&body_bytes(&submission.body)) {
        Ok(changes) => {
            changes.apply(&mut fields);
            api::update(&state, &console.admin, id, fields).await
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(done(&format!("{LIST}/{id}"), "saved")),
        Err(error) => {
            if add_error(&mut submission, &error) {
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
    load(&state, &console, id).await?;
    api::archive(&state, &console.admin, id).await?;
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
    load(&state, &console, id).await?;
    api::restore(&state, &console.admin, id).await?;
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
    let event_type = load(&state, &console, parse_id(&id)?).await?;
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
    load(&state, &console, id).await?;
    match api::delete(&state, &console.admin, id).await? {
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
