//! Public booking, the admin booking routes and analytics, end to end.

use std::collections::HashSet;

use jiff::{SignedDuration, Timestamp, ToSpan};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::TestApp;
use crate::on_both_backends;

const PUBLIC: &str = "/api/public/scheduling/acme";

/// Opens the owner's calendar every day 09:00–17:00 UTC, no notice, no buffers.
async fn open_hours(app: &TestApp) {
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
        "/settings",
        json!({ "minimumNoticeHours": 0, "bookingWindowDays": 30, "bufferBeforeMins": 0, "bufferAfterMins": 0, "defaultDuration": 30 }),
    )
    .await
    .expect(200);
}

/// Tomorrow's date in UTC, read once per test run, so a run that crosses midnight still books
/// on one date.
fn tomorrow() -> jiff::civil::Date {
    static TOMORROW: std::sync::OnceLock<jiff::civil::Date> = std::sync::OnceLock::new();
    *TOMORROW.get_or_init(|| {
        #[allow(clippy::disallowed_methods)]
        let now = Timestamp::now();
        now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date() + 1.day()
    })
}

fn at(hour: i8, minute: i8) -> String {
    tomorrow()
        .at(hour, minute, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp().to_string())
        .expect("instant")
}

fn booking_body(event_type_id: &Value, start: &str) -> Value {
    json!({
        "eventTypeId": event_type_id,
        "startTime": start,
        "invitee": { "name": "Ivy", "email": "ivy@example.com", "timezone": "Europe/Paris", "notes": "Hi; see you, soon",
                     "responses": { "company": "Acme" } }
    })
}

async fn public(
    app: &TestApp,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> crate::helpers::Reply {
    app.call(method, &format!("{PUBLIC}{path}"), None, body)
        .await
}

async fn intro(app: &TestApp) -> Value {
    open_hours(app).await;
    app.event_type(
        "intro",
        json!({ "customQuestions": [{ "id": "company", "label": "Company", "type": "text", "required": true }] }),
    )
    .await
}

on_both_backends!(public_pages_show_active_hosts_and_bookable_types, |app| {
    let intro = intro(&app).await;
    app.event_type("hidden", json!({ "isActive": false })).await;
    let old = app.event_type("old", json!({})).await;
    app.post(
        &format!("/event-types/{}/archive", old["id"].as_str().expect("id")),
        json!({}),
    )
    .await
    .expect(200);
    let landing = public(&app, Method::GET, "", None).await.expect(200).body;
    assert_eq!(landing["name"], "Acme");
    assert_eq!(landing["hosts"][0]["username"], "owner");
    let host = public(&app, Method::GET, "/users/owner", None)
        .await
        .expect(200)
        .body;
    let slugs: Vec<_> = host["eventTypes"]
        .as_array()
        .expect("types")
        .iter()
        .map(|t| t["slug"].clone())
        .collect();
    assert_eq!(slugs, [json!("intro")]);
    let page = public(&app, Method::GET, "/users/owner/intro", None)
        .await
        .expect(200)
        .body;
    assert_eq!(page["eventType"]["id"], intro["id"]);
    assert_eq!(page["eventType"]["customQuestions"][0]["id"], "company");
    public(&app, Method::GET, "/users/owner/hidden", None)
        .await
        .expect(404);
    public(&app, Method::GET, "/users/owner/old", None)
        .await
        .expect(410);
    public(&app, Method::GET, "/users/nobody", None)
        .await
        .expect(404);
    app.call(Method::GET, "/api/public/scheduling/nobody", None, None)
        .await
        .expect(404);
});

on_both_backends!(
    slots_are_grouped_in_the_invitee_zone_and_bad_queries_name_the_parameter,
    |app| {
        intro(&app).await;
        let date = tomorrow();
        let slots = public(
            &app,
            Method::GET,
            &format!("/users/owner/intro/slots?date={date}&timezone=UTC"),
            None,
        )
        .await
        .expect(200)
        .body;
        assert_eq!(slots["timezone"], "UTC");
        let day = &slots["days"][0];
        assert_eq!(day["date"], date.to_string());
        assert_eq!(day["slots"].as_array().map(Vec::len), Some(16));
        assert_eq!(day["slots"][0]["start"], format!("{date}T09:00:00+00:00"));
        let kolkata = public(
            &app,
            Method::GET,
            &format!("/users/owner/intro/slots?date={date}&timezone=Asia/Kolkata"),
            None,
        )
        .await
        .expect(200)
        .body;
        let first = kolkata["days"][0]["slots"][0]["start"]
            .as_str()
            .expect("start");
        assert!(first.ends_with("+05:30"), "{first}");
        let range = public(
            &app,
            Method::GET,
            &format!(
                "/users/owner/intro/slots?from={date}&to={}&timezone=UTC",
                date + 2.days()
            ),
            None,
        )
        .await
        .expect(200)
        .body;
        assert_eq!(range["days"].as_array().map(Vec::len), Some(3));
        for (query, field) in [
            (format!("date={date}&timezone=Mars/Base"), "timezone"),
            ("date=2026-02-30".to_owned(), "date"),
            ("date=tomorrow".to_owned(), "date"),
            (format!("from={}&to={date}", date + 1.day()), "to"),
            (format!("from={date}&to={}", date + 62.days()), "to"),
            (format!("from={date}"), "to"),
            (String::new(), "date"),
        ] {
            let reply = public(
                &app,
                Method::GET,
                &format!("/users/owner/intro/slots?{query}"),
                None,
            )
            .await;
            assert_eq!(reply.status.as_u16(), 400, "{query}: {}", reply.body);
            assert_eq!(reply.field(), field, "{query}");
        }
    }
);

on_both_backends!(invitees_book_see_move_and_cancel_with_their_token, |app| {
    let intro = intro(&app).await;
    let created = public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(&intro["id"], &at(10, 0))),
    )
    .await
    .expect(201)
    .body;
    let booking = &created["booking"];
    assert_eq!(booking["status"], "confirmed");
    assert_eq!(booking["invitee"]["responses"]["company"], "Acme");
    assert_eq!(booking["timezone"], "Europe/Paris");
    let id = booking["id"].as_str().expect("id").to_owned();
    let token = created["manageToken"].as_str().expect("token").to_owned();
    assert!(
        created["links"]["cancel"]
            .as_str()
            .expect("link")
            .contains(&token)
    );

    let taken = public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(&intro["id"], &at(10, 0))),
    )
    .await
    .expect(409);
    assert_eq!(taken.body["error"]["code"], "slot_unavailable");
    let date = tomorrow();
    let slots = public(
        &app,
        Method::GET,
        &format!("/users/owner/intro/slots?date={date}&timezone=UTC"),
        None,
    )
    .await
    .expect(200)
    .body;
    let starts: Vec<_> = slots["days"][0]["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .map(|s| s["start"].clone())
        .collect();
    assert!(
        !starts.contains(&json!(format!("{date}T10:00:00+00:00"))),
        "a booked slot is not offered"
    );
    assert!(starts.contains(&json!(format!("{date}T10:30:00+00:00"))));

    public(
        &app,
        Method::GET,
        &format!("/bookings/{id}?token={token}"),
        None,
    )
    .await
    .expect(200);
    public(
        &app,
        Method::GET,
        &format!("/bookings/{id}?token=wrong"),
        None,
    )
    .await
    .expect(404);
    public(
        &app,
        Method::POST,
        &format!("/bookings/{id}/cancel"),
        Some(json!({ "token": "wrong" })),
    )
    .await
    .expect(404);

    let ics = app
        .client
        .get(format!(
            "{}{PUBLIC}/bookings/{id}/calendar.ics?token={token}",
            app.address
        ))
        .send()
        .await
        .expect("ics");
    assert_eq!(ics.status().as_u16(), 200);
    assert!(
        ics.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/calendar")
    );
    let first_ics = parse_ics(&ics.text().await.expect("text"));
    assert_eq!(first_ics.get("SEQUENCE").map(String::as_str), Some("0"));

    let moved = public(
        &app,
        Method::POST,
        &format!("/bookings/{id}/reschedule"),
        Some(json!({ "token": token, "startTime": at(10, 30) })),
    )
    .await
    .expect(201)
    .body;
    assert_eq!(moved["booking"]["rescheduledFrom"], id.as_str());
    let new_id = moved["booking"]["id"].as_str().expect("id").to_owned();
    let new_token = moved["manageToken"].as_str().expect("token").to_owned();
    let old = public(
        &app,
        Method::GET,
        &format!("/bookings/{id}?token={token}"),
        None,
    )
    .await
    .expect(200)
    .body;
    assert_eq!(old["status"], "rescheduled");
    let moved_ics = app
        .client
        .get(format!(
            "{}{PUBLIC}/bookings/{new_id}/calendar.ics?token={new_token}",
            app.address
        ))
        .send()
        .await
        .expect("ics")
        .text()
        .await
        .expect("text");
    let moved_ics = parse_ics(&moved_ics);
    assert_eq!(
        moved_ics.get("UID"),
        first_ics.get("UID"),
        "the UID survives a reschedule"
    );
    assert_eq!(moved_ics.get("SEQUENCE").map(String::as_str), Some("1"));
    assert_ne!(moved_ics.get("DTSTART"), first_ics.get("DTSTART"));

    public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(&intro["id"], &at(10, 0))),
    )
    .await
    .expect(201);
    public(
        &app,
        Method::POST,
        &format!("/bookings/{id}/cancel"),
        Some(json!({ "token": token })),
    )
    .await
    .expect(409);
    let cancelled = public(
        &app,
        Method::POST,
        &format!("/bookings/{new_id}/cancel"),
        Some(json!({ "token": new_token, "reason": "Something came up" })),
    )
    .await
    .expect(200)
    .body;
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["cancelReason"], "Something came up");
    let again = public(
        &app,
        Method::POST,
        &format!("/bookings/{new_id}/cancel"),
        Some(json!({ "token": new_token })),
    )
    .await
    .expect(409);
    assert_eq!(again.body["error"]["code"], "booking_not_confirmed");
    public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(&intro["id"], &at(10, 30))),
    )
    .await
    .expect(201);
});

on_both_backends!(bad_booking_requests_are_refused_and_write_nothing, |app| {
    let intro = intro(&app).await;
    let mut no_answer = booking_body(&intro["id"], &at(11, 0));
    no_answer["invitee"]["responses"] = json!({});
    public(&app, Method::POST, "/bookings", Some(no_answer))
        .await
        .expect_invalid("invitee.responses.company");
    let mut ghost = booking_body(&intro["id"], &at(11, 0));
    ghost["invitee"]["responses"]["ghost"] = json!("boo");
    public(&app, Method::POST, "/bookings", Some(ghost))
        .await
        .expect_invalid("invitee.responses.ghost");
    let mut bad_email = booking_body(&intro["id"], &at(11, 0));
    bad_email["invitee"]["email"] = json!("nope");
    public(&app, Method::POST, "/bookings", Some(bad_email))
        .await
        .expect_invalid("invitee.email");
    let mut bad_zone = booking_body(&intro["id"], &at(11, 0));
    bad_zone["invitee"]["timezone"] = json!("Nowhere/Land");
    public(&app, Method::POST, "/bookings", Some(bad_zone))
        .await
        .expect_invalid("invitee.timezone");
    public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(&intro["id"], "tomorrow at ten")),
    )
    .await
    .expect_invalid("startTime");
    let off_grid = public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(&intro["id"], &at(11, 10))),
    )
    .await
    .expect(409);
    assert!(
        off_grid.body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("not_on_grid"),
        "{}",
        off_grid.body
    );
    public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(&intro["id"], &at(18, 0))),
    )
    .await
    .expect(409);
    #[allow(clippy::disallowed_methods)]
    let past = (Timestamp::now() - SignedDuration::from_hours(30)).to_string();
    public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(&intro["id"], &past)),
    )
    .await
    .expect(409);
    public(
        &app,
        Method::POST,
        "/bookings",
        Some(booking_body(
            &json!(uuid::Uuid::new_v4().to_string()),
            &at(11, 0),
        )),
    )
    .await
    .expect(404);
    let list = app.get("/bookings").await.expect(200).body;
    assert_eq!(list["total"], 0, "nothing was written");
});

on_both_backends!(
    fifty_concurrent_requests_for_one_slot_make_one_booking,
    |app| {
        let intro = intro(&app).await;
        let start = at(13, 0);
        let bodies = (0..50)
            .map(|_| booking_body(&intro["id"], &start))
            .collect();
        let statuses = concurrent_bookings(&app, bodies).await;
        assert_eq!(
            statuses.iter().filter(|s| **s == 201).count(),
            1,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 409).count(),
            49,
            "{statuses:?}"
        );
    }
);

on_both_backends!(
    overlapping_requests_of_different_lengths_never_overlap,
    |app| {
        open_hours(&app).await;
        let short = app
            .event_type("short", json!({ "duration": 30, "slotInterval": 15 }))
            .await;
        let long = app
            .event_type("long", json!({ "duration": 60, "slotInterval": 15 }))
            .await;
        let mut requests = Vec::new();
        for minute in (0..120).step_by(15) {
            let hour = 14 + i8::try_from(minute / 60).expect("hour");
            let start = at(hour, i8::try_from(minute % 60).expect("minute"));
            for event_type in [&short, &long] {
                let mut body = booking_body(&event_type["id"], &start);
                body["invitee"]["responses"] = json!({});
                requests.push(body);
            }
        }
        let statuses = concurrent_bookings(&app, requests).await;
        assert!(
            statuses.iter().all(|s| *s == 201 || *s == 409),
            "{statuses:?}"
        );
        let list = app
            .get("/bookings?status=confirmed&limit=200")
            .await
            .expect(200)
            .body;
        let mut intervals: Vec<(Timestamp, Timestamp)> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|b| {
                (
                    b["startTime"]
                        .as_str()
                        .expect("start")
                        .parse()
                        .expect("instant"),
                    b["endTime"]
                        .as_str()
                        .expect("end")
                        .parse()
                        .expect("instant"),
                )
            })
            .collect();
        assert!(!intervals.is_empty());
        intervals.sort();
        for pair in intervals.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "overlap: {pair:?}");
        }
    }
);

on_both_backends!(hosts_list_inspect_cancel_move_and_mark_bookings, |app| {
    let intro = intro(&app).await;
    let mut ids = Vec::new();
    for hour in [9, 10, 11] {
        let created = public(
            &app,
            Method::POST,
            "/bookings",
            Some(booking_body(&intro["id"], &at(hour, 0))),
        )
        .await
        .expect(201)
        .body;
        ids.push(created["booking"]["id"].as_str().expect("id").to_owned());
    }
    let list = app
        .get(&format!(
            "/bookings?eventTypeId={}&limit=2",
            intro["id"].as_str().expect("id")
        ))
        .await
        .expect(200)
        .body;
    assert_eq!(list["total"], 3);
    assert_eq!(list["items"][0]["startTime"], at(11, 0));
    let ranged = app
        .get(&format!("/bookings?from={}&to={}", at(10, 0), at(11, 0)))
        .await
        .expect(200)
        .body;
    assert_eq!(ranged["total"], 1);
    app.get("/bookings?status=maybe").await.expect(400);
    app.get("/bookings?from=yesterday").await.expect(400);
    app.get("/bookings?from=-009999-01-01T00:00:00Z")
        .await
        .expect(400);

    let cancelled = app
        .post(
            &format!("/bookings/{}/cancel", ids[0]),
            json!({ "reason": "Host ill" }),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(cancelled["cancelledBy"], "host");
    app.post(&format!("/bookings/{}/cancel", ids[0]), json!({}))
        .await
        .expect(409);
    let moved = app
        .post(
            &format!("/bookings/{}/reschedule", ids[1]),
            json!({ "startTime": at(15, 0) }),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(moved["rescheduledFrom"], ids[1].as_str());
    app.post(
        &format!("/bookings/{}/reschedule", ids[2]),
        json!({ "startTime": at(15, 0) }),
    )
    .await
    .expect(409);
    let marked = app
        .post(
            &format!("/bookings/{}/outcome", ids[2]),
            json!({ "status": "no_show" }),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(marked["status"], "no_show");
    app.post(
        &format!("/bookings/{}/outcome", ids[2]),
        json!({ "status": "cancelled" }),
    )
    .await
    .expect_invalid("status");

    let detail = app
        .get(&format!("/bookings/{}", ids[0]))
        .await
        .expect(200)
        .body;
    let actions: Vec<_> = detail["history"]
        .as_array()
        .expect("history")
        .iter()
        .map(|c| c["action"].clone())
        .collect();
    assert_eq!(actions, [json!("cancelled"), json!("created")]);

    let (member_token, _) = app.member("mia").await;
    let theirs = app
        .call(
            Method::GET,
            &crate::helpers::admin("/bookings"),
            Some(&member_token),
            None,
        )
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["total"], 0, "a member sees only their own bookings");
    app.call(
        Method::GET,
        &crate::helpers::admin(&format!("/bookings/{}", ids[2])),
        Some(&member_token),
        None,
    )
    .await
    .expect(403);
    let other = app.other_tenant().await;
    app.call(
        Method::GET,
        &crate::helpers::admin(&format!("/bookings/{}", ids[2])),
        Some(&other),
        None,
    )
    .await
    .expect(404);
    app.call(
        Method::POST,
        &crate::helpers::admin(&format!("/bookings/{}/cancel", ids[2])),
        Some(&other),
        Some(json!({})),
    )
    .await
    .expect(404);
});

on_both_backends!(
    a_booking_cannot_be_reached_through_another_tenants_slug,
    |app| {
        let intro = intro(&app).await;
        let created = public(
            &app,
            Method::POST,
            "/bookings",
            Some(booking_body(&intro["id"], &at(9, 0))),
        )
        .await
        .expect(201)
        .body;
        app.other_tenant().await;
        let id = created["booking"]["id"].as_str().expect("id");
        let token = created["manageToken"].as_str().expect("token");
        let globex = "/api/public/scheduling/globex";
        app.call(
            Method::GET,
            &format!("{globex}/bookings/{id}?token={token}"),
            None,
            None,
        )
        .await
        .expect(404);
        app.call(
            Method::POST,
            &format!("{globex}/bookings/{id}/cancel"),
            None,
            Some(json!({ "token": token })),
        )
        .await
        .expect(404);
        app.call(
            Method::POST,
            &format!("{globex}/bookings/{id}/reschedule"),
            None,
            Some(json!({ "token": token, "startTime": at(12, 0) })),
        )
        .await
        .expect(404);
        app.call(
            Method::POST,
            &format!("{globex}/bookings"),
            None,
            Some(booking_body(&intro["id"], &at(12, 0))),
        )
        .await
        .expect(404);
        let still = public(
            &app,
            Method::GET,
            &format!("/bookings/{id}?token={token}"),
            None,
        )
        .await
        .expect(200)
        .body;
        assert_eq!(still["status"], "confirmed");
    }
);

on_both_backends!(analytics_count_what_was_booked, |app| {
    let intro = intro(&app).await;
    let long = app
        .event_type("long", json!({ "name": "Long", "duration": 60 }))
        .await;
    let mut made = Vec::new();
    for (event_type, hour) in [(&intro, 9), (&intro, 10), (&intro, 11), (&long, 14)] {
        let mut body = booking_body(&event_type["id"], &at(hour, 0));
        if event_type["slug"] == "long" {
            body["invitee"]["responses"] = json!({});
        }
        let created = public(&app, Method::POST, "/bookings", Some(body))
            .await
            .expect(201)
            .body;
        made.push(created);
    }
    let first = &made[0];
    public(
        &app,
        Method::POST,
        &format!(
            "/bookings/{}/cancel",
            first["booking"]["id"].as_str().expect("id")
        ),
        Some(json!({ "token": first["manageToken"] })),
    )
    .await
    .expect(200);
    let second = &made[1];
    public(
        &app,
        Method::POST,
        &format!(
            "/bookings/{}/reschedule",
            second["booking"]["id"].as_str().expect("id")
        ),
        Some(json!({ "token": second["manageToken"], "startTime": at(12, 0) })),
    )
    .await
    .expect(201);
    let stats = app
        .get("/analytics?days=30&timezone=UTC")
        .await
        .expect(200)
        .body;
    assert_eq!(stats["timezone"], "UTC");
    // Four bookings made plus one reschedule; the rescheduled original is not counted.
    assert_eq!(stats["summary"]["totalBookings"], 4);
    assert_eq!(stats["summary"]["confirmedBookings"], 3);
    assert_eq!(stats["summary"]["cancelledBookings"], 1);
    assert_eq!(stats["summary"]["cancelRate"], 0.25);
    assert_eq!(stats["summary"]["avgBookingsPerWeek"], 0.93);
    assert_eq!(stats["byEventType"][0]["eventTypeName"], "Intro");
    assert_eq!(stats["byEventType"][0]["count"], 3);
    assert_eq!(stats["byEventType"][0]["percentage"], 75.0);
    assert_eq!(stats["byEventType"][1]["count"], 1);
    let hours = stats["byHourOfDay"].as_array().expect("hours");
    assert_eq!(hours.len(), 24);
    assert_eq!(
        (
            hours[9].clone(),
            hours[10].clone(),
            hours[11].clone(),
            hours[12].clone(),
            hours[14].clone()
        ),
        (json!(1), json!(0), json!(1), json!(1), json!(1))
    );
    let weekday = match tomorrow().weekday() {
        jiff::civil::Weekday::Monday => "mon",
        jiff::civil::Weekday::Tuesday => "tue",
        jiff::civil::Weekday::Wednesday => "wed",
        jiff::civil::Weekday::Thursday => "thu",
        jiff::civil::Weekday::Friday => "fri",
        jiff::civil::Weekday::Saturday => "sat",
        jiff::civil::Weekday::Sunday => "sun",
    };
    assert_eq!(stats["byDayOfWeek"][weekday], 4);
    let trend = stats["trend"].as_array().expect("trend");
    assert_eq!(trend.len(), 30);
    assert_eq!(
        trend.last().map(|p| p["count"].clone()),
        Some(json!(4)),
        "{trend:?}"
    );
    app.get("/analytics?days=0").await.expect(400);
    app.get("/analytics?timezone=Nowhere").await.expect(400);
});

/// Sends every body as a public booking POST at once (one task each); the statuses in order.
async fn concurrent_bookings(app: &TestApp, bodies: Vec<Value>) -> Vec<u16> {
    let url = format!("{}{PUBLIC}/bookings", app.address);
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let client = app.client.clone();
            let url = url.clone();
            tokio::spawn(async move {
                client
                    .post(url)
                    .json(&body)
                    .send()
                    .await
                    .map(|r| r.status().as_u16())
            })
        })
        .collect();
    let mut statuses = Vec::with_capacity(tasks.len());
    for task in tasks {
        statuses.push(task.await.expect("task").expect("request"));
    }
    statuses
}

/// Reads the VEVENT properties of an iCalendar text with a real parser.
fn parse_ics(text: &str) -> std::collections::HashMap<String, String> {
    let mut reader = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let calendar = reader
        .next()
        .expect("one calendar")
        .expect("valid iCalendar");
    let event = calendar.events.first().expect("one event");
    let mut properties = std::collections::HashMap::new();
    for property in &event.properties {
        properties.insert(
            property.name.clone(),
            property.value.clone().unwrap_or_default(),
        );
    }
    let names: HashSet<_> = properties.keys().cloned().collect();
    for required in [
        "UID",
        "DTSTAMP",
        "DTSTART",
        "DTEND",
        "SEQUENCE",
        "ORGANIZER",
        "SUMMARY",
    ] {
        assert!(names.contains(required), "{required} missing");
    }
    properties
}

on_both_backends!(metrics_count_bookings_and_time_routes, |app| {
    let event_type = intro(&app).await;
    let body = booking_body(&event_type["id"], &at(10, 0));
    public(&app, Method::POST, "/bookings", Some(body.clone()))
        .await
        .expect(201);
    public(&app, Method::POST, "/bookings", Some(body))
        .await
        .expect(409);
    public(&app, Method::GET, "/users/nobody", None)
        .await
        .expect(404);
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("body");
    assert!(
        text.contains("kairos_bookings_total{outcome=\"created\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("kairos_bookings_total{outcome=\"refused\"} 1"),
        "{text}"
    );
    // Requests are labelled by route template, never by the concrete slug or id.
    let booked = "route=\"/api/public/scheduling/{tenantSlug}/bookings\",method=\"POST\"";
    assert!(
        text.contains(&format!(
            "kairos_http_request_duration_seconds_count{{{booked},status=\"2xx\"}} 1"
        )),
        "{text}"
    );
    assert!(
        text.contains(&format!(
            "kairos_http_request_duration_seconds_count{{{booked},status=\"4xx\"}} 1"
        )),
        "{text}"
    );
    assert!(
        text.contains("route=\"/api/public/scheduling/{tenantSlug}/users/{username}\",method=\"GET\",status=\"4xx\""),
        "{text}"
    );
    assert!(!text.contains("nobody"), "no concrete path in labels");
});
