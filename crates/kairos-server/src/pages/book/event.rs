//! `/book/{tenantSlug}/{username}/{eventSlug}`: the month calendar of an event type with the
//! chosen day's free times, and `…/book`: the form that books one of them.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use jiff::{Timestamp, ToSpan};
use kairos_core::booking::{Invitee, validate_answers};
use kairos_core::event_type::QuestionType;
use kairos_core::slots::ZonedSlot;
use kairos_core::text::{DisplayName, EmailAddress, LongText};
use kairos_core::zone::TimeZoneName;
use kairos_store::{EventType, ScheduleVersion, Tenant, User};
use serde::Deserialize;

use super::{EventSummary, form_fields, form_value, invitee_zone, query, see_other, tenant_layout};
use crate::app::AppError;
use crate::app::booking::{self, BookingRequest, parse_instant, rules_for};
use crate::app::directory::{self, BookablePage};
use crate::pages::calendar::{
    CalendarInput, CalendarView, Links, parse_date, parse_month, with_query,
};
use crate::pages::locale::TimeFormat;
use crate::pages::{Layout, PageError, render};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/book/{tenant_slug}/{username}/{event_slug}",
            get(get_event_calendar),
        )
        .route(
            "/book/{tenant_slug}/{username}/{event_slug}/book",
            get(get_booking_form).post(post_booking_form),
        )
}

/// The query of a calendar page.
#[derive(Debug, Default, Deserialize)]
pub(super) struct CalendarQuery {
    /// The invitee's zone (default: the host's, or the booking's when rescheduling).
    pub tz: Option<String>,
    /// `YYYY-MM`: the month shown.
    pub month: Option<String>,
    /// `YYYY-MM-DD`: the day whose times are listed.
    pub date: Option<String>,
    /// Why the invitee was sent back here (`slot_taken`).
    pub notice: Option<String>,
    /// Reschedule pages: the manage token.
    pub token: Option<String>,
    /// Reschedule pages: the new start picked.
    pub start: Option<String>,
}

/// The message of a `?notice=` (only known notices are shown; the text is never taken from the
/// URL).
pub(super) fn notice_text(notice: Option<&str>) -> Option<&'static str> {
    match notice {
        Some("slot_taken") => Some(
            "Sorry, that time was just taken or is no longer available. Please pick another time.",
        ),
        _ => None,
    }
}

/// Builds the month calendar of `event_type` for a calendar query. With the host's schedule
/// `version` as just read, the month's snapshot may come from the cache.
#[allow(clippy::too_many_arguments)]
pub(super) async fn month_calendar(
    state: &AppState,
    host: &User,
    event_type: &EventType,
    links: &Links,
    zone: &TimeZoneName,
    time_format: TimeFormat,
    query: &CalendarQuery,
    current_start: Option<Timestamp>,
    version: Option<ScheduleVersion>,
    slot_href: impl Fn(&ZonedSlot) -> String,
) -> Result<CalendarView, PageError> {
    let today = state
        .clock
        .now()
        .to_zoned_datetime(zone.time_zone().clone())
        .date();
    let selected = match query.date.as_deref().filter(|date| !date.is_empty()) {
        Some(date) => Some(parse_date(date).ok_or_else(|| {
            AppError::bad_request("date", format!("date must be YYYY-MM-DD, got {date:?}"))
        })?),
        None => None,
    };
    let month = match query.month.as_deref().filter(|month| !month.is_empty()) {
        Some(month) => parse_month(month).ok_or_else(|| {
            AppError::bad_request("month", format!("month must be YYYY-MM, got {month:?}"))
        })?,
        None => selected.unwrap_or(today).first_of_month(),
    };
    let month = month.max(today.first_of_month());
    let window = i64::from(rules_for(host, event_type).booking_window_days.get());
    let last_month = today.saturating_add(window.days()).first_of_month();
    let month = month.min(last_month);
    let days = booking::free_slot_days(
        state,
        host,
        event_type,
        version,
        zone,
        month,
        month.last_of_month(),
    )
    .await?;
    Ok(CalendarView::build(
        &CalendarInput {
            links,
            zone,
            time_format,
            today,
            month,
            last_month,
            selected,
            days: &days,
            current_start,
        },
        slot_href,
    ))
}

/// A slot's start as it travels in URLs and forms: RFC 3339 in UTC.
pub(super) fn start_param(slot: &ZonedSlot) -> String {
    slot.start.timestamp().to_string()
}

/// The reschedule panel of the calendar page: the old time and, once a new one is picked, the
/// form that confirms the move.
#[derive(Debug, Clone)]
pub(super) struct Rescheduling {
    pub old_when: String,
    pub confirm: Option<MoveConfirm>,
}

/// The form that confirms a move.
#[derive(Debug, Clone)]
pub(super) struct MoveConfirm {
    pub new_when: String,
    pub action: String,
    pub token: String,
    pub start: String,
    pub tz: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
pub(super) struct CalendarPage {
    pub layout: Layout,
    pub summary: EventSummary,
    pub calendar: CalendarView,
    pub notice: Option<String>,
    pub rescheduling: Option<Rescheduling>,
}

/// An event type's month calendar and the chosen day's free times.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn get_event_calendar(
    State(state): State<AppState>,
    Path((tenant_slug, username, event_slug)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Html<String>, PageError> {
    let query: CalendarQuery = query(raw.as_deref())?;
    // Tenant, host and event type in one store call, with the host's schedule version, so the
    // month's free times can come from the snapshot cache.
    let BookablePage {
        tenant,
        host,
        event_type,
        schedule_version,
    } = directory::bookable_page(&state, &tenant_slug, &username, &event_slug).await?;
    let time_format = TimeFormat::of_request(&headers);
    let (zone, zone_note) = invitee_zone(query.tz.as_deref(), &host.timezone);
    let path = event_path(&tenant, &host, &event_type);
    let links = Links::new(path.clone(), vec![]);
    let form_path = format!("{path}/book");
    let calendar = month_calendar(
        &state,
        &host,
        &event_type,
        &links,
        &zone,
        time_format,
        &query,
        None,
        Some(schedule_version),
        |slot| {
            with_query(
                &form_path,
                [("start", start_param(slot).as_str()), ("tz", zone.as_str())],
            )
        },
    )
    .await?;
    let notice = notice_text(query.notice.as_deref())
        .map(str::to_owned)
        .or(zone_note);
    render(&CalendarPage {
        layout: tenant_layout(
            &tenant,
            format!("{} with {}", event_type.fields.name, host.display_name),
        )
        .with_color(event_type.fields.color),
        summary: EventSummary::new(&tenant, &host, &event_type),
        calendar,
        notice,
        rescheduling: None,
    })
}

fn event_path(tenant: &Tenant, host: &User, event_type: &EventType) -> String {
    format!(
        "/book/{}/{}/{}",
        tenant.slug, host.username, event_type.fields.slug
    )
}

/// One choice of a choice question.
struct Choice {
    value: String,
    input_id: String,
    checked: bool,
}

/// A custom question as a form field, with what was entered and what is wrong with it.
struct QuestionField {
    input_id: String,
    name: String,
    label: String,
    /// `text`, `textarea`, `email`, `tel`, `number`, `select`, `multiselect`, `radio`, `checkbox`.
    kind: &'static str,
    required: bool,
    placeholder: String,
    value: String,
    checked: bool,
    choices: Vec<Choice>,
    error: Option<String>,
}

/// An error of the form, linked from the summary at its top.
struct FieldError {
    input_id: String,
    message: String,
}

#[derive(Template)]
#[template(path = "form.html")]
struct FormPage {
    layout: Layout,
    summary: EventSummary,
    when: String,
    when_note: String,
    back_href: String,
    action: String,
    start: String,
    tz: String,
    name: String,
    email: String,
    notes: String,
    name_error: Option<String>,
    email_error: Option<String>,
    notes_error: Option<String>,
    questions: Vec<QuestionField>,
    errors: Vec<FieldError>,
}

/// Where the form's problems list the answer of a question: `answer.<question id>`, the
/// answer's input name.
const ANSWER_PREFIX: &str = "answer.";

/// The form's answer name of a question.
fn answer_name(id: &str) -> String {
    format!("{ANSWER_PREFIX}{id}")
}

fn question_fields(
    event_type: &EventType,
    fields: &[(String, String)],
    error: Option<(&str, &str)>,
) -> Vec<QuestionField> {
    event_type
        .fields
        .custom_questions
        .as_slice()
        .iter()
        .map(|question| {
            let name = answer_name(question.id());
            let values: Vec<&str> = fields
                .iter()
                .filter(|(key, _)| *key == name)
                .map(|(_, value)| value.as_str())
                .collect();
            let input_id = format!("answer-{}", question.id());
            let kind = match question.kind() {
                QuestionType::Text => "text",
                QuestionType::Textarea => "textarea",
                QuestionType::Email => "email",
                QuestionType::Phone => "tel",
                QuestionType::Number => "number",
                QuestionType::Select => "select",
                QuestionType::Multiselect => "multiselect",
                QuestionType::Radio => "radio",
                QuestionType::Checkbox => "checkbox",
            };
            QuestionField {
                choices: question
                    .options()
                    .iter()
                    .enumerate()
                    .map(|(index, option)| Choice {
                        value: option.clone(),
                        input_id: format!("{input_id}-{index}"),
                        checked: values.contains(&option.as_str()),
                    })
                    .collect(),
                error: error
                    .filter(|(id, _)| *id == question.id())
                    .map(|(_, message)| message.to_owned()),
                input_id,
                name,
                label: question.label().to_owned(),
                kind,
                required: question.required(),
                placeholder: question.placeholder().unwrap_or_default().to_owned(),
                value: values.first().copied().unwrap_or_default().to_owned(),
                checked: !values.is_empty(),
            }
        })
        .collect()
}

/// The raw answers of a submitted form, shaped like the JSON API's `responses` so the same
/// validation applies: a ticked box is `true`, a multiple choice a list, anything else text.
fn raw_answers(
    event_type: &EventType,
    fields: &[(String, String)],
) -> serde_json::Map<String, serde_json::Value> {
    use serde_json::Value;
    let mut raw = serde_json::Map::new();
    for question in event_type.fields.custom_questions.as_slice() {
        let name = answer_name(question.id());
        let values: Vec<&String> = fields
            .iter()
            .filter(|(key, _)| *key == name)
            .map(|(_, value)| value)
            .collect();
        let value = match question.kind() {
            QuestionType::Checkbox => Value::Bool(!values.is_empty()),
            QuestionType::Multiselect => Value::Array(
                values
                    .into_iter()
                    .map(|v| Value::String(v.clone()))
                    .collect(),
            ),
            _ => match values.first() {
                Some(value) => Value::String((*value).clone()),
                None => continue,
            },
        };
        raw.insert(question.id().to_owned(), value);
    }
    raw
}

/// What the form page shows about the chosen time.
struct Chosen {
    start: Timestamp,
    zone: TimeZoneName,
    when: String,
    when_note: String,
    calendar_href: String,
}

fn chosen(
    host: &User,
    event_type: &EventType,
    path: &str,
    start: Timestamp,
    zone: TimeZoneName,
    time_format: TimeFormat,
) -> Chosen {
    let minutes = i64::from(event_type.fields.duration.get());
    let local = start.to_zoned_datetime(zone.time_zone().clone());
    let end = start
        .checked_add(minutes.minutes())
        .unwrap_or(start)
        .to_zoned_datetime(zone.time_zone().clone());
    let when_note = if zone == host.timezone {
        String::new()
    } else {
        let host_start = start.to_zoned_datetime(host.timezone.time_zone().clone());
        let host_end = end
            .timestamp()
            .to_zoned_datetime(host.timezone.time_zone().clone());
        format!(
            "For {}: {}",
            host.display_name,
            time_format.meeting(&host_start, &host_end)
        )
    };
    let date = local.date().to_string();
    Chosen {
        calendar_href: with_query(path, [("tz", zone.as_str()), ("date", date.as_str())]),
        when: time_format.meeting(&local, &end),
        when_note,
        start,
        zone,
    }
}

/// The query of the form page.
#[derive(Debug, Default, Deserialize)]
struct FormQuery {
    start: Option<String>,
    tz: Option<String>,
}

/// The booking form for one free time; a time that is no longer free sends the invitee back to
/// the calendar with a note.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn get_booking_form(
    State(state): State<AppState>,
    Path((tenant_slug, username, event_slug)): Path<(String, String, String)>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let form: FormQuery = query(raw.as_deref())?;
    let start = parse_instant("start", form.start.as_deref().unwrap_or_default())?;
    let page = directory::bookable_page(&state, &tenant_slug, &username, &event_slug).await?;
    let time_format = TimeFormat::of_request(&headers);
    let (zone, _) = invitee_zone(form.tz.as_deref(), &page.host.timezone);
    let path = event_path(&page.tenant, &page.host, &page.event_type);
    let chosen = chosen(
        &page.host,
        &page.event_type,
        &path,
        start,
        zone,
        time_format,
    );
    if !booking::still_free(&state, &page, start, &chosen.zone).await? {
        return Ok(see_other(&taken_href(&path, &chosen)));
    }
    let form = form_page(&page, &path, &chosen, &[], Vec::new());
    Ok(render(&form)?.into_response())
}

fn taken_href(path: &str, chosen: &Chosen) -> String {
    let date = chosen
        .start
        .to_zoned_datetime(chosen.zone.time_zone().clone())
        .date()
        .to_string();
    with_query(
        path,
        [
            ("tz", chosen.zone.as_str()),
            ("date", date.as_str()),
            ("notice", "slot_taken"),
        ],
    )
}

fn form_page(
    page: &BookablePage,
    path: &str,
    chosen: &Chosen,
    fields: &[(String, String)],
    errors: Vec<(String, String)>,
) -> FormPage {
    let BookablePage {
        tenant,
        host,
        event_type,
        ..
    } = page;
    let error_of = |field: &str| {
        errors
            .iter()
            .find(|(name, _)| name == field)
            .map(|(_, message)| message.clone())
    };
    let answer_error = errors.iter().find_map(|(field, message)| {
        field
            .strip_prefix(ANSWER_PREFIX)
            .map(|id| (id, message.as_str()))
    });
    let value = |name: &str| form_value(fields, name).unwrap_or_default().to_owned();
    let summary_errors = errors
        .iter()
        .map(|(field, message)| FieldError {
            input_id: match field.strip_prefix(ANSWER_PREFIX) {
                Some(id) => format!("answer-{id}"),
                None => field.clone(),
            },
            message: message.clone(),
        })
        .collect();
    FormPage {
        layout: tenant_layout(
            tenant,
            format!("Book {} with {}", event_type.fields.name, host.display_name),
        )
        .with_color(event_type.fields.color),
        summary: EventSummary::new(tenant, host, event_type),
        when: chosen.when.clone(),
        when_note: chosen.when_note.clone(),
        back_href: chosen.calendar_href.clone(),
        action: format!("{path}/book"),
        start: chosen.start.to_string(),
        tz: chosen.zone.to_string(),
        name: value("name"),
        email: value("email"),
        notes: value("notes"),
        name_error: error_of("name"),
        email_error: error_of("email"),
        notes_error: error_of("notes"),
        questions: question_fields(event_type, fields, answer_error),
        errors: summary_errors,
    }
}

/// Books the chosen time: the same checks as the JSON API, then a 303 to the confirmation page;
/// wrong fields re-render the form (422) with the values kept and a message by each field; a
/// time taken meanwhile sends the invitee back to that day of the calendar.
#[tracing::instrument(skip_all, fields(tenant = %tenant_slug), err(Display))]
async fn post_booking_form(
    State(state): State<AppState>,
    Path((tenant_slug, username, event_slug)): Path<(String, String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, PageError> {
    let fields = form_fields(&body);
    let start = parse_instant("start", form_value(&fields, "start").unwrap_or_default())?;
    let page = directory::bookable_page(&state, &tenant_slug, &username, &event_slug).await?;
    let time_format = TimeFormat::of_request(&headers);
    let (zone, _) = invitee_zone(form_value(&fields, "tz"), &page.host.timezone);
    let path = event_path(&page.tenant, &page.host, &page.event_type);
    let chosen = chosen(
        &page.host,
        &page.event_type,
        &path,
        start,
        zone,
        time_format,
    );

    let mut errors: Vec<(String, String)> = Vec::new();
    let name_value = form_value(&fields, "name").unwrap_or_default().trim();
    let name = DisplayName::parse(name_value)
        .map_err(|e| {
            let message = if name_value.is_empty() {
                "Please enter your name.".to_owned()
            } else {
                format!("Your name {}.", e.message())
            };
            errors.push(("name".to_owned(), message));
        })
        .ok();
    let email_value = form_value(&fields, "email").unwrap_or_default().trim();
    let email = EmailAddress::parse(email_value)
        .map_err(|e| {
            let message = if email_value.is_empty() {
                "Please enter your email address.".to_owned()
            } else {
                format!(
                    "{}. Write it like name@example.com.",
                    sentence_case(e.message())
                )
            };
            errors.push(("email".to_owned(), message));
        })
        .ok();
    let notes = match form_value(&fields, "notes").map(str::trim) {
        None | Some("") => None,
        Some(notes) => LongText::parse(notes)
            .map_err(|e| errors.push(("notes".to_owned(), format!("Notes {}", e.message()))))
            .ok(),
    };
    let questions = &page.event_type.fields.custom_questions;
    let answers = validate_answers(questions, &raw_answers(&page.event_type, &fields))
        .map_err(|error| {
            errors.push((answer_name(&error.question), sentence_case(&error.message)));
        })
        .ok();
    let (Some(name), Some(email), Some(responses), true) =
        (name, email, answers, errors.is_empty())
    else {
        let form = form_page(&page, &path, &chosen, &fields, errors);
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&form)?).into_response());
    };
    let request = BookingRequest {
        start,
        timezone: chosen.zone.clone(),
        invitee: Invitee {
            name,
            email,
            notes,
            responses,
        },
    };
    match booking::book_on_page(&state, &page, request).await {
        Ok(booked) => Ok(see_other(&super::booking_href(
            &page.tenant,
            booked.booking.id,
            &booked.manage_token,
        ))),
        Err(AppError::Conflict {
            code: "slot_unavailable",
            ..
        }) => Ok(see_other(&taken_href(&path, &chosen))),
        Err(other) => Err(other.into()),
    }
}

/// Upper-cases the first letter of a rule's message.
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}
