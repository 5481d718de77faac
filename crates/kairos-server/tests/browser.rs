//! The booking pages in a real browser: Debian's headless Chromium driven through chromedriver
//! (WebDriver). An invitee whose browser is in Tokyo opens an event page, lets the script set
//! their zone, picks a day and a time, fills the form (a custom question too), books, and
//! cancels through the link on the confirmation.
//!
//! Needs `/usr/bin/chromedriver` (Debian's `chromium-driver`; `.ci/run` installs it) or
//! `KAIROS_CHROMEDRIVER`; without it the test prints "skipped" and passes. With
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

fn chromedriver_path() -> Option<PathBuf> {
    let path = std::env::var_os("KAIROS_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    path.exists().then_some(path)
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
    let Some(chromedriver) = chromedriver_path() else {
        eprintln!("skipped: no chromedriver (apt-get install chromium chromium-driver)");
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
