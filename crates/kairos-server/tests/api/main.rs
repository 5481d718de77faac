//! End-to-end tests of the admin API against the real server, on SQLite and PostgreSQL.

mod booking;
mod console;
mod console_analytics;
mod console_availability;
mod console_bookings;
mod console_event_types;
mod console_recover;
mod console_settings;
mod helpers;
mod html;
mod notifications;
mod pages;
mod smtp;

use reqwest::Method;
use serde_json::json;

use crate::helpers::admin;

on_both_backends!(health_and_readiness_answer, |app| {
    let health = app
        .call(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    assert_eq!(health.body["status"], "ok");
    let ready = app
        .call(Method::GET, "/readyz", None, None)
        .await
        .expect(200);
    assert_eq!(ready.body["status"], "ready");
});

on_both_backends!(openapi_document_covers_every_admin_route, |app| {
    let doc = app
        .call(Method::GET, "/api/openapi.json", None, None)
        .await
        .expect(200);
    assert!(
        doc.body["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.1")
    );
    let paths = doc.body["paths"].as_object().expect("paths");
    for (path, methods) in [
        ("/users", &["get", "post"][..]),
        ("/users/{id}", &["get", "put"]),
        ("/event-types", &["get", "post"]),
        ("/event-types/{id}", &["get", "put", "delete"]),
        ("/event-types/{id}/archive", &["post"]),
        ("/event-types/{id}/restore", &["post"]),
        ("/availability", &["get", "put"]),
        ("/date-overrides", &["get"]),
        ("/date-overrides/{date}", &["put", "delete"]),
        ("/blocked-dates", &["get", "post"]),
        ("/blocked-dates/{id}", &["delete"]),
        ("/settings", &["get", "put"]),
        ("/changelog", &["get"]),
        ("/accounts", &["post"]),
        ("/tokens", &["post"]),
        ("/bookings", &["get"]),
        ("/bookings/{id}", &["get"]),
        ("/bookings/{id}/cancel", &["post"]),
        ("/bookings/{id}/reschedule", &["post"]),
        ("/bookings/{id}/outcome", &["post"]),
        ("/analytics", &["get"]),
    ] {
        let full = admin(path);
        let item = paths
            .get(&full)
            .unwrap_or_else(|| panic!("{full} missing from the document"));
        for method in methods {
            assert!(item.get(*method).is_some(), "{method} {full} missing");
        }
    }
    for (path, method) in [
        ("", "get"),
        ("/users/{username}", "get"),
        ("/users/{username}/{eventSlug}", "get"),
        ("/users/{username}/{eventSlug}/slots", "get"),
        ("/bookings", "post"),
        ("/bookings/{id}", "get"),
        ("/bookings/{id}/cancel", "post"),
        ("/bookings/{id}/reschedule", "post"),
        ("/bookings/{id}/calendar.ics", "get"),
    ] {
        let full = format!("/api/public/scheduling/{{tenantSlug}}{path}");
        let item = paths
            .get(&full)
            .unwrap_or_else(|| panic!("{full} missing from the document"));
        assert!(item.get(method).is_some(), "{method} {full} missing");
    }
});

on_both_backends!(requests_without_a_valid_token_are_refused, |app| {
    let none = app
        .call(Method::GET, &admin("/users"), None, None)
        .await
        .expect(401);
    assert_eq!(none.body["error"]["code"], "unauthorized");
    app.call(Method::GET, &admin("/users"), Some("kairos_0000"), None)
        .await
        .expect(401);
});

on_both_backends!(bad_bodies_get_clear_errors, |app| {
    let response = app
        .client
        .post(format!("{}{}", app.address, admin("/event-types")))
        .bearer_auth(&app.owner_token)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 400);
    let response = app
        .client
        .post(format!("{}{}", app.address, admin("/event-types")))
        .bearer_auth(&app.owner_token)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .expect("send");
    assert_eq!(response.status().as_u16(), 415);
    let huge = "x".repeat(20 * 1024);
    let reply = app
        .post(
            "/event-types",
            json!({ "name": "Big", "slug": "big", "duration": 30, "description": huge }),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 413, "body: {}", reply.body);
    app.post(
        "/event-types",
        json!({ "name": "X", "slug": "x", "duration": 30, "colour": "red" }),
    )
    .await
    .expect_invalid("colour");
    app.get("/users?limit=0").await.expect(400);
    app.get("/users/not-a-uuid").await.expect(400);
    app.get("/nope").await.expect(404);
});

on_both_backends!(users_are_created_read_listed_and_updated, |app| {
    let created = app
        .post(
            "/users",
            json!({ "username": "ada", "displayName": "Ada", "email": "ada@acme.example", "timezone": "Asia/Kolkata" }),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(created["timezone"], "Asia/Kolkata");
    assert_eq!(created["settings"]["minimumNoticeHours"], 24);
    let id = created["id"].as_str().expect("id");
    let read = app.get(&format!("/users/{id}")).await.expect(200).body;
    assert_eq!(read["username"], "ada");
    let list = app.get("/users?limit=1").await.expect(200).body;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"].as_array().map(Vec::len), Some(1));
    let updated = app
        .put(
            &format!("/users/{id}"),
            json!({ "displayName": "Ada Lovelace", "avatarUrl": "https://example.com/a.png" }),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(updated["displayName"], "Ada Lovelace");
    assert_eq!(updated["avatarUrl"], "https://example.com/a.png");
    let cleared = app
        .put(&format!("/users/{id}"), json!({ "avatarUrl": null }))
        .await
        .expect(200)
        .body;
    assert!(cleared["avatarUrl"].is_null());
    let again = app
        .post(
            "/users",
            json!({ "username": "ada", "displayName": "Ada 2", "email": "a2@acme.example" }),
        )
        .await
        .expect(409);
    assert_eq!(again.field(), "username");
});

on_both_backends!(user_fields_are_validated, |app| {
    let base = json!({ "username": "ok", "displayName": "Ok", "email": "ok@acme.example" });
    let with = |key: &str, value: serde_json::Value| {
        let mut body = base.clone();
        body[key] = value;
        body
    };
    app.post("/users", with("username", json!("Not Ok")))
        .await
        .expect_invalid("username");
    app.post("/users", with("username", json!("a".repeat(65))))
        .await
        .expect_invalid("username");
    app.post("/users", with("email", json!("nope")))
        .await
        .expect_invalid("email");
    app.post("/users", with("timezone", json!("Mars/Olympus")))
        .await
        .expect_invalid("timezone");
    app.post("/users", with("displayName", json!(" ")))
        .await
        .expect_invalid("displayName");
    for reserved in ["booking", "cancel", "reschedule"] {
        app.post("/users", with("username", json!(reserved)))
            .await
            .expect_invalid("username");
    }
    app.post("/users", with("avatarUrl", json!("javascript:alert(1)")))
        .await
        .expect_invalid("avatarUrl");
    let mut no_name = base.clone();
    no_name.as_object_mut().map(|o| o.remove("displayName"));
    app.post("/users", no_name)
        .await
        .expect_invalid("displayName");
    let list = app.get("/users").await.expect(200).body;
    assert_eq!(list["total"], 1, "nothing was half-written");
});

on_both_backends!(event_types_take_every_field_and_default_the_rest, |app| {
    let created = app
        .event_type(
            "consult",
            json!({
                "description": "Let's talk",
                "duration": 45,
                "slotInterval": 15,
                "color": "mint",
                "location": { "type": "in_person", "value": "1 Main St", "displayName": "Office" },
                "customQuestions": [
                    { "id": "size", "label": "Team size", "type": "select", "required": true, "options": ["1-10", "11+"] },
                    { "id": "agree", "label": "I agree", "type": "checkbox", "required": true }
                ],
                "reminderSettings": { "enabled": true, "reminders": [{ "timing": "1h", "sendToHost": false, "sendToInvitee": true }] },
                "settingOverrides": { "bufferBeforeMins": 10, "minimumNoticeHours": 2 }
            }),
        )
        .await;
    assert_eq!(created["duration"], 45);
    assert_eq!(created["slotInterval"], 15);
    assert_eq!(created["location"]["type"], "in_person");
    assert_eq!(created["customQuestions"][0]["options"][1], "11+");
    assert_eq!(created["settingOverrides"]["bufferBeforeMins"], 10);
    assert_eq!(created["userId"], app.owner_user_id.as_str());
    let plain = app.event_type("plain", json!({})).await;
    assert_eq!(plain["color"], "blue");
    assert_eq!(plain["location"]["type"], "google_meet");
    assert_eq!(plain["reminderSettings"]["reminders"][0]["timing"], "24h");
    assert_eq!(plain["isActive"], true);

    let id = created["id"].as_str().expect("id");
    let updated = app
        .put(
            &format!("/event-types/{id}"),
            json!({ "name": "Consultation", "description": null, "slotInterval": null }),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(updated["name"], "Consultation");
    assert!(updated["description"].is_null());
    assert!(updated["slotInterval"].is_null());
    assert_eq!(updated["duration"], 45, "untouched fields stay");
    app.put(&format!("/event-types/{id}"), json!({ "slug": "plain" }))
        .await
        .expect(409);
    let list = app.get("/event-types").await.expect(200).body;
    assert_eq!(list["total"], 2);
});

on_both_backends!(event_type_rules_are_enforced_field_by_field, |app| {
    let cases = [
        (json!({ "duration": 4 }), "duration"),
        (json!({ "duration": 721 }), "duration"),
        (json!({ "slug": "Has Space" }), "slug"),
        (json!({ "slotInterval": 1 }), "slotInterval"),
        (json!({ "color": "pink" }), "color"),
        (json!({ "location": { "type": "phone" } }), "location"),
        (json!({ "location": { "type": "in_person" } }), "location"),
        (json!({ "location": { "type": "custom" } }), "location"),
        (
            json!({ "location": { "type": "hologram" } }),
            "location.type",
        ),
        (
            json!({ "customQuestions": [{ "id": "a", "label": "A", "type": "select" }] }),
            "customQuestions[0]",
        ),
        (
            json!({ "customQuestions": [{ "id": "a", "label": "A", "type": "text", "options": ["x"] }] }),
            "customQuestions[0]",
        ),
        (
            json!({ "customQuestions": [{ "id": "a", "label": "", "type": "text" }] }),
            "customQuestions[0]",
        ),
        (
            json!({ "customQuestions": [{ "id": "a", "label": "A", "type": "date" }] }),
            "customQuestions[0].type",
        ),
        (
            json!({ "customQuestions": [{ "id": "a", "label": "A", "type": "text" }, { "id": "a", "label": "B", "type": "email" }] }),
            "customQuestions",
        ),
        (
            json!({ "reminderSettings": { "enabled": true, "reminders": [{ "timing": "3h", "sendToHost": true, "sendToInvitee": true }] } }),
            "reminderSettings.reminders[0].timing",
        ),
        (
            json!({ "settingOverrides": { "bufferAfterMins": 481 } }),
            "settingOverrides.bufferAfterMins",
        ),
        (
            json!({ "settingOverrides": { "bufferBeforeMins": -1 } }),
            "settingOverrides.bufferBeforeMins",
        ),
        (
            json!({ "settingOverrides": { "minimumNoticeHours": 8761 } }),
            "settingOverrides.minimumNoticeHours",
        ),
        (
            json!({ "settingOverrides": { "bookingWindowDays": 0 } }),
            "settingOverrides.bookingWindowDays",
        ),
        (
            json!({ "settingOverrides": { "dailyLimit": 0 } }),
            "settingOverrides.dailyLimit",
        ),
        (
            json!({ "settingOverrides": { "colour": "red" } }),
            "settingOverrides.colour",
        ),
    ];
    for (extra, field) in cases {
        let mut body = json!({ "name": "X", "slug": "x", "duration": 30 });
        if let (Some(target), Some(source)) = (body.as_object_mut(), extra.as_object()) {
            target.extend(source.clone());
        }
        let reply = app.post("/event-types", body).await;
        assert_eq!(reply.status.as_u16(), 422, "{extra} → {}", reply.body);
        assert_eq!(reply.field(), field, "{extra} → {}", reply.body);
    }
    assert_eq!(app.get("/event-types").await.body["total"], 0);
});

on_both_backends!(deleting_archiving_and_restoring_event_types, |app| {
    let gone = app.event_type("gone", json!({})).await;
    let gone_id = gone["id"].as_str().expect("id");
    let deleted = app
        .delete(&format!("/event-types/{gone_id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(deleted["outcome"], "deleted");
    app.get(&format!("/event-types/{gone_id}"))
        .await
        .expect(404);

    let kept = app.event_type("kept", json!({})).await;
    let kept_id = kept["id"].as_str().expect("id");
    let archived = app
        .post(&format!("/event-types/{kept_id}/archive"), json!({}))
        .await
        .expect(200)
        .body;
    assert!(archived["archivedAt"].is_string());
    assert_eq!(app.get("/event-types").await.body["total"], 0);
    assert_eq!(app.get("/event-types?archived=only").await.body["total"], 1);
    assert_eq!(
        app.get("/event-types?archived=include").await.body["total"],
        1
    );
    app.get("/event-types?archived=maybe").await.expect(400);
    let restored = app
        .post(&format!("/event-types/{kept_id}/restore"), json!({}))
        .await
        .expect(200)
        .body;
    assert!(restored["archivedAt"].is_null());
    assert_eq!(app.get("/event-types").await.body["total"], 1);
});

on_both_backends!(weekly_hours_are_validated_and_replaced, |app| {
    let initial = app.get("/availability").await.expect(200).body;
    assert_eq!(initial["weeklySchedule"]["monday"][0]["start"], "09:00");
    let put = app
        .put(
            "/availability",
            json!({
                "timezone": "Pacific/Chatham",
                "weeklySchedule": {
                    "monday": [{ "start": "09:00", "end": "12:00" }, { "start": "13:00", "end": "17:00" }],
                    "friday": [{ "start": "22:00", "end": "24:00" }],
                    "saturday": [{ "start": "00:00", "end": "02:00" }]
                }
            }),
        )
        .await
        .expect(200)
        .body;
    assert_eq!(put["timezone"], "Pacific/Chatham");
    let read = app.get("/availability").await.expect(200).body;
    assert_eq!(read["weeklySchedule"]["friday"][0]["end"], "24:00");
    assert_eq!(read["weeklySchedule"]["tuesday"], json!([]));

    let bad =
        |schedule: serde_json::Value| json!({ "timezone": "UTC", "weeklySchedule": schedule });
    app.put("/availability", bad(json!({ "monday": [{ "start": "09:00", "end": "12:00" }, { "start": "11:00", "end": "13:00" }] })))
        .await
        .expect_invalid("weeklySchedule.monday");
    app.put(
        "/availability",
        bad(json!({ "monday": [{ "start": "17:00", "end": "09:00" }] })),
    )
    .await
    .expect_invalid("weeklySchedule.monday[0]");
    app.put(
        "/availability",
        bad(json!({ "monday": [{ "start": "9:00", "end": "10:00" }] })),
    )
    .await
    .expect_invalid("weeklySchedule.monday[0].start");
    app.put(
        "/availability",
        bad(json!({ "monday": [{ "start": "09:00", "end": "24:30" }] })),
    )
    .await
    .expect_invalid("weeklySchedule.monday[0].end");
    app.put("/availability", bad(json!({ "caturday": [] })))
        .await
        .expect_invalid("weeklySchedule.caturday");
    app.put(
        "/availability",
        json!({ "timezone": "EST5EDT+x", "weeklySchedule": {} }),
    )
    .await
    .expect_invalid("timezone");
    let unchanged = app.get("/availability").await.expect(200).body;
    assert_eq!(
        unchanged["timezone"], "Pacific/Chatham",
        "failed puts change nothing"
    );
});

on_both_backends!(date_overrides_are_set_listed_and_removed, |app| {
    app.put(
        "/date-overrides/2026-12-24",
        json!({ "windows": [{ "start": "09:00", "end": "12:00" }] }),
    )
    .await
    .expect(200);
    app.put("/date-overrides/2026-12-25", json!({ "windows": [] }))
        .await
        .expect(200);
    let all = app.get("/date-overrides").await.expect(200).body;
    assert_eq!(all.as_array().map(Vec::len), Some(2));
    let ranged = app
        .get("/date-overrides?from=2026-12-25&to=2026-12-31")
        .await
        .expect(200)
        .body;
    assert_eq!(ranged[0]["date"], "2026-12-25");
    assert_eq!(ranged[0]["windows"], json!([]));
    app.get("/date-overrides?from=2026-12-31&to=2026-12-01")
        .await
        .expect(400);
    app.get("/date-overrides?from=tomorrow").await.expect(400);
    app.put("/date-overrides/2026-13-01", json!({ "windows": [] }))
        .await
        .expect(400);
    app.put(
        "/date-overrides/2026-12-26",
        json!({ "windows": [{ "start": "10:00", "end": "09:00" }] }),
    )
    .await
    .expect_invalid("windows[0]");
    app.delete("/date-overrides/2026-12-24").await.expect(204);
    app.delete("/date-overrides/2026-12-24").await.expect(404);
});

on_both_backends!(blocked_dates_all_day_and_partial, |app| {
    let all_day = app
        .post(
            "/blocked-dates",
            json!({ "startDate": "2026-12-24", "endDate": "2026-12-26", "reason": "Holidays" }),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(all_day["isAllDay"], true);
    let partial = app
        .post(
            "/blocked-dates",
            json!({ "startDate": "2026-12-01", "startTime": "14:00", "endTime": "15:30" }),
        )
        .await
        .expect(201)
        .body;
    assert_eq!(partial["isAllDay"], false);
    assert_eq!(partial["endDate"], "2026-12-01");
    app.post(
        "/blocked-dates",
        json!({ "startDate": "2026-12-05", "endDate": "2026-12-01" }),
    )
    .await
    .expect_invalid("endDate");
    app.post(
        "/blocked-dates",
        json!({ "startDate": "2026-12-05", "isAllDay": false, "startTime": "10:00" }),
    )
    .await
    .expect_invalid("endTime");
    app.post(
        "/blocked-dates",
        json!({ "startDate": "2026-12-05", "startTime": "11:00", "endTime": "10:00" }),
    )
    .await
    .expect_invalid("endTime");
    app.post("/blocked-dates", json!({ "startDate": "2026-12-05", "isAllDay": true, "startTime": "10:00", "endTime": "11:00" }))
        .await
        .expect_invalid("isAllDay");
    let list = app.get("/blocked-dates").await.expect(200).body;
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["startDate"], "2026-12-01");
    let id = all_day["id"].as_str().expect("id");
    app.delete(&format!("/blocked-dates/{id}"))
        .await
        .expect(204);
    app.delete(&format!("/blocked-dates/{id}"))
        .await
        .expect(404);
});

on_both_backends!(settings_are_read_and_replaced_within_their_ranges, |app| {
    let settings = app.get("/settings").await.expect(200).body;
    assert_eq!(settings["bufferAfterMins"], 15);
    let full = json!({
        "minimumNoticeHours": 2, "bookingWindowDays": 30, "bufferBeforeMins": 5, "bufferAfterMins": 0,
        "dailyLimit": 6, "weeklyLimit": 20, "defaultDuration": 45
    });
    let saved = app.put("/settings", full.clone()).await.expect(200).body;
    assert_eq!(saved, full);
    for (key, value) in [
        ("minimumNoticeHours", json!(8761)),
        ("bookingWindowDays", json!(731)),
        ("bufferBeforeMins", json!(481)),
        ("dailyLimit", json!(0)),
        ("defaultDuration", json!(3)),
    ] {
        let mut body = full.clone();
        body[key] = value;
        app.put("/settings", body).await.expect_invalid(key);
    }
    let mut unknown = full.clone();
    unknown["colour"] = json!("red");
    app.put("/settings", unknown).await.expect_invalid("colour");
    assert_eq!(app.get("/settings").await.body, full);
});

on_both_backends!(members_manage_only_their_own_things, |app| {
    let (token, user_id) = app.member("mia").await;
    let as_member = |method: Method, path: &str, body: Option<serde_json::Value>| {
        let token = token.clone();
        let path = admin(path);
        let app = &app;
        async move { app.call(method, &path, Some(&token), body).await }
    };
    let users = as_member(Method::GET, "/users", None)
        .await
        .expect(200)
        .body;
    assert_eq!(users["total"], 1);
    assert_eq!(users["items"][0]["id"], user_id.as_str());
    as_member(Method::GET, "/availability", None)
        .await
        .expect(200);
    as_member(Method::PUT, "/settings", Some(json!({
        "minimumNoticeHours": 1, "bookingWindowDays": 10, "bufferBeforeMins": 0, "bufferAfterMins": 0, "defaultDuration": 30
    }))).await.expect(200);
    let own = as_member(
        Method::POST,
        "/event-types",
        Some(json!({ "name": "Mine", "slug": "mine", "duration": 30 })),
    )
    .await
    .expect(201)
    .body;
    assert_eq!(own["userId"], user_id.as_str());

    let owner = app.owner_user_id.clone();
    as_member(Method::GET, &format!("/users/{owner}"), None)
        .await
        .expect(403);
    as_member(Method::GET, &format!("/availability?userId={owner}"), None)
        .await
        .expect(403);
    as_member(
        Method::PUT,
        &format!("/users/{owner}"),
        Some(json!({ "displayName": "Hacked" })),
    )
    .await
    .expect(403);
    as_member(
        Method::POST,
        "/event-types",
        Some(json!({ "userId": owner, "name": "X", "slug": "x", "duration": 30 })),
    )
    .await
    .expect(403);
    as_member(
        Method::POST,
        "/users",
        Some(json!({ "username": "x", "displayName": "X", "email": "x@acme.example" })),
    )
    .await
    .expect(403);
    as_member(
        Method::POST,
        "/accounts",
        Some(json!({ "email": "y@acme.example", "role": "admin" })),
    )
    .await
    .expect(403);
    as_member(Method::GET, "/changelog", None).await.expect(403);
    as_member(
        Method::PUT,
        &format!("/users/{user_id}"),
        Some(json!({ "isActive": false })),
    )
    .await
    .expect(403);
    let owners_type = app.event_type("owners", json!({})).await;
    let id = owners_type["id"].as_str().expect("id");
    as_member(Method::DELETE, &format!("/event-types/{id}"), None)
        .await
        .expect(403);
    let listed = as_member(Method::GET, "/event-types", None)
        .await
        .expect(200)
        .body;
    assert_eq!(listed["total"], 1, "a member lists only their own types");
});

on_both_backends!(another_tenant_cannot_reach_anything_by_id, |app| {
    let event_type = app.event_type("intro", json!({})).await;
    let blocked = app
        .post("/blocked-dates", json!({ "startDate": "2026-12-24" }))
        .await
        .expect(201)
        .body;
    let other = app.other_tenant().await;
    let owner = app.owner_user_id.clone();
    let event_id = event_type["id"].as_str().expect("id");
    let blocked_id = blocked["id"].as_str().expect("id");
    let call = |method: Method, path: String, body: Option<serde_json::Value>| {
        let other = other.clone();
        let app = &app;
        async move { app.call(method, &admin(&path), Some(&other), body).await }
    };
    call(Method::GET, format!("/users/{owner}"), None)
        .await
        .expect(404);
    call(
        Method::PUT,
        format!("/users/{owner}"),
        Some(json!({ "displayName": "Taken" })),
    )
    .await
    .expect(404);
    call(Method::GET, format!("/event-types/{event_id}"), None)
        .await
        .expect(404);
    call(
        Method::PUT,
        format!("/event-types/{event_id}"),
        Some(json!({ "name": "Taken" })),
    )
    .await
    .expect(404);
    call(Method::DELETE, format!("/event-types/{event_id}"), None)
        .await
        .expect(404);
    call(
        Method::POST,
        format!("/event-types/{event_id}/archive"),
        Some(json!({})),
    )
    .await
    .expect(404);
    call(Method::GET, format!("/availability?userId={owner}"), None)
        .await
        .expect(404);
    call(
        Method::PUT,
        format!("/availability?userId={owner}"),
        Some(json!({ "timezone": "UTC", "weeklySchedule": {} })),
    )
    .await
    .expect(404);
    call(Method::GET, format!("/settings?userId={owner}"), None)
        .await
        .expect(404);
    call(Method::GET, format!("/blocked-dates?userId={owner}"), None)
        .await
        .expect(404);
    call(Method::DELETE, format!("/blocked-dates/{blocked_id}"), None)
        .await
        .expect(404);
    call(
        Method::POST,
        "/event-types".to_owned(),
        Some(json!({ "userId": owner, "name": "X", "slug": "x", "duration": 30 })),
    )
    .await
    .expect(404);
    let theirs = call(Method::GET, "/event-types".to_owned(), None)
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["total"], 0);
    let still = app
        .get(&format!("/event-types/{event_id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(still["name"], "Intro");
});

on_both_backends!(every_change_is_in_the_changelog, |app| {
    let event_type = app.event_type("intro", json!({})).await;
    let id = event_type["id"].as_str().expect("id");
    app.put(&format!("/event-types/{id}"), json!({ "name": "Renamed" }))
        .await
        .expect(200);
    app.put("/date-overrides/2026-12-25", json!({ "windows": [] }))
        .await
        .expect(200);
    let changes = app
        .get(&format!("/changelog?entityType=event_type&entityId={id}"))
        .await
        .expect(200)
        .body;
    let actions: Vec<_> = changes["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|c| c["action"].clone())
        .collect();
    assert_eq!(actions, [json!("updated"), json!("created")]);
    assert!(changes["items"][0]["actorId"].is_string());
    let overrides = app
        .get("/changelog?entityType=date_override")
        .await
        .expect(200)
        .body;
    assert_eq!(overrides["total"], 1);
});
