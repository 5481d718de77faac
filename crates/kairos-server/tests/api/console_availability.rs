//! The console's availability pages: weekly hours and time zone, date overrides, time off, and
//! who may open whose page. Every change is checked through the JSON API.

use reqwest::Method;
use serde_json::json;

use crate::console::{Console, member_with_password};
use crate::helpers::{TestApp, admin};
use crate::on_both_backends;

const WEEKLY: &str = "/admin/scheduling/availability";
const DATES: &str = "/admin/scheduling/availability/overrides";
const BLOCKED: &str = "/admin/scheduling/availability/blocked";

/// A weekly-hours form: `timezone`, then per open day its `(start, end)` rows. Days not listed
/// are closed.
fn week<'a>(zone: &'a str, days: &[(&'a str, &[(&'a str, &'a str)])]) -> Vec<(String, String)> {
    let mut fields = vec![("timezone".to_owned(), zone.to_owned())];
    for (day, rows) in days {
        fields.push((format!("{day}_on"), "1".to_owned()));
        for (start, end) in *rows {
            fields.push((format!("{day}_start"), (*start).to_owned()));
            fields.push((format!("{day}_end"), (*end).to_owned()));
        }
    }
    fields
}

fn pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect()
}

async fn availability(app: &TestApp) -> serde_json::Value {
    app.get("/availability").await.expect(200).body
}

on_both_backends!(weekly_hours_are_saved_from_the_form, |app| {
    let console = Console::owner(&app).await;
    let page = console.get(WEEKLY).await.expect_html(200);
    page.contains("Weekly hours");
    page.contains("value=\"09:00\"");
    page.contains("<option value=\"Europe/London\" selected>Europe/London</option>");
    page.contains("aria-current=\"page\">Availability</a>");

    // Two windows on Monday (given out of order, with the blank rows a page has), Tuesday
    // until midnight, Wednesday closed though it has times typed in, the rest closed.
    let mut fields = week(
        "America/New_York",
        &[
            (
                "monday",
                &[("13:00", "17:00"), ("09:00", "12:00"), ("", "")],
            ),
            ("tuesday", &[("18:00", "00:00")]),
        ],
    );
    fields.push(("wednesday_start".to_owned(), "10:00".to_owned()));
    fields.push(("wednesday_end".to_owned(), "11:00".to_owned()));
    let saved = console.submit(WEEKLY, &pairs(&fields)).await;
    assert_eq!(
        saved.see_other(&app.address),
        "/admin/scheduling/availability?notice=saved"
    );

    let stored = availability(&app).await;
    assert_eq!(stored["timezone"], "America/New_York");
    assert_eq!(
        stored["weeklySchedule"]["monday"],
        json!([{ "start": "09:00", "end": "12:00" }, { "start": "13:00", "end": "17:00" }])
    );
    assert_eq!(
        stored["weeklySchedule"]["tuesday"],
        json!([{ "start": "18:00", "end": "24:00" }])
    );
    for closed in ["wednesday", "thursday", "friday", "saturday", "sunday"] {
        assert_eq!(stored["weeklySchedule"][closed], json!([]), "{closed}");
    }

    let again = console
        .get("/admin/scheduling/availability?notice=saved")
        .await
        .expect_html(200);
    again.contains("Your changes were saved.");
    again.contains("<option value=\"America/New_York\" selected>");
    again.contains("value=\"13:00\"");
    // Midnight at the end of the day is shown the way a time input can hold it.
    again.contains("id=\"tuesday-end-0\" name=\"tuesday_end\" value=\"00:00\"");
    assert!(
        !again
            .html
            .contains("id=\"wednesday-on\" name=\"wednesday_on\" value=\"1\" checked"),
        "Wednesday is shown closed"
    );
});

on_both_backends!(
    refused_weekly_hours_are_shown_again_and_store_nothing,
    |app| {
        let console = Console::owner(&app).await;
        let before = availability(&app).await;

        let overlap = week(
            "Asia/Tokyo",
            &[("monday", &[("09:00", "12:00"), ("11:00", "13:00")])],
        );
        let page = console
            .submit(WEEKLY, &pairs(&overlap))
            .await
            .expect_html(422);
        page.contains("Windows overlap: 09:00–12:00 and 11:00–13:00.");
        page.contains("Nothing was saved.");
        page.contains("<a href=\"#monday-on\">");
        page.contains("value=\"11:00\"");
        page.contains("<option value=\"Asia/Tokyo\" selected>");
        page.contains("aria-describedby=\"monday-error\"");

        for (rows, message, input) in [
            (
                &[("17:00", "09:00")][..],
                "A window must start before it ends",
                "monday-row-0-error",
            ),
            (
                &[("25:00", "26:00")][..],
                "Times are written HH:MM",
                "monday-row-0-error",
            ),
            (
                &[("09:00", "")][..],
                "Enter both a start and an end time",
                "monday-row-0-error",
            ),
            (
                &[("", "")][..],
                "Add a time window, or untick the day",
                "monday-error",
            ),
        ] {
            let fields = week("UTC", &[("monday", rows)]);
            let page = console
                .submit(WEEKLY, &pairs(&fields))
                .await
                .expect_html(422);
            page.contains(message);
            page.contains(&format!("id=\"{input}\""));
        }
        let bad_zone = week("Mars/Olympus_Mons", &[("monday", &[("09:00", "10:00")])]);
        let page = console
            .submit(WEEKLY, &pairs(&bad_zone))
            .await
            .expect_html(422);
        page.contains("Unknown time zone");
        page.contains("aria-invalid=\"true\"");

        assert_eq!(
            availability(&app).await,
            before,
            "refused forms store nothing"
        );
    }
);

on_both_backends!(date_overrides_are_set_and_removed_from_the_page, |app| {
    let console = Console::owner(&app).await;
    console
        .get(DATES)
        .await
        .expect_html(200)
        .contains("No upcoming date overrides.")
        .contains("Dates and times are in Europe/London.");

    let set = console
        .submit(
            DATES,
            &[
                ("date", "2030-12-24"),
                ("mode", "hours"),
                ("override_start", "09:00"),
                ("override_end", "12:00"),
                ("override_start", "13:00"),
                ("override_end", "15:00"),
                ("override_start", ""),
                ("override_end", ""),
            ],
        )
        .await;
    assert_eq!(
        set.see_other(&app.address),
        "/admin/scheduling/availability/overrides?notice=saved"
    );
    // A day off: times typed in are ignored.
    console
        .submit(
            DATES,
            &[
                ("date", "2030-12-25"),
                ("mode", "off"),
                ("override_start", "09:00"),
                ("override_end", "10:00"),
            ],
        )
        .await
        .see_other(&app.address);
    let stored = app.get("/date-overrides").await.expect(200).body;
    assert_eq!(
        stored,
        json!([
            { "date": "2030-12-24", "windows": [{ "start": "09:00", "end": "12:00" }, { "start": "13:00", "end": "15:00" }] },
            { "date": "2030-12-25", "windows": [] }
        ])
    );
    let page = console.get(DATES).await.expect_html(200);
    page.contains("Tue 24 Dec 2030");
    page.contains("09:00–12:00, 13:00–15:00");
    page.contains("Unavailable");

    for (fields, message) in [
        (
            vec![
                ("date", "2030-12-26"),
                ("mode", "hours"),
                ("override_start", "15:00"),
                ("override_end", "14:00"),
            ],
            "A window must start before it ends",
        ),
        (
            vec![("date", "2030-12-26"), ("mode", "hours")],
            "Add at least one time window",
        ),
        (
            vec![("date", "26/12/2030"), ("mode", "off")],
            "Enter the date as YYYY-MM-DD",
        ),
        (vec![("mode", "off")], "Choose a date."),
    ] {
        let page = console.submit(DATES, &fields).await.expect_html(422);
        page.contains(message);
        page.contains("Nothing was saved.");
    }
    assert_eq!(
        app.get("/date-overrides")
            .await
            .body
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    let removed = console
        .submit(&format!("{DATES}/2030-12-24/delete"), &[])
        .await;
    assert_eq!(
        removed.see_other(&app.address),
        "/admin/scheduling/availability/overrides?notice=deleted"
    );
    let left = app.get("/date-overrides").await.body;
    assert_eq!(left, json!([{ "date": "2030-12-25", "windows": [] }]));
    console
        .submit(&format!("{DATES}/2030-12-24/delete"), &[])
        .await
        .expect_html(404);
});

on_both_backends!(time_off_is_added_and_deleted_from_the_page, |app| {
    let console = Console::owner(&app).await;
    console
        .get(DATES)
        .await
        .expect_html(200)
        .contains("No upcoming time off.");
    let all_day = console
        .submit(
            BLOCKED,
            &[
                ("kind", "all-day"),
                ("start_date", "2030-12-24"),
                ("end_date", "2030-12-26"),
                ("reason", "Holidays"),
            ],
        )
        .await;
    assert_eq!(
        all_day.see_other(&app.address),
        "/admin/scheduling/availability/overrides?notice=created"
    );
    console
        .submit(
            BLOCKED,
            &[
                ("kind", "partial"),
                ("date", "2030-12-02"),
                ("start_time", "14:00"),
                ("end_time", "15:30"),
                ("reason", ""),
            ],
        )
        .await
        .see_other(&app.address);
    // One day, no end date.
    console
        .submit(
            BLOCKED,
            &[
                ("kind", "all-day"),
                ("start_date", "2030-11-11"),
                ("end_date", ""),
            ],
        )
        .await
        .see_other(&app.address);
    let list = app.get("/blocked-dates").await.expect(200).body;
    assert_eq!(list["total"], 3);
    let items = list["items"].as_array().expect("items");
    assert_eq!(items[0]["startDate"], "2030-11-11");
    assert_eq!(items[0]["endDate"], "2030-11-11");
    assert_eq!(items[0]["isAllDay"], true);
    assert_eq!(items[1]["isAllDay"], false);
    assert_eq!(items[1]["startTime"], "14:00");
    assert_eq!(items[1]["endTime"], "15:30");
    assert_eq!(items[2]["endDate"], "2030-12-26");
    assert_eq!(items[2]["reason"], "Holidays");

    let page = console.get(DATES).await.expect_html(200);
    page.contains("Tue 24 Dec 2030 – Thu 26 Dec 2030");
    page.contains("Holidays");
    page.contains("14:00–15:30");

    for (fields, message, input) in [
        (
            vec![
                ("kind", "all-day"),
                ("start_date", "2030-12-26"),
                ("end_date", "2030-12-24"),
            ],
            "is before the start date",
            "blocked-end-error",
        ),
        (
            vec![
                ("kind", "partial"),
                ("date", "2030-12-03"),
                ("start_time", "15:00"),
                ("end_time", "14:00"),
            ],
            "A window must start before it ends",
            "partial-end-error",
        ),
        (
            vec![
                ("kind", "partial"),
                ("date", "2030-12-03"),
                ("start_time", "15:00"),
            ],
            "Enter a time.",
            "partial-end-error",
        ),
        (
            vec![("kind", "all-day"), ("start_date", "")],
            "Choose a date.",
            "blocked-start-error",
        ),
    ] {
        let page = console.submit(BLOCKED, &fields).await.expect_html(422);
        page.contains(message);
        page.contains(&format!("id=\"{input}\""));
    }
    assert_eq!(app.get("/blocked-dates").await.body["total"], 3);

    let id = items[2]["id"].as_str().expect("id");
    let deleted = console.submit(&format!("{BLOCKED}/{id}/delete"), &[]).await;
    assert_eq!(
        deleted.see_other(&app.address),
        "/admin/scheduling/availability/overrides?notice=deleted"
    );
    assert_eq!(app.get("/blocked-dates").await.body["total"], 2);
    console
        .submit(&format!("{BLOCKED}/{id}/delete"), &[])
        .await
        .expect_html(404);
});

on_both_backends!(members_reach_only_their_own_availability, |app| {
    let email = member_with_password(&app, "mia", "mia's long password").await;
    let member = Console::login(&app, &email, "mia's long password").await;
    let owner_id = app.owner_user_id.clone();
    let before = availability(&app).await;

    let own = member.get(WEEKLY).await.expect_html(200);
    own.contains("When invitees can book you.");
    assert!(
        !own.html.contains("id=\"host-picker\""),
        "members get no host picker"
    );
    for path in [
        format!("{WEEKLY}?host={owner_id}"),
        format!("{DATES}?host={owner_id}"),
        format!("/admin/scheduling/settings?host={owner_id}"),
    ] {
        member
            .get(&path)
            .await
            .expect_html(403)
            .contains("Members may only manage their own profile");
    }
    let fields = week("UTC", &[("sunday", &[("01:00", "02:00")])]);
    member
        .submit(&format!("{WEEKLY}?host={owner_id}"), &pairs(&fields))
        .await
        .expect_html(403);
    member
        .submit(
            &format!("{DATES}?host={owner_id}"),
            &[("date", "2030-12-24"), ("mode", "off")],
        )
        .await
        .expect_html(403);
    member
        .submit(
            &format!("{BLOCKED}?host={owner_id}"),
            &[("kind", "all-day"), ("start_date", "2030-12-24")],
        )
        .await
        .expect_html(403);
    let owners_block = app
        .post("/blocked-dates", json!({ "startDate": "2030-12-24" }))
        .await
        .expect(201)
        .body;
    let block_id = owners_block["id"].as_str().expect("id");
    member
        .submit(&format!("{BLOCKED}/{block_id}/delete"), &[])
        .await
        .expect_html(403);
    assert_eq!(
        availability(&app).await,
        before,
        "the owner's hours are untouched"
    );
    assert_eq!(app.get("/date-overrides").await.body, json!([]));
    assert_eq!(app.get("/blocked-dates").await.body["total"], 1);

    // Their own hours, without naming themselves.
    member
        .submit(WEEKLY, &pairs(&fields))
        .await
        .see_other(&app.address);
    let users = app.get("/users").await.body;
    let mia = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["username"] == "mia")
        .expect("mia")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let theirs = app
        .get(&format!("/availability?userId={mia}"))
        .await
        .expect(200)
        .body;
    assert_eq!(
        theirs["weeklySchedule"]["sunday"],
        json!([{ "start": "01:00", "end": "02:00" }])
    );
    member
        .get(&format!("{WEEKLY}?host={mia}"))
        .await
        .expect_html(200);
});

on_both_backends!(owners_pick_any_host_of_their_tenant_only, |app| {
    member_with_password(&app, "mia", "mia's long password").await;
    let users = app.get("/users").await.body;
    let mia = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["username"] == "mia")
        .expect("mia")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let owner = Console::owner(&app).await;
    let page = owner.get(WEEKLY).await.expect_html(200);
    page.contains("id=\"host-picker\"");
    page.contains(&format!("<option value=\"{mia}\">mia (mia)</option>"));

    let theirs = owner
        .get(&format!("{WEEKLY}?host={mia}"))
        .await
        .expect_html(200);
    theirs.contains("When invitees can book mia.");
    theirs.contains(&format!("action=\"{WEEKLY}?host={mia}\""));
    let fields = week("Europe/Paris", &[("friday", &[("08:00", "10:00")])]);
    let saved = owner
        .submit(&format!("{WEEKLY}?host={mia}"), &pairs(&fields))
        .await;
    assert_eq!(
        saved.see_other(&app.address),
        format!("{WEEKLY}?host={mia}&notice=saved")
    );
    let stored = app.get(&format!("/availability?userId={mia}")).await.body;
    assert_eq!(stored["timezone"], "Europe/Paris");
    assert_eq!(
        availability(&app).await["timezone"],
        "Europe/London",
        "the owner's own hours stay"
    );
    owner
        .submit(
            &format!("{BLOCKED}?host={mia}"),
            &[("kind", "all-day"), ("start_date", "2030-12-24")],
        )
        .await
        .see_other(&app.address);
    assert_eq!(
        app.get(&format!("/blocked-dates?userId={mia}")).await.body["total"],
        1
    );

    // Unknown, malformed and other-tenant ids are not found.
    let other_token = app.other_tenant().await;
    let other_users = app
        .call(Method::GET, &admin("/users"), Some(&other_token), None)
        .await
        .expect(200)
        .body;
    let stranger = other_users["items"][0]["id"].as_str().expect("id");
    for host in [
        stranger,
        "0190a8f4-0000-7000-8000-000000000000",
        "not-an-id",
    ] {
        owner
            .get(&format!("{WEEKLY}?host={host}"))
            .await
            .expect_html(404);
        owner
            .get(&format!("/admin/scheduling/settings?host={host}"))
            .await
            .expect_html(404);
    }
    owner
        .submit(&format!("{WEEKLY}?host={stranger}"), &pairs(&fields))
        .await
        .expect_html(404);
});

on_both_backends!(availability_forms_need_the_csrf_token, |app| {
    let console = Console::owner(&app).await;
    let before = availability(&app).await;
    let block = app
        .post("/blocked-dates", json!({ "startDate": "2030-12-24" }))
        .await
        .expect(201)
        .body;
    let block_id = block["id"].as_str().expect("id");
    app.put("/date-overrides/2030-12-25", json!({ "windows": [] }))
        .await
        .expect(200);
    let fields = week("UTC", &[("sunday", &[("01:00", "02:00")])]);
    let cases: [(String, Vec<(&str, &str)>); 5] = [
        (WEEKLY.to_owned(), pairs(&fields)),
        (
            DATES.to_owned(),
            vec![("date", "2030-12-24"), ("mode", "off")],
        ),
        (format!("{DATES}/2030-12-25/delete"), vec![]),
        (
            BLOCKED.to_owned(),
            vec![("kind", "all-day"), ("start_date", "2030-12-20")],
        ),
        (format!("{BLOCKED}/{block_id}/delete"), vec![]),
    ];
    for (path, fields) in &cases {
        console
            .submit_raw(path, fields, &app.address)
            .await
            .expect_html(403);
        let mut wrong = vec![("_csrf", "0123")];
        wrong.extend_from_slice(fields);
        console
            .submit_raw(path, &wrong, &app.address)
            .await
            .expect_html(403);
    }
    assert_eq!(availability(&app).await, before);
    assert_eq!(
        app.get("/date-overrides").await.body,
        json!([{ "date": "2030-12-25", "windows": [] }])
    );
    assert_eq!(app.get("/blocked-dates").await.body["total"], 1);
});
