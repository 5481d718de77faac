//! The time-window inputs the availability pages share: rows of start and end times read into
//! a day's windows, and how dates and windows are written for a reader.

use kairos_core::schedule::{DayWindows, TimeWindow, WallTime};

use crate::pages::admin::form::ConsoleForm;
use crate::pages::error::sentence;

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
    form: &ConsoleForm,
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
}
