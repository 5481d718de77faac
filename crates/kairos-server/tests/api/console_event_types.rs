//! The console's event type pages over HTTP: creating and editing through the form (checked
//! with the JSON API), validation, archive / restore / delete, booking counts, what a member
//! may see and change, and the CSRF check.

use jiff::{Timestamp, ToSpan};
use reqwest::Method;
use serde_json::{Value, json};

use crate::console::{Console, member_with_password};
use crate::helpers::TestApp;
use crate::on_both_backends;

const LIST: &str = "/admin/scheduling/event-types";

/// A complete create form for the owner's host profile; `changes` replace or add fields.
fn create_form<'a>(app: &'a TestApp, changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("userId", app.owner_user_id.as_str()),
        ("name", "Consultation"),
        ("slug", ""),
        ("description", "Let's talk about your project."),
        ("duration", "45"),
        ("slotInterval", "15"),
        ("color", "mint"),
        ("location.type", "in_person"),
        ("location.value", "1 Main St"),
        ("location.displayName", "Office"),
        ("isActive", "true"),
        ("customQuestions[0].id", ""),
        ("customQuestions[0].label", "Team size"),
        ("customQuestions[0].type", "select"),
        ("customQuestions[0].required", "true"),
        ("customQuestions[0].options", "1-10\r\n11+\r\n"),
        ("customQuestions[0].placeholder", ""),
        // A blank row, as the form offers it: ignored.
        ("customQuestions[1].id", ""),
        ("customQuestions[1].label", ""),
        ("customQuestions[1].type", "text"),
        ("customQuestions[1].options", ""),
        ("customQuestions[1].placeholder", ""),
        ("reminderSettings.enabled", "true"),
        ("reminder.48h", "true"),
        ("reminder.48h.host", "true"),
        ("reminder.48h.invitee", "true"),
        ("reminder.1h", "true"),
        ("reminder.1h.invitee", "true"),
        // Recipients of an unticked timing mean nothing.
        ("reminder.24h.host", "true"),
        ("settingOverrides.bufferBeforeMins", "10"),
        ("settingOverrides.minimumNoticeHours", "2"),
        ("settingOverrides.dailyLimit", ""),
    ];
    for (name, value) in changes {
        match fields.iter_mut().find(|(key, _)| key == name) {
            Some(field) => field.1 = value,
            None => fields.push((name, value)),
        }
    }
    fields
}

/// The owner's event types through the JSON API (`archived`: exclude, only or include).
async fn listed(app: &TestApp, archived: &str) -> Value {
    app.get(&format!("/event-types?archived={archived}"))
        .await
        .expect(200)
        .body
}

/// Opens the owner's calendar every day 09:00–17:00 UTC with no notice, and books `event_type`
/// tomorrow at noon through the public API.
async fn book(app: &TestApp, event_type: &Value) {
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
    #[allow(clippy::disallowed_methods)]
    let now = Timestamp::now();
    let start = (now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date() + 1.day())
        .at(12, 0, 0, 0)
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .expect("instant")
        .timestamp()
        .to_string();
    app.call(
        Method::POST,
        "/api/public/scheduling/acme/bookings",
        None,
        Some(
            json!({ "eventTypeId": event_type["id"], "startTime": start, "invitee": {
            "name": "Ivy", "email": "ivy@example.com", "timezone": "UTC" } }),
        ),
    )
    .await
    .expect(201);
}

on_both_backends!(console_event_types_are_created_and_edited, |app| {
    let console = Console::owner(&app).await;
    let empty = console.get(LIST).await.expect_html(200);
    empty.contains("No event types yet");
    let new = console.get(&format!("{LIST}/new")).await.expect_html(200);
    new.contains("New event type")
        .contains("<label for=\"name\">Name")
        .contains("<legend>Colour</legend>")
        .contains("name=\"customQuestions[0].label\"")
        .contains("name=\"customQuestions[1].label\"")
        .contains("<template id=\"question-template\">")
        .contains(&format!(
            "<option value=\"{}\" selected>",
            app.owner_user_id
        ));

    let created = console.submit(LIST, &create_form(&app, &[])).await;
    assert_eq!(
        created.see_other(&app.address),
        format!("{LIST}?notice=created")
    );
    let list = listed(&app, "exclude").await;
    assert_eq!(list["total"], 1);
    let stored = &list["items"][0];
    assert_eq!(stored["name"], "Consultation");
    assert_eq!(stored["slug"], "consultation", "made from the name");
    assert_eq!(stored["description"], "Let's talk about your project.");
    assert_eq!(stored["duration"], 45);
    assert_eq!(stored["slotInterval"], 15);
    assert_eq!(stored["color"], "mint");
    assert_eq!(
        stored["location"],
        json!({ "type": "in_person", "value": "1 Main St", "displayName": "Office" })
    );
    assert_eq!(stored["isActive"], true);
    assert_eq!(
        stored["customQuestions"],
        json!([{ "id": "team-size", "label": "Team size", "type": "select", "required": true, "options": ["1-10", "11+"] }])
    );
    assert_eq!(
        stored["reminderSettings"],
        json!({ "enabled": true, "reminders": [
            { "timing": "48h", "sendToHost": true, "sendToInvitee": true },
            { "timing": "1h", "sendToHost": false, "sendToInvitee": true }
        ] })
    );
    assert_eq!(
        stored["settingOverrides"],
        json!({ "bufferBeforeMins": 10, "minimumNoticeHours": 2 })
    );
    assert_eq!(stored["userId"], app.owner_user_id.as_str());
    let id = stored["id"].as_str().expect("id").to_owned();

    // The list shows it with its public link; the edit form shows what was stored.
    let listed_page = console
        .get(&format!("{LIST}?notice=created"))
        .await
        .expect_html(200);
    listed_page
        .contains("Created.")
        .contains("Consultation")
        .contains("45 min")
        .contains("In person · Office")
        .contains(&format!("{}/book/acme/owner/consultation", app.address))
        .contains("<strong>0</strong> bookings");
    let edit_path = format!("{LIST}/{id}");
    let edit = console.get(&edit_path).await.expect_html(200);
    edit.contains("Edit Consultation")
        .contains("value=\"team-size\"")
        .contains(">1-10\n11+</textarea>")
        .contains("id=\"color-mint\" name=\"color\" value=\"mint\" checked")
        .contains("name=\"settingOverrides.bufferBeforeMins\" value=\"10\"")
        .contains("Host's setting: 15 minutes.");

    // Edit: rename the question, add one with the same label (it gets a new, unique id), clear
    // the interval, the description and a rule.
    let edited = console
        .submit(
            &edit_path,
            &create_form(
                &app,
                &[
                    ("name", "Consultation call"),
                    ("slug", "consult"),
                    ("description", ""),
                    ("slotInterval", ""),
                    ("color", "purple"),
                    ("location.type", "phone"),
                    ("location.value", "+44 20 7946 0958"),
                    ("location.displayName", ""),
                    ("customQuestions[0].id", "team-size"),
                    ("customQuestions[0].label", "Company size"),
                    ("customQuestions[1].label", "Team size"),
                    ("customQuestions[1].type", "textarea"),
                    ("customQuestions[1].placeholder", "Who joins?"),
                    ("settingOverrides.bufferBeforeMins", ""),
                    ("settingOverrides.dailyLimit", "3"),
                ],
            ),
        )
        .await;
    assert_eq!(
        edited.see_other(&app.address),
        format!("{edit_path}?notice=saved")
    );
    let stored = app
        .get(&format!("/event-types/{id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(stored["name"], "Consultation call");
    assert_eq!(stored["slug"], "consult");
    assert!(stored["description"].is_null());
    assert!(stored["slotInterval"].is_null());
    assert_eq!(stored["color"], "purple");
    assert_eq!(
        stored["location"],
        json!({ "type": "phone", "value": "+44 20 7946 0958" })
    );
    assert_eq!(
        stored["customQuestions"],
        json!([
            { "id": "team-size", "label": "Company size", "type": "select", "required": true, "options": ["1-10", "11+"] },
            { "id": "team-size-2", "label": "Team size", "type": "textarea", "required": false, "placeholder": "Who joins?" }
        ])
    );
    assert_eq!(
        stored["settingOverrides"],
        json!({ "minimumNoticeHours": 2, "dailyLimit": 3 })
    );
    console
        .get(&format!("{edit_path}?notice=saved"))
        .await
        .expect_html(200)
        .contains("Your changes were saved.")
        .contains("Edit Consultation call");

    // Remove the first question and switch reminders off (an unticked box sends nothing).
    let mut fields: Vec<(&str, &str)> = create_form(
        &app,
        &[
            ("slug", "consult"),
            ("customQuestions[0].id", "team-size"),
            ("customQuestions[0].remove", "true"),
            ("customQuestions[1].id", "team-size-2"),
            ("customQuestions[1].label", "Team size"),
            ("customQuestions[1].type", "textarea"),
        ],
    );
    fields.retain(|(name, _)| *name != "reminderSettings.enabled");
    console
        .submit(&edit_path, &fields)
        .await
        .see_other(&app.address);
    let stored = app
        .get(&format!("/event-types/{id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(stored["customQuestions"][0]["id"], "team-size-2");
    assert_eq!(stored["customQuestions"].as_array().map(Vec::len), Some(1));
    assert_eq!(stored["reminderSettings"]["enabled"], false);
    assert_eq!(
        stored["reminderSettings"]["reminders"][0]["timing"], "48h",
        "the chosen timings are kept while reminders are off"
    );
});

on_both_backends!(
    console_event_type_errors_show_inline_and_store_nothing,
    |app| {
        let console = Console::owner(&app).await;
        let rejected = console
            .submit(
                LIST,
                &create_form(
                    &app,
                    &[
                        ("duration", "4"),
                        ("customQuestions[0].options", "  \r\n"),
                        ("settingOverrides.bufferAfterMins", "lots"),
                        ("location.type", "phone"),
                        ("location.value", ""),
                    ],
                ),
            )
            .await
            .expect_html(422);
        rejected
        .contains("Nothing was saved. Please correct these 4 problems:")
        .contains("<li><a href=\"#duration\">Duration: must be between 5 and 720 minutes, got 4</a></li><li><a href=\"#location-value\">Location: a phone location needs a phone number as its value</a></li><li><a href=\"#q0\">")
        .contains("<a href=\"#duration\">Duration: must be between 5 and 720 minutes, got 4</a>")
        .contains("aria-describedby=\"duration-hint duration-error\" aria-invalid=\"true\"")
        .contains("<p class=\"field-error\" id=\"duration-error\">Must be between 5 and 720 minutes, got 4.</p>")
        .contains("<a href=\"#q0\">Question 1: question \"team-size\" is a choice and needs 1 to 50 options</a>")
        .contains("<p class=\"field-error\" id=\"q0-error\">Question \"team-size\" is a choice and needs 1 to 50 options.</p>")
        .contains("id=\"override-bufferAfterMins-error\">Enter a whole number, or leave it blank to use the host's setting.</p>")
        .contains("id=\"location-error\">A phone location needs a phone number as its value.</p>")
        // What was typed is kept.
        .contains("name=\"duration\" value=\"4\"")
        .contains("name=\"customQuestions[0].label\" value=\"Team size\"")
        .contains("name=\"settingOverrides.bufferAfterMins\" value=\"lots\"")
        .contains("name=\"description\" rows=\"4\" maxlength=\"5000\" aria-describedby=\"description-hint\">Let's talk about your project.</textarea>");
        assert_eq!(listed(&app, "include").await["total"], 0);

        // Not a number at all.
        console
            .submit(LIST, &create_form(&app, &[("duration", "half an hour")]))
            .await
            .expect_html(422)
            .contains("id=\"duration-error\">Enter a whole number of minutes.</p>");
        assert_eq!(listed(&app, "include").await["total"], 0);

        // A taken slug (archived types count) is an inline error on the slug.
        let intro = app.event_type("intro", json!({})).await;
        let taken = console
            .submit(LIST, &create_form(&app, &[("slug", "intro")]))
            .await
            .expect_html(422);
        taken
            .contains("id=\"slug-error\">This host already has an event type with this slug")
            .contains("name=\"slug\" value=\"intro\"");
        assert_eq!(listed(&app, "include").await["total"], 1);

        // Editing with errors changes nothing either.
        let id = intro["id"].as_str().expect("id");
        let edit = console
            .submit(
                &format!("{LIST}/{id}"),
                &create_form(&app, &[("name", "  "), ("duration", "721")]),
            )
            .await
            .expect_html(422);
        edit.contains("Name: must be 1 to 200 characters, got 0")
            .contains("Duration: must be between 5 and 720 minutes, got 721");
        let stored = app
            .get(&format!("/event-types/{id}"))
            .await
            .expect(200)
            .body;
        assert_eq!(stored["name"], "Intro");
        assert_eq!(stored["duration"], 30);
        assert_eq!(stored["customQuestions"], json!([]));
    }
);

on_both_backends!(
    console_event_types_are_archived_restored_and_deleted,
    |app| {
        let console = Console::owner(&app).await;
        let booked = app
            .event_type("booked", json!({ "name": "Booked call" }))
            .await;
        let spare = app
            .event_type("spare", json!({ "name": "Spare call" }))
            .await;
        book(&app, &booked).await;
        let booked_id = booked["id"].as_str().expect("id");
        let spare_id = spare["id"].as_str().expect("id");

        let list = console.get(LIST).await.expect_html(200);
        list.contains("Booked call")
            .contains("<strong>1</strong> booking")
            .contains("Spare call")
            .contains("<strong>0</strong> bookings")
            .contains("Active <span class=\"tab-count\">2</span>");

        // Archive, then see it in the archived tab, then restore.
        let archived = console
            .submit(&format!("{LIST}/{spare_id}/archive"), &[])
            .await;
        assert_eq!(
            archived.see_other(&app.address),
            format!("{LIST}?notice=archived")
        );
        assert_eq!(listed(&app, "only").await["items"][0]["id"], spare["id"]);
        let archived_tab = console
            .get(&format!("{LIST}?show=archived"))
            .await
            .expect_html(200);
        archived_tab
            .contains("Spare call")
            .contains("Archived: its booking page is closed")
            .contains(&format!("action=\"{LIST}/{spare_id}/restore\""));
        assert!(!archived_tab.html.contains("Booked call"));
        let restored = console
            .submit(&format!("{LIST}/{spare_id}/restore"), &[])
            .await;
        assert_eq!(
            restored.see_other(&app.address),
            format!("{LIST}?notice=restored")
        );
        assert_eq!(listed(&app, "only").await["total"], 0);

        // Deleting asks first and says what will happen.
        console
            .get(&format!("{LIST}/{booked_id}/delete"))
            .await
            .expect_html(200)
            .contains("This event type has 1 booking, so it cannot be deleted")
            .contains("Archive it instead");
        console
            .get(&format!("{LIST}/{spare_id}/delete"))
            .await
            .expect_html(200)
            .contains("Delete for good");
        // A type with bookings is archived instead, and the page says so.
        let kept = console
            .submit(&format!("{LIST}/{booked_id}/delete"), &[])
            .await;
        let location = kept.see_other(&app.address);
        assert_eq!(
            location,
            format!("{LIST}?show=archived&notice=archived-not-deleted")
        );
        console
            .get(&location)
            .await
            .expect_html(200)
            .contains("It has bookings, so it was archived instead of deleted.")
            .contains("Booked call");
        let still = app
            .get(&format!("/event-types/{booked_id}"))
            .await
            .expect(200)
            .body;
        assert!(still["archivedAt"].is_string());
        assert_eq!(still["bookingCount"], 1);
        let deleted = console
            .submit(&format!("{LIST}/{spare_id}/delete"), &[])
            .await;
        assert_eq!(
            deleted.see_other(&app.address),
            format!("{LIST}?notice=deleted")
        );
        app.get(&format!("/event-types/{spare_id}"))
            .await
            .expect(404);
        console
            .get(&format!("{LIST}/{spare_id}"))
            .await
            .expect_html(404);
    }
);

on_both_backends!(console_members_manage_only_their_own_event_types, |app| {
    let owners = app
        .event_type("intro", json!({ "name": "Owner intro" }))
        .await;
    let owners_id = owners["id"].as_str().expect("id");
    let email = member_with_password(&app, "mia", "mia's long password").await;
    let users = app.get("/users").await.expect(200).body;
    let mia = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["username"] == "mia")
        .expect("mia")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let member = Console::login(&app, &email, "mia's long password").await;

    // A member creates for themselves, whatever host the form names.
    let new = member.get(&format!("{LIST}/new")).await.expect_html(200);
    assert!(!new.html.contains("name=\"userId\""), "no host select");
    let created = member
        .submit(
            LIST,
            &create_form(&app, &[("name", "Mia's chat"), ("slug", "chat")]),
        )
        .await;
    created.see_other(&app.address);
    let theirs = app
        .get(&format!("/event-types?userId={mia}"))
        .await
        .expect(200)
        .body;
    assert_eq!(theirs["total"], 1);
    assert_eq!(theirs["items"][0]["name"], "Mia's chat");

    let list = member.get(LIST).await.expect_html(200);
    list.contains("Mia's chat")
        .contains(&format!("{}/book/acme/mia/chat", app.address));
    assert!(!list.html.contains("Owner intro"));
    assert!(!list.html.contains("id=\"host-filter\""));
    assert!(!list.html.contains("Host: "));

    // The owner's type does not exist for the member, on every route.
    member
        .get(&format!("{LIST}/{owners_id}"))
        .await
        .expect_html(404);
    member
        .get(&format!("{LIST}/{owners_id}/delete"))
        .await
        .expect_html(404);
    member
        .submit(
            &format!("{LIST}/{owners_id}"),
            &create_form(&app, &[("name", "Taken over")]),
        )
        .await
        .expect_html(404);
    for action in ["archive", "restore", "delete"] {
        member
            .submit(&format!("{LIST}/{owners_id}/{action}"), &[])
            .await
            .expect_html(404);
    }
    let still = app
        .get(&format!("/event-types/{owners_id}"))
        .await
        .expect(200)
        .body;
    assert_eq!(still["name"], "Owner intro");
    assert!(still["archivedAt"].is_null());

    // The owner sees every host's types with the host's name, and can filter by host.
    let owner = Console::owner(&app).await;
    let all = owner.get(LIST).await.expect_html(200);
    all.contains("Owner intro")
        .contains("Mia's chat")
        .contains("Host: mia")
        .contains("id=\"host-filter\"");
    let filtered = owner
        .get(&format!("{LIST}?host={mia}"))
        .await
        .expect_html(200);
    filtered.contains("Mia's chat");
    assert!(!filtered.html.contains("Owner intro"));
});

on_both_backends!(console_event_type_forms_need_the_csrf_token, |app| {
    let console = Console::owner(&app).await;
    let intro = app.event_type("intro", json!({})).await;
    let id = intro["id"].as_str().expect("id");
    let fields = create_form(&app, &[("slug", "fresh")]);
    console
        .submit_raw(LIST, &fields, &app.address)
        .await
        .expect_html(403);
    let mut wrong = vec![("_csrf", "not-the-token")];
    wrong.extend_from_slice(&fields);
    console
        .submit_raw(LIST, &wrong, &app.address)
        .await
        .expect_html(403);
    console
        .submit_raw(&format!("{LIST}/{id}"), &fields, &app.address)
        .await
        .expect_html(403);
    for action in ["archive", "delete"] {
        console
            .submit_raw(&format!("{LIST}/{id}/{action}"), &[], &app.address)
            .await
            .expect_html(403);
    }
    let list = listed(&app, "include").await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["slug"], "intro");
    assert!(list["items"][0]["archivedAt"].is_null());
});
