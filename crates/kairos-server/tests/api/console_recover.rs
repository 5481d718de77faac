//! "Forgot your password?": a reset link by email, on both backends. The link is delivered to a
//! real SMTP server (aiosmtpd) in one test and written as `.eml` files in the other, and read
//! back with an independent MIME parser.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use kairos_core::clock::ManualClock;
use reqwest::header::{COOKIE, REFERRER_POLICY};
use serde_json::Value;

use crate::console::{Console, OWNER_PASSWORD, login_form};
use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::html::{Page, browser, post_form, read};
use crate::smtp::{self, Email, SmtpSink};

const FORGOT: &str = "/admin/scheduling/login/forgot";
const NEW_PASSWORD: &str = "a brand new passphrase";

/// Posts a form to `path` from `origin`, with no session.
async fn post(app: &TestApp, path: &str, fields: &[(&str, &str)], origin: &str) -> Page {
    post_form(&app.address, path, fields, origin).await
}

async fn get(app: &TestApp, path: &str) -> Page {
    read(
        browser()
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .expect("request"),
    )
    .await
}

async fn ask_for_link(app: &TestApp, workspace: &str, email: &str) -> Page {
    post(
        app,
        FORGOT,
        &[("workspace", workspace), ("email", email)],
        &app.address,
    )
    .await
}

/// The path of the reset link in an email (the address is the app's public URL).
fn reset_path(app: &TestApp, email: &Email) -> String {
    let link = email
        .link("/admin/scheduling/reset/")
        .unwrap_or_else(|| panic!("no reset link in: {}", email.text));
    link.strip_prefix(&app.address)
        .unwrap_or_else(|| panic!("{link} is not on {}", app.address))
        .to_owned()
}

async fn choose(app: &TestApp, path: &str, new: &str, confirm: &str) -> Page {
    post(
        app,
        path,
        &[("new", new), ("confirm", confirm)],
        &app.address,
    )
    .await
}

async fn sign_in(app: &TestApp, password: &str) -> Page {
    login_form(
        app,
        &[
            ("workspace", "acme"),
            ("email", "owner@acme.example"),
            ("password", password),
        ],
    )
    .await
}

/// The full path: the email arrives at the SMTP server, the link opens the form, the new
/// password works, the old one and every earlier session do not, and the link is spent.
async fn a_forgotten_password_is_reset_through_the_emailed_link(backend: Backend) {
    if !smtp::available() {
        return;
    }
    let sink = SmtpSink::start();
    let port = sink.port;
    let Some(app) = spawn_app_with(backend, kairos_server::system_clock(), |settings| {
        settings.mail.smtp_host = Some("127.0.0.1".to_owned());
        settings.mail.smtp_port = port;
        settings.mail.smtp_security = kairos_server::settings::SmtpSecurity::None;
        settings.mail.smtp_timeout_secs = 5;
        settings.mail.mail_from = Some("Acme Scheduling <accounts@acme.example>".to_owned());
    })
    .await
    else {
        return;
    };
    let earlier = Console::owner(&app).await;

    let login = get(&app, "/admin/scheduling/login?workspace=acme")
        .await
        .expect_html(200);
    assert_eq!(
        login.link("/admin/scheduling/login/forgot"),
        "/admin/scheduling/login/forgot?workspace=acme"
    );
    get(&app, "/admin/scheduling/login/forgot?workspace=acme")
        .await
        .expect_html(200)
        .contains("Reset your password")
        .contains("value=\"acme\"");

    // A known and an unknown address get the same answer; only the known one gets mail.
    let known = ask_for_link(&app, "ACME", "owner@acme.example")
        .await
        .expect_html(200);
    known
        .contains("Check your email")
        .contains("owner@acme.example");
    let unknown = ask_for_link(&app, "acme", "nobody@acme.example")
        .await
        .expect_html(200);
    unknown.contains("Check your email");
    assert_eq!(
        known.html.replace("owner@acme.example", "@"),
        unknown.html.replace("nobody@acme.example", "@"),
        "the answer does not tell whether the account exists"
    );
    let emails = sink.wait_for(1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), 1, "no email for an unknown account");
    let email = &emails[0];
    assert_eq!(email.to, "owner@acme.example");
    assert_eq!(email.subject, "Reset your password for Acme");
    assert!(email.calendar_method.is_empty() && !email.has_ics_attachment);
    assert!(email.text.contains("within 60 minutes"), "{}", email.text);
    let path = reset_path(&app, email);
    assert!(
        email
            .html
            .contains(&format!("href=\"{}{path}\"", app.address)),
        "{}",
        email.html
    );

    let form = get(&app, &path).await.expect_html(200);
    form.contains("Choose a new password");
    assert_eq!(form.headers[REFERRER_POLICY], "no-referrer");

    // Both problems at once, and nothing changes.
    let refused = choose(&app, &path, "short", "other").await.expect_html(422);
    refused
        .contains("Please correct these 2 problems.")
        .contains("A password needs at least")
        .contains("The two new passwords differ.");
    sign_in(&app, OWNER_PASSWORD).await.expect(303);

    let done = choose(&app, &path, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(
        done.see_other(&app.address),
        "/admin/scheduling/login?workspace=acme&password-reset=1"
    );
    get(
        &app,
        "/admin/scheduling/login?workspace=acme&password-reset=1",
    )
    .await
    .expect_html(200)
    .contains("Your password is changed");

    // Every session made before the reset is over; the old password no longer works.
    let after = read(
        browser()
            .get(format!("{}/admin/scheduling", app.address))
            .header(COOKIE, &earlier.cookie)
            .send()
            .await
            .expect("request"),
    )
    .await;
    assert!(
        after
            .see_other(&app.address)
            .starts_with("/admin/scheduling/login"),
        "the earlier session ended"
    );
    sign_in(&app, OWNER_PASSWORD).await.expect(401);
    sign_in(&app, NEW_PASSWORD).await.expect(303);

    // The link worked once.
    get(&app, &path)
        .await
        .expect_html(410)
        .contains("This link does not work");
    choose(
        &app,
        &path,
        "yet another passphrase",
        "yet another passphrase",
    )
    .await
    .expect_html(410);
    sign_in(&app, NEW_PASSWORD).await.expect(303);

    let changes = app
        .get("/changelog?entityType=account")
        .await
        .expect(200)
        .body;
    let actions: Vec<&Value> = changes["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|change| &change["action"])
        .collect();
    assert!(
        actions.contains(&&Value::from("password_reset")),
        "{actions:?}"
    );
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_emailed_link_sqlite() {
    a_forgotten_password_is_reset_through_the_emailed_link(Backend::Sqlite).await;
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_the_emailed_link_postgres() {
    a_forgotten_password_is_reset_through_the_emailed_link(Backend::Postgres).await;
}

/// The `.eml` files in `dir`, parsed; waits (up to 10 s) until there are `count`.
async fn files(dir: &Path, count: usize) -> Vec<Email> {
    for _ in 0..200 {
        let found: Vec<PathBuf> = std::fs::read_dir(dir)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| entry.path())
                    .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        if found.len() >= count {
            return found
                .iter()
                .map(|path| Email::parse(&std::fs::read(path).expect("eml")))
                .collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("expected {count} emails in {}", dir.display());
}

/// Bad requests and dead links get clear pages; a minute must pass between emails; only the
/// newest link works, and only for an hour. Mail goes to `.eml` files (no SMTP server), on a clock the test moves.
async fn reset_requests_and_links_refuse_what_they_must(backend: Backend) {
    let dir = std::env::temp_dir().join(format!("kairos-reset-{}", uuid::Uuid::new_v4()));
    let start: Timestamp = "2030-01-07T09:00:00Z".parse().expect("instant");
    let clock = Arc::new(ManualClock::new(start));
    let mail_dir = dir.clone();
    let Some(app) = spawn_app_with(backend, clock.clone(), |settings| {
        settings.mail.mail_dir = mail_dir;
    })
    .await
    else {
        return;
    };

    // The shape of the request is checked and every problem named; nothing is sent.
    let bad = ask_for_link(&app, "", "not-an-email")
        .await
        .expect_html(422);
    bad.contains("Please correct these 2 problems.")
        .contains("Enter your workspace")
        .contains("\"not-an-email\" is not an email address.");
    ask_for_link(&app, "ac me", "owner@acme.example")
        .await
        .expect_html(422)
        .contains("A workspace is lowercase letters");
    // Another site cannot make the server send mail.
    post(
        &app,
        FORGOT,
        &[("workspace", "acme"), ("email", "owner@acme.example")],
        "https://evil.example",
    )
    .await
    .expect(403);
    // Unknown workspace: the same answer, no mail.
    ask_for_link(&app, "nowhere", "owner@acme.example")
        .await
        .expect_html(200)
        .contains("Check your email");

    // Asking again within a minute sends nothing more; later, a new link replaces the first.
    ask_for_link(&app, "acme", "owner@acme.example")
        .await
        .expect_html(200);
    let first = reset_path(&app, &files(&dir, 1).await[0]);
    clock.set(start + SignedDuration::from_secs(59));
    ask_for_link(&app, "acme", "owner@acme.example")
        .await
        .expect_html(200)
        .contains("Check your email");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        files(&dir, 1).await.len(),
        1,
        "no second email within a minute"
    );
    let issued = start + SignedDuration::from_mins(2);
    clock.set(issued);
    ask_for_link(&app, "acme", "owner@acme.example")
        .await
        .expect_html(200);
    let emails = files(&dir, 2).await;
    assert_eq!(emails.len(), 2);
    let second = emails
        .iter()
        .map(|email| reset_path(&app, email))
        .find(|path| *path != first)
        .expect("a second, different link");
    get(&app, &first).await.expect_html(410);
    get(&app, &second).await.expect_html(200);

    // Malformed links are dead links, not errors.
    for path in [
        "/admin/scheduling/reset/abc",
        "/admin/scheduling/reset/<script>",
        &format!("/admin/scheduling/reset/{}", "0".repeat(64)),
    ] {
        get(&app, path).await.expect_html(410);
    }

    // A link works for an hour.
    clock.set(issued + SignedDuration::from_mins(59));
    get(&app, &second).await.expect_html(200);
    clock.set(issued + SignedDuration::from_mins(60));
    get(&app, &second).await.expect_html(410);
    choose(&app, &second, NEW_PASSWORD, NEW_PASSWORD)
        .await
        .expect_html(410);
    sign_in(&app, OWNER_PASSWORD).await.expect(303);

    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn reset_requests_and_links_refuse_what_they_must_sqlite() {
    reset_requests_and_links_refuse_what_they_must(Backend::Sqlite).await;
}

#[tokio::test]
async fn reset_requests_and_links_refuse_what_they_must_postgres() {
    reset_requests_and_links_refuse_what_they_must(Backend::Postgres).await;
}
