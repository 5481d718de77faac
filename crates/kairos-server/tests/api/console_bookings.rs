//! The console's bookings pages over HTTP, on a clock the tests set (Monday 7 January 2030,
//! 08:00 UTC; London is on UTC then, Paris an hour ahead): the list and its filters, one
//! booking, and cancelling, moving and marking it through the forms.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use kairos_core::clock::ManualClock;
use kairos_store::{Delivery, OutboxStatus};
use reqwest::Method;
use serde_json::{Value, json};

use crate::console::{Console, member_with_password};
use crate::helpers::{Backend, TestApp, spawn_app_with};
use crate::html::Page;

const PUBLIC: &str = "/api/public/scheduling/acme";
const NOW: &str = "2030-01-07T08:00:00Z";
const BOOKINGS: &str = "/admin/scheduling/bookings";

fn instant(text: &str) -> Timestamp {
    text.parse().expect("test instant")
}

/// An app on `backend` whose clock stands at [`NOW`].
pub async fn app_at(backend: Backend) -> Option<(TestApp, Arc<ManualClock>)> {
    let clock = Arc::new(ManualClock::new(instant(NOW)));
    let app = spawn_app_with(backend, clock.clone(), |_| {}).await?;
    Some((app, clock))
}

/// One test per backend, each on its own app and clock.
macro_rules! on_both_backends_at_now {
    ($name:ident, |$app:ident, $clock:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn scenario($app: TestApp, $clock: Arc<ManualClock>) $body

            #[tokio::test]
            async fn sqlite() {
                let (app, clock) = app_at(Backend::Sqlite).await.expect("sqlite app");
                scenario(app, clock).await;
            }

            #[tokio::test]
            async fn postgres() {
                match app_at(Backend::Postgres).await {
                    Some((app, clock)) => scenario(app, clock).await,
                    None => {}
                }
            }
        }
    };
}

/// Opens a host's calendar every day 09:00–17:00 UTC, no notice, no buffers (`query` names
/// another host: `?userId=…`).
pub async fn open_hours(app: &TestApp, query: &str) {
    let day = json!([{ "start": "09:00", "end": "17:00" }]);
    app.put(
        &format!("/availability{query}"),
        json!({ "timezone": "UTC", "weeklySchedule": {
            "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day, "saturday": day, "sunday": day
        }}),
    )
    .await
    .expect(200);
    app.put(
        &format!("/settings{query}"),
        json!({ "minimumNoticeHours": 0, "bookingWindowDays": 30, "bufferBeforeMins": 0, "bufferAfterMins": 0, "defaultDuration": 30 }),
    )
    .await
    .expect(200);
}

/// The owner's "Intro" type (asking for the company) and "Demo" type, hours open.
pub async fn intro_and_demo(app: &TestApp) -> (String, String) {
    open_hours(app, "").await;
    let intro = app
        .event_type(
            "intro",
            json!({ "customQuestions": [{ "id": "company", "label": "Company", "type": "text", "required": true }] }),
        )
        .await;
    let demo = app
        .event_type("demo", json!({ "name": "Demo", "duration": 30 }))
        .await;
    (id_of(&intro), id_of(&demo))
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("id").to_owned()
}

/// Books through the public API; returns the booking id.
pub async fn book(
    app: &TestApp,
    event_type: &str,
    start: &str,
    name: &str,
    responses: Value,
) -> String {
    let email = format!(
        "{}@example.com",
        name.split(' ').next().unwrap_or("x").to_lowercase()
    );
    let created = app
        .call(
            Method::POST,
            &format!("{PUBLIC}/bookings"),
            None,
            Some(json!({
                "eventTypeId": event_type,
                "startTime": start,
                "invitee": { "name": name, "email": email, "timezone": "Europe/Paris",
                             "notes": "Bring the contract", "responses": responses }
            })),
        )
        .await
        .expect(201)
        .body;
    created["booking"]["id"]
        .as_str()
        .expect("booking id")
        .to_owned()
}

async fn json_booking(app: &TestApp, id: &str) -> Value {
    app.get(&format!("/bookings/{id}")).await.expect(200).body
}

/// Follows a 303 with the same session.
async fn follow(console: &Console<'_>, page: &Page) -> Page {
    let location = page.see_other(&console.app.address);
    console.get(&location).await
}

fn position(page: &Page, text: &str) -> usize {
    page.html
        .find(text)
        .unwrap_or_else(|| panic!("{text:?} missing from: {}", page.html))
}

on_both_backends_at_now!(
    a_public_booking_shows_in_the_list_and_in_detail,
    |app, _clock| {
        let (intro, _) = intro_and_demo(&app).await;
        let id = book(
            &app,
            &intro,
            "2030-01-08T10:00:00Z",
            "Ivy Invitee",
            json!({ "company": "Initech <b>&</b>" }),
        )
        .await;
        let console = Console::owner(&app).await;

        let list = console.get(BOOKINGS).await.expect_html(200);
        list.contains("When (Europe/London)");
        list.contains("Tue 8 Jan 2030, 10:00");
        list.contains("Ivy Invitee");
        list.contains("ivy@example.com");
        list.contains("<span class=\"badge confirmed\">Confirmed</span>");
        list.contains("Showing 1–1 of 1");
        list.contains("<th scope=\"col\">Host</th>");
        // The dashboard's links.
        for (path, shows) in [
            ("?status=confirmed&when=upcoming", true),
            ("?when=past", false),
            ("?status=cancelled", false),
        ] {
            let page = console
                .get(&format!("{BOOKINGS}{path}"))
                .await
                .expect_html(200);
            assert_eq!(page.html.contains("Ivy Invitee"), shows, "{path}");
        }

        let detail_path = list.link(&format!("{BOOKINGS}/{id}"));
        assert_eq!(detail_path, format!("{BOOKINGS}/{id}"));
        let detail = console.get(&detail_path).await.expect_html(200);
        detail.contains("Intro with Ivy Invitee");
        detail.contains("Tuesday 8 January 2030, 10:00 – 10:30 (Europe/London)");
        detail.contains("Tuesday 8 January 2030, 11:00 – 11:30 (Europe/Paris)");
        detail.contains("<dt>Company</dt><dd class=\"description\">Initech <b>&</b></dd>");
        assert!(
            !detail.html.contains("Initech <b>"),
            "answers are escaped: {}",
            detail.html
        );
        detail.contains("Bring the contract");
        detail.contains("Google Meet");
        detail.contains("Booked");
        detail.contains("Confirmation");
        detail.contains("ivy@example.com");
        detail.contains("Cancel booking");
        detail.contains(&format!("{BOOKINGS}/{id}/reschedule"));
        assert!(
            !detail.html.contains("Mark completed"),
            "not before the meeting"
        );

        console
            .get(&format!("{BOOKINGS}/{}", uuid::Uuid::new_v4()))
            .await
            .expect_html(404)
            .contains("There is no booking at this address");
        console
            .get(&format!("{BOOKINGS}/not-an-id"))
            .await
            .expect_html(404);
    }
);

on_both_backends_at_now!(filters_and_paging_narrow_the_list, |app, clock| {
    let (intro, demo) = intro_and_demo(&app).await;
    let company = json!({ "company": "Acme" });
    let mut ids = Vec::new();
    for (day, count) in [(8, 16), (9, 7)] {
        for slot in 0..count {
            let start = instant(&format!("2030-01-{day:02}T09:00:00Z"))
                + SignedDuration::from_mins(30 * slot);
            ids.push(
                book(
                    &app,
                    &intro,
                    &start.to_string(),
                    "Ann Intro",
                    company.clone(),
                )
                .await,
            );
        }
    }
    for hour in [10, 11] {
        book(
            &app,
            &demo,
            &format!("2030-01-10T{hour}:00:00Z"),
            "Dan Demo",
            json!({}),
        )
        .await;
    }
    // One of 9 January is cancelled.
    app.post(&format!("/bookings/{}/cancel", ids[20]), json!({}))
        .await
        .expect(200);
    let console = Console::owner(&app).await;

    let first = console.get(BOOKINGS).await.expect_html(200);
    first.contains("Showing 1–20 of 25");
    first.contains("latest first");
    assert!(
        position(&first, "Thu 10 Jan 2030, 11:00") < position(&first, "Thu 10 Jan 2030, 10:00")
    );
    assert!(!first.html.contains("rel=\"prev\""));
    let next = first.link(&format!("{BOOKINGS}?page=2"));
    let second = console.get(&next).await.expect_html(200);
    second.contains("Showing 21–25 of 25");
    second.contains("Tue 8 Jan 2030, 09:00");
    second.contains(&format!("href=\"{BOOKINGS}\" rel=\"prev\""));
    assert!(!second.html.contains("rel=\"next\""));

    // Upcoming: soonest first, paged from the soonest.
    let upcoming = console
        .get(&format!("{BOOKINGS}?status=confirmed&when=upcoming"))
        .await
        .expect_html(200);
    upcoming.contains("Showing 1–20 of 24");
    upcoming.contains("soonest first");
    assert!(
        position(&upcoming, "Tue 8 Jan 2030, 09:00") < position(&upcoming, "Tue 8 Jan 2030, 09:30")
    );
    assert!(
        !upcoming.html.contains("Thu 10 Jan 2030"),
        "the latest are on page 2"
    );
    upcoming.contains("aria-current=\"page\">Upcoming</a>");
    let later = console
        .get(&upcoming.link(&format!("{BOOKINGS}?status=confirmed&when=upcoming&page=2")))
        .await
        .expect_html(200);
    later.contains("Showing 21–24 of 24");
    assert!(
        position(&later, "Thu 10 Jan 2030, 10:00") < position(&later, "Thu 10 Jan 2030, 11:00")
    );

    for (query, shown) in [
        (format!("event={demo}"), "Showing 1–2 of 2"),
        (
            "from=2030-01-09&to=2030-01-09".to_owned(),
            "Showing 1–7 of 7",
        ),
        ("from=2030-01-10".to_owned(), "Showing 1–2 of 2"),
        ("to=2030-01-08".to_owned(), "Showing 1–16 of 16"),
        ("status=cancelled".to_owned(), "Showing 1–1 of 1"),
        (format!("host={}", app.owner_user_id), "of 25"),
        ("page=9".to_owned(), "This page is past the last booking"),
    ] {
        let page = console
            .get(&format!("{BOOKINGS}?{query}"))
            .await
            .expect_html(200);
        page.contains(shown);
    }
    let cancelled = console
        .get(&format!("{BOOKINGS}?status=cancelled"))
        .await
        .expect_html(200);
    cancelled.contains("<span class=\"badge cancelled\">Cancelled</span>");
    cancelled.contains("Wed 9 Jan 2030, 11:00");
    cancelled.contains("Clear filters");

    // Past: once the clock passes noon on the 8th, the six morning meetings are past.
    clock.set(instant("2030-01-08T12:00:00Z"));
    // (A day later the session has lapsed: sign in again.)
    let console = Console::owner(&app).await;
    console
        .get(&format!("{BOOKINGS}?when=past"))
        .await
        .expect_html(200)
        .contains("Showing 1–6 of 6");

    // Bad filters: a 400 page naming the parameter.
    for (query, says) in [
        ("status=maybe", "Status must be confirmed, cancelled"),
        ("when=soon", "When must be upcoming or past"),
        ("from=yesterday", "From must be a date such as 2026-12-01"),
        ("to=2030-02-30", "To must be a date"),
        ("from=2030-01-09&to=2030-01-08", "To is before from"),
        ("event=nope", "Event must be the id of an event type"),
        ("host=nope", "Host must be the id of a host"),
        ("page=0", "Page must be a page number from 1"),
    ] {
        let page = console
            .get(&format!("{BOOKINGS}?{query}"))
            .await
            .expect_html(400);
        page.contains(says);
        page.contains("Back to bookings");
    }
});

on_both_backends_at_now!(hosts_cancel_through_the_console, |app, _clock| {
    let (intro, _) = intro_and_demo(&app).await;
    let company = json!({ "company": "Acme" });
    let id = book(
        &app,
        &intro,
        "2030-01-08T10:00:00Z",
        "Ivy Invitee",
        company.clone(),
    )
    .await;
    let other = book(&app, &intro, "2030-01-08T11:00:00Z", "Oli Other", company).await;
    let console = Console::owner(&app).await;
    let path = format!("{BOOKINGS}/{id}/cancel");

    // Without the session's token nothing happens.
    console
        .submit_raw(&path, &[("reason", "x")], &app.address)
        .await
        .expect_html(403);
    assert_eq!(
        json_booking(&app, &id).await["booking"]["status"],
        "confirmed"
    );

    // A reason over the limit is shown back on the form.
    let long = "x".repeat(5001);
    let refused = console
        .submit(&path, &[("reason", long.as_str())])
        .await
        .expect_html(422);
    refused.contains("The reason must be at most 5000 characters");
    refused.contains("aria-invalid=\"true\"");
    assert_eq!(
        json_booking(&app, &id).await["booking"]["status"],
        "confirmed"
    );

    let sent = console
        .submit(&path, &[("reason", "  The host is ill  ")])
        .await;
    assert_eq!(
        sent.see_other(&app.address),
        format!("{BOOKINGS}/{id}?notice=cancelled")
    );
    let shown = follow(&console, &sent).await.expect_html(200);
    shown.contains("The booking was cancelled and the invitee notified.");
    shown.contains("<span class=\"badge cancelled large-badge\">Cancelled</span>");
    shown.contains("The host is ill");
    shown.contains("By the host. Reason: The host is ill");
    shown.contains("owner@acme.example");
    shown.contains("Cancellation");
    assert!(!shown.html.contains("Cancel booking"), "no second cancel");

    let detail = json_booking(&app, &id).await;
    assert_eq!(detail["booking"]["status"], "cancelled");
    assert_eq!(detail["booking"]["cancelledBy"], "host");
    assert_eq!(detail["booking"]["cancelReason"], "The host is ill");
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|change| change["action"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(actions, ["cancelled", "created"]);
    assert!(
        detail["history"][0]["actorId"].is_string(),
        "the owner's account"
    );

    // Again: the service refuses, and the page says why.
    let again = console
        .submit(&path, &[("reason", "")])
        .await
        .expect_html(409);
    again.contains("The booking was not cancelled: the booking is cancelled, not confirmed.");
    again.contains("Intro with Ivy Invitee");
    assert_eq!(
        json_booking(&app, &other).await["booking"]["status"],
        "confirmed",
        "only that booking"
    );
});

on_both_backends_at_now!(hosts_move_a_booking_with_the_picker, |app, _clock| {
    let (intro, _) = intro_and_demo(&app).await;
    let company = json!({ "company": "Acme" });
    let id = book(
        &app,
        &intro,
        "2030-01-08T10:00:00Z",
        "Ivy Invitee",
        company.clone(),
    )
    .await;
    book(&app, &intro, "2030-01-08T14:00:00Z", "Tom Taken", company).await;
    let console = Console::owner(&app).await;
    let picker_path = format!("{BOOKINGS}/{id}/reschedule");

    let detail = console
        .get(&format!("{BOOKINGS}/{id}"))
        .await
        .expect_html(200);
    let picker = console
        .get(&detail.link(&picker_path))
        .await
        .expect_html(200);
    picker.contains("Reschedule Intro with Ivy Invitee");
    picker.contains(
        "<strong>Currently:</strong> Tuesday 8 January 2030, 10:00 – 10:30 (Europe/London)",
    );
    picker.contains("Free times on Monday 7 January 2030");
    picker.contains("Times in Europe/London (the host's time zone).");
    picker.contains("Wednesday 9 January 2030: 16 free times");
    picker.contains("Tuesday 8 January 2030: 14 free times");

    let day = console
        .get(&picker.link(&format!("{picker_path}?from=2030-01-07&date=2030-01-09")))
        .await
        .expect_html(200);
    day.contains("Free times on Wednesday 9 January 2030");
    let pick = day.link(&format!(
        "{picker_path}?from=2030-01-07&date=2030-01-09&start=2030-01-09T15%3A00%3A00Z"
    ));
    let confirm = console.get(&pick).await.expect_html(200);
    confirm.contains("Move the booking to this time?");
    confirm.contains("Wednesday 9 January 2030, 15:00 – 15:30 (Europe/London)");
    confirm.contains("For the invitee: Wednesday 9 January 2030, 16:00 – 16:30 (Europe/Paris)");
    confirm.contains("name=\"start\" value=\"2030-01-09T15:00:00Z\"");

    // A time taken meanwhile: back on the picker, on that day, with the reason.
    let taken = console
        .submit(&picker_path, &[("start", "2030-01-08T14:00:00Z")])
        .await
        .expect_html(409);
    taken.contains("That time is no longer free");
    taken.contains("Free times on Tuesday 8 January 2030");
    assert_eq!(
        json_booking(&app, &id).await["booking"]["status"],
        "confirmed"
    );
    console
        .submit_raw(
            &picker_path,
            &[("start", "2030-01-09T15:00:00Z")],
            &app.address,
        )
        .await
        .expect_html(403);

    let moved = console
        .submit(&picker_path, &[("start", "2030-01-09T15:00:00Z")])
        .await;
    let location = moved.see_other(&app.address);
    let new_id = location
        .strip_prefix(&format!("{BOOKINGS}/"))
        .and_then(|rest| rest.strip_suffix("?notice=rescheduled"))
        .expect("the new booking's page")
        .to_owned();
    assert_ne!(new_id, id);
    let new_page = console.get(&location).await.expect_html(200);
    new_page.contains("The booking was moved and the invitee notified.");
    new_page.contains("Wednesday 9 January 2030, 15:00 – 15:30 (Europe/London)");
    assert_eq!(
        new_page.link(&format!("{BOOKINGS}/{id}")),
        format!("{BOOKINGS}/{id}")
    );
    new_page.contains("Moved from");

    let old_page = console
        .get(&format!("{BOOKINGS}/{id}"))
        .await
        .expect_html(200);
    old_page.contains("<span class=\"badge rescheduled large-badge\">Rescheduled</span>");
    old_page.contains("Moved to");
    assert_eq!(
        old_page.link(&format!("{BOOKINGS}/{new_id}")),
        format!("{BOOKINGS}/{new_id}")
    );
    assert!(!old_page.html.contains("Cancel booking"));

    let old = json_booking(&app, &id).await;
    assert_eq!(old["booking"]["status"], "rescheduled");
    let new = json_booking(&app, &new_id).await;
    assert_eq!(new["booking"]["status"], "confirmed");
    assert_eq!(new["booking"]["rescheduledFrom"], id.as_str());
    assert_eq!(new["booking"]["startTime"], "2030-01-09T15:00:00Z");

    // The old booking can no longer be moved.
    console
        .get(&picker_path)
        .await
        .expect_html(409)
        .contains("This booking cannot be moved: the booking is rescheduled, not confirmed.");
    console
        .get(&format!("{picker_path}?date=someday"))
        .await
        .expect_html(400);
});

on_both_backends_at_now!(past_bookings_get_an_outcome, |app, clock| {
    let (intro, _) = intro_and_demo(&app).await;
    let company = json!({ "company": "Acme" });
    let id = book(
        &app,
        &intro,
        "2030-01-08T10:00:00Z",
        "Ivy Invitee",
        company.clone(),
    )
    .await;
    let cancelled = book(&app, &intro, "2030-01-08T09:00:00Z", "Cy Cancel", company).await;
    app.post(&format!("/bookings/{cancelled}/cancel"), json!({}))
        .await
        .expect(200);
    clock.set(instant("2030-01-08T11:00:00Z"));
    let console = Console::owner(&app).await;
    let path = format!("{BOOKINGS}/{id}/outcome");
    let detail = console
        .get(&format!("{BOOKINGS}/{id}"))
        .await
        .expect_html(200);
    detail.contains("Mark completed");
    detail.contains("Mark no-show");
    assert!(
        !detail.html.contains("/reschedule"),
        "a past booking is not moved"
    );

    console
        .submit_raw(&path, &[("status", "completed")], &app.address)
        .await
        .expect_html(403);
    let marked = console.submit(&path, &[("status", "completed")]).await;
    assert_eq!(
        marked.see_other(&app.address),
        format!("{BOOKINGS}/{id}?notice=completed")
    );
    let shown = follow(&console, &marked).await.expect_html(200);
    shown.contains("Marked as completed.");
    shown.contains("<span class=\"badge completed large-badge\">Completed</span>");
    assert!(!shown.html.contains("Mark completed"));
    shown.contains("Mark no-show");
    assert_eq!(
        json_booking(&app, &id).await["booking"]["status"],
        "completed"
    );

    let no_show = console.submit(&path, &[("status", "no_show")]).await;
    assert_eq!(
        no_show.see_other(&app.address),
        format!("{BOOKINGS}/{id}?notice=no-show")
    );
    let detail = json_booking(&app, &id).await;
    assert_eq!(detail["booking"]["status"], "no_show");
    assert_eq!(detail["history"][0]["action"], "no_show");

    console
        .submit(&path, &[("status", "cancelled")])
        .await
        .expect_html(422)
        .contains("The outcome was not recorded: an outcome is completed or no_show.");
    console
        .submit(
            &format!("{BOOKINGS}/{cancelled}/outcome"),
            &[("status", "completed")],
        )
        .await
        .expect_html(409)
        .contains("The outcome was not recorded: a cancelled booking has no outcome to record.");
    assert_eq!(
        json_booking(&app, &cancelled).await["booking"]["status"],
        "cancelled"
    );
});

on_both_backends_at_now!(members_see_and_change_only_their_own, |app, _clock| {
    let (intro, _) = intro_and_demo(&app).await;
    let email = member_with_password(&app, "mia", "mia's long password").await;
    let users = app.get("/users").await.expect(200).body;
    let mia = users["items"]
        .as_array()
        .expect("users")
        .iter()
        .find(|user| user["username"] == "mia")
        .map(id_of)
        .expect("mia");
    open_hours(&app, &format!("?userId={mia}")).await;
    let mia_type = app
        .event_type("mia-intro", json!({ "name": "Mia's chat", "userId": mia }))
        .await;
    let theirs = book(
        &app,
        &id_of(&mia_type),
        "2030-01-08T10:00:00Z",
        "Mo Member",
        json!({}),
    )
    .await;
    let owners = book(
        &app,
        &intro,
        "2030-01-08T10:00:00Z",
        "Ivy Invitee",
        json!({ "company": "Acme" }),
    )
    .await;

    let member = Console::login(&app, &email, "mia's long password").await;
    let list = member.get(BOOKINGS).await.expect_html(200);
    list.contains("Mo Member");
    list.contains("Showing 1–1 of 1");
    assert!(!list.html.contains("Ivy Invitee"));
    assert!(!list.html.contains("<th scope=\"col\">Host</th>"));
    assert!(!list.html.contains("name=\"host\""));
    assert!(
        !list.html.contains("Intro</option>"),
        "only their event types"
    );
    member
        .get(&format!("{BOOKINGS}/{theirs}"))
        .await
        .expect_html(200)
        .contains("Mia's chat with Mo Member");

    member
        .get(&format!("{BOOKINGS}/{owners}"))
        .await
        .expect_html(403)
        .contains("Members may only manage their own");
    member
        .get(&format!("{BOOKINGS}?host={}", app.owner_user_id))
        .await
        .expect_html(403);
    member
        .get(&format!("{BOOKINGS}/{owners}/reschedule"))
        .await
        .expect_html(403);
    member
        .submit(
            &format!("{BOOKINGS}/{owners}/cancel"),
            &[("reason", "mine now")],
        )
        .await
        .expect_html(403);
    member
        .submit(
            &format!("{BOOKINGS}/{owners}/reschedule"),
            &[("start", "2030-01-09T10:00:00Z")],
        )
        .await
        .expect_html(403);
    assert_eq!(
        json_booking(&app, &owners).await["booking"]["status"],
        "confirmed"
    );

    // The owner sees both, and can narrow to one host.
    let owner = Console::owner(&app).await;
    let all = owner.get(BOOKINGS).await.expect_html(200);
    all.contains("Mo Member");
    all.contains("Ivy Invitee");
    let only_mia = owner
        .get(&format!("{BOOKINGS}?host={mia}"))
        .await
        .expect_html(200);
    only_mia.contains("Mo Member");
    assert!(!only_mia.html.contains("Ivy Invitee"));
});

on_both_backends_at_now!(
    failed_messages_are_retried_from_the_booking,
    |app, _clock| {
        let (intro, _) = intro_and_demo(&app).await;
        let id = book(
            &app,
            &intro,
            "2030-01-08T10:00:00Z",
            "Ivy Invitee",
            json!({ "company": "Acme" }),
        )
        .await;
        // Play the outbox worker: the first confirmation fails for good, the rest go back.
        let now = instant(NOW);
        let claimed = app
            .store
            .claim_outbox(now, now + SignedDuration::from_mins(5), 10)
            .await
            .expect("claim");
        assert!(!claimed.is_empty());
        let failed_id = claimed[0].message.id.to_string();
        for (index, message) in claimed.iter().enumerate() {
            let delivery = if index == 0 {
                Delivery::Failed {
                    error: "550 <mailbox> unavailable".to_owned(),
                }
            } else {
                Delivery::Released
            };
            app.store
                .finish_outbox(message, delivery, now)
                .await
                .expect("finish");
        }
        let console = Console::owner(&app).await;
        let detail = console
            .get(&format!("{BOOKINGS}/{id}"))
            .await
            .expect_html(200);
        detail.contains("<span class=\"badge failed\">failed</span>");
        detail.contains("550 <mailbox> unavailable");
        let retry = format!("{BOOKINGS}/{id}/messages/{failed_id}/retry");
        detail.contains(&format!("action=\"{retry}\""));

        console
            .submit_raw(&retry, &[], &app.address)
            .await
            .expect_html(403);
        let sent = console.submit(&retry, &[]).await;
        assert_eq!(
            sent.see_other(&app.address),
            format!("{BOOKINGS}/{id}?notice=retried")
        );
        follow(&console, &sent)
            .await
            .expect_html(200)
            .contains("The message was queued again.");
        let messages = app
            .get(&format!("/bookings/{id}/messages"))
            .await
            .expect(200)
            .body;
        let message = messages
            .as_array()
            .expect("messages")
            .iter()
            .find(|m| m["id"] == failed_id.as_str())
            .expect("the message");
        assert_eq!(message["status"], OutboxStatus::Pending.as_str());
        assert_eq!(message["attempts"], 0);

        console
            .submit(&retry, &[])
            .await
            .expect_html(409)
            .contains("The message was not queued again");
        console
            .submit(
                &format!("{BOOKINGS}/{id}/messages/{}/retry", uuid::Uuid::new_v4()),
                &[],
            )
            .await
            .expect_html(404);
    }
);

on_both_backends_at_now!(
    the_dashboard_lists_the_soonest_bookings_first,
    |app, _clock| {
        let (_intro, demo) = intro_and_demo(&app).await;
        // Booked out of order: the later meeting first.
        book(&app, &demo, "2030-01-09T10:00:00Z", "Later Lee", json!({})).await;
        book(&app, &demo, "2030-01-08T10:00:00Z", "Sooner Sam", json!({})).await;
        let console = Console::owner(&app).await;
        let dashboard = console.get("/admin/scheduling").await.expect_html(200);
        assert!(
            position(&dashboard, "Sooner Sam") < position(&dashboard, "Later Lee"),
            "the next meeting comes first"
        );
        dashboard.contains(
            "<span class=\"stat-value\">2</span><span class=\"stat-label\">Upcoming</span>",
        );
    }
);
