//! Notifications end to end: the server's outbox worker delivering to a real SMTP server
//! (aiosmtpd), on a clock the test moves.

use std::sync::Arc;

use jiff::Timestamp;
use kairos_core::clock::ManualClock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::smtp::{self, Email, SmtpSink};

const PUBLIC: &str = "/api/public/scheduling/acme";

fn instant(text: &str) -> Timestamp {
    text.parse().expect("test instant")
}

/// An app on `backend` whose worker sends to `smtp_port` (plain SMTP), retrying after one
/// second, on a clock standing at `now`.
async fn app_sending_to(
    backend: Backend,
    smtp_port: u16,
    now: &str,
    max_attempts: u32,
) -> Option<(TestApp, Arc<ManualClock>)> {
    let clock = Arc::new(ManualClock::new(instant(now)));
    let app = spawn_app_with(backend, clock.clone(), |settings| {
        settings.mail.outbox_worker = true;
        settings.mail.smtp_host = Some("127.0.0.1".to_owned());
        settings.mail.smtp_port = smtp_port;
        settings.mail.smtp_security = kairos_server::settings::SmtpSecurity::None;
        settings.mail.smtp_timeout_secs = 5;
        settings.mail.mail_from = Some("Acme Scheduling <bookings@acme.example>".to_owned());
        settings.mail.outbox_retry_secs = 1;
        settings.mail.outbox_poll_ms = 50;
        settings.mail.outbox_max_attempts = max_attempts;
    })
    .await?;
    Some((app, clock))
}

/// The owner (profile zone Europe/London) takes bookings every day 09:00–17:00 London time,
/// with a 24h and a 1h reminder to both sides and one custom question.
async fn event_type(app: &TestApp) -> Value {
    let day = json!([{ "start": "09:00", "end": "17:00" }]);
    app.put(
        "/availability",
        json!({ "timezone": "Europe/London", "weeklySchedule": {
            "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day, "saturday": day, "sunday": day
        }}),
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
        json!({
            "customQuestions": [{ "id": "company", "label": "Company", "type": "text", "required": true }],
            "reminderSettings": { "enabled": true, "reminders": [
                { "timing": "24h", "sendToHost": true, "sendToInvitee": true },
                { "timing": "1h", "sendToHost": false, "sendToInvitee": true }
            ]}
        }),
    )
    .await
}

async fn book(app: &TestApp, event_type: &Value, start: &str) -> Value {
    app.call(
        Method::POST,
        &format!("{PUBLIC}/bookings"),
        None,
        Some(json!({
            "eventTypeId": event_type["id"],
            "startTime": start,
            "invitee": { "name": "Ivy Invitee", "email": "ivy@example.com", "timezone": "America/New_York",
                         "responses": { "company": "Initech" } }
        })),
    )
    .await
    .expect(201)
    .body
}

fn by_recipient<'a>(emails: &'a [Email], to: &str, subject_has: &str) -> &'a Email {
    emails
        .iter()
        .find(|e| e.to == to && e.subject.contains(subject_has))
        .unwrap_or_else(|| {
            panic!(
                "no email to {to} about {subject_has:?}; got {:#?}",
                emails
                    .iter()
                    .map(|e| (&e.to, &e.subject))
                    .collect::<Vec<_>>()
            )
        })
}

async fn messages(app: &TestApp, booking_id: &Value) -> Vec<Value> {
    let id = booking_id.as_str().expect("id");
    app.get(&format!("/bookings/{id}/messages"))
        .await
        .expect(200)
        .body
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn four_notifications_arrive_right(backend: Backend) {
    if !smtp::available() {
        return;
    }
    let sink = SmtpSink::start();
    let Some((app, clock)) = app_sending_to(backend, sink.port, "2030-01-06T08:00:00Z", 8).await
    else {
        return;
    };
    let intro = event_type(&app).await;

    // Confirmation: 14:00 London is 09:00 in New York (January, both on standard time).
    let created = book(&app, &intro, "2030-01-08T14:00:00Z").await;
    let emails = sink.wait_for(2).await;
    let host = by_recipient(&emails, "owner@acme.example", "");
    let invitee = by_recipient(&emails, "ivy@example.com", "");
    let first_id = created["booking"]["id"].as_str().expect("id").to_owned();
    let stored = app
        .get(&format!("/bookings/{first_id}"))
        .await
        .expect(200)
        .body;
    assert!(
        host.text.contains("14:00"),
        "host sees London time:\n{}",
        host.text
    );
    assert!(host.text.contains("Europe/London"), "{}", host.text);
    assert!(
        invitee.text.contains("09:00") || invitee.text.contains("9:00"),
        "invitee sees New York time:\n{}",
        invitee.text
    );
    assert!(
        invitee.text.contains("America/New_York"),
        "{}",
        invitee.text
    );
    assert!(
        invitee.text.contains("Initech"),
        "answers are listed:\n{}",
        invitee.text
    );
    assert!(!invitee.html.is_empty(), "an HTML part comes along");
    for email in [host, invitee] {
        assert_eq!(email.calendar_method, "REQUEST");
        assert_eq!(email.calendar["METHOD"], "REQUEST");
        assert_eq!(
            Some(email.calendar["UID"].as_str()),
            stored["booking"]["icalUid"].as_str()
        );
        assert_eq!(email.calendar["SEQUENCE"], "0");
        assert_eq!(email.calendar["DTSTART"], "20300108T140000Z");
        assert!(email.calendar["ATTENDEE"].contains("ivy@example.com"));
        assert!(email.calendar["ORGANIZER"].contains("owner@acme.example"));
        assert!(email.has_ics_attachment);
    }
    let uid = host.calendar["UID"].clone();
    assert_ne!(host.message_id, invitee.message_id);

    // The invitee's reschedule link works: it carries the booking's manage token.
    let reschedule_link = invitee.link("/reschedule/").expect("a reschedule link");
    let (path, token) = reschedule_link.split_once("?token=").expect("a token");
    assert_eq!(token, created["manageToken"].as_str().expect("token"));
    let booking_id = path.rsplit('/').next().expect("id");
    let moved = app
        .call(
            Method::POST,
            &format!("{PUBLIC}/bookings/{booking_id}/reschedule"),
            None,
            Some(json!({ "token": token, "startTime": "2030-01-09T15:00:00Z" })),
        )
        .await
        .expect(201)
        .body;
    let emails = sink.wait_for(4).await;
    let rescheduled = emails
        .iter()
        .find(|e| e.to == "ivy@example.com" && e.calendar["SEQUENCE"] == "1")
        .expect("the invitee hears of the move");
    assert!(
        emails
            .iter()
            .any(|e| e.to == "owner@acme.example" && e.calendar["SEQUENCE"] == "1"),
        "so does the host"
    );
    assert_eq!(rescheduled.calendar_method, "REQUEST");
    assert_eq!(rescheduled.calendar["UID"], uid, "same event, moved");
    assert_eq!(rescheduled.calendar["SEQUENCE"], "1");
    assert_eq!(rescheduled.calendar["DTSTART"], "20300109T150000Z");
    assert!(
        rescheduled.text.contains("10:00"),
        "new time in New York:\n{}",
        rescheduled.text
    );

    // The old booking's reminders are dropped; the new booking has its own.
    let old = messages(&app, &created["booking"]["id"]).await;
    assert!(
        old.iter()
            .filter(|m| m["kind"] == "booking_reminder")
            .all(|m| m["status"] == "cancelled"),
        "{old:#?}"
    );
    let new = messages(&app, &moved["booking"]["id"]).await;
    let reminders: Vec<_> = new
        .iter()
        .filter(|m| m["kind"] == "booking_reminder")
        .collect();
    assert_eq!(
        reminders.len(),
        3,
        "24h to both, 1h to the invitee: {new:#?}"
    );

    // Reminder: 24 hours before 2030-01-09T15:00Z.
    clock.set(instant("2030-01-08T14:59:00Z"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 4, "no reminder before its time");
    clock.set(instant("2030-01-08T15:00:00Z"));
    let emails = sink.wait_for(6).await;
    let reminders: Vec<&Email> = emails[4..].iter().collect();
    assert!(reminders.iter().any(|e| e.to == "owner@acme.example"));
    assert!(reminders.iter().any(|e| e.to == "ivy@example.com"));
    for reminder in &reminders {
        assert_eq!(reminder.calendar["UID"], uid);
        assert_eq!(reminder.calendar["SEQUENCE"], "1");
    }
    let moved_id = moved["booking"]["id"].as_str().expect("id").to_owned();
    let detail = app
        .get(&format!("/bookings/{moved_id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(detail["booking"]["remindersSent"]["24h"], true, "{detail}");

    // Cancellation by the invitee, through the cancel link of the reschedule email: CANCEL,
    // same UID, SEQUENCE 2.
    let cancel_link = rescheduled.link("/cancel/").expect("a cancel link");
    let (cancel_path, new_token) = cancel_link.split_once("?token=").expect("a token");
    assert!(
        cancel_path.ends_with(&format!("/book/acme/cancel/{moved_id}")),
        "{cancel_link}"
    );
    assert_eq!(Some(new_token), moved["manageToken"].as_str());
    app.call(
        Method::POST,
        &format!("{PUBLIC}/bookings/{moved_id}/cancel"),
        None,
        Some(json!({ "token": new_token, "reason": "Something came up" })),
    )
    .await
    .expect(200);
    let emails = sink.wait_for(8).await;
    for email in &emails[6..] {
        assert_eq!(email.calendar_method, "CANCEL");
        assert_eq!(email.calendar["METHOD"], "CANCEL");
        assert_eq!(email.calendar["UID"], uid);
        assert_eq!(email.calendar["SEQUENCE"], "2");
        assert_eq!(email.calendar["STATUS"], "CANCELLED");
    }
    let host_cancel = emails[6..]
        .iter()
        .find(|e| e.to == "owner@acme.example")
        .expect("host told");
    assert!(
        host_cancel.text.contains("Something came up"),
        "{}",
        host_cancel.text
    );
    // The 1h reminder never goes out: it was dropped with the cancellation.
    clock.set(instant("2030-01-09T14:00:00Z"));
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(sink.messages().len(), 8);
    let after = messages(&app, &moved["booking"]["id"]).await;
    let statuses: Vec<_> = after
        .iter()
        .map(|m| (m["kind"].as_str(), m["status"].as_str()))
        .collect();
    assert!(
        statuses.contains(&(Some("booking_reminder"), Some("cancelled"))),
        "{statuses:?}"
    );
    assert!(after.iter().all(|m| m["status"] != "pending"), "{after:#?}");
}

#[tokio::test]
async fn four_notifications_arrive_right_sqlite() {
    four_notifications_arrive_right(Backend::Sqlite).await;
}

#[tokio::test]
async fn four_notifications_arrive_right_postgres() {
    four_notifications_arrive_right(Backend::Postgres).await;
}

/// SMTP is down when the booking is made: the messages wait, are retried, and go out once it
/// is back, each exactly once.
async fn smtp_outage_delays_but_loses_nothing(backend: Backend) {
    if !smtp::available() {
        return;
    }
    let mut sink = SmtpSink::stopped_on(smtp::free_port());
    let Some((app, clock)) = app_sending_to(backend, sink.port, "2030-01-06T08:00:00Z", 50).await
    else {
        return;
    };
    let intro = event_type(&app).await;
    let created = book(&app, &intro, "2030-01-08T14:00:00Z").await;
    // Let the worker fail at least once.
    let mut tried = Vec::new();
    for _ in 0..100 {
        tried = messages(&app, &created["booking"]["id"]).await;
        if tried
            .iter()
            .any(|m| m["attempts"].as_u64() >= Some(1) && m["lastError"].is_string())
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let confirmation = tried
        .iter()
        .find(|m| m["kind"] == "booking_confirmation")
        .expect("queued");
    assert_eq!(confirmation["status"], "pending", "{tried:#?}");
    assert!(confirmation["lastError"].is_string(), "{tried:#?}");

    sink.resume();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        sink.messages().is_empty(),
        "nothing before the retry is due"
    );
    // The retries fall due (the first waits one second, the next two, …).
    clock.set(instant("2030-01-06T08:10:00Z"));
    let emails = sink.wait_for(2).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(sink.messages().len(), 2, "each message once: {emails:#?}");
    let after = messages(&app, &created["booking"]["id"]).await;
    let confirmations: Vec<_> = after
        .iter()
        .filter(|m| m["kind"] == "booking_confirmation")
        .collect();
    assert!(
        confirmations.iter().all(|m| m["status"] == "sent"),
        "{after:#?}"
    );
}

#[tokio::test]
async fn smtp_outage_delays_but_loses_nothing_sqlite() {
    smtp_outage_delays_but_loses_nothing(Backend::Sqlite).await;
}

#[tokio::test]
async fn smtp_outage_delays_but_loses_nothing_postgres() {
    smtp_outage_delays_but_loses_nothing(Backend::Postgres).await;
}

/// After the last attempt a message is failed, counted in /metrics and listed for the booking;
/// an admin retry sends it.
#[tokio::test]
async fn failed_messages_are_visible_and_can_be_retried() {
    if !smtp::available() {
        return;
    }
    let mut sink = SmtpSink::stopped_on(smtp::free_port());
    let (app, _clock) = app_sending_to(Backend::Sqlite, sink.port, "2030-01-06T08:00:00Z", 1)
        .await
        .expect("sqlite app");
    let intro = event_type(&app).await;
    let created = book(&app, &intro, "2030-01-08T14:00:00Z").await;
    let id = created["booking"]["id"].clone();
    let mut failed = Vec::new();
    for _ in 0..100 {
        failed = messages(&app, &id)
            .await
            .into_iter()
            .filter(|m| m["status"] == "failed")
            .collect();
        if failed.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(failed.len(), 2, "host and invitee confirmations failed");
    assert!(
        failed[0]["lastError"]
            .as_str()
            .unwrap_or_default()
            .contains("gave up after 1 attempts")
    );
    let metrics = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("kairos_outbox_messages{status=\"failed\"} 2"),
        "{metrics}"
    );
    assert!(
        metrics.contains("kairos_outbox_deliveries_total{outcome=\"failed\"} 2"),
        "{metrics}"
    );

    sink.resume();
    let booking_id = id.as_str().expect("id");
    let message_id = failed[0]["id"].as_str().expect("message id");
    let retried = app
        .post(
            &format!("/bookings/{booking_id}/messages/{message_id}/retry"),
            json!({}),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(retried["status"], "pending");
    assert_eq!(retried["attempts"], 0);
    let emails = sink.wait_for(1).await;
    assert_eq!(emails.len(), 1);
    app.post(
        &format!("/bookings/{booking_id}/messages/{message_id}/retry"),
        json!({}),
    )
    .await
    .expect(409);
}

/// A 48h and a 24h reminder before a Monday 09:00 in Berlin, right after the spring change:
/// both are exact durations before the start, not the same wall-clock time on earlier days.
#[tokio::test]
async fn reminders_are_timed_in_absolute_time_across_dst() {
    let clock = Arc::new(ManualClock::new(instant("2030-03-20T08:00:00Z")));
    let app = spawn_app_with(Backend::Sqlite, clock, |_| {})
        .await
        .expect("sqlite app");
    let day = json!([{ "start": "09:00", "end": "17:00" }]);
    app.put(
        "/availability",
        json!({ "timezone": "Europe/Berlin", "weeklySchedule": { "monday": day } }),
    )
    .await
    .expect(200);
    app.put(
        "/settings",
        json!({ "minimumNoticeHours": 0, "bookingWindowDays": 60, "bufferBeforeMins": 0, "bufferAfterMins": 0, "defaultDuration": 30 }),
    )
    .await
    .expect(200);
    let intro = app
        .event_type(
            "intro",
            json!({ "reminderSettings": { "enabled": true, "reminders": [
                { "timing": "48h", "sendToHost": false, "sendToInvitee": true },
                { "timing": "24h", "sendToHost": false, "sendToInvitee": true }
            ]}}),
        )
        .await;
    // Monday 2030-04-01 09:00 CEST; clocks went forward on Sunday 2030-03-31 at 01:00 UTC.
    let created = app
        .call(
            Method::POST,
            &format!("{PUBLIC}/bookings"),
            None,
            Some(json!({
                "eventTypeId": intro["id"],
                "startTime": "2030-04-01T07:00:00Z",
                "invitee": { "name": "Ivy", "email": "ivy@example.com", "timezone": "Europe/Berlin" }
            })),
        )
        .await
        .expect(201)
        .body;
    let all = messages(&app, &created["booking"]["id"]).await;
    let send_at = |timing: &str| {
        all.iter()
            .find(|m| m["reminder"] == timing)
            .map(|m| m["sendAt"].as_str().unwrap_or_default().to_owned())
            .unwrap_or_else(|| panic!("no {timing} reminder: {all:#?}"))
    };
    // 48 hours before is 08:00 CET on Saturday, not 09:00.
    assert_eq!(send_at("48h"), "2030-03-30T07:00:00Z");
    assert_eq!(send_at("24h"), "2030-03-31T07:00:00Z");
}

/// Reminders already due when the booking is made are not queued.
#[tokio::test]
async fn reminders_already_past_are_not_queued() {
    let clock = Arc::new(ManualClock::new(instant("2030-01-08T12:30:00Z")));
    let app = spawn_app_with(Backend::Sqlite, clock, |_| {})
        .await
        .expect("sqlite app");
    let intro = event_type(&app).await;
    // 14:00 starts in 90 minutes: the 24h reminder is past, the 1h one is not.
    let created = book(&app, &intro, "2030-01-08T14:00:00Z").await;
    let all = messages(&app, &created["booking"]["id"]).await;
    let reminders: Vec<_> = all
        .iter()
        .filter(|m| m["kind"] == "booking_reminder")
        .map(|m| {
            (
                m["reminder"].as_str(),
                m["audience"].as_str(),
                m["sendAt"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        reminders,
        vec![(Some("1h"), Some("invitee"), Some("2030-01-08T13:00:00Z"))]
    );
}

/// Tenants override wording per type and audience; bad templates are 422s naming the field,
/// and members cannot change them.
#[tokio::test]
async fn templates_are_validated_and_used() {
    if !smtp::available() {
        return;
    }
    let sink = SmtpSink::start();
    let (app, _clock) = app_sending_to(Backend::Sqlite, sink.port, "2030-01-06T08:00:00Z", 8)
        .await
        .expect("sqlite app");
    let listed = app.get("/notification-templates").await.expect(200).body;
    assert_eq!(listed.as_array().map(Vec::len), Some(8));
    assert!(
        listed[0]["defaultSubject"]
            .as_str()
            .is_some_and(|s| !s.is_empty())
    );
    app.put(
        "/notification-templates/booking_confirmation/invitee",
        json!({ "subject": "See you, {{inviteeName}}", "body": "Hello {{nobody}}" }),
    )
    .await
    .expect_invalid("body");
    app.put(
        "/notification-templates/booking_confirmation/invitee",
        json!({ "subject": "Line one\nline two" }),
    )
    .await
    .expect_invalid("subject");
    app.put("/notification-templates/booking_party/invitee", json!({}))
        .await
        .expect(400);
    app.put(
        "/notification-templates/booking_confirmation/invitee",
        json!({ "subject": "See you, {{inviteeName}}", "body": "Booked: {{eventTypeName}} at {{startTime}}.\nCancel: {{cancelLink}}" }),
    )
    .await
    .expect(200);
    let (member_token, _) = app.member("mia").await;
    let refused = app
        .call(
            Method::PUT,
            &crate::helpers::admin("/notification-templates/booking_confirmation/host"),
            Some(&member_token),
            Some(json!({ "subject": "x" })),
        )
        .await;
    assert_eq!(refused.status.as_u16(), 403);

    let intro = event_type(&app).await;
    book(&app, &intro, "2030-01-08T14:00:00Z").await;
    let emails = sink.wait_for(2).await;
    let invitee = by_recipient(&emails, "ivy@example.com", "See you, Ivy Invitee");
    assert!(
        invitee.text.contains("Booked: Intro at"),
        "{}",
        invitee.text
    );
    assert!(invitee.link("/cancel/").is_some(), "{}", invitee.text);
    let host = by_recipient(&emails, "owner@acme.example", "");
    assert!(
        !host.subject.contains("See you"),
        "the host keeps the default"
    );
    app.delete("/notification-templates/booking_confirmation/invitee")
        .await
        .expect(204);
    app.delete("/notification-templates/booking_confirmation/invitee")
        .await
        .expect(404);
}
