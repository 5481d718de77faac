//! The console's analytics: the application's analytics ([`crate::app::analytics`]) as summary
//! figures and four server-drawn charts ([`super::charts`]), each with its numbers in a table.

use askama::Template;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use jiff::civil::Date;

use super::bookings::{page, problem};
use super::charts::{self, ChartText, Datum};
use super::{BASE, Console, ConsoleLayout, Section};
use crate::app::AppError;
use crate::app::analytics::{Analytics, analytics_for};
use crate::state::AppState;

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/admin/scheduling/analytics", get(analytics))
}

/// The windows offered as links (any 1–365 works in the address).
const CHOICES: [i64; 3] = [7, 30, 90];

const WEEKDAYS: [(&str, &str, &str); 7] = [
    ("mon", "Monday", "Mon"),
    ("tue", "Tuesday", "Tue"),
    ("wed", "Wednesday", "Wed"),
    ("thu", "Thursday", "Thu"),
    ("fri", "Friday", "Fri"),
    ("sat", "Saturday", "Sat"),
    ("sun", "Sunday", "Sun"),
];

/// `?days=`: a whole number (the range is the API's rule); blank or absent is the default.
fn parse_days(raw: Option<&str>) -> Result<Option<i64>, AppError> {
    let value = form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "days")
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty());
    value
        .map(|value| {
            value.parse::<i64>().map_err(|_| {
                AppError::bad_request(
                    "days",
                    format!("days must be a whole number of days from 1 to 365, not {value:?}"),
                )
            })
        })
        .transpose()
}

struct Figure {
    value: String,
    label: &'static str,
}

struct Choice {
    label: String,
    href: String,
    current: bool,
}

/// A row of a chart's table.
struct TableRow {
    label: String,
    value: u64,
    share: Option<String>,
}

struct ChartCard {
    id: &'static str,
    /// Spans the page's width (the 24 hours, the daily trend).
    wide: bool,
    heading: String,
    hint: String,
    svg: String,
    label_header: &'static str,
    share_header: Option<&'static str>,
    rows: Vec<TableRow>,
}

#[derive(Template)]
#[template(path = "admin/analytics.html")]
struct AnalyticsPage {
    layout: ConsoleLayout,
    days: i64,
    scope: &'static str,
    choices: Vec<Choice>,
    figures: Vec<Figure>,
    charts: Vec<ChartCard>,
    zone: String,
}

fn plural(count: u64, one: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {one}s")
    }
}

/// A ratio of 0–1 as a percentage with at most one decimal: `25%`, `33.3%`.
fn percent(ratio: f64) -> String {
    let value = (ratio * 1000.0).round() / 10.0;
    if value.fract() == 0.0 {
        format!("{value:.0}%")
    } else {
        format!("{value:.1}%")
    }
}

/// The largest value and its label, for a text alternative.
fn busiest(data: &[Datum]) -> Option<&Datum> {
    data.iter()
        .filter(|d| d.value > 0)
        .fold(None, |best: Option<&Datum>, d| match best {
            Some(b) if b.value >= d.value => Some(b),
            _ => Some(d),
        })
}

/// Every non-zero value, for a text alternative: `Tuesday 2, Wednesday 1`.
fn listing(data: &[Datum]) -> String {
    let parts: Vec<String> = data
        .iter()
        .filter(|d| d.value > 0)
        .map(|d| format!("{} {}", d.label, d.value))
        .collect();
    parts.join(", ")
}

fn columns_description(data: &[Datum], what: &str) -> String {
    match busiest(data) {
        Some(top) => format!(
            "Busiest {what}: {} with {}. All {what}s with bookings: {}.",
            top.label,
            plural(top.value, "booking"),
            listing(data)
        ),
        None => "No bookings in this period.".to_owned(),
    }
}

fn short_date(date: &str) -> String {
    date.parse::<Date>()
        .map(|d| d.strftime("%-d %b").to_string())
        .unwrap_or_else(|_| date.to_owned())
}

fn cards(analytics: &Analytics) -> Vec<ChartCard> {
    let zone = &analytics.timezone;
    let total = analytics.summary.total_bookings;

    let types: Vec<Datum> = analytics
        .by_event_type
        .iter()
        .map(|t| Datum::new(t.event_type_name.clone(), "", t.count))
        .collect();
    let types_description = if types.is_empty() {
        "No bookings in this period.".to_owned()
    } else {
        let parts: Vec<String> = analytics
            .by_event_type
            .iter()
            .map(|t| format!("{} {} ({}%)", t.event_type_name, t.count, t.percentage))
            .collect();
        format!("{} in all: {}.", plural(total, "booking"), parts.join(", "))
    };
    let types_svg = charts::bars(
        &ChartText {
            id: "chart-event-types",
            title: "Bookings by event type",
            description: &types_description,
            unit: "booking",
            wide: false,
        },
        &types,
        |index, _| {
            analytics
                .by_event_type
                .get(index)
                .map(|t| format!(" ({}%)", t.percentage))
                .unwrap_or_default()
        },
    );
    let types_rows = analytics
        .by_event_type
        .iter()
        .map(|t| TableRow {
            label: t.event_type_name.clone(),
            value: t.count,
            share: Some(format!("{}%", t.percentage)),
        })
        .collect();

    let weekdays: Vec<Datum> = WEEKDAYS
        .iter()
        .map(|(key, full, short)| {
            Datum::new(
                *full,
                *short,
                analytics.by_day_of_week.get(*key).copied().unwrap_or(0),
            )
        })
        .collect();
    let weekday_title = format!("Bookings by weekday ({zone})");
    let weekday_description = columns_description(&weekdays, "day");
    let weekday_svg = charts::columns(
        &ChartText {
            id: "chart-weekdays",
            title: &weekday_title,
            description: &weekday_description,
            unit: "booking",
            wide: false,
        },
        &weekdays,
    );

    let hours: Vec<Datum> = analytics
        .by_hour_of_day
        .iter()
        .enumerate()
        .map(|(hour, count)| {
            let label = format!("{hour:02}:00–{:02}:00", (hour + 1) % 24);
            let tick = if hour % 2 == 0 {
                format!("{hour:02}")
            } else {
                String::new()
            };
            Datum::new(label, tick, *count)
        })
        .collect();
    let hour_title = format!("Bookings by hour of day ({zone})");
    let hour_description = columns_description(&hours, "hour");
    let hour_svg = charts::columns(
        &ChartText {
            id: "chart-hours",
            title: &hour_title,
            description: &hour_description,
            unit: "booking",
            wide: true,
        },
        &hours,
    );

    let points = analytics.trend.len();
    let every = (points / 6).max(1);
    let trend: Vec<Datum> = analytics
        .trend
        .iter()
        .enumerate()
        .map(|(index, point)| {
            let tick = if index % every == 0 {
                short_date(&point.date)
            } else {
                String::new()
            };
            Datum::new(point.date.clone(), tick, point.count)
        })
        .collect();
    let trend_title = format!("Bookings made per day, last {} days", analytics.days);
    let trend_description = match (
        analytics.trend.first(),
        analytics.trend.last(),
        busiest(&trend),
    ) {
        (Some(first), Some(last), Some(top)) => format!(
            "{} made from {} to {}; the most on {} ({}).",
            plural(trend.iter().map(|d| d.value).sum(), "booking"),
            first.date,
            last.date,
            top.label,
            top.value
        ),
        _ => "No bookings in this period.".to_owned(),
    };
    let trend_svg = charts::line(
        &ChartText {
            id: "chart-trend",
            title: &trend_title,
            description: &trend_description,
            unit: "booking",
            wide: true,
        },
        &trend,
    );

    let rows = |data: &[Datum]| {
        data.iter()
            .map(|d| TableRow {
                label: d.label.clone(),
                value: d.value,
                share: None,
            })
            .collect()
    };
    vec![
        ChartCard {
            id: "trend",
            wide: true,
            heading: "Trend".to_owned(),
            hint: format!("Bookings made each day, by the date they were made in {zone}."),
            svg: trend_svg,
            label_header: "Date",
            share_header: None,
            rows: rows(&trend),
        },
        ChartCard {
            id: "event-types",
            wide: false,
            heading: "By event type".to_owned(),
            hint: "Which meetings people book.".to_owned(),
            svg: types_svg,
            label_header: "Event type",
            share_header: Some("Share"),
            rows: types_rows,
        },
        ChartCard {
            id: "weekdays",
            wide: false,
            heading: "By weekday".to_owned(),
            hint: format!("The day meetings start, in {zone}."),
            svg: weekday_svg,
            label_header: "Weekday",
            share_header: None,
            rows: rows(&weekdays),
        },
        ChartCard {
            id: "hours",
            wide: true,
            heading: "By hour of day".to_owned(),
            hint: format!("The hour meetings start, in {zone}."),
            svg: hour_svg,
            label_header: "Hour",
            share_header: None,
            rows: rows(&hours),
        },
    ]
}

async fn analytics(
    State(state): State<AppState>,
    console: Console,
    RawQuery(raw): RawQuery,
) -> Response {
    let result = async {
        let days = parse_days(raw.as_deref())?;
        let analytics = analytics_for(&state, &console.caller, days, None).await?;
        let summary = &analytics.summary;
        let figures = vec![
            Figure {
                value: summary.total_bookings.to_string(),
                label: "Bookings made",
            },
            Figure {
                value: summary.confirmed_bookings.to_string(),
                label: "Held (confirmed, completed or no-show)",
            },
            Figure {
                value: summary.cancelled_bookings.to_string(),
                label: "Cancelled",
            },
            Figure {
                value: percent(summary.cancel_rate),
                label: "Cancel rate",
            },
            Figure {
                value: format!("{}", summary.avg_bookings_per_week),
                label: "Average per week",
            },
        ];
        let choices = CHOICES
            .iter()
            .map(|days| Choice {
                label: format!("{days} days"),
                href: format!("{BASE}/analytics?days={days}"),
                current: *days == analytics.days,
            })
            .collect();
        let template = AnalyticsPage {
            layout: console.layout("Analytics", Section::Analytics),
            days: analytics.days,
            scope: if console.manages_tenant() {
                "all hosts"
            } else {
                "your bookings"
            },
            choices,
            figures,
            charts: cards(&analytics),
            zone: analytics.timezone.clone(),
        };
        page(StatusCode::OK, &template)
    }
    .await;
    result.unwrap_or_else(|error| {
        problem(
            &console,
            Section::Analytics,
            (format!("{BASE}/analytics"), "Back to the last 30 days"),
            error,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_must_be_a_whole_number() {
        assert_eq!(parse_days(None).expect("none"), None);
        assert_eq!(parse_days(Some("days=")).expect("blank"), None);
        assert_eq!(parse_days(Some("days=90")).expect("90"), Some(90));
        for bad in ["days=abc", "days=7.5", "days=1e3"] {
            match parse_days(Some(bad)) {
                Err(AppError::BadRequest { field, .. }) => {
                    assert_eq!(field.as_deref(), Some("days"));
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn percentages_read_cleanly() {
        assert_eq!(percent(0.25), "25%");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
        assert_eq!(percent(0.0), "0%");
    }
}
