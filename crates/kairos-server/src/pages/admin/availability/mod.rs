//! The console's availability pages: a host's weekly hours and time zone (this module), and
//! their date overrides and time off ([`dates`]).
//!
//! Every page is about one host: the account's own profile, or for owners and admins the one
//! named by `?host=<userId>` (see [`super::host`]). Everything works without JavaScript;
//! `kairos.js` only adds buttons (add, remove and copy time windows) and hides what does not
//! apply.

mod dates;
mod windows;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Weekday;
use kairos_core::schedule::{DayWindows, WeeklySchedule};
use kairos_core::zone::TimeZoneName;
use kairos_store::AvailabilityUpdate;

use self::windows::{WindowRow, read_windows, with_blank_row};
use super::form::{Failure, FormErrors};
use super::host::{Host, resolve_for_page, resolve_for_write};
use crate::app::availability;
use crate::pages::admin::{Console, ConsoleLayout, Section, done, notice_code, with_status};
use crate::pages::calendar::zone_names;
use crate::pages::{PageError, render};
use crate::state::AppState;

const PATH: &str = "/admin/scheduling/availability";

pub(super) fn router() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(save))
        .merge(dates::router())
}

/// The days of the week in the form's order, with their field prefix.
const DAYS: [(Weekday, &str, &str); 7] = [
    (Weekday::Monday, "monday", "Monday"),
    (Weekday::Tuesday, "tuesday", "Tuesday"),
    (Weekday::Wednesday, "wednesday", "Wednesday"),
    (Weekday::Thursday, "thursday", "Thursday"),
    (Weekday::Friday, "friday", "Friday"),
    (Weekday::Saturday, "saturday", "Saturday"),
    (Weekday::Sunday, "sunday", "Sunday"),
];

/// Blank rows under a day's windows, for adding windows without JavaScript.
const BLANK_ROWS: usize = 2;

/// One day of the form.
pub struct DayForm {
    pub key: &'static str,
    pub label: &'static str,
    pub open: bool,
    pub rows: Vec<WindowRow>,
    /// A problem of the day as a whole (overlapping windows, none while open).
    pub error: Option<String>,
}

impl DayForm {
    /// Whether the day or one of its rows has a problem.
    pub fn has_error(&self) -> bool {
        self.error.is_some() || self.rows.iter().any(|row| row.error.is_some())
    }
}

/// One time zone in the select.
pub struct ZoneOption {
    pub name: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a time zone select, `current` selected (kept even if it is not a known name,
/// so a refused value is shown as typed).
pub fn zone_options(current: &str) -> Vec<ZoneOption> {
    let known = TimeZoneName::parse(current).unwrap_or_else(|_| TimeZoneName::utc());
    let mut names = zone_names(&known);
    if !names.iter().any(|name| name == current) && !current.is_empty() {
        names.insert(0, current.to_owned());
    }
    names
        .into_iter()
        .map(|name| ZoneOption {
            label: name.replace('_', " "),
            selected: name == current,
            name,
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin/availability/weekly.html")]
struct WeeklyPage {
    layout: ConsoleLayout,
    host: Host,
    own: bool,
    zone: String,
    zones: Vec<ZoneOption>,
    days: Vec<DayForm>,
    errors: FormErrors,
}

impl WeeklyPage {
    fn page_path(&self) -> &'static str {
        PATH
    }

    fn action(&self) -> String {
        format!("{PATH}{}", self.host.query)
    }

    fn dates_href(&self) -> String {
        format!("{PATH}/overrides{}", self.host.query)
    }
}

fn layout(console: &Console, query: Option<&str>) -> ConsoleLayout {
    console
        .layout("Availability", Section::Availability)
        .with_notice(notice_code(query).as_deref())
}

async fn show(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
) -> Result<Response, Failure> {
    let host = match resolve_for_page(
        &state,
        &console,
        Section::Availability,
        "Availability",
        PATH,
        query.as_deref(),
    )
    .await?
    {
        Ok(host) => host,
        Err(picker_page) => return Ok(picker_page),
    };
    let availability = availability::weekly_hours(&state, &console.caller, Some(host.user.id))
        .await
        .map_err(PageError)?;
    let days = DAYS
        .iter()
        .map(|&(weekday, key, label)| {
            let windows = availability.weekly_schedule.day(weekday);
            DayForm {
                key,
                label,
                open: !windows.is_empty(),
                rows: WindowRow::rows(windows, BLANK_ROWS),
                error: None,
            }
        })
        .collect();
    let zone = availability.timezone.to_string();
    let page = WeeklyPage {
        layout: layout(&console, query.as_deref()),
        own: host.query.is_empty(),
        host,
        zones: zone_options(&zone),
        zone,
        days,
        errors: FormErrors::default(),
    };
    Ok(render(&page)?.into_response())
}

async fn save(
    State(state): State<AppState>,
    console: Console,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Result<Response, Failure> {
    let form = console.form(&body)?;
    let host = resolve_for_write(&state, &console, Section::Availability, query.as_deref()).await?;
    let mut errors = FormErrors::default();

    let zone_text = form.text("timezone").unwrap_or_default().to_owned();
    let zone = TimeZoneName::parse(&zone_text)
        .map_err(|e| errors.add("timezone", e.message()))
        .ok();

    let mut days = Vec::with_capacity(DAYS.len());
    let mut schedule = WeeklySchedule::empty();
    for &(weekday, key, label) in &DAYS {
        let open = form.checked(&format!("{key}_on"));
        let (rows, windows) = read_windows(&form, key);
        let mut day = DayForm {
            key,
            label,
            open,
            rows: with_blank_row(rows),
            error: None,
        };
        if open {
            match windows {
                Ok(windows) if windows.is_empty() => {
                    day.error =
                        Some("Add a time window, or untick the day to mark it closed.".to_owned());
                }
                Ok(windows) => *day_mut(&mut schedule, weekday) = windows,
                Err(problem) => day.error = problem,
            }
        }
        for (index, row) in day.rows.iter().enumerate() {
            if let Some(message) = &row.error {
                errors.add(
                    format!("{key}-start-{index}"),
                    format!("{label}: {message}"),
                );
            }
        }
        if let Some(message) = &day.error {
            errors.add(format!("{key}-on"), format!("{label}: {message}"));
        }
        days.push(day);
    }

    let (Some(zone), true) = (zone, errors.is_empty()) else {
        let page = WeeklyPage {
            layout: console.layout("Availability", Section::Availability),
            own: host.query.is_empty(),
            host,
            zones: zone_options(&zone_text),
            zone: zone_text,
            days,
            errors,
        };
        return Ok(with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&page)?,
        ));
    };
    let update = AvailabilityUpdate {
        timezone: zone,
        weekly_schedule: schedule,
    };
    availability::replace_weekly_hours(&state, &console.caller, Some(host.user.id), update)
        .await
        .map_err(PageError)?;
    Ok(done(&format!("{PATH}{}", host.query), "saved"))
}

fn day_mut(schedule: &mut WeeklySchedule, weekday: Weekday) -> &mut DayWindows {
    match weekday {
        Weekday::Monday => &mut schedule.monday,
        Weekday::Tuesday => &mut schedule.tuesday,
        Weekday::Wednesday => &mut schedule.wednesday,
        Weekday::Thursday => &mut schedule.thursday,
        Weekday::Friday => &mut schedule.friday,
        Weekday::Saturday => &mut schedule.saturday,
        Weekday::Sunday => &mut schedule.sunday,
    }
}
