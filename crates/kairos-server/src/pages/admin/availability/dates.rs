//! `/admin/scheduling/availability/overrides`: a host's date overrides (other hours, or none, on
//! one date) and time off (blocked dates: whole days, or some hours of one date).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use jiff::civil::Date;
use kairos_core::ids::BlockedDateId;
use kairos_core::schedule::DateOverride;
use kairos_core::text::LongText;
use kairos_store::{BlockedDate, NewBlockedDate};

use super::windows::{
    WindowRow, date_label, form_time, read_windows, windows_label, with_blank_row,
};
use crate::app::AppError;
use crate::app::availability::{self, UpcomingDates, blocked_period, iso_date};
use crate::pages::admin::form::{Failure, FormErrors, message_of};
use crate::pages::admin::host::{Host, resolve_for_page, resolve_for_write};
use crate::pages::admin::{
    Console, ConsoleForm, ConsoleLayout, Section, done, notice_code, with_status,
};
use crate::pages::{PageError, render};
use crate::state::AppState;

const PATH: &str = "/admin/scheduling/availability/overrides";
const BLOCKED_PATH: &str = "/admin/scheduling/availability/blocked";

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(save_override))
        .route(
            "/admin/scheduling/availability/overrides/{date}/delete",
            post(delete_override),
        )
        .route(BLOCKED_PATH, post(add_blocked))
        .route(
            "/admin/scheduling/availability/blocked/{id}/delete",
            post(delete_blocked),
        )
}

/// An override as a row of the list.
pub struct OverrideRow {
    pub iso: String,
    pub label: String,
    /// `None`: unavailable all day.
    pub hours: Option<String>,
}

/// A blocked range as a row of the list.
pub struct BlockedRow {
    pub id: String,
    pub dates: String,
    /// `None`: all day.
    pub hours: Option<String>,
    pub reason: String,
}

impl BlockedRow {
    fn of(blocked: &BlockedDate) -> Self {
        let (start, end) = (blocked.period.start_date(), blocked.period.end_date());
        let dates = if start == end {
            date_label(start)
        } else {
            format!("{} – {}", date_label(start), date_label(end))
        };
        Self {
            id: blocked.id.to_string(),
            dates,
            hours: blocked
                .period
                .hours()
                .map(|w| format!("{}–{}", w.start(), w.end())),
            reason: blocked
                .reason
                .as_ref()
                .map(|r| r.to_string())
                .unwrap_or_default(),
        }
    }
}

/// The "set the hours of a date" form.
pub struct OverrideForm {
    pub date: String,
    pub unavailable: bool,
    pub rows: Vec<WindowRow>,
    pub windows_error: Option<String>,
}

impl Default for OverrideForm {
    fn default() -> Self {
        Self {
            date: String::new(),
            unavailable: false,
            rows: vec![WindowRow::default(), WindowRow::default()],
            windows_error: None,
        }
    }
}

/// The "block whole days" form.
#[derive(Default)]
pub struct AllDayForm {
    pub start_date: String,
    pub end_date: String,
    pub reason: String,
}

/// The "block some hours of a date" form.
#[derive(Default)]
pub struct PartialForm {
    pub date: String,
    pub start_time: String,
    pub end_time: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "admin/availability/dates.html")]
struct DatesPage {
    layout: ConsoleLayout,
    host: Host,
    own: bool,
    zone: String,
    today: String,
    overrides: Vec<OverrideRow>,
    blocked: Vec<BlockedRow>,
    override_form: OverrideForm,
    all_day: AllDayForm,
    partial: PartialForm,
    errors: FormErrors,
}

impl DatesPage {
    fn page_path(&self) -> &'static str {
        PATH
    }

    fn action(&self) -> String {
        format!("{PATH}{}", self.host.query)
    }

    fn blocked_action(&self) -> String {
        format!("{BLOCKED_PATH}{}", self.host.query)
    }

    fn weekly_href(&self) -> String {
        format!("/admin/scheduling/availability{}", self.host.query)
    }

    fn delete_override_action(&self, row: &OverrideRow) -> String {
        format!("{PATH}/{}/delete{}", row.iso, self.host.query)
    }

    fn delete_blocked_action(&self, row: &BlockedRow) -> String {
        format!("{BLOCKED_PATH}/{}/delete", row.id)
    }
}

/// What a re-shown page carries: the refused form's values and problems.
#[derive(Default)]
struct Refused {
    override_form: Option<OverrideForm>,
    all_day: Option<AllDayForm>,
    partial: Option<PartialForm>,
    errors: FormErrors,
}

/// The page for `host`: its lists (from today in the host's zone) and forms.
async fn page(
    state: &AppState,
    console: &Console,
    host: Host,
    notice: Option<&str>,
    refused: Refused,
) -> Result<DatesPage, Failure> {
    // Override and time-off dates and hours are wall-clock values in the zone of the weekly
    // hours (which may differ from the profile's display zone).
    let UpcomingDates {
        zone,
        today,
        overrides,
        blocked,
    } = availability::upcoming_dates(state, &console.caller, host.user.id)
        .await
        .map_err(PageError)?;
    let overrides = overrides
        .into_iter()
        .map(|o| OverrideRow {
            iso: o.date.to_string(),
            label: date_label(o.date),
            hours: (!o.windows.is_empty()).then(|| windows_label(&o.windows)),
        })
        .collect();
    let blocked = blocked.iter().map(BlockedRow::of).collect();
    Ok(DatesPage {
        layout: console
            .layout("Date overrides and time off", Section::Availability)
            .with_notice(notice),
        own: host.query.is_empty(),
        host,
        zone: zone.to_string(),
        today: today.to_string(),
        overrides,
        blocked,
        override_form: refused.override_form.unwrap_or_default(),
        all_day: refused.all_day.unwrap_or_default(),
        partial: refused.partial.unwrap_or_default(),
        errors: refused.errors,
    })
}

async fn show(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let notice = notice_code(query.as_deref());
    let host = match resolve_for_page(
        &state,
        &console,
        Section::Availability,
        "Date overrides and time off",
        PATH,
        query.as_deref(),
    )
    .await?
    {
        Ok(host) => host,
        Err(picker_page) => return Ok(picker_page),
    };
    let page = page(
        &state,
        &console,
        host,
        notice.as_deref(),
        Refused::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// A form date: `YYYY-MM-DD` (what a date input sends).
fn form_date(value: Option<&str>) -> Result<Date, &'static str> {
    let value = value.ok_or("Choose a date.")?;
    iso_date(value).ok_or("Enter the date as YYYY-MM-DD, for example 2026-12-24.")
}

/// Re-shows the page with a refused form (422).
async fn refuse(
    state: &AppState,
    console: &Console,
    host: Host,
    refused: Refused,
) -> Result<Response, Failure> {
    let page = page(state, console, host, None, refused).await?;
    Ok(with_status(
        StatusCode::UNPROCESSABLE_ENTITY,
        render(&page)?,
    ))
}

async fn save_override(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = console.form(&body)?;
    let host = resolve_for_write(&state, &console, Section::Availability, query.as_deref()).await?;
    let mut errors = FormErrors::default();
    let date = form_date(form.text("date"))
        .map_err(|message| errors.add("override-date", message))
        .ok();
    let unavailable = form.value("mode") == Some("off");
    let (rows, read) = read_windows(&form, "override");
    let mut shown = OverrideForm {
        date: form.text("date").unwrap_or_default().to_owned(),
        unavailable,
        rows: with_blank_row(rows),
        windows_error: None,
    };
    let windows = if unavailable {
        Some(kairos_core::schedule::DayWindows::none())
    } else {
        for (index, row) in shown.rows.iter().enumerate() {
            if let Some(message) = &row.error {
                errors.add(format!("override-start-{index}"), message);
            }
        }
        match read {
            Ok(windows) if windows.is_empty() => {
                shown.windows_error = Some(
                    "Add at least one time window, or choose “Unavailable all day”.".to_owned(),
                );
                None
            }
            Ok(windows) => Some(windows),
            Err(problem) => {
                shown.windows_error = problem;
                None
            }
        }
    };
    if let Some(message) = &shown.windows_error {
        errors.add("override-windows", message);
    }
    let (Some(date), Some(windows), true) = (date, windows, errors.is_empty()) else {
        let refused = Refused {
            override_form: Some(shown),
            errors,
            ..Refused::default()
        };
        return refuse(&state, &console, host, refused).await;
    };
    let date_override = DateOverride { date, windows };
    availability::set_date_override(&state, &console.caller, Some(host.user.id), date_override)
        .await
        .map_err(PageError)?;
    Ok(done(&format!("{PATH}{}", host.query), "saved"))
}

async fn delete_override(
    State(state): State<AppState>,
    console: Console,
    Path(date): Path<String>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, Failure> {
    console.form(&body)?;
    let host = resolve_for_write(&state, &console, Section::Availability, query.as_deref()).await?;
    let date = iso_date(&date).ok_or(PageError(AppError::NotFound("date override")))?;
    availability::remove_date_override(&state, &console.caller, Some(host.user.id), date)
        .await
        .map_err(PageError)?;
    Ok(done(&format!("{PATH}{}", host.query), "deleted"))
}

/// The reason field of a time-off form (blank = none).
fn reason(form: &ConsoleForm, errors: &mut FormErrors, input_id: &str) -> Option<LongText> {
    let text = form.text("reason")?;
    LongText::parse(text)
        .map_err(|e| errors.add(input_id, format!("reason: {}", e.message())))
        .ok()
}

async fn add_blocked(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = console.form(&body)?;
    let host = resolve_for_write(&state, &console, Section::Availability, query.as_deref()).await?;
    let mut errors = FormErrors::default();
    let text = |name: &str| form.text(name).unwrap_or_default().to_owned();
    let mut refused = Refused::default();
    let new = match form.value("kind") {
        Some("all-day") => {
            let start = form_date(form.text("start_date"))
                .map_err(|m| errors.add("blocked-start", m))
                .ok();
            let end = match form.text("end_date") {
                None => Some(None),
                Some(value) => form_date(Some(value))
                    .map(Some)
                    .map_err(|m| errors.add("blocked-end", m))
                    .ok(),
            };
            let reason = reason(&form, &mut errors, "blocked-reason");
            let period = match (start, end) {
                (Some(start), Some(end)) => blocked_period(start, end, Some(true), None, None)
                    .map_err(|e| errors.add("blocked-end", message_of(e)))
                    .ok(),
                _ => None,
            };
            refused.all_day = Some(AllDayForm {
                start_date: text("start_date"),
                end_date: text("end_date"),
                reason: text("reason"),
            });
            period.map(|period| NewBlockedDate { period, reason })
        }
        Some("partial") => {
            let date = form_date(form.text("date"))
                .map_err(|m| errors.add("partial-date", m))
                .ok();
            let time =
                |name: &str, input_id: &str, is_end: bool, errors: &mut FormErrors| match form
                    .text(name)
                {
                    None => {
                        errors.add(input_id, "Enter a time.");
                        None
                    }
                    Some(value) => form_time(value, is_end)
                        .map_err(|m| errors.add(input_id, m))
                        .ok(),
                };
            let start = time("start_time", "partial-start", false, &mut errors);
            let end = time("end_time", "partial-end", true, &mut errors);
            let reason = reason(&form, &mut errors, "partial-reason");
            let period = match (date, start, end) {
                (Some(date), Some(start), Some(end)) => {
                    blocked_period(date, None, Some(false), Some(start), Some(end))
                        .map_err(|e| {
                            let input = match &e {
                                AppError::Validation { field, .. } if field == "startTime" => {
                                    "partial-start"
                                }
                                AppError::Validation { field, .. } if field == "endTime" => {
                                    "partial-end"
                                }
                                _ => "partial-date",
                            };
                            errors.add(input, message_of(e));
                        })
                        .ok()
                }
                _ => None,
            };
            refused.partial = Some(PartialForm {
                date: text("date"),
                start_time: text("start_time"),
                end_time: text("end_time"),
                reason: text("reason"),
            });
            period.map(|period| NewBlockedDate { period, reason })
        }
        _ => {
            return Err(Failure::Page(PageError(AppError::bad_request(
                "kind",
                "choose whole days or some hours",
            ))));
        }
    };
    let (Some(new), true) = (new, errors.is_empty()) else {
        refused.errors = errors;
        return refuse(&state, &console, host, refused).await;
    };
    availability::block(&state, &console.caller, Some(host.user.id), new)
        .await
        .map_err(PageError)?;
    Ok(done(&format!("{PATH}{}", host.query), "created"))
}

async fn delete_blocked(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Failure> {
    console.form(&body)?;
    let id = id
        .parse::<BlockedDateId>()
        .map_err(|_| PageError(AppError::NotFound("blocked date")))?;
    let removed = availability::unblock(&state, &console.caller, id)
        .await
        .map_err(|e| Failure::of(&console, Section::Availability, e))?;
    let query = if Some(removed.user_id) == console.caller.own_host() {
        String::new()
    } else {
        format!("?host={}", removed.user_id)
    };
    Ok(done(&format!("{PATH}{query}"), "deleted"))
}
