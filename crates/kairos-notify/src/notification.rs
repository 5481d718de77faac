//! What one booking email says: a self-contained snapshot taken when the booking changes.
//!
//! The server builds a [`Notification`] in the same transaction that changes the booking and
//! stores it as JSON in the outbox; the worker renders and sends it later, possibly after a
//! restart or a retry. So the snapshot holds every value the email shows, already chosen for
//! its one recipient (their time zone, their links), and nothing is looked up at send time.
//! The JSON field names are camelCase and stable: rows written by one version must be read by
//! the next, so fields are only ever added, as optional.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use kairos_core::booking::Answer;
use kairos_core::event_type::{CustomQuestions, ReminderTiming};
use kairos_core::text::EmailAddress;
use kairos_core::zone::TimeZoneName;
use serde::{Deserialize, Serialize};

use crate::ics::Method;

pub use kairos_core::notification::{Audience, NotificationKind};

/// The iTIP method of a notification's calendar part: CANCEL for a cancellation, REQUEST for
/// the rest (a reminder re-sends the current state).
pub const fn calendar_method(kind: NotificationKind) -> Method {
    match kind {
        NotificationKind::Cancellation => Method::Cancel,
        NotificationKind::Confirmation
        | NotificationKind::Reschedule
        | NotificationKind::Reminder => Method::Request,
    }
}

/// One side of a booking: a name to greet and an address to write to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Party {
    /// The display name, e.g. `"Ada Lovelace"`. May be empty; the address is used then.
    pub name: String,
    /// The address the email goes to (or replies go to).
    pub email: EmailAddress,
}

impl Party {
    /// The name, or the address when the name is blank.
    pub fn name_or_email(&self) -> &str {
        let name = self.name.trim();
        if name.is_empty() {
            self.email.as_str()
        } else {
            name
        }
    }
}

/// The invitee's answer to one custom question, as shown in the email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Response {
    /// The question's label, e.g. `"Team size"`.
    pub question: String,
    /// The answer as text, e.g. `"11+"` or `"Yes"`.
    pub answer: String,
}

impl Response {
    /// The answers of a booking in the event type's form order, labelled by their questions.
    ///
    /// Answers to questions that no longer exist are left out: the email shows what the form
    /// asks. Checkboxes read `Yes`/`No`, numbers as written (`3`, `2.5`), and multiple choices
    /// are joined with `", "`.
    pub fn list(questions: &CustomQuestions, answers: &BTreeMap<String, Answer>) -> Vec<Self> {
        questions
            .as_slice()
            .iter()
            .filter_map(|question| {
                let answer = answers.get(question.id())?;
                Some(Self {
                    question: question.label().to_owned(),
                    answer: answer_text(answer),
                })
            })
            .collect()
    }
}

/// An answer as readable text.
fn answer_text(answer: &Answer) -> String {
    match answer {
        Answer::Bool(true) => "Yes".to_owned(),
        Answer::Bool(false) => "No".to_owned(),
        Answer::Number(number) => number.to_string(),
        Answer::Text(text) => text.clone(),
        Answer::Choices(choices) => choices.join(", "),
    }
}

/// Everything one email needs, for one recipient, frozen when the booking changed.
///
/// Build one per recipient: the host's and the invitee's emails about the same change differ
/// in [`audience`](Self::audience), [`time_zone`](Self::time_zone) and the links.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Notification {
    /// What happened to the booking.
    pub kind: NotificationKind,
    /// Who receives this email; see [`Notification::to`].
    pub audience: Audience,
    /// How long before the start this reminder goes out. Read only for
    /// [`NotificationKind::Reminder`] (a reminder without it says "soon"); ignored otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminder: Option<ReminderTiming>,
    /// The organisation's name, shown as the sender in the layout and the sign-off.
    pub tenant_name: String,
    /// The host: the ORGANIZER of the calendar event.
    pub host: Party,
    /// The invitee: the ATTENDEE of the calendar event.
    pub invitee: Party,
    /// The event type's name, e.g. `"Intro call"`; also the calendar event's title.
    pub event_type_name: String,
    /// When the booking starts (for a reschedule: the new start).
    pub start: Timestamp,
    /// When the booking ends. The duration shown is `end - start`.
    pub end: Timestamp,
    /// For a reschedule, when the booking used to start; `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_start: Option<Timestamp>,
    /// The recipient's time zone: the host's for host emails, the invitee's (as they chose it
    /// when booking) for invitee emails. Every time in the email is shown in it.
    pub time_zone: TimeZoneName,
    /// Where the meeting happens, as people read it: `"Google Meet"`, an address, a phone
    /// number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The video call link, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meet_link: Option<String>,
    /// The invitee's cancel page. Set it only in invitee emails: it carries the invitee's
    /// secret token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_link: Option<String>,
    /// The invitee's reschedule page. Set it only in invitee emails, like `cancel_link`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reschedule_link: Option<String>,
    /// The booking's page in the admin app, for host emails.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manage_link: Option<String>,
    /// The invitee's answers to the custom questions, in form order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<Response>,
    /// The invitee's notes from the booking form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// Why the booking was cancelled, when a reason was given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
    /// The calendar event's UID, shared by every booking of a reschedule chain.
    pub ical_uid: String,
    /// The calendar event's SEQUENCE as of this change: the booking's current value, already
    /// raised by the change for a reschedule or cancellation, unchanged for a reminder.
    pub sequence: u32,
}

impl Notification {
    /// The recipient: the host or the invitee, by [`audience`](Self::audience).
    pub fn to(&self) -> &Party {
        match self.audience {
            Audience::Host => &self.host,
            Audience::Invitee => &self.invitee,
        }
    }

    /// The other side of the booking: who a reply to this email should reach.
    pub fn other_party(&self) -> &Party {
        match self.audience {
            Audience::Host => &self.invitee,
            Audience::Invitee => &self.host,
        }
    }

    /// How long the booking lasts (`end - start`), never negative.
    pub fn duration(&self) -> SignedDuration {
        self.start
            .duration_until(self.end)
            .max(SignedDuration::ZERO)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_spell_and_parse_like_the_spec() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Ok(kind));
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
        assert_eq!(NotificationKind::Cancellation.as_str(), "booking_cancelled");
        let error = NotificationKind::parse("booking_confirmed").unwrap_err();
        assert!(error.message().contains("booking_confirmation"));
    }

    #[test]
    fn audiences_spell_and_parse() {
        for audience in Audience::ALL {
            assert_eq!(Audience::parse(audience.as_str()), Ok(audience));
            let json = serde_json::to_string(&audience).unwrap();
            assert_eq!(json, format!("\"{}\"", audience.as_str()));
        }
        assert!(Audience::parse("guest").is_err());
    }

    #[test]
    fn only_a_cancellation_cancels_the_calendar_event() {
        assert_eq!(
            calendar_method(NotificationKind::Cancellation),
            Method::Cancel
        );
        for kind in [
            NotificationKind::Confirmation,
            NotificationKind::Reschedule,
            NotificationKind::Reminder,
        ] {
            assert_eq!(calendar_method(kind), Method::Request);
        }
    }

    #[test]
    fn answers_follow_the_form_order_and_read_as_text() {
        let questions: CustomQuestions = serde_json::from_str(
            r#"[
                {"id":"size","label":"Team size","type":"select","options":["1-10","11+"]},
                {"id":"topics","label":"Topics","type":"multiselect","options":["a","b"]},
                {"id":"seats","label":"Seats","type":"number"},
                {"id":"nda","label":"NDA signed","type":"checkbox"},
                {"id":"gone","label":"Unanswered","type":"text"}
            ]"#,
        )
        .unwrap();
        let answers = BTreeMap::from([
            (
                "topics".to_owned(),
                Answer::Choices(vec!["a".into(), "b".into()]),
            ),
            ("nda".to_owned(), Answer::Bool(true)),
            ("size".to_owned(), Answer::Text("11+".into())),
            ("seats".to_owned(), Answer::Number(2.5)),
            ("removed".to_owned(), Answer::Text("old question".into())),
        ]);
        let listed: Vec<(String, String)> = Response::list(&questions, &answers)
            .into_iter()
            .map(|r| (r.question, r.answer))
            .collect();
        assert_eq!(
            listed,
            [
                ("Team size".to_owned(), "11+".to_owned()),
                ("Topics".to_owned(), "a, b".to_owned()),
                ("Seats".to_owned(), "2.5".to_owned()),
                ("NDA signed".to_owned(), "Yes".to_owned()),
            ]
        );
    }

    fn sample() -> Notification {
        Notification {
            kind: NotificationKind::Reschedule,
            audience: Audience::Host,
            reminder: None,
            tenant_name: "Acme".into(),
            host: Party {
                name: "Ada Lovelace".into(),
                email: EmailAddress::parse("ada@example.com").unwrap(),
            },
            invitee: Party {
                name: " ".into(),
                email: EmailAddress::parse("grace@example.org").unwrap(),
            },
            event_type_name: "Intro call".into(),
            start: "2026-03-10T14:00:00Z".parse().unwrap(),
            end: "2026-03-10T14:45:00Z".parse().unwrap(),
            previous_start: Some("2026-03-09T14:00:00Z".parse().unwrap()),
            time_zone: TimeZoneName::parse("Europe/Berlin").unwrap(),
            location: None,
            meet_link: None,
            cancel_link: None,
            reschedule_link: None,
            manage_link: Some("https://app.example/bookings/1".into()),
            responses: vec![],
            notes: None,
            cancel_reason: None,
            ical_uid: "b1@kairos.example".into(),
            sequence: 2,
        }
    }

    #[test]
    fn the_recipient_and_the_reply_target_follow_the_audience() {
        let mut notification = sample();
        assert_eq!(notification.to().email.as_str(), "ada@example.com");
        assert_eq!(
            notification.other_party().email.as_str(),
            "grace@example.org"
        );
        notification.audience = Audience::Invitee;
        assert_eq!(notification.to().email.as_str(), "grace@example.org");
        assert_eq!(notification.other_party().email.as_str(), "ada@example.com");
        assert_eq!(notification.to().name_or_email(), "grace@example.org");
        assert_eq!(notification.duration(), SignedDuration::from_mins(45));
    }

    #[test]
    fn the_snapshot_round_trips_through_camel_case_json() {
        let notification = sample();
        let json = serde_json::to_value(&notification).unwrap();
        assert_eq!(json["kind"], "booking_rescheduled");
        assert_eq!(json["audience"], "host");
        assert_eq!(json["eventTypeName"], "Intro call");
        assert_eq!(json["previousStart"], "2026-03-09T14:00:00Z");
        assert_eq!(json["timeZone"], "Europe/Berlin");
        assert_eq!(json["icalUid"], "b1@kairos.example");
        assert!(
            json.get("meetLink").is_none(),
            "absent options are left out"
        );
        let back: Notification = serde_json::from_value(json).unwrap();
        assert_eq!(back, notification);
    }

    #[test]
    fn a_snapshot_with_a_bad_zone_or_address_does_not_load() {
        let mut json = serde_json::to_value(sample()).unwrap();
        json["timeZone"] = "Mars/Olympus_Mons".into();
        assert!(serde_json::from_value::<Notification>(json).is_err());
        let mut json = serde_json::to_value(sample()).unwrap();
        json["host"]["email"] = "not an address".into();
        assert!(serde_json::from_value::<Notification>(json).is_err());
    }
}
