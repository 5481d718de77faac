//! Moving a booking from the console: `…/bookings/{id}/reschedule` lists two weeks of days with
//! the free times of the booking's event type (the same free slots the booking pages show), a
//! picked time is confirmed with a POST, and the application moves it as the admin API would
//! ([`crate::app::bookings`]). A time taken in the meantime comes back to the picker with a
//! message (409).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use kairos_core::ids::BookingId;
use kairos_core::zone::TimeZoneName;

use super::bookings::{
    Shown, booking_id, booking_path, list_path, page, problem, refusal, show_booking,
};
use super::{Console, ConsoleLayout, Section, done};
use crate::app::AppError;
use crate::app::booking::parse_instant;
use crate::app::bookings::{self, MoveOptions};
use crate::pages::calendar::{parse_date, with_query};
use crate::pages::locale::TimeFormat;
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route(
        "/admin/scheduling/bookings/{id}/reschedule",
        get(get_reschedule).post(post_reschedule),
    )
}

/// Days shown at once.
const WINDOW_DAYS: i64 = 14;

/// The picker's query: the first day shown, the day whose times are listed, the time picked.
#[derive(Debug, Default)]
struct PickerQuery {
    from: Option<Date>,
    date: Option<Date>,
    start: Option<Timestamp>,
}

impl PickerQuery {
    fn parse(raw: Option<&str>) -> Result<Self, AppError> {
        let mut query = Self::default();
        for (key, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let date = |field: &str| {
                parse_date(value)
                    .filter(|date| (1..=9998).contains(&date.year()))
                    .ok_or_else(|| {
                        AppError::bad_request(
                            field,
                            format!("{field} must be a date such as 2026-12-01, not {value:?}"),
                        )
                    })
            };
            match key.as_ref() {
                "from" => query.from = Some(date("from")?),
                "date" => query.date = Some(date("date")?),
                "start" => {
                    query.start = Some(parse_instant("start", value).map_err(|_| {
                        AppError::bad_request(
                            "start",
                            format!("start must be an instant such as 2026-12-01T09:00:00Z, not {value:?}"),
                        )
                    })?);
                }
                _ => {}
            }
        }
        Ok(query)
    }
}

/// A day of the window: a link when it has free times.
struct DayLink {
    weekday: String,
    day: String,
    label: String,
    href: Option<String>,
    selected: bool,
}

/// A free time of the chosen day.
struct TimeLink {
    label: String,
    href: String,
    picked: bool,
}

/// The form that confirms the move.
struct Confirm {
    host_when: String,
    invitee_when: Option<String>,
    start: String,
}

#[derive(Template)]
#[template(path = "admin/reschedule.html")]
struct PickerPage {
    layout: ConsoleLayout,
    heading: String,
    booking_href: String,
    action: String,
    current: String,
    zone: String,
    alert: Option<String>,
    confirm: Option<Confirm>,
    range: String,
    days: Vec<DayLink>,
    prev_href: Option<String>,
    next_href: Option<String>,
    selected_title: Option<String>,
    times: Vec<TimeLink>,
}

/// The picker for `id` as `query` asks, with an optional refusal to show (and its status).
/// With `open_at`, it opens on that instant's host-local day (when not past).
async fn picker(
    state: &AppState,
    console: &Console,
    id: BookingId,
    time_format: TimeFormat,
    mut query: PickerQuery,
    alert: Option<String>,
    open_at: Option<Timestamp>,
) -> Result<Response, AppError> {
    let now = state.clock.now();
    let mut first = today_of(now, &TimeZoneName::utc());
    let mut end = first;
    let mut today = first;
    // Times are shown in the host's zone: the person whose calendar this is.
    let dates = |host: &kairos_store::User, _window_days: i64| {
        today = today_of(now, &host.timezone);
        if let Some(at) = open_at {
            let day = today_of(at, &host.timezone);
            query.date = (day >= today).then_some(day);
        }
        first = query.from.unwrap_or(today).max(today);
        if let Some(date) = query.date
            && (date < first || date > first.saturating_add((WINDOW_DAYS - 1).days()))
        {
            first = date.max(today);
        }
        end = first.saturating_add((WINDOW_DAYS - 1).days());
        (first, end)
    };
    let options = match bookings::move_options(state, &console.caller, id, dates).await {
        Ok(options) => options,
        Err(error @ AppError::Conflict { .. }) => {
            return Ok(show_booking(
                state,
                console,
                id,
                time_format,
                Shown {
                    alert: Some(refusal("This booking cannot be moved", &error)),
                    ..Shown::default()
                },
                Some(StatusCode::CONFLICT),
            )
            .await);
        }
        Err(error) => return Err(error),
    };
    let MoveOptions {
        booking,
        host,
        window_days,
        days: slot_days,
        ..
    } = options;
    let zone: TimeZoneName = host.timezone.clone();
    let last_day = today.saturating_add(window_days.days());

    let path = format!("{}/reschedule", booking_path(id));
    let link = |pairs: &[(&str, &str)]| with_query(&path, pairs.iter().copied());
    let first_text = first.to_string();
    let selected = query.date.or_else(|| {
        slot_days
            .iter()
            .find(|day| !day.slots.is_empty())
            .map(|day| day.date)
    });
    let days = first
        .series(1.day())
        .take_while(|date| *date <= end)
        .map(|date| {
            let free = slot_days
                .iter()
                .find(|day| day.date == date)
                .map_or(0, |day| day.slots.len());
            let iso = date.to_string();
            let full = time_format.date(date);
            DayLink {
                weekday: date.strftime("%a").to_string(),
                day: date.strftime("%-d %b").to_string(),
                label: match free {
                    0 => format!("{full}: no free times"),
                    1 => format!("{full}: 1 free time"),
                    n => format!("{full}: {n} free times"),
                },
                href: (free > 0).then(|| link(&[("from", &first_text), ("date", &iso)])),
                selected: selected == Some(date),
            }
        })
        .collect();
    let picked = query.start;
    let selected_iso = selected.map(|date| date.to_string()).unwrap_or_default();
    let times = slot_days
        .iter()
        .filter(|day| Some(day.date) == selected)
        .flat_map(|day| day.slots.iter())
        .map(|slot| {
            let start = slot.start.timestamp();
            let start_text = start.to_string();
            TimeLink {
                label: time_format.time(&slot.start),
                href: link(&[
                    ("from", &first_text),
                    ("date", &selected_iso),
                    ("start", &start_text),
                ]) + "#confirm",
                picked: picked == Some(start),
            }
        })
        .collect();
    let meeting = |start: Timestamp, zone: &TimeZoneName| {
        let length = booking.end_time.duration_since(booking.start_time);
        let end = start.checked_add(length).unwrap_or(start);
        time_format.meeting(
            &start.to_zoned_datetime(zone.time_zone().clone()),
            &end.to_zoned_datetime(zone.time_zone().clone()),
        )
    };
    let confirm = picked.map(|start| Confirm {
        host_when: meeting(start, &zone),
        invitee_when: (booking.timezone != zone).then(|| meeting(start, &booking.timezone)),
        start: start.to_string(),
    });
    let step = WINDOW_DAYS.days();
    let prev_href = (first > today).then(|| {
        let prev = first.saturating_sub(step).max(today).to_string();
        link(&[("from", &prev)])
    });
    let next_href = (end < last_day).then(|| {
        let next = end.saturating_add(1.day()).to_string();
        link(&[("from", &next)])
    });
    let heading = format!(
        "Reschedule {} with {}",
        booking.event_type_name, booking.invitee.name
    );
    let status = if alert.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    let template = PickerPage {
        layout: console.layout(heading.clone(), Section::Bookings),
        heading,
        booking_href: booking_path(id),
        action: path.clone(),
        current: meeting(booking.start_time, &zone),
        zone: zone.to_string(),
        alert,
        confirm,
        range: format!("{} – {}", time_format.date(first), time_format.date(end)),
        days,
        prev_href,
        next_href,
        selected_title: selected.map(|date| time_format.date(date)),
        times,
    };
    page(status, &template)
}

fn picker_problem(console: &Console, id: Option<BookingId>, error: AppError) -> Response {
    let back = match id {
        Some(id) => (booking_path(id), "Back to the booking"),
        None => (list_path(), "Back to bookings"),
    };
    problem(console, Section::Bookings, back, error)
}

async fn get_reschedule(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
) -> Response {
    let id = match booking_id(&id) {
        Ok(id) => id,
        Err(error) => return picker_problem(&console, None, error),
    };
    let time_format = TimeFormat::of_request(&headers);
    let result = match PickerQuery::parse(raw.as_deref()) {
        Ok(query) => picker(&state, &console, id, time_format, query, None, None).await,
        Err(error) => Err(error),
    };
    result.unwrap_or_else(|error| picker_problem(&console, Some(id), error))
}

async fn post_reschedule(
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
        Err(error) => return picker_problem(&console, None, error),
    };
    let time_format = TimeFormat::of_request(&headers);
    let start = match parse_instant("start", form.value("start").unwrap_or_default()) {
        Ok(start) => start,
        Err(error) => return picker_problem(&console, Some(id), error),
    };
    match bookings::reschedule(&state, &console.caller, id, start).await {
        Ok(moved) => done(&booking_path(moved.id), "rescheduled"),
        Err(
            error @ AppError::Conflict {
                code: "slot_unavailable",
                ..
            },
        ) => {
            // Back to the picker, on the day of the time that was refused.
            tracing::debug!(error = %error, "a console reschedule found the time taken");
            let alert = "That time is no longer free: it was just booked, or it is outside the \
                         host's hours. Pick another time."
                .to_owned();
            let query = PickerQuery::default();
            picker(
                &state,
                &console,
                id,
                time_format,
                query,
                Some(alert),
                Some(start),
            )
            .await
            .unwrap_or_else(|error| picker_problem(&console, Some(id), error))
        }
        Err(error @ AppError::Conflict { .. }) => {
            show_booking(
                &state,
                &console,
                id,
                time_format,
                Shown {
                    alert: Some(refusal("The booking was not moved", &error)),
                    ..Shown::default()
                },
                Some(StatusCode::CONFLICT),
            )
            .await
        }
        Err(error) => picker_problem(&console, Some(id), error),
    }
}

/// The date of `at` in `zone`.
fn today_of(at: Timestamp, zone: &TimeZoneName) -> Date {
    at.to_zoned_datetime(zone.time_zone().clone()).date()
}
