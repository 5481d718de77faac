//! The booking pages in a real browser: Debian's headless Chromium driven through chromedriver
//! (WebDriver). An invitee whose browser is in Tokyo opens an event page, lets the script set
//! their zone, picks a day and a time, fills the form (a custom question too), books, and
//! cancels through the link on the confirmation. A host signs in to the console, creates an
//! event type with questions, edits the weekly hours, and finds an invitee's booking and answers.
//!
//! Needs `/usr/bin/chromedriver` (Debian's `chromium-driver`; `.ci/run` installs it) or
//! `KAIROS_CHROMEDRIVER`; without it the test skips (fails under `KAIROS_TEST_REQUIRE_ALL=1`,
//! see `kairos-test-services`). With
//! `KAIROS_SCREENSHOTS=1` it also writes `docs/screenshots/*.png` at desktop and phone widths.

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::{Backend, TestApp, spawn_app};

const DESKTOP: (u32, u32) = (1280, 900);
const PHONE: (u32, u32) = (390, 1100);

/// chromedriver, started by this test on a free port and killed when dropped.
struct Driver {
    child: Child,
    url: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts chromedriver with the browser's clock in `zone` (Chromium reads `TZ`).
fn start_driver(path: &Path, zone: &str) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("free port")
        .port();
    let child = Command::new(path)
        .arg(format!("--port={port}"))
        .env("TZ", zone)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(100));
    }
    Driver {
        child,
        url: format!("http://127.0.0.1:{port}"),
        _profile: tempfile::tempdir().expect("profile dir"),
    }
}

async fn open_browser(driver: &Driver) -> Client {
    let profile = driver._profile.path().display().to_string();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".to_owned(),
        json!({
            "binary": std::env::var("KAIROS_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()),
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--lang=en-US",
                "--hide-scrollbars", "--force-device-scale-factor=1",
                format!("--user-data-dir={profile}"),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(capabilities)
        .connect(&driver.url)
        .await
        .expect("WebDriver session")
}

/// Where screenshots go, when they are wanted.
fn screenshot_dir() -> Option<PathBuf> {
    (std::env::var("KAIROS_SCREENSHOTS").as_deref() == Ok("1")).then(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        dir
    })
}

async fn shoot(browser: &Client, name: &str, size: (u32, u32)) {
    let Some(dir) = screenshot_dir() else {
        return;
    };
    browser
        .set_window_size(size.0, size.1)
        .await
        .expect("resize");
    // Let the layout settle after a resize.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let png = browser.screenshot().await.expect("screenshot");
    std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
}

async fn text(browser: &Client) -> String {
    browser
        .find(Locator::Css("main"))
        .await
        .expect("main")
        .text()
        .await
        .expect("text")
}

/// Waits until the page's URL contains `part`.
async fn wait_for_url(browser: &Client, part: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let url = browser.current_url().await.expect("url").to_string();
        if url.contains(part) {
            return url;
        }
        assert!(Instant::now() < deadline, "never reached {part}; at {url}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn prepare(app: &TestApp) {
    let day = json!([{ "start": "09:00", "end": "17:00" }]);
    app.put(
        "/availability",
        json!({ "timezone": "Europe/London", "weeklySchedule": {
            "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day
        }}),
    )
    .await
    .expect(200);
    app.put(
        &format!("/users/{}", app.owner_user_id),
        json!({ "displayName": "Alex Morgan", "timezone": "Europe/London" }),
    )
    .await
    .expect(200);
    app.put(
        "/settings",
        json!({ "minimumNoticeHours": 0, "bookingWindowDays": 60, "bufferBeforeMins": 0, "bufferAfterMins": 0, "defaultDuration": 30 }),
    )
    .await
    .expect(200);
    app.event_type(
        "intro",
        json!({ "name": "Intro call", "color": "purple",
                "description": "A quick first conversation to see how we can help.",
                "location": { "type": "google_meet" },
                "customQuestions": [
                    { "id": "company", "label": "Company", "type": "text", "required": true },
                    { "id": "size", "label": "Team size", "type": "radio", "options": ["Just me", "2-10", "11 or more"] }
        ] }),
    )
    .await;
    app.event_type(
        "deep-dive",
        json!({ "name": "Project deep dive", "duration": 60, "color": "orange",
                "location": { "type": "in_person", "value": "12 Harbour Street, Bristol" } }),
    )
    .await;
}

#[tokio::test]
async fn an_invitee_books_and_cancels_in_a_real_browser() {
    let Some(chromedriver) = kairos_test_services::chromedriver() else {
        return;
    };
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    prepare(&app).await;
    let driver = start_driver(&chromedriver, "Asia/Tokyo");
    let browser = open_browser(&driver).await;
    browser
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");
    let base = app.address.clone();

    browser
        .goto(&format!("{base}/book/acme"))
        .await
        .expect("landing");
    assert!(text(&browser).await.contains("Alex Morgan"));
    shoot(&browser, "landing", DESKTOP).await;
    browser
        .find(Locator::Css("a.choice"))
        .await
        .expect("host link")
        .click()
        .await
        .expect("open host");
    wait_for_url(&browser, "/book/acme/owner").await;
    assert!(text(&browser).await.contains("Project deep dive"));
    shoot(&browser, "host", DESKTOP).await;

    // The event page: the script reloads it in the browser's zone.
    browser
        .goto(&format!("{base}/book/acme/owner/intro"))
        .await
        .expect("event page");
    wait_for_url(&browser, "tz=Asia%2FTokyo").await;
    assert!(text(&browser).await.contains("Times in Asia/Tokyo"));
    let free_days = browser
        .find_all(Locator::Css("a.day.free"))
        .await
        .expect("free days");
    let day = match free_days.into_iter().next() {
        Some(day) => day,
        None => {
            // Late in a month: the free days start next month.
            browser
                .find(Locator::Css("a[aria-label='Next month']"))
                .await
                .expect("next month")
                .click()
                .await
                .expect("next");
            browser
                .wait()
                .at_most(Duration::from_secs(10))
                .for_element(Locator::Css("a.day.free"))
                .await
                .expect("a free day")
        }
    };
    day.click().await.expect("pick a day");
    wait_for_url(&browser, "date=").await;
    let slot = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("a.slot"))
        .await
        .expect("a free time");
    let slot_label = slot.text().await.expect("slot label");
    shoot(&browser, "calendar-desktop", DESKTOP).await;
    shoot(&browser, "calendar-phone", PHONE).await;
    browser
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");
    slot.click().await.expect("pick a time");
    wait_for_url(&browser, "/intro/book?").await;

    // Sending the form empty shows the messages next to the fields.
    browser
        .find(Locator::Css("form.booking-form button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("send empty");
    let alert = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css("#name-error"))
        .await
        .expect("name error");
    assert!(
        alert
            .text()
            .await
            .expect("text")
            .contains("Please enter your name.")
    );
    shoot(&browser, "form-validation", DESKTOP).await;
    shoot(&browser, "form-validation-phone", PHONE).await;
    browser
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");

    for (id, value) in [
        ("name", "Ivy Invitee"),
        ("email", "ivy@example.com"),
        ("answer-company", "Initech"),
        ("notes", "Looking forward to it."),
    ] {
        let field = browser.find(Locator::Id(id)).await.expect(id);
        field.clear().await.expect("clear");
        field.send_keys(value).await.expect("type");
    }
    browser
        .find(Locator::Css("label[for='answer-size-1']"))
        .await
        .expect("radio")
        .click()
        .await
        .expect("choose");
    browser
        .find(Locator::Css("form.booking-form button[type=submit]"))
        .await
        .expect("submit")
        .click()
        .await
        .expect("book");
    wait_for_url(&browser, "/book/acme/booking/").await;
    let confirmation = text(&browser).await;
    assert!(confirmation.contains("You are booked"), "{confirmation}");
    assert!(
        confirmation.contains(&slot_label),
        "{slot_label} not in {confirmation}"
    );
    assert!(confirmation.contains("(Asia/Tokyo)"), "{confirmation}");
    assert!(confirmation.contains("For Alex Morgan:"), "{confirmation}");
    shoot(&browser, "confirmation", DESKTOP).await;
    shoot(&browser, "confirmation-phone", PHONE).await;
    browser
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");

    let bookings = app.get("/bookings").await.expect(200).body;
    assert_eq!(
        bookings["items"][0]["invitee"]["responses"]["company"],
        "Initech"
    );
    assert_eq!(bookings["items"][0]["invitee"]["responses"]["size"], "2-10");
    assert_eq!(bookings["items"][0]["timezone"], "Asia/Tokyo");

    // Cancel through the link on the confirmation.
    browser
        .find(Locator::LinkText("Cancel booking"))
        .await
        .expect("cancel link")
        .click()
        .await
        .expect("open cancel");
    wait_for_url(&browser, "/book/acme/cancel/").await;
    browser
        .find(Locator::Id("reason"))
        .await
        .expect("reason")
        .send_keys("Something came up.")
        .await
        .expect("type reason");
    shoot(&browser, "cancel", DESKTOP).await;
    browser
        .find(Locator::Css("button.danger"))
        .await
        .expect("confirm")
        .click()
        .await
        .expect("cancel");
    wait_for_url(&browser, "/book/acme/booking/").await;
    let cancelled = browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".status-cancelled"))
        .await
        .expect("cancelled status");
    assert!(
        cancelled
            .text()
            .await
            .expect("text")
            .contains("This booking is cancelled")
    );
    shoot(&browser, "cancelled", DESKTOP).await;
    let bookings = app.get("/bookings").await.expect(200).body;
    assert_eq!(bookings["items"][0]["status"], "cancelled");

    browser.close().await.expect("close browser");
}

/// Clears a field and types `value` into it.
async fn fill(browser: &Client, id: &str, value: &str) {
    let field = browser.find(Locator::Id(id)).await.expect(id);
    field.clear().await.expect("clear");
    field.send_keys(value).await.expect("type");
}

/// Types a 24-hour `HH:MM` into a time input the way a person in an en-US browser does (hour,
/// minute, AM/PM), and checks the input holds it.
async fn type_time(input: &fantoccini::elements::Element, value: &str) {
    let (hour, minute) = value.split_once(':').expect("HH:MM");
    let hour: u32 = hour.parse().expect("hour");
    let twelve = match hour % 12 {
        0 => 12,
        other => other,
    };
    let half = if hour < 12 { "AM" } else { "PM" };
    input.clear().await.expect("clear time");
    input
        .send_keys(&format!("{twelve:02}{minute}{half}"))
        .await
        .expect("type time");
    assert_eq!(
        input.prop("value").await.expect("value").as_deref(),
        Some(value),
        "the time input did not take {value}"
    );
}

/// Clicks the console's navigation link to `path`.
async fn nav(browser: &Client, path: &str) {
    browser
        .find(Locator::Css(&format!(".console-nav a[href='{path}']")))
        .await
        .expect("console link")
        .click()
        .await
        .expect("follow console link");
    wait_for_url(browser, path).await;
}

/// Free start times of the owner's `slug` in the next three weeks, in Europe/London, by date
/// (days without any left out).
async fn free_slots(app: &TestApp, slug: &str) -> Vec<(jiff::civil::Date, Vec<String>)> {
    #[allow(clippy::disallowed_methods)]
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::get("Europe/London").expect("zone"))
        .date();
    let reply = app
        .call(
            reqwest::Method::GET,
            &format!(
                "/api/public/scheduling/acme/users/owner/{slug}/slots?from={today}&to={}&timezone=Europe/London",
                today + jiff::ToSpan::days(21)
            ),
            None,
            None,
        )
        .await
        .expect(200);
    reply.body["days"]
        .as_array()
        .expect("days")
        .iter()
        .map(|day| {
            let date = day["date"].as_str().expect("date").parse().expect("date");
            let starts = day["slots"]
                .as_array()
                .expect("slots")
                .iter()
                .map(|slot| slot["start"].as_str().expect("start").to_owned())
                .collect();
            (date, starts)
        })
        .filter(|(_, starts): &(_, Vec<String>)| !starts.is_empty())
        .collect()
}

/// Books `start` of `event_type` through the public API; returns the reply (the booking and its
/// manage token).
async fn book(
    app: &TestApp,
    event_type: &serde_json::Value,
    start: &str,
    who: (&str, &str),
    responses: serde_json::Value,
) -> serde_json::Value {
    app.call(
        reqwest::Method::POST,
        "/api/public/scheduling/acme/bookings",
        None,
        Some(json!({
            "eventTypeId": event_type["id"],
            "startTime": start,
            "invitee": { "name": who.0, "email": who.1, "timezone": "Europe/Berlin", "responses": responses }
        })),
    )
    .await
    .expect(201)
    .body
}

#[tokio::test]
async fn a_host_sets_up_and_sees_a_booking_in_a_real_browser() {
    let Some(chromedriver) = kairos_test_services::chromedriver() else {
        return;
    };
    let app = spawn_app(Backend::Sqlite).await.expect("app");
    let driver = start_driver(&chromedriver, "Europe/London");
    let browser = open_browser(&driver).await;
    browser
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");
    let base = app.address.clone();

    // Signing in: the console sends a visitor without a session to the login page.
    browser
        .goto(&format!("{base}/admin/scheduling"))
        .await
        .expect("console");
    wait_for_url(&browser, "/admin/scheduling/login").await;
    assert!(
        text(&browser)
            .await
            .contains("Sign in to your scheduling console")
    );
    fill(&browser, "workspace", "acme").await;
    fill(&browser, "email", "owner@acme.example").await;
    fill(&browser, "password", "correct horse battery").await;
    shoot(&browser, "console-login", DESKTOP).await;
    browser
        .find(Locator::Css("form button[type=submit]"))
        .await
        .expect("sign in")
        .click()
        .await
        .expect("sign in");
    browser
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(".console-nav"))
        .await
        .expect("the console");
    let url = browser.current_url().await.expect("url");
    assert_eq!(url.path(), "/admin/scheduling");
    let dashboard = text(&browser).await;
    assert!(dashboard.contains("Dashboard"), "{dashboard}");
    assert!(
        dashboard.contains("No upcoming bookings yet"),
        "{dashboard}"
    );

    // A new event type with two questions for invitees.
    browser
        .find(Locator::LinkText("New event type"))
        .await
        .expect("new event type")
        .click()
        .await
        .expect("open form");
    wait_for_url(&browser, "/admin/scheduling/event-types/new").await;
    fill(&browser, "name", "Strategy session").await;
    assert_eq!(
        browser
            .find(Locator::Id("slug"))
            .await
            .expect("slug")
            .prop("value")
            .await
            .expect("value")
            .as_deref(),
        Some("strategy-session"),
        "the slug follows the name"
    );
    fill(&browser, "duration", "45").await;
    fill(
        &browser,
        "description",
        "A focused look at where you are and where you want to go.",
    )
    .await;
    for radio in ["label[for='color-green']", "label[for='location-zoom']"] {
        browser
            .find(Locator::Css(radio))
            .await
            .expect(radio)
            .click()
            .await
            .expect("choose");
    }
    fill(&browser, "q0-label", "Company").await;
    browser
        .find(Locator::Id("q0-type"))
        .await
        .expect("type")
        .select_by_value("text")
        .await
        .expect("text answer");
    browser
        .find(Locator::Css("label[for='q0-required']"))
        .await
        .expect("required")
        .click()
        .await
        .expect("require");
    fill(&browser, "q1-label", "Team size").await;
    browser
        .find(Locator::Id("q1-type"))
        .await
        .expect("type")
        .select_by_value("select")
        .await
        .expect("drop-down");
    // The options box shows once the type takes options.
    let options = browser
        .find(Locator::Id("q1-options"))
        .await
        .expect("options");
    assert!(options.is_displayed().await.expect("shown"));
    options
        .send_keys("Just me\n2-10\n11 or more")
        .await
        .expect("options");
    if screenshot_dir().is_some() {
        browser
            .execute(
                "document.getElementById('questions').scrollIntoView()",
                Vec::new(),
            )
            .await
            .expect("scroll");
    }
    shoot(&browser, "console-event-type-form", DESKTOP).await;
    browser
        .find(Locator::Css(
            "form.et-form .form-actions button[type=submit]",
        ))
        .await
        .expect("create")
        .click()
        .await
        .expect("create");
    wait_for_url(&browser, "/admin/scheduling/event-types?notice=created").await;
    let list = text(&browser).await;
    assert!(list.contains("Created."), "{list}");
    assert!(list.contains("Strategy session"), "{list}");
    assert!(list.contains("Zoom"), "{list}");
    shoot(&browser, "console-event-types", DESKTOP).await;

    let event_types = app.get("/event-types").await.expect(200).body;
    let strategy = event_types["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|t| t["slug"] == "strategy-session")
        .cloned()
        .expect("the new event type is stored");
    assert_eq!(strategy["duration"], 45);
    assert_eq!(strategy["color"], "green");
    assert_eq!(strategy["location"]["type"], "zoom");
    assert_eq!(
        strategy["customQuestions"],
        json!([
            { "id": "company", "label": "Company", "type": "text", "required": true },
            { "id": "team-size", "label": "Team size", "type": "select", "required": false,
              "options": ["Just me", "2-10", "11 or more"] }
        ])
    );

    // Weekly hours: a lunch break on Mondays, Saturday mornings, and the zone.
    nav(&browser, "/admin/scheduling/availability").await;
    assert!(text(&browser).await.contains("Weekly hours"));
    browser
        .find(Locator::Id("timezone"))
        .await
        .expect("zone")
        .select_by_value("Europe/Dublin")
        .await
        .expect("choose zone");
    let monday = |n: usize| {
        let browser = &browser;
        async move {
            browser
                .find_all(Locator::Css("[data-windows=monday] input[type=time]"))
                .await
                .expect("Monday's times")
                .into_iter()
                .nth(n)
                .expect("a Monday time")
        }
    };
    type_time(&monday(1).await, "12:00").await;
    browser
        .find(Locator::Css("[data-day=monday] [data-add-window]"))
        .await
        .expect("add a window")
        .click()
        .await
        .expect("add");
    type_time(&monday(2).await, "13:00").await;
    type_time(&monday(3).await, "17:00").await;
    browser
        .find(Locator::Css("label[for='saturday-on']"))
        .await
        .expect("Saturday")
        .click()
        .await
        .expect("open Saturday");
    let saturday = browser
        .find_all(Locator::Css("[data-windows=saturday] input[type=time]"))
        .await
        .expect("Saturday's times");
    assert_eq!(saturday.len(), 2, "one blank window on a closed day");
    type_time(&saturday[0], "10:00").await;
    type_time(&saturday[1], "14:00").await;
    browser
        .find(Locator::Css("form.hours-form button[type=submit]"))
        .await
        .expect("save")
        .click()
        .await
        .expect("save");
    wait_for_url(&browser, "/admin/scheduling/availability?notice=saved").await;
    let hours = text(&browser).await;
    assert!(hours.contains("Your changes were saved."), "{hours}");
    assert!(hours.contains("Times in Europe/Dublin"), "{hours}");
    assert_eq!(
        browser
            .find_all(Locator::Css("[data-windows=monday] input[type=time]"))
            .await
            .expect("Monday's times")
            .len(),
        4,
        "two windows on Monday"
    );
    shoot(&browser, "console-availability", DESKTOP).await;
    shoot(&browser, "console-availability-phone", PHONE).await;
    browser
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");

    let stored = app.get("/availability").await.expect(200).body;
    assert_eq!(stored["timezone"], "Europe/Dublin");
    assert_eq!(
        stored["weeklySchedule"]["monday"],
        json!([{ "start": "09:00", "end": "12:00" }, { "start": "13:00", "end": "17:00" }])
    );
    assert_eq!(
        stored["weeklySchedule"]["saturday"],
        json!([{ "start": "10:00", "end": "14:00" }])
    );
    assert_eq!(stored["weeklySchedule"]["sunday"], json!([]));

    // Invitees book the new event type; the free times follow the new hours.
    // (A 45-minute meeting on a Saturday starts 10:00–13:15; the first day may start late, as
    // the default notice is 24 hours.)
    let days = free_slots(&app, "strategy-session").await;
    let (mut after_lunch, mut saturday_morning) = (false, false);
    for (date, starts) in &days {
        let hours: Vec<&str> = starts.iter().map(|s| &s[11..16]).collect();
        match date.weekday() {
            jiff::civil::Weekday::Monday => {
                assert!(
                    hours.iter().all(|h| !h.starts_with("12:")),
                    "Monday {date}: {hours:?}"
                );
                after_lunch |= hours.contains(&"13:00");
            }
            jiff::civil::Weekday::Saturday => {
                assert!(
                    hours.iter().all(|h| ("10:00"..="13:15").contains(h)),
                    "Saturday {date}: {hours:?}"
                );
                saturday_morning |= hours.first() == Some(&"10:00");
            }
            jiff::civil::Weekday::Sunday => panic!("Sunday {date} is closed: {hours:?}"),
            _ => {}
        }
    }
    assert!(after_lunch && saturday_morning, "{days:?}");
    assert!(days.len() >= 5, "{days:?}");
    let booked = book(
        &app,
        &strategy,
        &days[0].1[0],
        ("Priya Patel", "priya@example.com"),
        json!({ "company": "Initech", "team-size": "2-10" }),
    )
    .await;
    let booking_id = booked["booking"]["id"].as_str().expect("id").to_owned();
    for (n, (name, email, company)) in [
        ("Marcus Webb", "marcus@example.com", "Globex"),
        ("Lena Fischer", "lena@example.com", "Umbrella"),
        ("Tomás Ruiz", "tomas@example.com", "Hooli"),
        ("Aiko Tanaka", "aiko@example.com", "Vandelay"),
    ]
    .into_iter()
    .enumerate()
    {
        let (_, starts) = &days[n + 1];
        let extra = book(
            &app,
            &strategy,
            &starts[(n * 2) % starts.len()],
            (name, email),
            json!({ "company": company, "team-size": "Just me" }),
        )
        .await;
        if n == 2 {
            app.call(
                reqwest::Method::POST,
                &format!(
                    "/api/public/scheduling/acme/bookings/{}/cancel",
                    extra["booking"]["id"].as_str().expect("id")
                ),
                None,
                Some(json!({ "token": extra["manageToken"], "reason": "Double-booked" })),
            )
            .await
            .expect(200);
        }
    }

    // The host finds the booking in the list and opens it.
    nav(&browser, "/admin/scheduling").await;
    let dashboard = text(&browser).await;
    assert!(dashboard.contains("Priya Patel"), "{dashboard}");
    shoot(&browser, "console-dashboard", DESKTOP).await;
    shoot(&browser, "console-dashboard-phone", PHONE).await;
    browser
        .set_window_size(DESKTOP.0, DESKTOP.1)
        .await
        .expect("resize");
    nav(&browser, "/admin/scheduling/bookings").await;
    let bookings = text(&browser).await;
    assert!(bookings.contains("Showing 1–5 of 5"), "{bookings}");
    assert!(bookings.contains("Priya Patel"), "{bookings}");
    assert!(bookings.contains("Strategy session"), "{bookings}");
    assert!(bookings.contains("Cancelled"), "{bookings}");
    shoot(&browser, "console-bookings", DESKTOP).await;
    browser
        .find(Locator::Css("a[aria-label*='with Priya Patel']"))
        .await
        .expect("Priya's booking")
        .click()
        .await
        .expect("open booking");
    wait_for_url(
        &browser,
        &format!("/admin/scheduling/bookings/{booking_id}"),
    )
    .await;
    let detail = text(&browser).await;
    for expected in [
        "Strategy session",
        "Priya Patel",
        "priya@example.com",
        "Company",
        "Initech",
        "Team size",
        "2-10",
    ] {
        assert!(detail.contains(expected), "{expected} not in {detail}");
    }
    shoot(&browser, "console-booking", DESKTOP).await;

    nav(&browser, "/admin/scheduling/analytics").await;
    assert!(text(&browser).await.contains("Analytics"));
    browser
        .find(Locator::Css(".chart svg"))
        .await
        .expect("a chart");
    shoot(&browser, "console-analytics", DESKTOP).await;
    nav(&browser, "/admin/scheduling/settings").await;
    assert!(text(&browser).await.contains("Booking rules"));
    shoot(&browser, "console-settings", DESKTOP).await;

    browser.close().await.expect("close browser");
}
