//! The console's analytics page: server-drawn SVG charts whose bars match bookings counted by
//! hand, their numbers in tables, and the `days` choice.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::json;

use crate::console::Console;
use crate::console_bookings::{book, intro_and_demo};
use crate::html::Page;
use crate::on_both_backends;

const ANALYTICS: &str = "/admin/scheduling/analytics";

/// The SVG of the chart `id`, from its id to its end.
fn chart<'a>(page: &'a Page, id: &str) -> &'a str {
    let start = page
        .html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no chart {id} in: {}", page.html));
    let end = start + page.html[start..].find("</svg>").expect("chart end");
    &page.html[start..end]
}

fn bars(svg: &str) -> usize {
    svg.matches("class=\"bar\"").count()
}

fn at(date: Date, hour: i8) -> Timestamp {
    date.at(hour, 0, 0, 0)
        .to_zoned_datetime(TimeZone::UTC)
        .map(|zoned| zoned.timestamp())
        .expect("instant")
}

on_both_backends!(charts_match_bookings_counted_by_hand, |app| {
    let (intro, demo) = intro_and_demo(&app).await;
    #[allow(clippy::disallowed_methods)]
    let now = Timestamp::now();
    let tomorrow = now.to_zoned_datetime(TimeZone::UTC).date() + 1.day();
    let day_after = tomorrow + 1.day();
    let company = json!({ "company": "Acme" });
    let kept = at(tomorrow, 10);
    let moved_from = at(tomorrow, 11);
    let cancelled_at = at(tomorrow, 12);
    let demo_at = at(day_after, 14);
    let moved_to = at(day_after, 15);
    book(&app, &intro, &kept.to_string(), "Ann One", company.clone()).await;
    let moving = book(
        &app,
        &intro,
        &moved_from.to_string(),
        "Bea Two",
        company.clone(),
    )
    .await;
    let cancelling = book(&app, &intro, &cancelled_at.to_string(), "Cy Three", company).await;
    book(&app, &demo, &demo_at.to_string(), "Dan Four", json!({})).await;
    app.post(
        &format!("/bookings/{moving}/reschedule"),
        json!({ "startTime": moved_to.to_string() }),
    )
    .await
    .expect(201);
    app.post(&format!("/bookings/{cancelling}/cancel"), json!({}))
        .await
        .expect(200);
    // Counted by hand: the move counts once, so Intro 3 (one cancelled) and Demo 1.
    let london = TimeZone::get("Europe/London").expect("London");
    let local = |at: Timestamp| at.to_zoned_datetime(london.clone());

    let console = Console::owner(&app).await;
    let page = console.get(ANALYTICS).await.expect_html(200);
    page.contains("Bookings made in the last 30 days, all hosts.");
    page.contains(
        "<span class=\"stat-value\">4</span><span class=\"stat-label\">Bookings made</span>",
    );
    page.contains("<span class=\"stat-value\">3</span><span class=\"stat-label\">Held (confirmed, completed or no-show)</span>");
    page.contains("<span class=\"stat-value\">1</span><span class=\"stat-label\">Cancelled</span>");
    page.contains(
        "<span class=\"stat-value\">25%</span><span class=\"stat-label\">Cancel rate</span>",
    );
    page.contains(
        "<span class=\"stat-value\">0.93</span><span class=\"stat-label\">Average per week</span>",
    );
    page.contains(&format!(
        "href=\"{ANALYTICS}?days=30\" aria-current=\"page\""
    ));
    assert!(!page.html.contains("NaN"));

    let types = chart(&page, "chart-event-types");
    assert_eq!(bars(types), 2, "{types}");
    assert!(types.contains("role=\"img\""));
    assert!(types.contains("<title id=\"chart-event-types-title\">Bookings by event type</title>"));
    assert!(
        types.contains("<title>Intro: 3 bookings</title>"),
        "{types}"
    );
    assert!(types.contains("<title>Demo: 1 booking</title>"), "{types}");
    assert!(
        types.contains("4 bookings in all: Intro 3 (75%), Demo 1 (25%)."),
        "{types}"
    );
    page.contains("<th scope=\"row\">Intro</th><td class=\"num\">3</td><td class=\"num\">75%</td>");
    page.contains("<th scope=\"row\">Demo</th><td class=\"num\">1</td><td class=\"num\">25%</td>");

    let weekdays = chart(&page, "chart-weekdays");
    assert_eq!(bars(weekdays), 2, "{weekdays}");
    for day in [tomorrow, day_after] {
        let name = local(at(day, 12)).strftime("%A").to_string();
        assert!(
            weekdays.contains(&format!("<title>{name}: 2 bookings</title>")),
            "{name}: {weekdays}"
        );
        page.contains(&format!(
            "<th scope=\"row\">{name}</th><td class=\"num\">2</td>"
        ));
    }
    assert!(weekdays.contains(">Mon</text>") && weekdays.contains(">Sun</text>"));

    let hours = chart(&page, "chart-hours");
    assert_eq!(bars(hours), 4, "{hours}");
    assert!(hours.contains(
        "<title id=\"chart-hours-title\">Bookings by hour of day (Europe/London)</title>"
    ));
    for start in [kept, cancelled_at, demo_at, moved_to] {
        let hour = local(start).hour();
        let label = format!("{hour:02}:00–{:02}:00", (hour + 1) % 24);
        assert!(
            hours.contains(&format!("<title>{label}: 1 booking</title>")),
            "{label}: {hours}"
        );
    }

    let trend = chart(&page, "chart-trend");
    assert_eq!(trend.matches("class=\"point\"").count(), 30, "{trend}");
    let today = local(now).date();
    assert!(
        trend.contains(&format!("<title>{today}: 4 bookings</title>")),
        "{trend}"
    );
    assert!(trend.contains("<polyline"));
});

on_both_backends!(the_window_is_chosen_with_days, |app| {
    let console = Console::owner(&app).await;
    let empty = console.get(ANALYTICS).await.expect_html(200);
    empty.contains("No bookings in this period");
    assert!(!empty.html.contains("NaN"));
    assert_eq!(bars(chart(&empty, "chart-weekdays")), 0);

    let week = console
        .get(&format!("{ANALYTICS}?days=7"))
        .await
        .expect_html(200);
    week.contains(&format!(
        "href=\"{ANALYTICS}?days=7\" aria-current=\"page\""
    ));
    week.contains("Bookings made per day, last 7 days");
    assert_eq!(
        chart(&week, "chart-trend")
            .matches("class=\"point\"")
            .count(),
        7
    );
    console
        .get(&format!("{ANALYTICS}?days=90"))
        .await
        .expect_html(200)
        .contains("last 90 days");

    let bad = console
        .get(&format!("{ANALYTICS}?days=abc"))
        .await
        .expect_html(400);
    bad.contains("Days must be a whole number of days from 1 to 365, not \"abc\".");
    console
        .get(&format!("{ANALYTICS}?days=0"))
        .await
        .expect_html(400)
        .contains("Days must be between 1 and 365.");
    console
        .get(&format!("{ANALYTICS}?days=366"))
        .await
        .expect_html(400);
});
