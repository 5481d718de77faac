//! The public booking pages over HTTP, without JavaScript: what a browser with scripts off (or a
//! screen reader, or a crawler) gets.

use jiff::{Timestamp, ToSpan};
use reqwest::Method;
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::html::{Page, browser, post_form, read};
use crate::on_both_backends;

async fn page(app: &TestApp, path: &str) -> Page {
    page_with(app, path, &[]).await
}

async fn page_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Page {
    let mut request = browser().get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    read(request.send().await.expect("request")).await
}

/// Submits a form as a browser does: urlencoded, from the app's own origin.
async fn submit(app: &TestApp, path: &str, fields: &[(&str, &str)]) -> Page {
    submit_from(app, path, fields, &app.address).await
}

async fn submit_from(app: &TestApp, path: &str, fields: &[(&str, &str)], origin: &str) -> Page {
    post_form(&app.address, path, fields, origin).await
}

/// Opens the owner's calendar every day 09:00–17:00 UTC and gives them an `intro` event type
/// with a required question.
async fn intro(app: &TestApp) -> Value {
    let day = json!([{ "start": "09:00", "end": "17:00" }]);
    app.put(
        "/availability",
        json!({ "timezone": "UTC", "weeklySchedule": {
            "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day, "saturday": day, "sunday": day
        }}),
    )
    .await
    .expect(200);
    app.put(
        &format!("/users/{}", app.owner_user_id),
        json!({ "timezone": "UTC" }),
    )
    .await
    .expect(200);
    app.put(
        "/settings",
        json!({ "minimumNoticeHours": 0, "bookingWindowDays": 30, "bufferBeforeMins": 0, "bufferAfterMins": 0, "defaultDuration": 30 }),
    )
    .await
    .expect(200);
    app.event_type(
        "intro",
        json!({ "description": "A first talk.", "color": "green", "customQuestions": [
            { "id": "company", "label": "Company", "type": "text", "required": true },
            { "id": "size", "label": "Team size", "type": "radio", "options": ["1-10", "11+"] }
        ] }),
    )
    .await
}

fn tomorrow() -> jiff::civil::Date {
    #[allow(clippy::disallowed_methods)]
    let now = Timestamp::now();
    now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date() + 1.day()
}

/// Tomorrow at `hour`:00 UTC, as the pages write it.
fn at(hour: i8) -> String {
    tomorrow()
        .at(hour, 0, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().to_string())
        .expect("instant")
}

fn form_path(start: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("start", start)
        .append_pair("tz", "UTC")
        .finish();
    format!("/book/acme/owner/intro/book?{query}")
}

fn filled(start: &str) -> Vec<(&str, &str)> {
    vec![
        ("start", start),
        ("tz", "UTC"),
        ("name", "Ivy Invitee"),
        ("email", "ivy@example.com"),
        ("notes", "See you"),
        ("answer.company", "Initech"),
        ("answer.size", "11+"),
    ]
}

/// Books tomorrow at `hour` through the form; returns the confirmation page's path.
async fn book_through_form(app: &TestApp, hour: i8) -> String {
    let start = at(hour);
    submit(app, "/book/acme/owner/intro/book", &filled(&start))
        .await
        .see_other(&app.address)
}

on_both_backends!(
    landing_and_host_pages_list_hosts_and_event_types_escaped,
    |app| {
        intro(&app).await;
        app.put(
            &format!("/users/{}", app.owner_user_id),
            json!({ "displayName": "<script>alert(1)</script> Owner" }),
        )
        .await
        .expect(200);
        let landing = page(&app, "/book/acme").await.expect_html(200);
        landing
            .contains("<html lang=\"en\">")
            .contains("<main id=\"main\"")
            .contains("Book a meeting with Acme")
            .contains("<script>alert(1)</script> Owner")
            .contains("href=\"/book/acme/owner\"");
        assert!(!landing.html.contains("<script>alert"));
        let csp = landing.headers["content-security-policy"]
            .to_str()
            .expect("csp");
        assert!(csp.contains("default-src 'self'"), "{csp}");
        let host = page(&app, "/book/acme/owner").await.expect_html(200);
        host.contains("Intro")
            .contains("30 minutes")
            .contains("A first talk.")
            .contains("accent-green")
            .contains("href=\"/book/acme/owner/intro\"");
        assert!(!host.html.contains("<script>alert"));
    }
);

on_both_backends!(unknown_and_archived_pages_answer_html_errors, |app| {
    intro(&app).await;
    let old = app.event_type("old", json!({})).await;
    app.post(
        &format!("/event-types/{}/archive", old["id"].as_str().expect("id")),
        json!({}),
    )
    .await
    .expect(200);
    page(&app, "/book/nobody")
        .await
        .expect_html(404)
        .contains("Page not found");
    page(&app, "/book/acme/nobody").await.expect_html(404);
    page(&app, "/book/acme/owner/missing")
        .await
        .expect_html(404);
    page(&app, "/book/acme/owner/intro/book/extra")
        .await
        .expect_html(404);
    page(&app, "/book/acme/owner/old")
        .await
        .expect_html(410)
        .contains("No longer available");
    page(&app, "/book/acme/owner/intro?month=2026-13")
        .await
        .expect_html(400)
        .contains("Month must be YYYY-MM");
    page(&app, "/book/acme/owner/intro/book?start=soon")
        .await
        .expect_html(422);
    // The JSON API keeps answering JSON.
    let api = app
        .call(Method::GET, "/api/public/scheduling/nobody", None, None)
        .await
        .expect(404);
    assert_eq!(api.body["error"]["code"], "not_found");
});

on_both_backends!(calendar_links_free_days_and_lists_the_days_times, |app| {
    intro(&app).await;
    let date = tomorrow().to_string();
    let path = format!("/book/acme/owner/intro?tz=UTC&date={date}");
    let calendar = page(&app, &path).await.expect_html(200);
    calendar
        .contains("data-zone=\"UTC\"")
        .contains("<option value=\"UTC\" selected>UTC</option>")
        .contains("aria-current=\"date\"")
        .contains(">09:00</a>")
        .contains(">16:30</a>");
    let slot = calendar.link("/book/acme/owner/intro/book?");
    assert_eq!(slot, form_path(&at(9)));
    // A day link for tomorrow; no link for a day before today.
    calendar.contains(&format!("&date={date}\""));
    let american = page_with(&app, &path, &[("accept-language", "en-US,en;q=0.9")])
        .await
        .expect_html(200);
    american
        .contains(">9:00 AM</a>")
        .contains("<abbr title=\"Sunday\">Sun</abbr>");
    // Another zone shifts the times.
    let tokyo = page(
        &app,
        &format!(
            "/book/acme/owner/intro?tz=Asia/Tokyo&date={}",
            tomorrow() + 1.day()
        ),
    )
    .await
    .expect_html(200);
    tokyo.contains(">00:00</a>").contains("Times in Asia/Tokyo");
    // An unknown zone falls back to the host's, saying so.
    page(&app, "/book/acme/owner/intro?tz=Mars/Base")
        .await
        .expect_html(200)
        .contains("We do not know the time zone");
});

on_both_backends!(the_form_books_without_javascript, |app| {
    intro(&app).await;
    let start = at(10);
    let form = page(&app, &form_path(&start)).await.expect_html(200);
    form.contains("<label for=\"name\">")
        .contains("<label for=\"answer-company\">Company")
        .contains("<legend>Team size")
        .contains("name=\"answer.size\" value=\"11+\" type=\"radio\"")
        .contains("10:00 – 10:30 (UTC)");
    let confirmation = book_through_form(&app, 10).await;
    assert!(
        confirmation.starts_with("/book/acme/booking/"),
        "{confirmation}"
    );
    assert!(confirmation.contains("?token="), "{confirmation}");
    let booked = page(&app, &confirmation).await.expect_html(200);
    booked
        .contains("You are booked")
        .contains("10:00 – 10:30 (UTC)")
        .contains("Ivy Invitee")
        .contains("calendar.ics?token=")
        .contains("https://calendar.google.com/calendar/render?action=TEMPLATE&text=Intro+with+")
        .contains(&format!(
            "dates={}T100000Z%2F{}T103000Z",
            tomorrow().strftime("%Y%m%d"),
            tomorrow().strftime("%Y%m%d")
        ))
        .contains("/book/acme/cancel/")
        .contains("/book/acme/reschedule/");
    assert_eq!(booked.headers["referrer-policy"], "same-origin");
    // The booking holds the answers, checked like the JSON API's.
    let bookings = app.get("/bookings").await.expect(200).body;
    let booking = &bookings["items"][0];
    assert_eq!(booking["invitee"]["responses"]["company"], "Initech");
    assert_eq!(booking["invitee"]["responses"]["size"], "11+");
    assert_eq!(booking["timezone"], "UTC");
    // The ICS link works with the token of the page.
    let ics = booked.link("/api/public/scheduling/acme/bookings/");
    let calendar = app
        .client
        .get(format!("{}{ics}", app.address))
        .send()
        .await
        .expect("ics");
    assert_eq!(calendar.status(), 200);
});

on_both_backends!(
    form_errors_show_next_to_their_fields_with_values_kept,
    |app| {
        intro(&app).await;
        let start = at(11);
        let rejected = submit(
            &app,
            "/book/acme/owner/intro/book",
            &[
                ("start", &start),
                ("tz", "UTC"),
                ("name", " "),
                ("email", "not-an-email"),
                ("notes", "Keep <this>"),
                ("answer.size", "11+"),
            ],
        )
        .await
        .expect_html(422);
        rejected
            .contains("role=\"alert\"")
            .contains("<p class=\"field-error\" id=\"name-error\">Please enter your name.</p>")
            .contains("id=\"email-error\">Not a valid email address")
            .contains("id=\"answer-company-error\">\"Company\" is required")
            .contains("value=\"not-an-email\"")
            .contains(">Keep <this></textarea>")
            .contains("value=\"11+\" type=\"radio\" checked");
        let bookings = app.get("/bookings").await.expect(200).body;
        assert_eq!(bookings["total"], 0);
    }
);

on_both_backends!(a_taken_time_sends_the_invitee_back_to_the_calendar, |app| {
    let intro = intro(&app).await;
    let start = at(12);
    // The day's calendar, read once before the booking (so a cached snapshot exists).
    let day = format!("/book/acme/owner/intro?tz=UTC&date={}", tomorrow());
    page(&app, &day)
        .await
        .expect_html(200)
        .contains(">12:00</a>");
    app.call(
        Method::POST,
        "/api/public/scheduling/acme/bookings",
        None,
        Some(json!({ "eventTypeId": intro["id"], "startTime": start, "invitee": {
            "name": "First", "email": "first@example.com", "timezone": "UTC", "responses": { "company": "A" } } })),
    )
    .await
    .expect(201);
    let back = submit(&app, "/book/acme/owner/intro/book", &filled(&start))
        .await
        .see_other(&app.address);
    assert_eq!(
        back,
        format!(
            "/book/acme/owner/intro?tz=UTC&date={}&notice=slot_taken",
            tomorrow()
        )
    );
    let calendar = page(&app, &back).await.expect_html(200);
    calendar.contains("that time was just taken");
    assert!(
        !calendar.html.contains(">12:00</a>"),
        "the booking raised the schedule version, so the cached month is not used"
    );
    // Opening the form of a taken time goes back the same way.
    let form = page(&app, &form_path(&start)).await;
    assert_eq!(form.see_other(&app.address), back);
});

on_both_backends!(invitees_cancel_and_reschedule_through_the_pages, |app| {
    intro(&app).await;
    let confirmation = book_through_form(&app, 13).await;
    let booked = page(&app, &confirmation).await.expect_html(200);
    let cancel_link = booked.link("/book/acme/cancel/");
    let reschedule_link = booked.link("/book/acme/reschedule/");

    // Move it to 15:00: the calendar shows the old time, a picked time asks to confirm.
    let date = tomorrow().to_string();
    let calendar = page(&app, &format!("{reschedule_link}&date={date}"))
        .await
        .expect_html(200);
    calendar
        .contains("Moving your booking")
        .contains("13:00 – 13:30 (UTC)");
    let new_start = at(15);
    let encoded: String = form_urlencoded::byte_serialize(new_start.as_bytes()).collect();
    let pick = format!("{reschedule_link}&tz=UTC&date={date}&start={encoded}");
    calendar.contains(&format!("href=\"{pick}\""));
    let confirm = page(&app, &pick).await.expect_html(200);
    confirm
        .contains("Move to this time?")
        .contains("15:00 – 15:30 (UTC)");
    let token = reschedule_link
        .split("token=")
        .nth(1)
        .expect("token")
        .to_owned();
    let moved_to = submit(
        &app,
        reschedule_link.split('?').next().expect("path"),
        &[("token", &token), ("start", &new_start), ("tz", "UTC")],
    )
    .await
    .see_other(&app.address);
    assert_ne!(moved_to, confirmation);
    page(&app, &moved_to)
        .await
        .expect_html(200)
        .contains("You are booked")
        .contains("15:00 – 15:30 (UTC)");
    page(&app, &confirmation)
        .await
        .expect_html(200)
        .contains("This booking was moved");
    page(&app, &cancel_link)
        .await
        .expect_html(200)
        .contains("can no longer be cancelled");

    // Cancel the new booking with a reason.
    let moved = page(&app, &moved_to).await;
    let cancel_link = moved.link("/book/acme/cancel/");
    let form = page(&app, &cancel_link).await.expect_html(200);
    form.contains("Cancel your booking?")
        .contains("<label for=\"reason\">");
    let new_token = cancel_link
        .split("token=")
        .nth(1)
        .expect("token")
        .to_owned();
    let cancelled = submit(
        &app,
        cancel_link.split('?').next().expect("path"),
        &[("token", &new_token), ("reason", "Something came up")],
    )
    .await
    .see_other(&app.address);
    assert_eq!(cancelled, moved_to);
    page(&app, &cancelled)
        .await
        .expect_html(200)
        .contains("This booking is cancelled")
        .contains("Something came up");
    page(&app, &cancel_link)
        .await
        .expect_html(200)
        .contains("This booking was already cancelled.");
    submit(
        &app,
        cancel_link.split('?').next().expect("path"),
        &[("token", &new_token)],
    )
    .await
    .expect_html(409)
    .contains("already cancelled");
});

on_both_backends!(a_wrong_token_is_a_404_page, |app| {
    intro(&app).await;
    let confirmation = book_through_form(&app, 14).await;
    let path = confirmation.split('?').next().expect("path").to_owned();
    let id = path.rsplit('/').next().expect("id").to_owned();
    page(&app, &format!("{path}?token=wrong"))
        .await
        .expect_html(404);
    page(&app, &path).await.expect_html(404);
    page(&app, &format!("/book/acme/cancel/{id}?token=wrong"))
        .await
        .expect_html(404);
    page(&app, &format!("/book/acme/reschedule/{id}?token=wrong"))
        .await
        .expect_html(404);
    page(&app, "/book/acme/booking/not-an-id?token=x")
        .await
        .expect_html(404);
    submit(
        &app,
        &format!("/book/acme/cancel/{id}"),
        &[("token", "wrong")],
    )
    .await
    .expect_html(404);
    let bookings = app.get("/bookings").await.expect(200).body;
    assert_eq!(bookings["items"][0]["status"], "confirmed");
});

on_both_backends!(
    stylesheet_and_script_are_served_with_long_cache_headers,
    |app| {
        let landing = page(&app, "/book/acme").await.expect_html(200);
        let css = landing.link("/static/kairos.css?v=");
        let js = landing.html.contains("src=\"/static/kairos.js?v=");
        assert!(js);
        let response = app
            .client
            .get(format!("{}{css}", app.address))
            .send()
            .await
            .expect("css");
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()[CONTENT_TYPE], "text/css; charset=utf-8");
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        let script = page(&app, "/static/kairos.js").await.expect(200);
        assert!(script.html.contains("resolvedOptions().timeZone"));
    }
);

#[tokio::test]
async fn page_forms_pass_the_origin_check_and_rate_limit() {
    let app = spawn_app_with(Backend::Sqlite, kairos_server::system_clock(), |settings| {
        settings.rate_limit_per_minute = 1;
    })
    .await
    .expect("app");
    intro(&app).await;
    let start = at(9);
    submit_from(
        &app,
        "/book/acme/owner/intro/book",
        &filled(&start),
        "https://evil.example",
    )
    .await
    .expect_html(403)
    .contains("Request refused");
    submit(&app, "/book/acme/owner/intro/book", &filled(&start))
        .await
        .expect(303);
    let limited = submit(&app, "/book/acme/owner/intro/book", &filled(&start))
        .await
        .expect_html(429);
    limited.contains("Too many requests");
    let retry: u64 = limited.headers[RETRY_AFTER]
        .to_str()
        .expect("retry-after")
        .parse()
        .expect("seconds");
    assert!(retry >= 1);
}
