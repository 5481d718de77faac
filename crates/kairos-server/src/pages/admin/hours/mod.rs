//! The console's availability and settings pages: weekly hours and time zone, date overrides and
//! time off, the host's profile and booking settings, and the tenant's notification wording.
//!
//! Invariants:
//! - Every page is about one host: the account's own profile, or for owners and admins the one
//!   named by `?host=<userId>` ([`host::resolve`]: a member asking for another host gets 403,
//!   an unknown or other-tenant id 404, like the API's `userId`).
//! - Forms validate everything before storing anything, with the same rules as the JSON API
//!   (the domain types of `kairos-core` and the checks shared with `api::admin`); a refused
//!   form is shown again with status 422, its values kept and each message next to its field.
//! - Everything works without JavaScript; `kairos.js` only adds buttons (add, remove and copy
//!   time windows) and hides what does not apply.

mod dates;
mod host;
mod notifications;
pub(super) mod password;
mod settings;
mod weekly;

use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use kairos_core::schedule::{DayWindows, TimeWindow, WallTime};

use super::{Console, ConsoleLayout, Section};
use crate::error::ApiError;
use crate::pages::{PageError, render};
use crate::state::AppState;

/// The availability and settings pages.
pub(super) fn router() -> Router<AppState> {
    Router::new()
        .merge(weekly::router())
        .merge(dates::router())
        .merge(settings::router())
        .merge(notifications::router())
        .merge(password::router())
}

/// One problem of a submitted form: the input it is about and what to do.
#[derive(Debug, Clone)]
pub struct FieldError {
    pub input_id: String,
    pub message: String,
}

/// The problems of a submitted form, by input id, in the order the form shows them.
#[derive(Debug, Clone, Default)]
pub struct FormErrors(Vec<FieldError>);

impl FormErrors {
    /// Records a problem with `input_id` (the first one per input wins).
    pub fn add(&mut self, input_id: impl Into<String>, message: impl AsRef<str>) {
        let input_id = input_id.into();
        if self.get(&input_id).is_none() {
            self.0.push(FieldError {
                input_id,
                message: sentence(message.as_ref()),
            });
        }
    }

    /// The message for an input, if it has one.
    pub fn get(&self, input_id: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|error| error.input_id == input_id)
            .map(|error| error.message.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn list(&self) -> &[FieldError] {
        &self.0
    }
}

pub(crate) use crate::pages::error::sentence;

/// One row of time-window inputs as the form shows it (values as typed).
#[derive(Debug, Clone, Default)]
pub struct WindowRow {
    pub start: String,
    pub end: String,
    pub error: Option<String>,
}

impl WindowRow {
    /// The row showing a stored window. `24:00` (the end of the day) is shown as `00:00`, the
    /// only way a time input can hold it; [`form_time`] reads it back as the end of the day.
    pub fn of(window: &TimeWindow) -> Self {
        let end = if window.end() == WallTime::END_OF_DAY {
            "00:00".to_owned()
        } else {
            window.end().to_string()
        };
        Self {
            start: window.start().to_string(),
            end,
            error: None,
        }
    }

    /// Rows for the stored windows of a day, then `blank` empty rows.
    pub fn rows(windows: &DayWindows, blank: usize) -> Vec<Self> {
        let mut rows: Vec<Self> = windows.as_slice().iter().map(Self::of).collect();
        rows.extend(std::iter::repeat_with(Self::default).take(blank));
        rows
    }

    fn is_blank(&self) -> bool {
        self.start.is_empty() && self.end.is_empty()
    }
}

/// A time from a time input: `HH:MM` (a browser may add `:00` seconds). As an end, `00:00` is
/// midnight at the end of the day (`24:00`, which a time input cannot show).
pub fn form_time(value: &str, is_end: bool) -> Result<WallTime, String> {
    let value = value.trim();
    let value = match value.strip_suffix(":00") {
        Some(minutes) if value.len() == 8 => minutes,
        _ => value,
    };
    let time = WallTime::parse(value).map_err(|e| e.message().to_owned())?;
    if is_end && time == WallTime::START_OF_DAY {
        return Ok(WallTime::END_OF_DAY);
    }
    Ok(time)
}

/// Reads the repeated `{prefix}_start` / `{prefix}_end` inputs of a form into rows and, when
/// every filled row is a valid window and together they make a valid day, the day's windows.
/// Rows with both times blank are ignored. A row's problem goes on the row (and the result is
/// `Err(None)`); a problem of the day as a whole (overlaps, too many) is `Err(Some(message))`.
pub fn read_windows(
    form: &super::ConsoleForm,
    prefix: &str,
) -> (Vec<WindowRow>, Result<DayWindows, Option<String>>) {
    let (start_name, end_name) = (format!("{prefix}_start"), format!("{prefix}_end"));
    let starts: Vec<&str> = form.values(&start_name).collect();
    let ends: Vec<&str> = form.values(&end_name).collect();
    let count = starts.len().max(ends.len());
    let mut rows = Vec::with_capacity(count);
    let mut windows = Vec::new();
    let mut row_problem = false;
    for index in 0..count {
        let mut row = WindowRow {
            start: starts.get(index).map_or("", |v| v.trim()).to_owned(),
            end: ends.get(index).map_or("", |v| v.trim()).to_owned(),
            error: None,
        };
        if !row.is_blank() {
            match window_of(&row) {
                Ok(window) => windows.push(window),
                Err(message) => {
                    row.error = Some(sentence(&message));
                    row_problem = true;
                }
            }
        }
        rows.push(row);
    }
    if row_problem {
        return (rows, Err(None));
    }
    let day = DayWindows::new(windows).map_err(|e| Some(sentence(e.message())));
    (rows, day)
}

fn window_of(row: &WindowRow) -> Result<TimeWindow, String> {
    if row.start.is_empty() || row.end.is_empty() {
        return Err("enter both a start and an end time, or clear both to drop this window".into());
    }
    let start = form_time(&row.start, false)?;
    let end = form_time(&row.end, true)?;
    TimeWindow::new(start, end).map_err(|e| e.message().to_owned())
}

/// Rows to show again after a refused form: as submitted, with at least one blank row.
pub fn with_blank_row(mut rows: Vec<WindowRow>) -> Vec<WindowRow> {
    if rows.last().is_none_or(|row| !row.is_blank()) {
        rows.push(WindowRow::default());
    }
    rows
}

/// The message of a validation error (other errors as they print).
pub fn message_of(error: ApiError) -> String {
    match error {
        ApiError::Validation { message, .. } => message,
        other => other.to_string(),
    }
}

/// `Thu 24 Dec 2026`.
pub fn date_label(date: jiff::civil::Date) -> String {
    date.strftime("%a %-d %b %Y").to_string()
}

/// `09:00–12:00, 13:00–17:00`.
pub fn windows_label(windows: &DayWindows) -> String {
    windows
        .as_slice()
        .iter()
        .map(|w| format!("{}–{}", w.start(), w.end()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What went wrong on one of these pages: a page error, or a refusal shown inside the console
/// (a member reaching for another host's page), which keeps the navigation.
#[derive(Debug)]
pub enum Failure {
    Page(PageError),
    Refused(Box<RefusedPage>),
}

impl From<PageError> for Failure {
    fn from(error: PageError) -> Self {
        Failure::Page(error)
    }
}

impl Failure {
    /// `error` as seen from a page of `section`: 403s stay inside the console.
    pub fn of(console: &Console, section: Section, error: ApiError) -> Self {
        match error {
            ApiError::Forbidden(message) => Failure::Refused(Box::new(RefusedPage {
                layout: console.layout("Not allowed", section),
                message: sentence(&message),
            })),
            other => Failure::Page(PageError(other)),
        }
    }
}

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        match self {
            Failure::Page(error) => error.into_response(),
            Failure::Refused(page) => match render(page.as_ref()) {
                Ok(html) => (StatusCode::FORBIDDEN, html).into_response(),
                Err(error) => error.into_response(),
            },
        }
    }
}

/// A 403 inside the console layout.
#[derive(Debug, Template)]
#[template(path = "admin/hours/refused.html")]
pub struct RefusedPage {
    layout: ConsoleLayout,
    message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn end_times_of_midnight_mean_the_end_of_the_day() {
        assert_eq!(form_time("00:00", true), Ok(WallTime::END_OF_DAY));
        assert_eq!(form_time("00:00", false), Ok(WallTime::START_OF_DAY));
        assert_eq!(form_time("24:00", true), Ok(WallTime::END_OF_DAY));
        assert_eq!(form_time("09:30:00", false).map(|t| t.minutes()), Ok(570));
        assert!(form_time("9:30", false).is_err());
        assert!(form_time("09:30:15", false).is_err());
        let whole_evening = TimeWindow::parse("18:00", "24:00").expect("window");
        assert_eq!(WindowRow::of(&whole_evening).end, "00:00");
    }

    #[test]
    fn messages_become_sentences() {
        assert_eq!(sentence("windows overlap"), "Windows overlap.");
        assert_eq!(sentence("Done."), "Done.");
    }
}
