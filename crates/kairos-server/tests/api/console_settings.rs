//! The console's settings pages: profile and booking settings, and the notification wording.
//! Every change is checked through the JSON API.

use serde_json::json;

use crate::console::{Console, member_with_password};
use crate::on_both_backends;

const SETTINGS: &str = "/admin/scheduling/settings";
const EMAILS: &str = "/admin/scheduling/settings/notifications";
const CONFIRMATION: &str = "/admin/scheduling/settings/notifications/booking_confirmation/invitee";

/// A complete, valid settings form with `changes` applied.
fn settings_form<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![
        ("display_name", "Olive Owner"),
        ("email", "olive@acme.example"),
        ("timezone", "Asia/Kolkata"),
        ("avatar_url", "https://example.com/olive.png"),
        ("default_duration", "45"),
        ("minimum_notice_hours", "2"),
        ("buffer_before_mins", "5"),
        ("buffer_after_mins", "0"),
        ("booking_window_days", "30"),
        ("daily_limit", "6"),
        ("weekly_limit", ""),
    ];
    for (name, value) in changes {
        if let Some(field) = fields.iter_mut().find(|(n, _)| n == name) {
            field.1 = value;
        }
    }
    fields
}

on_both_backends!(profile_and_booking_settings_are_saved_together, |app| {
    let console = Console::owner(&app).await;
    let page = console.get(SETTINGS).await.expect_html(200);
    page.contains("Booking rules");
    page.contains("id=\"buffer_after_mins\" name=\"buffer_after_mins\" value=\"15\"");
    page.contains("Notification emails");

    let saved = console.submit(SETTINGS, &settings_form(&[])).await;
    assert_eq!(
        saved.see_other(&app.address),
        "/admin/scheduling/settings?notice=saved"
    );
    let settings = app.get("/settings").await.expect(200).body;
    assert_eq!(
        settings,
        json!({
            "minimumNoticeHours": 2, "bookingWindowDays": 30, "bufferBeforeMins": 5,
            "bufferAfterMins": 0, "dailyLimit": 6, "weeklyLimit": null, "defaultDuration": 45
        })
    );
    let owner = app
        .get(&format!("/users/{}", app.owner_user_id))
        .await
        .expect(200)
        .body;
    assert_eq!(owner["displayName"], "Olive Owner");
    assert_eq!(owner["email"], "olive@acme.example");
    assert_eq!(owner["timezone"], "Asia/Kolkata");
    assert_eq!(owner["avatarUrl"], "https://example.com/olive.png");
    // The profile's zone shows times; the weekly hours keep their own.
    assert_eq!(
        app.get("/availability").await.body["timezone"],
        "Europe/London"
    );

    // A blank avatar removes it; blank limits are no limit.
    console
        .submit(
            SETTINGS,
            &settings_form(&[("avatar_url", " "), ("daily_limit", "")]),
        )
        .await
        .see_other(&app.address);
    let owner = app.get(&format!("/users/{}", app.owner_user_id)).await.body;
    assert!(owner["avatarUrl"].is_null());
    assert!(owner["settings"]["dailyLimit"].is_null());
});

on_both_backends!(refused_settings_are_shown_again_and_store_nothing, |app| {
    let console = Console::owner(&app).await;
    let settings_before = app.get("/settings").await.body;
    let user_before = app.get(&format!("/users/{}", app.owner_user_id)).await.body;
    for (name, value, message) in [
        (
            "buffer_before_mins",
            "481",
            "Must be between 0 and 480 minutes, got 481.",
        ),
        ("minimum_notice_hours", "soon", "Enter a whole number"),
        ("booking_window_days", "", "Enter a number."),
        ("default_duration", "3", "Must be between 5 and 720 minutes"),
        ("daily_limit", "0", "Must be between 1 and 1000 bookings"),
        ("email", "not an email", "Not a valid email address"),
        ("display_name", "  ", "Must be 1 to 200 characters"),
        ("timezone", "Mars/Olympus_Mons", "Unknown time zone"),
        (
            "avatar_url",
            "javascript:alert(1)",
            "An avatar URL must be an http(s) URL",
        ),
    ] {
        let page = console
            .submit(SETTINGS, &settings_form(&[(name, value)]))
            .await
            .expect_html(422);
        page.contains(message);
        page.contains("Nothing was saved.");
        page.contains(&format!("id=\"{name}-error\""));
        page.contains(&format!("<a href=\"#{name}\">"));
        // The values are kept as typed.
        if name == "timezone" {
            page.contains(&format!("<option value=\"{value}\" selected>"));
        } else {
            page.contains(&format!("name=\"{name}\" value=\"{}\"", value.trim()));
        }
        if name != "display_name" {
            page.contains("value=\"Olive Owner\"");
        }
    }
    // Several problems at once are all listed.
    let page = console
        .submit(
            SETTINGS,
            &settings_form(&[("buffer_after_mins", "-1"), ("weekly_limit", "1001")]),
        )
        .await
        .expect_html(422);
    page.contains("Please correct these 2 problems.");
    assert_eq!(app.get("/settings").await.body, settings_before);
    assert_eq!(
        app.get(&format!("/users/{}", app.owner_user_id)).await.body,
        user_before
    );
});

on_both_backends!(notification_wording_is_edited_validated_and_reset, |app| {
    let console = Console::owner(&app).await;
    let list = console.get(EMAILS).await.expect_html(200);
    assert_eq!(
        list.html
            .matches("<span class=\"badge\">Built-in</span>")
            .count(),
        8
    );
    list.contains(&format!("href=\"{CONFIRMATION}\""));

    let edit = console.get(CONFIRMATION).await.expect_html(200);
    edit.contains("Confirmed: {{eventTypeName}} with {{hostName}}");
    edit.contains("Hi {{inviteeName}},");
    edit.contains("{{rescheduleLink}}");
    edit.contains("Built-in wording");

    // A new subject; the body left as the built-in text stays built-in.
    let default_body = edit_body(&edit.html);
    let saved = console
        .submit(
            CONFIRMATION,
            &[
                ("subject", "See you, {{inviteeName}}"),
                ("body", &default_body.replace('\n', "\r\n")),
            ],
        )
        .await;
    assert_eq!(
        saved.see_other(&app.address),
        "/admin/scheduling/settings/notifications?notice=template-saved"
    );
    let stored = confirmation(&app).await;
    assert_eq!(stored["subject"], "See you, {{inviteeName}}");
    assert!(stored["body"].is_null(), "{stored}");
    console
        .get(&format!("{EMAILS}?notice=template-saved"))
        .await
        .expect_html(200)
        .contains("The notification wording was saved.")
        .contains("Custom");

    // Bad templates are refused with the reason, values kept.
    let page = console
        .submit(
            CONFIRMATION,
            &[("subject", "Hi"), ("body", "Hello {{nobody}}")],
        )
        .await
        .expect_html(422);
    page.contains("Line 1: unknown variable {{nobody}}");
    page.contains("id=\"body-error\"");
    page.contains(">Hello {{nobody}}</textarea>");
    let page = console
        .submit(
            CONFIRMATION,
            &[("subject", "Line one\r\nline two"), ("body", "")],
        )
        .await
        .expect_html(422);
    page.contains("A subject is a single line");
    page.contains("id=\"subject-error\"");
    assert_eq!(
        confirmation(&app).await["subject"],
        "See you, {{inviteeName}}"
    );

    // A body of its own.
    console
        .submit(
            CONFIRMATION,
            &[
                ("subject", ""),
                ("body", "Booked: {{eventTypeName}}\r\n{{details}}"),
            ],
        )
        .await
        .see_other(&app.address);
    let stored = confirmation(&app).await;
    assert!(stored["subject"].is_null());
    assert_eq!(stored["body"], "Booked: {{eventTypeName}}\n{{details}}");

    let reset = console.submit(&format!("{CONFIRMATION}/reset"), &[]).await;
    assert_eq!(
        reset.see_other(&app.address),
        "/admin/scheduling/settings/notifications?notice=template-reset"
    );
    let stored = confirmation(&app).await;
    assert!(stored["subject"].is_null() && stored["body"].is_null());
    console.get(EMAILS).await.expect_html(200);
    console
        .get("/admin/scheduling/settings/notifications/booking_party/invitee")
        .await
        .expect_html(404);
    console
        .submit_raw(CONFIRMATION, &[("subject", "x")], &app.address)
        .await
        .expect_html(403);
});

on_both_backends!(members_cannot_open_notification_wording, |app| {
    let email = member_with_password(&app, "mia", "mia's long password").await;
    let member = Console::login(&app, &email, "mia's long password").await;
    member
        .get(EMAILS)
        .await
        .expect_html(403)
        .contains("Only owners and admins may do this.");
    member.get(CONFIRMATION).await.expect_html(403);
    member
        .submit(CONFIRMATION, &[("subject", "Hi {{inviteeName}}")])
        .await
        .expect_html(403);
    member
        .submit(&format!("{CONFIRMATION}/reset"), &[])
        .await
        .expect_html(403);
    assert!(confirmation(&app).await["subject"].is_null());
    // Their own settings page has no link to it.
    let own = member.get(SETTINGS).await.expect_html(200);
    assert!(!own.html.contains(EMAILS));
    member
        .submit(SETTINGS, &settings_form(&[("email", "mia@acme.example")]))
        .await
        .see_other(&app.address);
    let users = app.get("/users").await.body;
    let mia = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|u| u["username"] == "mia")
        .expect("mia")
        .clone();
    assert_eq!(mia["displayName"], "Olive Owner");
    assert_eq!(mia["settings"]["defaultDuration"], 45);
});

/// The body textarea's text, decoded.
fn edit_body(html: &str) -> String {
    let start = html.find("name=\"body\"").expect("body field");
    let open = start + html[start..].find('>').expect("tag end") + 1;
    let close = open + html[open..].find("</textarea>").expect("textarea end");
    crate::html::unescape(&html[open..close])
}

async fn confirmation(app: &crate::helpers::TestApp) -> serde_json::Value {
    let list = app.get("/notification-templates").await.expect(200).body;
    list.as_array()
        .expect("list")
        .iter()
        .find(|t| t["kind"] == "booking_confirmation" && t["audience"] == "invitee")
        .expect("confirmation")
        .clone()
}
