//! The console's bookings: the list (filters and paging), one booking with its answers,
//! history and messages, and the host's actions on it (cancel, record the outcome, retry a
//! failed message). Moving a booking is in [`super::reschedule`].
//!
//! Every rule comes from the application ([`crate::app::bookings`] and
//! [`crate::app::notifications`]): who may see and change what, which filters are valid
//! together, which state changes are allowed. The pages only parse forms and show the
//! outcome; a refusal of the service (409, 422) is shown on the booking's page, never as a 500.

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use jiff::Timestamp;
use jiff::civil::Date;
use kairos_core::booking::{Answer, BookingStatus};
use kairos_core::ids::{BookingId, EventTypeId, OutboxId, UserId};
use kairos_core::notification::{Audience, NotificationKind};
use kairos_core::text::LongText;
use kairos_core::zone::TimeZoneName;
use kairos_notify::notification::Response as LabelledAnswer;
use kairos_store::transitions::{ensure_cancellable, ensure_movable, ensure_outcome};
use kairos_store::{
    Booking, BookingFilter, BookingOrder, Change, OutboxMessage, OutboxStatus, PageRequest,
};

use super::dashboard::{BookingRow, console_zone, when};
use super::{BASE, Console, ConsoleLayout, Section, done, notice_code};
use crate::app::AppError;
use crate::app::bookings::{self, BookingRecord};
use crate::app::notifications::{self, location_text};
use crate::pages::calendar::{parse_date, with_query};
pub(super) use crate::pages::error::sentence;
use crate::pages::locale::TimeFormat;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/scheduling/bookings", get(list))
        .route("/admin/scheduling/bookings/{id}", get(detail))
        .route("/admin/scheduling/bookings/{id}/cancel", post(post_cancel))
        .route(
            "/admin/scheduling/bookings/{id}/outcome",
            post(post_outcome),
        )
        .route(
            "/admin/scheduling/bookings/{id}/messages/{message_id}/retry",
            post(post_retry),
        )
}

/// Rows on one page of the list.
pub(super) const PER_PAGE: u32 = 20;

/// The list's address.
pub(super) fn list_path() -> String {
    format!("{BASE}/bookings")
}

/// A booking's page.
pub(super) fn booking_path(id: BookingId) -> String {
    format!("{BASE}/bookings/{id}")
}

/// A booking id from the path; a malformed one is as unknown as a missing one.
pub(super) fn booking_id(text: &str) -> Result<BookingId, AppError> {
    text.parse().map_err(|_| AppError::NotFound("booking"))
}

/// Renders a console template with a status.
pub(super) fn page(status: StatusCode, template: &impl Template) -> Result<Response, AppError> {
    let html = template
        .render()
        .map_err(|error| AppError::Internal(Box::new(error)))?;
    Ok((status, Html(html)).into_response())
}

/// A status badge: its class (`confirmed`, `no_show`, …) and words.
pub(super) fn status_label(status: BookingStatus) -> &'static str {
    match status {
        BookingStatus::Confirmed => "Confirmed",
        BookingStatus::Cancelled => "Cancelled",
        BookingStatus::Rescheduled => "Rescheduled",
        BookingStatus::Completed => "Completed",
        BookingStatus::NoShow => "No-show",
    }
}

#[derive(Template)]
#[template(path = "admin/problem.html")]
struct ProblemPage {
    layout: ConsoleLayout,
    heading: &'static str,
    message: String,
    back_href: String,
    back_label: &'static str,
}

/// An error of a console page, shown in the console (its navigation kept) with the error's
/// status and a way back.
pub(super) fn problem(
    console: &Console,
    section: Section,
    back: (String, &'static str),
    error: AppError,
) -> Response {
    let (heading, message) = match &error {
        AppError::BadRequest { .. } => (
            "Something in the address is wrong",
            sentence(&error.to_string()),
        ),
        AppError::Validation { .. } => (
            "Something in the form is wrong",
            sentence(&error.to_string()),
        ),
        AppError::NotFound(what) => (
            "Not found",
            format!(
                "There is no {what} at this address. It may have been mistyped, or it belongs to another workspace."
            ),
        ),
        AppError::Forbidden(reason) => ("Not allowed", sentence(reason)),
        AppError::Conflict { message, .. } => ("That did not work", sentence(message)),
        AppError::Internal(source) => {
            tracing::error!(error = %source, "internal error on a console page");
            (
                "Something went wrong",
                "An error on our side stopped this page. Please try again in a moment.".to_owned(),
            )
        }
        _ => ("Something went wrong", sentence(&error.to_string())),
    };
    let status = error.status();
    let template = ProblemPage {
        layout: console.layout(heading, section),
        heading,
        message,
        back_href: back.0,
        back_label: back.1,
    };
    match page(status, &template) {
        Ok(response) => response,
        Err(error) => crate::pages::PageError(error).into_response(),
    }
}

fn bookings_problem(console: &Console, error: AppError) -> Response {
    problem(
        console,
        Section::Bookings,
        (list_path(), "Back to bookings"),
        error,
    )
}

// --- the list -------------------------------------------------------------------------------

/// `when=upcoming|past`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Period {
    Upcoming,
    Past,
}

/// The list's query, parsed; blank fields are absent, unknown ones ignored.
#[derive(Debug, Default)]
struct ListQuery {
    status: Option<BookingStatus>,
    when: Option<Period>,
    from: Option<Date>,
    to: Option<Date>,
    event: Option<EventTypeId>,
    host: Option<UserId>,
    page: u32,
    notice: Option<String>,
}

fn bad(field: &str, message: String) -> AppError {
    AppError::bad_request(field, message)
}

fn query_date(field: &str, value: &str) -> Result<Date, AppError> {
    parse_date(value)
        .filter(|date| (1..=9998).contains(&date.year()))
        .ok_or_else(|| {
            bad(
                field,
                format!("{field} must be a date such as 2026-12-01, not {value:?}"),
            )
        })
}

impl ListQuery {
    fn parse(raw: Option<&str>) -> Result<Self, AppError> {
        let mut query = Self {
            page: 1,
            ..Self::default()
        };
        for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            match key.as_ref() {
                "status" => {
                    query.status = Some(BookingStatus::parse(value).map_err(|_| {
                        bad(
                            "status",
                            format!("status must be confirmed, cancelled, rescheduled, completed or no_show, not {value:?}"),
                        )
                    })?);
                }
                "when" => {
                    query.when = Some(match value {
                        "upcoming" => Period::Upcoming,
                        "past" => Period::Past,
                        _ => {
                            return Err(bad(
                                "when",
                                format!("when must be upcoming or past, not {value:?}"),
                            ));
                        }
                    });
                }
                "from" => query.from = Some(query_date("from", value)?),
                "to" => query.to = Some(query_date("to", value)?),
                "event" => {
                    query.event = Some(value.parse().map_err(|_| {
                        bad(
                            "event",
                            format!("event must be the id of an event type, not {value:?}"),
                        )
                    })?);
                }
                "host" => {
                    query.host = Some(value.parse().map_err(|_| {
                        bad(
                            "host",
                            format!("host must be the id of a host, not {value:?}"),
                        )
                    })?);
                }
                "page" => {
                    query.page = value
                        .parse::<u32>()
                        .ok()
                        .filter(|page| *page >= 1)
                        .ok_or_else(|| {
                            bad(
                                "page",
                                format!("page must be a page number from 1, not {value:?}"),
                            )
                        })?;
                }
                "notice" => query.notice = Some(value.to_owned()),
                _ => {}
            }
        }
        Ok(query)
    }

    /// The query's filters as URL pairs (without the page).
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = Vec::new();
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if let Some(when) = self.when {
            let text = match when {
                Period::Upcoming => "upcoming",
                Period::Past => "past",
            };
            pairs.push(("when", text.to_owned()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        if let Some(event) = self.event {
            pairs.push(("event", event.to_string()));
        }
        if let Some(host) = self.host {
            pairs.push(("host", host.to_string()));
        }
        pairs
    }

    fn href(&self, page: u32) -> String {
        let mut pairs = self.pairs();
        if page > 1 {
            pairs.push(("page", page.to_string()));
        }
        with_query(
            &list_path(),
            pairs.iter().map(|(key, value)| (*key, value.as_str())),
        )
    }
}

/// The start of `date` in `zone`.
fn day_start(field: &str, date: Date, zone: &TimeZoneName) -> Result<Timestamp, AppError> {
    date.to_zoned_datetime(zone.time_zone().clone())
        .map(|zoned| zoned.timestamp())
        .map_err(|_| bad(field, format!("{field} {date} is out of range")))
}

/// An option of a filter's `<select>`.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// A quick view above the filters (Upcoming, Past, …).
struct Tab {
    label: &'static str,
    href: String,
    current: bool,
}

/// A row of the list.
struct ListRow {
    row: BookingRow,
    status: &'static str,
    status_label: &'static str,
}

#[derive(Template)]
#[template(path = "admin/bookings.html")]
struct ListPage {
    layout: ConsoleLayout,
    tabs: Vec<Tab>,
    statuses: Vec<Choice>,
    periods: Vec<Choice>,
    from: String,
    to: String,
    event_types: Vec<Choice>,
    hosts: Vec<Choice>,
    show_host: bool,
    filtered: bool,
    rows: Vec<ListRow>,
    zone: String,
    order: &'static str,
    total: u64,
    first: u64,
    last: u64,
    prev_href: Option<String>,
    next_href: Option<String>,
}

/// One page of the bookings the console user may see, in the filter's order.
async fn fetch(
    state: &AppState,
    console: &Console,
    filter: BookingFilter,
    page: u32,
) -> Result<(Vec<Booking>, u64), AppError> {
    let offset = u32::try_from(u64::from(page - 1) * u64::from(PER_PAGE))
        .map_err(|_| bad("page", "page is too large".to_owned()))?;
    let found = bookings::list(
        state,
        &console.caller,
        filter,
        PageRequest::new(PER_PAGE, offset),
    )
    .await?;
    Ok((found.items, found.total))
}

async fn list(
    State(state): State<AppState>,
    console: Console,
    RawQuery(raw): RawQuery,
) -> Response {
    match list_page(&state, &console, raw.as_deref()).await {
        Ok(response) => response,
        Err(error) => bookings_problem(&console, error),
    }
}

async fn list_page(
    state: &AppState,
    console: &Console,
    raw: Option<&str>,
) -> Result<Response, AppError> {
    let query = ListQuery::parse(raw)?;
    let zone = console_zone(console);
    let now = state.clock.now();
    let from = query
        .from
        .map(|date| day_start("from", date, &zone))
        .transpose()?;
    let to = query
        .to
        .map(|date| day_start("to", date, &zone))
        .transpose()?;
    // `to` may not be before `from`: the application checks it on the days' starts, so one
    // day is `from=to`.
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(AppError::bad_request("to", "to is before from"));
    }
    let mut filter = BookingFilter {
        status: query.status,
        from,
        to,
        event_type: query.event,
        host: query.host,
        ..BookingFilter::default()
    };
    if let Some(to) = query.to {
        filter.to = Some(day_start("to", to.tomorrow().unwrap_or(to), &zone)?);
    }
    match query.when {
        Some(Period::Upcoming) => filter.from = Some(filter.from.map_or(now, |from| from.max(now))),
        Some(Period::Past) => filter.to = Some(filter.to.map_or(now, |to| to.min(now))),
        None => {}
    }
    // A period that ends before it starts holds no bookings (`upcoming` from a past `to`).
    if let (Some(from), Some(to)) = (filter.from, filter.to)
        && to < from
    {
        filter.to = Some(from);
    }
    let ascending = query.when == Some(Period::Upcoming);
    if ascending {
        filter.order = BookingOrder::SoonestFirst;
    }
    let (bookings, total) = fetch(state, console, filter, query.page).await?;

    let manages = console.manages_tenant();
    let (hosts, types) = bookings::filter_choices(state, &console.caller).await?;
    let host_names: BTreeMap<UserId, String> = hosts
        .iter()
        .map(|host| (host.id, host.display_name.to_string()))
        .collect();
    let mut event_types: Vec<Choice> = types
        .iter()
        .map(|event_type| {
            let mut label = event_type.fields.name.to_string();
            if let Some(host) = host_names
                .get(&event_type.user_id)
                .filter(|_| hosts.len() > 1)
            {
                label = format!("{label} · {host}");
            }
            if event_type.archived_at.is_some() {
                label.push_str(" (archived)");
            }
            Choice {
                value: event_type.id.to_string(),
                label,
                selected: query.event == Some(event_type.id),
            }
        })
        .collect();
    event_types.sort_by_key(|choice| choice.label.to_lowercase());
    let host_choices = hosts
        .iter()
        .map(|host| Choice {
            value: host.id.to_string(),
            label: host.display_name.to_string(),
            selected: query.host == Some(host.id),
        })
        .collect();

    let statuses = [
        BookingStatus::Confirmed,
        BookingStatus::Cancelled,
        BookingStatus::Rescheduled,
        BookingStatus::Completed,
        BookingStatus::NoShow,
    ]
    .into_iter()
    .map(|status| Choice {
        value: status.as_str().to_owned(),
        label: status_label(status).to_owned(),
        selected: query.status == Some(status),
    })
    .collect();
    let periods = [
        (Period::Upcoming, "upcoming", "Upcoming"),
        (Period::Past, "past", "Past"),
    ]
    .into_iter()
    .map(|(period, value, label)| Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected: query.when == Some(period),
    })
    .collect();

    let pairs = query.pairs();
    let is = |wanted: &[(&str, &str)]| {
        pairs.len() == wanted.len()
            && wanted
                .iter()
                .all(|(key, value)| pairs.iter().any(|(k, v)| k == key && v == value))
    };
    let tab = |label: &'static str, wanted: &[(&str, &str)]| Tab {
        label,
        href: with_query(&list_path(), wanted.iter().copied()),
        current: is(wanted),
    };
    let tabs = vec![
        tab("Upcoming", &[("status", "confirmed"), ("when", "upcoming")]),
        tab("Past", &[("when", "past")]),
        tab("Cancelled", &[("status", "cancelled")]),
        tab("All", &[]),
    ];

    let offset = u64::from(query.page - 1) * u64::from(PER_PAGE);
    let shown = bookings.len() as u64;
    let rows = bookings
        .iter()
        .map(|booking| ListRow {
            row: BookingRow::new(booking, &zone),
            status: booking.status.as_str(),
            status_label: status_label(booking.status),
        })
        .collect();
    let template = ListPage {
        layout: console
            .layout("Bookings", Section::Bookings)
            .with_notice(query.notice.as_deref()),
        tabs,
        statuses,
        periods,
        from: query.from.map(|d| d.to_string()).unwrap_or_default(),
        to: query.to.map(|d| d.to_string()).unwrap_or_default(),
        event_types,
        hosts: host_choices,
        show_host: manages,
        filtered: !pairs.is_empty(),
        rows,
        zone: zone.to_string(),
        order: if ascending {
            "soonest first"
        } else {
            "latest first"
        },
        total,
        first: if shown == 0 { 0 } else { offset + 1 },
        last: offset + shown,
        prev_href: (query.page > 1).then(|| query.href(query.page - 1)),
        next_href: (offset + shown < total).then(|| query.href(query.page + 1)),
    };
    page(StatusCode::OK, &template)
}

// --- one booking ----------------------------------------------------------------------------

/// A fact of the booking: a term and its description.
struct Fact {
    term: &'static str,
    text: String,
    href: Option<String>,
}

/// An answer to a custom question, under the question's label.
struct AnswerRow {
    question: String,
    answer: String,
}

/// A changelog row.
struct HistoryRow {
    when: String,
    action: String,
    who: String,
    detail: String,
}

/// An outbox message.
struct MessageRow {
    kind: String,
    audience: &'static str,
    recipient: String,
    status: &'static str,
    attempts: u32,
    when: String,
    last_error: Option<String>,
    retry_action: Option<String>,
}

/// What the actions card offers.
struct Actions {
    cancel: bool,
    reschedule_href: Option<String>,
    complete: bool,
    no_show: bool,
}

impl Actions {
    fn any(&self) -> bool {
        self.cancel || self.reschedule_href.is_some() || self.complete || self.no_show
    }
}

#[derive(Template)]
#[template(path = "admin/booking.html")]
struct BookingPage {
    layout: ConsoleLayout,
    heading: String,
    path: String,
    status: &'static str,
    status_label: &'static str,
    alert: Option<String>,
    when_host: String,
    when_invitee: Option<String>,
    facts: Vec<Fact>,
    invitee_name: String,
    invitee_email: String,
    notes: Option<String>,
    answers: Vec<AnswerRow>,
    actions: Actions,
    reason: String,
    reason_error: Option<String>,
    history: Vec<HistoryRow>,
    messages: Vec<MessageRow>,
    zone: String,
}

/// What a booking page shows beyond the booking: a refusal to explain, a cancel form to refill.
#[derive(Debug, Default)]
pub(super) struct Shown {
    pub alert: Option<String>,
    pub notice: Option<String>,
    pub reason: String,
    pub reason_error: Option<String>,
}

fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Bool(true) => "Yes".to_owned(),
        Answer::Bool(false) => "No".to_owned(),
        Answer::Number(number) => number.to_string(),
        Answer::Text(text) => text.clone(),
        Answer::Choices(choices) => choices.join(", "),
    }
}

fn kind_label(message: &OutboxMessage) -> String {
    match message.kind {
        NotificationKind::Confirmation => "Confirmation".to_owned(),
        NotificationKind::Cancellation => "Cancellation".to_owned(),
        NotificationKind::Reschedule => "Reschedule".to_owned(),
        NotificationKind::Reminder => match message.reminder {
            Some(timing) => format!("Reminder ({} before)", timing.as_str()),
            None => "Reminder".to_owned(),
        },
    }
}

fn action_label(action: &str) -> String {
    match action {
        "created" => "Booked".to_owned(),
        "cancelled" => "Cancelled".to_owned(),
        "rescheduled" => "Moved".to_owned(),
        "completed" => "Marked completed".to_owned(),
        "no_show" => "Marked no-show".to_owned(),
        other => sentence(other).trim_end_matches('.').to_owned(),
    }
}

fn duration_text(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// What a changelog row's details say, in words.
fn change_detail(change: &Change, zone: &TimeZoneName) -> String {
    let details = &change.details;
    let start = || {
        details["startTime"]
            .as_str()
            .and_then(|text| text.parse::<Timestamp>().ok())
            .map(|at| when(at, zone))
    };
    match change.action.as_str() {
        "created" if details.get("rescheduledFrom").is_some() => match start() {
            Some(at) => format!("Moved here from an earlier booking; starts {at}"),
            None => "Moved here from an earlier booking".to_owned(),
        },
        "created" => start().map(|at| format!("Starts {at}")).unwrap_or_default(),
        "rescheduled" => start().map(|at| format!("To {at}")).unwrap_or_default(),
        "cancelled" => {
            let by = match details["by"].as_str() {
                Some("host") => "By the host",
                Some("invitee") => "By the invitee",
                _ => "",
            };
            match details["reason"].as_str().filter(|r| !r.is_empty()) {
                Some(reason) if by.is_empty() => format!("Reason: {reason}"),
                Some(reason) => format!("{by}. Reason: {reason}"),
                None => by.to_owned(),
            }
        }
        "completed" | "no_show" => details["from"]
            .as_str()
            .map(|from| format!("Was {}", from.replace('_', "-")))
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// The booking's page.
pub(super) async fn booking_page(
    state: &AppState,
    console: &Console,
    id: BookingId,
    time_format: TimeFormat,
    shown: Shown,
) -> Result<Response, AppError> {
    let record = bookings::record(state, &console.caller, id).await?;
    let viewer_zone = console_zone(console);
    let now = state.clock.now();
    let BookingRecord { booking, host, .. } = &record;
    let meeting = |zone: &TimeZoneName| {
        let zone = zone.time_zone().clone();
        time_format.meeting(
            &booking.start_time.to_zoned_datetime(zone.clone()),
            &booking.end_time.to_zoned_datetime(zone),
        )
    };
    let path = booking_path(booking.id);
    let status = if shown.reason_error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if shown.alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let heading = format!("{} with {}", booking.event_type_name, booking.invitee.name);
    let template = BookingPage {
        layout: console
            .layout(heading.clone(), Section::Bookings)
            .with_notice(shown.notice.as_deref()),
        heading,
        status: booking.status.as_str(),
        status_label: status_label(booking.status),
        alert: shown.alert,
        when_host: meeting(&host.timezone),
        when_invitee: (booking.timezone != host.timezone).then(|| meeting(&booking.timezone)),
        facts: facts(&record, &viewer_zone),
        invitee_name: booking.invitee.name.to_string(),
        invitee_email: booking.invitee.email.to_string(),
        notes: booking.invitee.notes.as_ref().map(ToString::to_string),
        answers: answers(&record),
        actions: actions(booking, now, &path),
        reason: shown.reason,
        reason_error: shown.reason_error,
        history: history(&record, &viewer_zone),
        messages: messages(&record, &viewer_zone, &path),
        zone: viewer_zone.to_string(),
        path,
    };
    page(status, &template)
}

/// What the booking page says about a booking besides its time and invitee.
fn facts(record: &BookingRecord, viewer_zone: &TimeZoneName) -> Vec<Fact> {
    let booking = &record.booking;
    let fact = |term, text| Fact {
        term,
        text,
        href: None,
    };
    let mut facts = vec![
        fact("Event", booking.event_type_name.clone()),
        fact(
            "Length",
            duration_text(
                booking
                    .end_time
                    .duration_since(booking.start_time)
                    .as_mins(),
            ),
        ),
        fact("Location", location_text(&booking.location)),
        fact(
            "Host",
            format!("{} ({})", booking.host_name, booking.host_email),
        ),
        fact(
            "Booked",
            format!("{} ({viewer_zone})", when(booking.created_at, viewer_zone)),
        ),
    ];
    if let Some(by) = booking.cancelled_by {
        let who = match by {
            kairos_core::booking::CancelledBy::Host => "The host",
            kairos_core::booking::CancelledBy::Invitee => "The invitee",
        };
        facts.push(fact("Cancelled by", who.to_owned()));
    }
    if let Some(reason) = booking.cancel_reason.as_ref().filter(|r| !r.is_empty()) {
        facts.push(fact("Reason", reason.clone()));
    }
    if let Some(from) = booking.rescheduled_from {
        facts.push(Fact {
            term: "Moved from",
            text: "The earlier booking".to_owned(),
            href: Some(booking_path(from)),
        });
    }
    let moved_to = record
        .history
        .iter()
        .filter(|change| change.action == "rescheduled")
        .find_map(|change| change.details["to"].as_str()?.parse::<BookingId>().ok());
    if let Some(to) = moved_to {
        facts.push(Fact {
            term: "Moved to",
            text: "The new booking".to_owned(),
            href: Some(booking_path(to)),
        });
    }
    facts
}

/// The invitee's answers, labelled by the event type's questions; answers to questions removed
/// since are kept, under their id.
fn answers(record: &BookingRecord) -> Vec<AnswerRow> {
    let responses = &record.booking.invitee.responses;
    let questions = &record.event_type.fields.custom_questions;
    let mut answers: Vec<AnswerRow> = LabelledAnswer::list(questions, responses)
        .into_iter()
        .map(|answer| AnswerRow {
            question: answer.question,
            answer: answer.answer,
        })
        .collect();
    for (key, answer) in responses {
        if !questions.as_slice().iter().any(|q| q.id() == key) {
            answers.push(AnswerRow {
                question: format!("{key} (question since removed)"),
                answer: answer_text(answer),
            });
        }
    }
    answers
}

/// The booking's changelog, newest first, with who made each change.
fn history(record: &BookingRecord, viewer_zone: &TimeZoneName) -> Vec<HistoryRow> {
    record
        .history
        .iter()
        .map(|change| HistoryRow {
            when: when(change.created_at, viewer_zone),
            action: action_label(&change.action),
            who: match change.actor_id.map(|account| record.actors.get(&account)) {
                Some(Some(Some(email))) => email.clone(),
                Some(_) => "A removed account".to_owned(),
                None => "Invitee or system".to_owned(),
            },
            detail: change_detail(change, viewer_zone),
        })
        .collect()
}

/// The booking's messages, with a retry action on the failed ones.
fn messages(record: &BookingRecord, viewer_zone: &TimeZoneName, path: &str) -> Vec<MessageRow> {
    record
        .messages
        .iter()
        .map(|message| MessageRow {
            kind: kind_label(message),
            audience: match message.audience {
                Audience::Host => "Host",
                Audience::Invitee => "Invitee",
            },
            recipient: message.recipient.clone(),
            status: message.status.as_str(),
            attempts: message.attempts,
            when: when(message.sent_at.unwrap_or(message.send_at), viewer_zone),
            last_error: message.last_error.clone(),
            retry_action: (message.status == OutboxStatus::Failed)
                .then(|| format!("{path}/messages/{}/retry", message.id)),
        })
        .collect()
}

/// The changes the application would accept now (the same checks it runs).
fn actions(booking: &Booking, now: Timestamp, path: &str) -> Actions {
    let started = booking.start_time <= now;
    Actions {
        cancel: ensure_cancellable(booking).is_ok(),
        reschedule_href: ensure_movable(booking, now)
            .is_ok()
            .then(|| format!("{path}/reschedule")),
        complete: started
            && booking.status != BookingStatus::Completed
            && ensure_outcome(booking, BookingStatus::Completed).is_ok(),
        no_show: started
            && booking.status != BookingStatus::NoShow
            && ensure_outcome(booking, BookingStatus::NoShow).is_ok(),
    }
}

/// Shows a booking page, or the problem that stopped it.
pub(super) async fn show_booking(
    state: &AppState,
    console: &Console,
    id: BookingId,
    time_format: TimeFormat,
    shown: Shown,
    status: Option<StatusCode>,
) -> Response {
    match booking_page(state, console, id, time_format, shown).await {
        Ok(mut response) => {
            if let Some(status) = status {
                *response.status_mut() = status;
            }
            response
        }
        Err(error) => bookings_problem(console, error),
    }
}

async fn detail(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let id = match booking_id(&id) {
        Ok(id) => id,
        Err(error) => return bookings_problem(&console, error),
    };
    let shown = Shown {
        notice: notice_code(raw.as_deref()),
        ..Shown::default()
    };
    show_booking(
        &state,
        &console,
        id,
        TimeFormat::of_request(&headers),
        shown,
        None,
    )
    .await
}

/// What a refused change says on the booking's page: `doing` and the service's reason.
pub(super) fn refusal(doing: &str, error: &AppError) -> String {
    let reason = match error {
        AppError::Conflict { message, .. } | AppError::Validation { message, .. } => {
            message.clone()
        }
        other => other.to_string(),
    };
    let mut text = format!("{doing}: {reason}");
    if !text.ends_with(['.', '!', '?']) {
        text.push('.');
    }
    text
}

/// After a change: to the page with a confirmation, or back to the booking with the refusal
/// (409/422 as the service answered); anything else is a problem page.
async fn after_change(
    state: &AppState,
    console: &Console,
    id: BookingId,
    time_format: TimeFormat,
    doing: &str,
    result: Result<Response, AppError>,
) -> Response {
    match result {
        Ok(response) => response,
        Err(error @ (AppError::Conflict { .. } | AppError::Validation { .. })) => {
            let status = error.status();
            let shown = Shown {
                alert: Some(refusal(doing, &error)),
                ..Shown::default()
            };
            show_booking(state, console, id, time_format, shown, Some(status)).await
        }
        Err(error) => bookings_problem(console, error),
    }
}

async fn post_cancel(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match console.form(&body) {
        Ok(form) => form,
        Err(refused) => return refused.into_response(),
    };
    let id = match booking_id(&id) {
        Ok(id) => id,
        Err(error) => return bookings_problem(&console, error),
    };
    let time_format = TimeFormat::of_request(&headers);
    let text = form.value("reason").unwrap_or_default().trim();
    let reason = match LongText::parse(text) {
        Ok(reason) => reason,
        Err(error) => {
            let shown = Shown {
                reason: text.to_owned(),
                reason_error: Some(format!("The reason {}.", error.message())),
                ..Shown::default()
            };
            return show_booking(&state, &console, id, time_format, shown, None).await;
        }
    };
    let result = bookings::cancel(&state, &console.caller, id, Some(reason))
        .await
        .map(|_| done(&booking_path(id), "cancelled"));
    after_change(
        &state,
        &console,
        id,
        time_format,
        "The booking was not cancelled",
        result,
    )
    .await
}

async fn post_outcome(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form = match console.form(&body) {
        Ok(form) => form,
        Err(refused) => return refused.into_response(),
    };
    let id = match booking_id(&id) {
        Ok(id) => id,
        Err(error) => return bookings_problem(&console, error),
    };
    let time_format = TimeFormat::of_request(&headers);
    let result: Result<Response, AppError> = async {
        let value = form.value("status").unwrap_or_default();
        let status = BookingStatus::parse(value)
            .map_err(|_| AppError::validation("status", "an outcome is completed or no_show"))?;
        bookings::record_outcome(&state, &console.caller, id, status).await?;
        let notice = if status == BookingStatus::NoShow {
            "no-show"
        } else {
            "completed"
        };
        Ok(done(&booking_path(id), notice))
    }
    .await;
    after_change(
        &state,
        &console,
        id,
        time_format,
        "The outcome was not recorded",
        result,
    )
    .await
}

async fn post_retry(
    State(state): State<AppState>,
    console: Console,
    Path((id, message)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(refused) = console.form(&body) {
        return refused.into_response();
    }
    let id = match booking_id(&id) {
        Ok(id) => id,
        Err(error) => return bookings_problem(&console, error),
    };
    let Ok(message) = message.parse::<OutboxId>() else {
        return bookings_problem(&console, AppError::NotFound("message"));
    };
    let time_format = TimeFormat::of_request(&headers);
    let result = notifications::retry(&state, &console.caller, id, message)
        .await
        .map(|_| done(&booking_path(id), "retried"));
    after_change(
        &state,
        &console,
        id,
        time_format,
        "The message was not queued again",
        result,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_queries_name_the_bad_parameter() {
        for (raw, field) in [
            ("status=maybe", "status"),
            ("when=soon", "when"),
            ("from=yesterday", "from"),
            ("to=2026-02-30", "to"),
            ("event=intro", "event"),
            ("host=me", "host"),
            ("page=0", "page"),
            ("page=abc", "page"),
        ] {
            match ListQuery::parse(Some(raw)) {
                Err(AppError::BadRequest {
                    field: Some(named),
                    message,
                }) => {
                    assert_eq!(named, field, "{raw}");
                    assert!(message.starts_with(field), "{message}");
                }
                other => panic!("{raw}: {other:?}"),
            }
        }
    }

    #[test]
    fn blank_and_unknown_fields_are_ignored_and_filters_round_trip() {
        let query = ListQuery::parse(Some(
            "status=confirmed&when=upcoming&from=&to=2026-12-31&event=&notice=saved&x=1",
        ))
        .expect("query");
        assert_eq!(query.status, Some(BookingStatus::Confirmed));
        assert_eq!(query.when, Some(Period::Upcoming));
        assert_eq!(query.from, None);
        assert_eq!(query.page, 1);
        assert_eq!(
            query.href(2),
            "/admin/scheduling/bookings?status=confirmed&when=upcoming&to=2026-12-31&page=2"
        );
        assert_eq!(
            query.href(1),
            "/admin/scheduling/bookings?status=confirmed&when=upcoming&to=2026-12-31"
        );
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration_text(30), "30 min");
        assert_eq!(duration_text(60), "1 h");
        assert_eq!(duration_text(90), "1 h 30 min");
    }
}
