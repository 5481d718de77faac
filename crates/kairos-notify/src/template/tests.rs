use kairos_core::event_type::ReminderTiming;
use kairos_core::text::EmailAddress;
use kairos_core::zone::TimeZoneName;

use super::*;
use crate::notification::{Party, Response};

fn notification(kind: NotificationKind, audience: Audience) -> Notification {
    Notification {
        kind,
        audience,
        reminder: (kind == NotificationKind::Reminder).then_some(ReminderTiming::Hours24),
        tenant_name: "Acme Consulting".into(),
        host: Party {
            name: "Ada Lovelace".into(),
            email: EmailAddress::parse("ada@example.com").unwrap(),
        },
        invitee: Party {
            name: "Grace Hopper".into(),
            email: EmailAddress::parse("grace@example.org").unwrap(),
        },
        event_type_name: "Intro call".into(),
        start: "2026-03-03T13:30:00Z".parse().unwrap(),
        end: "2026-03-03T14:00:00Z".parse().unwrap(),
        previous_start: (kind == NotificationKind::Reschedule)
            .then(|| "2026-03-02T09:00:00Z".parse().unwrap()),
        time_zone: TimeZoneName::parse("Europe/Berlin").unwrap(),
        location: Some("Google Meet".into()),
        meet_link: Some("https://meet.example/abc-defg-hij".into()),
        cancel_link: (audience == Audience::Invitee)
            .then(|| "https://acme.example/bookings/b1/cancel?token=t0k3n".into()),
        reschedule_link: (audience == Audience::Invitee)
            .then(|| "https://acme.example/bookings/b1/reschedule?token=t0k3n".into()),
        manage_link: (audience == Audience::Host)
            .then(|| "https://app.example/admin/bookings/b1".into()),
        responses: vec![
            Response {
                question: "Team size".into(),
                answer: "11+".into(),
            },
            Response {
                question: "Topics".into(),
                answer: "Pricing, onboarding".into(),
            },
        ],
        notes: Some("Looking forward to it.\nSecond line.".into()),
        cancel_reason: (kind == NotificationKind::Cancellation).then(|| "Something came up".into()),
        ical_uid: "b1@kairos.example".into(),
        sequence: 0,
    }
}

fn every_notification() -> impl Iterator<Item = Notification> {
    NotificationKind::ALL.into_iter().flat_map(|kind| {
        Audience::ALL
            .into_iter()
            .map(move |audience| notification(kind, audience))
    })
}

fn body_override(body: &str) -> TemplateOverride {
    TemplateOverride::parse(None, Some(body)).unwrap()
}

// ---- the language ----

#[test]
fn variables_round_trip_through_their_names() {
    for variable in Variable::ALL {
        assert_eq!(Variable::from_name(variable.name()), Some(variable));
        assert_eq!(variable.to_string(), format!("{{{{{}}}}}", variable.name()));
    }
    assert_eq!(Variable::from_name("HostName"), None);
}

#[test]
fn a_template_reads_text_and_variables_with_optional_spaces() {
    let template =
        Template::parse("Hi {{inviteeName}}, {{ hostName }} {x} }\n{{duration}}").unwrap();
    assert_eq!(
        template.lines,
        [
            vec![
                Piece::Literal("Hi ".into()),
                Piece::Variable(Variable::InviteeName),
                Piece::Literal(", ".into()),
                Piece::Variable(Variable::HostName),
                Piece::Literal(" {x} }".into()),
            ],
            vec![Piece::Variable(Variable::Duration)],
        ]
    );
    assert_eq!(
        template.variables().collect::<Vec<_>>(),
        [
            Variable::InviteeName,
            Variable::HostName,
            Variable::Duration
        ]
    );
}

#[test]
fn an_unknown_variable_is_refused_by_name_and_line() {
    let error = Template::parse("Hello\nHi {{ guestName }}!").unwrap_err();
    assert_eq!(
        error,
        TemplateError::UnknownVariable {
            name: "guestName".into(),
            line: 2
        }
    );
    let message = error.to_string();
    assert!(
        message.starts_with("line 2: unknown variable {{guestName}}"),
        "{message}"
    );
    assert!(
        message.contains("{{hostName}}"),
        "lists the known ones: {message}"
    );
}

#[test]
fn variable_names_are_case_sensitive() {
    assert!(matches!(
        Template::parse("{{HostName}}"),
        Err(TemplateError::UnknownVariable { name, .. }) if name == "HostName"
    ));
}

#[test]
fn an_unclosed_variable_is_refused() {
    for (source, near) in [
        ("Hi {{inviteeName", "{{inviteeName"),
        ("Hi {{inviteeName}", "{{inviteeName}"),
        (
            "Hi {{inviteeName {{hostName}}",
            "{{inviteeName {{hostName}}",
        ),
        ("{{{hostName}}}", "{{{hostName}}}"),
    ] {
        assert_eq!(
            Template::parse(source),
            Err(TemplateError::Unclosed {
                near: near.into(),
                line: 1
            }),
            "{source}"
        );
    }
    // A variable cannot span lines.
    assert!(matches!(
        Template::parse("ok\n{{host\nName}}"),
        Err(TemplateError::Unclosed { line: 2, .. })
    ));
}

#[test]
fn a_close_without_an_open_is_refused() {
    assert_eq!(
        Template::parse("Hi inviteeName}} and {{hostName}}"),
        Err(TemplateError::UnmatchedClose {
            near: "Hi inviteeName}}".into(),
            line: 1
        })
    );
    assert!(matches!(
        Template::parse("{{hostName}} }}"),
        Err(TemplateError::UnmatchedClose { .. })
    ));
}

#[test]
fn an_empty_variable_is_refused() {
    assert_eq!(
        Template::parse("a\n\n{{  }}"),
        Err(TemplateError::EmptyVariable { line: 3 })
    );
}

#[test]
fn error_texts_are_shortened() {
    let long = format!("{{{{{}", "x".repeat(100));
    let Err(TemplateError::Unclosed { near, .. }) = Template::parse(&long) else {
        panic!("expected an unclosed variable");
    };
    assert_eq!(near.chars().count(), 40);
    assert!(near.ends_with('…'));
}

// ---- overrides ----

#[test]
fn an_override_names_the_field_at_fault() {
    let error = TemplateOverride::parse(Some("Hi {{nope}}"), Some("ok")).unwrap_err();
    assert_eq!(error.field, OverrideField::Subject);
    assert!(
        error
            .to_string()
            .starts_with("subject: line 1: unknown variable {{nope}}")
    );

    let error = TemplateOverride::parse(Some("ok"), Some("ok\n{{notes")).unwrap_err();
    assert_eq!(error.field, OverrideField::Body);
    assert!(matches!(
        error.error,
        TemplateError::Unclosed { line: 2, .. }
    ));
}

#[test]
fn a_subject_override_is_one_line_without_details() {
    let error = TemplateOverride::parse(Some("Booked\r\nBcc: x@example.com"), None).unwrap_err();
    assert_eq!(error.error, TemplateError::LineBreakInSubject);
    let error = TemplateOverride::parse(Some("{{details}}"), None).unwrap_err();
    assert_eq!(
        error.error,
        TemplateError::NotInSubject {
            variable: Variable::Details
        }
    );
}

#[test]
fn blank_override_fields_keep_the_built_in_text() {
    let blank = TemplateOverride::parse(Some("  "), Some("\n")).unwrap();
    assert_eq!(blank, TemplateOverride::default());
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    assert_eq!(render(&n, Some(&blank)), render(&n, None));
}

#[test]
fn over_long_overrides_are_refused() {
    let subject = "x".repeat(TemplateOverride::MAX_SUBJECT_CHARS + 1);
    let error = TemplateOverride::parse(Some(&subject), None).unwrap_err();
    assert_eq!(error.error, TemplateError::TooLong { max: 300, got: 301 });
    let body = "é".repeat(TemplateOverride::MAX_BODY_CHARS);
    assert!(TemplateOverride::parse(None, Some(&body)).is_ok());
}

#[test]
fn overrides_store_their_source_and_load_through_the_same_check() {
    let saved = TemplateOverride::parse(Some("Hi {{inviteeName}}"), Some("a\r\nb")).unwrap();
    let json = serde_json::to_string(&saved).unwrap();
    assert_eq!(json, r#"{"subject":"Hi {{inviteeName}}","body":"a\nb"}"#);
    let loaded: TemplateOverride = serde_json::from_str(&json).unwrap();
    assert_eq!(loaded, saved);

    let error = serde_json::from_str::<TemplateOverride>(r#"{"body":"{{nope}}"}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("body: line 1: unknown variable {{nope}}")
    );
    assert!(serde_json::from_str::<TemplateOverride>(r#"{"html":"<b>"}"#).is_err());
}

// ---- rendering ----

#[test]
fn every_built_in_template_parses() {
    for kind in NotificationKind::ALL {
        for audience in Audience::ALL {
            let defaults = default_template(kind, audience);
            let subject = Template::parse(defaults.subject).unwrap();
            subject.check_subject().unwrap();
            let body = Template::parse(defaults.body).unwrap();
            assert!(body.variables().any(|v| v == Variable::Details));
        }
    }
}

#[test]
fn every_built_in_email_renders_with_every_variable_resolved() {
    for n in every_notification() {
        let email = render(&n, None);
        let what = format!("{:?}/{:?}", n.kind, n.audience);
        for part in [&email.subject, &email.text, &email.html] {
            assert!(
                !part.contains("{{") && !part.contains("}}"),
                "{what}: {part}"
            );
        }
        assert!(
            email.subject.contains("Intro call"),
            "{what}: {}",
            email.subject
        );
        let other = match n.audience {
            Audience::Host => "Grace Hopper",
            Audience::Invitee => "Ada Lovelace",
        };
        assert!(email.subject.contains(other), "{what}: {}", email.subject);
        let greeting = format!("Hi {},\n\n", n.to().name);
        assert!(email.text.starts_with(&greeting), "{what}: {}", email.text);
        assert!(
            email
                .text
                .contains("When: Tuesday, 3 March 2026, 14:30–15:00 (Europe/Berlin, CET)"),
            "{what}: {}",
            email.text
        );
        assert!(
            email
                .text
                .contains("Team size: 11+\nTopics: Pricing, onboarding")
        );
        assert!(email.text.ends_with('\n') && !email.text.ends_with("\n\n"));
        assert!(email.html.contains("Intro call"));
        assert!(email.html.starts_with("<!DOCTYPE html>"));
    }
}

#[test]
fn an_override_using_every_variable_resolves_them_all() {
    let body: String = Variable::ALL
        .iter()
        .map(|v| format!("{}={v}\n", v.name()))
        .collect();
    let body_override = TemplateOverride::parse(None, Some(&body)).unwrap();
    let subject_overrides: Vec<TemplateOverride> = Variable::ALL
        .iter()
        .filter(|v| **v != Variable::Details)
        .map(|v| TemplateOverride::parse(Some(&format!("[{v}]")), None).unwrap())
        .collect();
    for n in every_notification() {
        let email = render(&n, Some(&body_override));
        for part in [&email.text, &email.html] {
            assert!(!part.contains("{{") && !part.contains("}}"), "{part}");
        }
        assert!(email.text.contains("hostName=Ada Lovelace\n"));
        assert!(
            email
                .text
                .contains("startTime=Tuesday, 3 March 2026, 14:30 (Europe/Berlin, CET)\n")
        );
        for subject_override in &subject_overrides {
            let subject = render(&n, Some(subject_override)).subject;
            assert!(
                !subject.contains("{{") && !subject.contains("}}"),
                "{subject}"
            );
            assert!(!subject.contains(|c: char| c.is_control()), "{subject:?}");
        }
    }
}

#[test]
fn the_invitee_confirmation_reads_like_an_email() {
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let email = render(&n, None);
    assert_eq!(email.subject, "Confirmed: Intro call with Ada Lovelace");
    assert_eq!(
        email.text,
        "Hi Grace Hopper,\n\
         \n\
         Your Intro call with Ada Lovelace is booked for Tuesday, 3 March 2026, 14:30 \
         (Europe/Berlin, CET). The calendar invitation is attached.\n\
         \n\
         What: Intro call (30 minutes)\n\
         When: Tuesday, 3 March 2026, 14:30–15:00 (Europe/Berlin, CET)\n\
         Where: Google Meet\n\
         Host: Ada Lovelace <ada@example.com>\n\
         Team size: 11+\n\
         Topics: Pricing, onboarding\n\
         Notes: Looking forward to it.\n\
         Second line.\n\
         \n\
         Join meeting: https://meet.example/abc-defg-hij\n\
         Reschedule: https://acme.example/bookings/b1/reschedule?token=t0k3n\n\
         Cancel booking: https://acme.example/bookings/b1/cancel?token=t0k3n\n"
    );
}

#[test]
fn a_host_email_shows_the_invitee_and_the_manage_link() {
    let email = render(
        &notification(NotificationKind::Confirmation, Audience::Host),
        None,
    );
    assert_eq!(email.subject, "New booking: Intro call with Grace Hopper");
    assert!(
        email
            .text
            .contains("Invitee: Grace Hopper <grace@example.org>\n")
    );
    assert!(
        email
            .text
            .contains("Open booking: https://app.example/admin/bookings/b1\n")
    );
    assert!(
        !email.text.contains("token"),
        "no invitee secrets: {}",
        email.text
    );
}

#[test]
fn a_cancellation_gives_the_reason_and_no_join_or_change_links() {
    let mut n = notification(NotificationKind::Cancellation, Audience::Invitee);
    let email = render(&n, None);
    assert!(
        email
            .text
            .contains("has been cancelled.\nReason: Something came up\n")
    );
    assert!(!email.text.contains("Join meeting"));
    assert!(!email.text.contains("Cancel booking"));
    assert!(email.html.contains(">Cancelled</span>"));
    assert!(email.html.contains(">30 minutes</span>"));

    n.cancel_reason = None;
    let email = render(&n, None);
    assert!(!email.text.contains("Reason"), "{}", email.text);
}

#[test]
fn a_reschedule_shows_the_old_time() {
    let email = render(
        &notification(NotificationKind::Reschedule, Audience::Invitee),
        None,
    );
    assert!(
        email
            .text
            .contains("Previously: Monday, 2 March 2026, 10:00 (Europe/Berlin, CET)\n"),
        "{}",
        email.text
    );
}

#[test]
fn a_reminder_says_how_soon() {
    let mut n = notification(NotificationKind::Reminder, Audience::Invitee);
    assert_eq!(
        render(&n, None).subject,
        "Reminder: Intro call with Ada Lovelace in 24 hours"
    );
    n.reminder = Some(ReminderTiming::Hours48);
    assert!(
        render(&n, None)
            .text
            .contains("starts in 2 days, on Tuesday")
    );
    n.reminder = None;
    assert!(render(&n, None).subject.ends_with("Ada Lovelace soon"));

    let confirmation = notification(NotificationKind::Confirmation, Audience::Invitee);
    assert_eq!(
        Values::new(&confirmation).get(Variable::ReminderTiming),
        Fragment::Text(String::new())
    );
}

#[test]
fn lines_whose_variables_are_all_empty_vanish() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Invitee);
    n.location = None;
    n.notes = None;
    n.meet_link = None;
    let template_override = body_override(
        "Hello\n\nWhere: {{location}}\nNotes: {{notes}} / {{meetLink}}\n\n\n\nBye {{inviteeName}} {{notes}}\n\n{{details}}\n\n",
    );
    let email = render(&n, Some(&template_override));
    assert!(
        email
            .text
            .starts_with("Hello\n\nBye Grace Hopper\n\nWhat: Intro call"),
        "{}",
        email.text
    );
    assert!(!email.text.contains("Where"));
    assert!(!email.text.contains("Notes"));
    assert!(!email.text.contains("Join meeting"));
}

#[test]
fn the_details_come_last_when_an_override_leaves_them_out() {
    let n = notification(NotificationKind::Confirmation, Audience::Invitee);
    let email = render(&n, Some(&body_override("Thanks for booking!")));
    assert!(
        email
            .text
            .starts_with("Thanks for booking!\n\nWhat: Intro call (30 minutes)\n"),
        "{}",
        email.text
    );
    assert!(email.text.contains("Cancel booking: https://acme.example/"));
    assert_eq!(email.html.matches("Cancel booking</a>").count(), 1);
}

#[test]
fn custom_responses_are_question_and_answer_lines() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Host);
    n.responses[1].answer = "Pricing\r\nonboarding".into();
    let email = render(
        &n,
        Some(&body_override("Answers:\n{{customResponses}}\nEnd")),
    );
    assert!(
        email
            .text
            .starts_with("Answers:\nTeam size: 11+\nTopics: Pricing\nonboarding\nEnd\n")
    );
}

// ---- safety ----

#[test]
fn values_and_template_text_are_escaped_in_html() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Host);
    n.invitee.name = "<script>alert(\"x\")</script> & 'co'".into();
    n.notes = Some("<img src=x onerror=alert(1)>".into());
    n.responses[0].answer = "</td></tr><b>bold</b>".into();
    n.event_type_name = "Intro <i>call</i>".into();
    n.tenant_name = "Acme & <Sons>".into();
    let template_override = body_override("<b>Hi</b> {{inviteeName}} & {{notes}}\n\n{{details}}");
    let email = render(&n, Some(&template_override));
    for forbidden in ["<script", "<img", "<b>", "<i>", "</td></tr><b>", "<Sons>"] {
        assert!(
            !email.html.contains(forbidden),
            "{forbidden} in {}",
            email.html
        );
    }
    assert!(email.html.contains(
        "&lt;b&gt;Hi&lt;/b&gt; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39; &amp; &lt;img src=x onerror=alert(1)&gt;"
    ));
    assert!(email.html.contains("Acme &amp; &lt;Sons&gt;"));
    assert!(email.html.contains("Intro &lt;i&gt;call&lt;/i&gt; <span"));
    assert!(
        !email.html.contains(">What</td>"),
        "the card's title says what"
    );
    assert!(
        email
            .html
            .contains("<title>New booking: Intro &lt;i&gt;call&lt;/i&gt; with")
    );
    // The text part is plain text: nothing to escape.
    assert!(email.text.contains("<b>Hi</b> <script>"));
}

#[test]
fn only_our_link_values_become_links() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Invitee);
    n.notes = Some("see https://evil.example/phish".into());
    n.meet_link = Some("https://meet.example/a?b=1&c=\"2\"".into());
    let template_override = body_override("Join: {{meetLink}}\nNotes: {{notes}}");
    let email = render(&n, Some(&template_override));
    assert!(
        !email.html.contains("href=\"https://evil"),
        "{}",
        email.html
    );
    assert!(email.html.contains("see https://evil.example/phish"));
    assert!(email.html.contains(
        "Join: <a href=\"https://meet.example/a?b=1&amp;c=&quot;2&quot;\" style=\"color:#2563eb;word-break:break-all;\">https://meet.example/a?b=1&amp;c=&quot;2&quot;</a>"
    ));
}

#[test]
fn links_that_are_not_web_urls_stay_text() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Invitee);
    n.meet_link = Some("javascript:alert(1)".into());
    n.cancel_link = Some("JavaScript:alert(2)".into());
    let email = render(
        &n,
        Some(&body_override("{{meetLink}} {{cancelLink}}\n\n{{details}}")),
    );
    assert!(!email.html.to_lowercase().contains("href=\"javascript"));
    assert!(email.html.contains("javascript:alert(1)"));
    assert!(email.text.contains("Join meeting: javascript:alert(1)"));
}

#[test]
fn line_breaks_never_reach_the_subject() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Invitee);
    n.event_type_name = "Intro\r\nBcc: victim@example.com".into();
    n.host.name = "Ada\nLovelace\u{0}\u{85}".into();
    n.notes = Some("a\r\n\r\nb".into());
    let email = render(&n, None);
    assert_eq!(
        email.subject,
        "Confirmed: Intro Bcc: victim@example.com with Ada Lovelace"
    );
    let template_override = TemplateOverride::parse(
        Some("{{notes}} {{customResponses}} {{eventTypeName}}"),
        None,
    )
    .unwrap();
    let subject = render(&n, Some(&template_override)).subject;
    assert!(!subject.contains(|c: char| c.is_control()), "{subject:?}");
    assert_eq!(
        subject,
        "a b Team size: 11+ Topics: Pricing, onboarding Intro Bcc: victim@example.com"
    );
}

#[test]
fn a_name_cannot_forge_a_line_in_the_body() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Host);
    n.invitee.name = "Grace\nCancel here: https://evil.example".into();
    let email = render(&n, None);
    assert!(
        email
            .text
            .contains("Grace Cancel here: https://evil.example booked")
    );
    assert!(!email.text.contains("\nCancel here"));
}

#[test]
fn blank_lines_in_notes_make_paragraphs_in_html() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Host);
    n.notes = Some("first\nsecond\n\nthird".into());
    let email = render(
        &n,
        Some(&body_override(
            "Intro line\nNotes: {{notes}}\n\n{{details}}",
        )),
    );
    assert!(
        email.html.contains(
            "<p style=\"margin:0 0 16px 0;\">Intro line<br>Notes: first<br>second</p>\n<p style=\"margin:0 0 16px 0;\">third</p>"
        ),
        "{}",
        email.html
    );
}

// ---- times ----

fn in_zone(
    kind: NotificationKind,
    audience: Audience,
    zone: &str,
    start: &str,
    end: &str,
) -> Notification {
    Notification {
        time_zone: TimeZoneName::parse(zone).unwrap(),
        start: start.parse().unwrap(),
        end: end.parse().unwrap(),
        ..notification(kind, audience)
    }
}

fn variable(n: &Notification, variable: Variable) -> String {
    match Values::new(n).get(variable) {
        Fragment::Text(text) | Fragment::Link(text) => text,
        Fragment::Details => Values::new(n).details().to_text(),
    }
}

#[test]
fn times_are_shown_in_the_recipients_zone_with_its_abbreviation() {
    let n = in_zone(
        NotificationKind::Confirmation,
        Audience::Invitee,
        "Europe/Berlin",
        "2026-03-03T13:30:00Z",
        "2026-03-03T14:15:00Z",
    );
    assert_eq!(
        variable(&n, Variable::StartTime),
        "Tuesday, 3 March 2026, 14:30 (Europe/Berlin, CET)"
    );
    assert_eq!(
        variable(&n, Variable::EndTime),
        "Tuesday, 3 March 2026, 15:15 (Europe/Berlin, CET)"
    );
    assert_eq!(variable(&n, Variable::Timezone), "Europe/Berlin");
    assert_eq!(variable(&n, Variable::Duration), "45 minutes");
}

#[test]
fn the_day_berlin_springs_forward_shows_summer_time() {
    // Europe/Berlin moves from CET (+01) to CEST (+02) at 01:00 UTC on 29 March 2026.
    let before = in_zone(
        NotificationKind::Confirmation,
        Audience::Invitee,
        "Europe/Berlin",
        "2026-03-28T09:00:00Z",
        "2026-03-28T09:30:00Z",
    );
    assert_eq!(
        variable(&before, Variable::TimeRange),
        "Saturday, 28 March 2026, 10:00–10:30 (Europe/Berlin, CET)"
    );
    let after = in_zone(
        NotificationKind::Confirmation,
        Audience::Invitee,
        "Europe/Berlin",
        "2026-03-29T09:00:00Z",
        "2026-03-29T09:30:00Z",
    );
    assert_eq!(
        variable(&after, Variable::TimeRange),
        "Sunday, 29 March 2026, 11:00–11:30 (Europe/Berlin, CEST)"
    );
}

#[test]
fn a_meeting_across_the_dst_change_shows_both_ends_in_full() {
    let n = in_zone(
        NotificationKind::Confirmation,
        Audience::Invitee,
        "Europe/Berlin",
        "2026-03-29T00:30:00Z",
        "2026-03-29T01:30:00Z",
    );
    assert_eq!(
        variable(&n, Variable::TimeRange),
        "Sunday, 29 March 2026, 01:30 (Europe/Berlin, CET) – Sunday, 29 March 2026, 03:30 (Europe/Berlin, CEST)"
    );
    assert_eq!(variable(&n, Variable::Duration), "1 hour");
}

#[test]
fn the_host_in_new_york_sees_their_own_time() {
    // The same booking: 11:00 CEST in Berlin is 05:00 EDT in New York (US DST began 8 March).
    let host = in_zone(
        NotificationKind::Confirmation,
        Audience::Host,
        "America/New_York",
        "2026-03-29T09:00:00Z",
        "2026-03-29T10:30:00Z",
    );
    let email = render(&host, None);
    assert!(
        email
            .text
            .contains("When: Sunday, 29 March 2026, 05:00–06:30 (America/New_York, EDT)\n"),
        "{}",
        email.text
    );
    assert!(email.text.contains("What: Intro call (1 hour 30 minutes)"));
    assert!(!email.text.contains("Berlin"));
}

#[test]
fn a_meeting_across_midnight_shows_both_dates() {
    let n = in_zone(
        NotificationKind::Confirmation,
        Audience::Invitee,
        "Asia/Kathmandu",
        "2026-06-30T18:00:00Z",
        "2026-06-30T18:30:00Z",
    );
    assert_eq!(
        variable(&n, Variable::TimeRange),
        "Tuesday, 30 June 2026, 23:45 (Asia/Kathmandu, +0545) – Wednesday, 1 July 2026, 00:15 (Asia/Kathmandu, +0545)"
    );
}

#[test]
fn utc_is_not_named_twice() {
    let n = in_zone(
        NotificationKind::Confirmation,
        Audience::Invitee,
        "UTC",
        "2026-01-05T08:05:00Z",
        "2026-01-05T10:05:00Z",
    );
    assert_eq!(
        variable(&n, Variable::TimeRange),
        "Monday, 5 January 2026, 08:05–10:05 (UTC)"
    );
    assert_eq!(variable(&n, Variable::Duration), "2 hours");
}

#[test]
fn durations_read_in_words() {
    let mut n = notification(NotificationKind::Confirmation, Audience::Invitee);
    for (minutes, words) in [
        (1, "1 minute"),
        (15, "15 minutes"),
        (60, "1 hour"),
        (61, "1 hour 1 minute"),
        (75, "1 hour 15 minutes"),
        (180, "3 hours"),
    ] {
        n.end = n.start + jiff::SignedDuration::from_mins(minutes);
        assert_eq!(variable(&n, Variable::Duration), words);
    }
}
