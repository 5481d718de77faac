//! Event type parts: colour, location, custom questions and reminder settings.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// The colour an event type is shown in.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventColor {
    Green,
    Mint,
    #[default]
    Blue,
    Purple,
    Orange,
    Red,
    Gray,
}

impl EventColor {
    /// Every colour, in the order a picker shows them.
    pub const ALL: [Self; 7] = [
        Self::Blue,
        Self::Green,
        Self::Mint,
        Self::Purple,
        Self::Orange,
        Self::Red,
        Self::Gray,
    ];

    /// Parses the JSON spelling (`"blue"`).
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|color| color.as_str() == value)
            .ok_or_else(|| {
                ParseError::new(format!(
                    "unknown colour {value:?}: use blue, green, mint, purple, orange, red or gray"
                ))
            })
    }

    /// The JSON spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Green => "green",
            Self::Mint => "mint",
            Self::Blue => "blue",
            Self::Purple => "purple",
            Self::Orange => "orange",
            Self::Red => "red",
            Self::Gray => "gray",
        }
    }
}

/// How a meeting takes place.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LocationType {
    GoogleMeet,
    Zoom,
    Phone,
    InPerson,
    Custom,
}

/// Where a meeting happens: `{type, value?, displayName?}`.
///
/// A phone location needs a number, in-person an address and custom a value; Google Meet and
/// Zoom may carry a fixed link as their value.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawLocation", rename_all = "camelCase")]
pub struct Location {
    #[serde(rename = "type")]
    kind: LocationType,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawLocation {
    #[serde(rename = "type")]
    kind: LocationType,
    value: Option<String>,
    display_name: Option<String>,
}

impl TryFrom<RawLocation> for Location {
    type Error = ParseError;
    fn try_from(raw: RawLocation) -> Result<Self, ParseError> {
        Self::new(raw.kind, raw.value, raw.display_name)
    }
}

impl LocationType {
    /// Every location type.
    pub const ALL: [Self; 5] = [
        Self::GoogleMeet,
        Self::Zoom,
        Self::Phone,
        Self::InPerson,
        Self::Custom,
    ];

    /// The JSON spelling (`"google_meet"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::GoogleMeet => "google_meet",
            Self::Zoom => "zoom",
            Self::Phone => "phone",
            Self::InPerson => "in_person",
            Self::Custom => "custom",
        }
    }

    /// Parses the JSON spelling.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
            .ok_or_else(|| {
                ParseError::new(format!(
                    "unknown location type {value:?}: use google_meet, zoom, phone, in_person or custom"
                ))
            })
    }
}

impl Location {
    /// Checks that the location type has the value it needs.
    pub fn new(
        kind: LocationType,
        value: Option<String>,
        display_name: Option<String>,
    ) -> Result<Self, ParseError> {
        let value = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let display_name = display_name
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty());
        for text in value.iter().chain(display_name.iter()) {
            if text.chars().count() > 500 {
                return Err(ParseError::new("location texts are at most 500 characters"));
            }
        }
        match (kind, &value) {
            (LocationType::Phone, None) => {
                return Err(ParseError::new(
                    "a phone location needs a phone number as its value",
                ));
            }
            (LocationType::Phone, Some(number)) => {
                let digits = number.chars().filter(char::is_ascii_digit).count();
                let allowed = number
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c));
                if !allowed || !(5..=20).contains(&digits) {
                    return Err(ParseError::new(format!(
                        "not a phone number: {number:?} (digits, spaces, + - ( ) and . only)"
                    )));
                }
            }
            (LocationType::InPerson, None) => {
                return Err(ParseError::new(
                    "an in-person location needs an address as its value",
                ));
            }
            (LocationType::Custom, None) => {
                return Err(ParseError::new("a custom location needs a value"));
            }
            _ => {}
        }
        Ok(Self {
            kind,
            value,
            display_name,
        })
    }

    /// Google Meet, with no fixed link (the spec's default).
    pub fn google_meet() -> Self {
        Self {
            kind: LocationType::GoogleMeet,
            value: None,
            display_name: None,
        }
    }

    /// The kind of location.
    pub fn kind(&self) -> LocationType {
        self.kind
    }

    /// The number, address, link or text, if any.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// A label to show instead of the value, if any.
    pub fn display_name(&self) -> Option<&str> {
        self.display_name.as_deref()
    }
}

/// The kind of answer a custom question takes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Text,
    Textarea,
    Email,
    Phone,
    Number,
    Select,
    Multiselect,
    Radio,
    Checkbox,
}

impl QuestionType {
    /// Every question type.
    pub const ALL: [Self; 9] = [
        Self::Text,
        Self::Textarea,
        Self::Email,
        Self::Phone,
        Self::Number,
        Self::Select,
        Self::Radio,
        Self::Multiselect,
        Self::Checkbox,
    ];

    /// Whether the question offers a fixed list of options.
    pub const fn has_options(self) -> bool {
        matches!(self, Self::Select | Self::Multiselect | Self::Radio)
    }

    /// The JSON spelling (`"textarea"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Textarea => "textarea",
            Self::Email => "email",
            Self::Phone => "phone",
            Self::Number => "number",
            Self::Select => "select",
            Self::Multiselect => "multiselect",
            Self::Radio => "radio",
            Self::Checkbox => "checkbox",
        }
    }

    /// Parses the JSON spelling.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
            .ok_or_else(|| {
                ParseError::new(format!(
                    "unknown question type {value:?}: use text, textarea, email, phone, number, select, radio, multiselect or checkbox"
                ))
            })
    }
}

/// A question on the booking form.
///
/// Choice types (`select`, `multiselect`, `radio`) need 1–50 distinct options; the others take
/// none. A `checkbox` is a single yes/no box (required = must be ticked).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "QuestionDraft", rename_all = "camelCase")]
pub struct CustomQuestion {
    id: String,
    label: String,
    #[serde(rename = "type")]
    kind: QuestionType,
    required: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    options: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    placeholder: Option<String>,
}

impl TryFrom<QuestionDraft> for CustomQuestion {
    type Error = ParseError;
    fn try_from(raw: QuestionDraft) -> Result<Self, ParseError> {
        Self::new(raw)
    }
}

/// A question as given, before its rules are checked (what [`CustomQuestion::new`] takes).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct QuestionDraft {
    pub id: String,
    pub label: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    #[serde(default)]
    pub required: bool,
    #[serde(default)]
    pub options: Option<Vec<String>>,
    #[serde(default)]
    pub placeholder: Option<String>,
}

impl CustomQuestion {
    /// Checks a question: an id of 1–64 letters, digits, `-` or `_`; a label of 1–300
    /// characters; 1–50 distinct options for a choice and none otherwise; a placeholder of at
    /// most 200 characters.
    pub fn new(raw: QuestionDraft) -> Result<Self, ParseError> {
        let id_ok = !raw.id.is_empty()
            && raw.id.len() <= 64
            && raw
                .id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !id_ok {
            return Err(ParseError::new(format!(
                "a question id is 1 to 64 letters, digits, '-' or '_', got {:?}",
                raw.id
            )));
        }
        let label = raw.label.trim().to_owned();
        if label.is_empty() || label.chars().count() > 300 {
            return Err(ParseError::new(format!(
                "question {:?} needs a label of 1 to 300 characters",
                raw.id
            )));
        }
        let options = raw.options.unwrap_or_default();
        if raw.kind.has_options() {
            if options.is_empty() || options.len() > 50 {
                return Err(ParseError::new(format!(
                    "question {:?} is a choice and needs 1 to 50 options",
                    raw.id
                )));
            }
            let mut seen = HashSet::new();
            for option in &options {
                if option.trim().is_empty() || option.chars().count() > 200 {
                    return Err(ParseError::new(format!(
                        "question {:?} has an empty or over-long option",
                        raw.id
                    )));
                }
                if !seen.insert(option.as_str()) {
                    return Err(ParseError::new(format!(
                        "question {:?} lists the option {option:?} twice",
                        raw.id
                    )));
                }
            }
        } else if !options.is_empty() {
            return Err(ParseError::new(format!(
                "question {:?} of this type takes no options",
                raw.id
            )));
        }
        let placeholder = raw.placeholder.filter(|p| !p.trim().is_empty());
        if placeholder
            .as_ref()
            .is_some_and(|p| p.chars().count() > 200)
        {
            return Err(ParseError::new("a placeholder is at most 200 characters"));
        }
        Ok(Self {
            id: raw.id,
            label,
            kind: raw.kind,
            required: raw.required,
            options,
            placeholder,
        })
    }

    /// The question's id, unique within its event type; answers are keyed by it.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// The text shown to the invitee.
    pub fn label(&self) -> &str {
        &self.label
    }
    /// The kind of answer it takes.
    pub fn kind(&self) -> QuestionType {
        self.kind
    }
    /// Whether an answer is required.
    pub fn required(&self) -> bool {
        self.required
    }
    /// The options of a choice question.
    pub fn options(&self) -> &[String] {
        &self.options
    }
    /// Hint text for the input, if any.
    pub fn placeholder(&self) -> Option<&str> {
        self.placeholder.as_deref()
    }
}

/// An event type's questions: at most 30, ids unique.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<CustomQuestion>", into = "Vec<CustomQuestion>")]
pub struct CustomQuestions(Vec<CustomQuestion>);

impl CustomQuestions {
    /// The most questions one event type may ask.
    pub const MAX: usize = 30;

    /// The questions in form order.
    pub fn as_slice(&self) -> &[CustomQuestion] {
        &self.0
    }
}

impl TryFrom<Vec<CustomQuestion>> for CustomQuestions {
    type Error = ParseError;
    fn try_from(questions: Vec<CustomQuestion>) -> Result<Self, ParseError> {
        if questions.len() > Self::MAX {
            return Err(ParseError::new(format!(
                "at most {} questions, got {}",
                Self::MAX,
                questions.len()
            )));
        }
        let mut ids = HashSet::new();
        for question in &questions {
            if !ids.insert(question.id()) {
                return Err(ParseError::new(format!(
                    "two questions share the id {:?}",
                    question.id()
                )));
            }
        }
        Ok(Self(questions))
    }
}

impl From<CustomQuestions> for Vec<CustomQuestion> {
    fn from(value: CustomQuestions) -> Self {
        value.0
    }
}

/// How long before a meeting a reminder goes out (the spec's list).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ReminderTiming {
    #[serde(rename = "48h")]
    Hours48,
    #[serde(rename = "24h")]
    Hours24,
    #[serde(rename = "2h")]
    Hours2,
    #[serde(rename = "1h")]
    Hours1,
    #[serde(rename = "30m")]
    Minutes30,
    #[serde(rename = "15m")]
    Minutes15,
}

impl ReminderTiming {
    /// Minutes before the start.
    pub const fn minutes_before(self) -> i64 {
        match self {
            Self::Hours48 => 48 * 60,
            Self::Hours24 => 24 * 60,
            Self::Hours2 => 120,
            Self::Hours1 => 60,
            Self::Minutes30 => 30,
            Self::Minutes15 => 15,
        }
    }

    /// The spec's spelling (`"24h"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hours48 => "48h",
            Self::Hours24 => "24h",
            Self::Hours2 => "2h",
            Self::Hours1 => "1h",
            Self::Minutes30 => "30m",
            Self::Minutes15 => "15m",
        }
    }

    /// Every timing, longest first.
    pub const ALL: [Self; 6] = [
        Self::Hours48,
        Self::Hours24,
        Self::Hours2,
        Self::Hours1,
        Self::Minutes30,
        Self::Minutes15,
    ];

    /// Parses the spec's spelling.
    pub fn parse(value: &str) -> Result<Self, crate::ParseError> {
        Self::ALL
            .into_iter()
            .find(|timing| timing.as_str() == value)
            .ok_or_else(|| {
                crate::ParseError::new(format!(
                    "unknown reminder timing {value:?}: use 48h, 24h, 2h, 1h, 30m or 15m"
                ))
            })
    }
}

/// One reminder: when, and to whom.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Reminder {
    pub timing: ReminderTiming,
    pub send_to_host: bool,
    pub send_to_invitee: bool,
}

/// An event type's reminders; each timing at most once.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawReminderSettings", rename_all = "camelCase")]
pub struct ReminderSettings {
    enabled: bool,
    reminders: Vec<Reminder>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawReminderSettings {
    enabled: bool,
    #[serde(default)]
    reminders: Vec<Reminder>,
}

impl TryFrom<RawReminderSettings> for ReminderSettings {
    type Error = ParseError;
    fn try_from(raw: RawReminderSettings) -> Result<Self, ParseError> {
        Self::new(raw.enabled, raw.reminders)
    }
}

impl ReminderSettings {
    /// Reminders, on or off; each timing at most once. They are kept earliest first.
    pub fn new(enabled: bool, reminders: Vec<Reminder>) -> Result<Self, ParseError> {
        let mut seen = HashSet::new();
        for reminder in &reminders {
            if !seen.insert(reminder.timing) {
                return Err(ParseError::new(format!(
                    "the reminder timing {:?} appears twice",
                    reminder.timing.as_str()
                )));
            }
        }
        let mut reminders = reminders;
        reminders.sort_by_key(|r| std::cmp::Reverse(r.timing.minutes_before()));
        Ok(Self { enabled, reminders })
    }

    /// Whether reminders are sent at all.
    pub fn enabled(&self) -> bool {
        self.enabled
    }
    /// The reminders, earliest first.
    pub fn reminders(&self) -> &[Reminder] {
        &self.reminders
    }
}

impl Default for ReminderSettings {
    /// The spec's default: one reminder 24 h before, to host and invitee.
    fn default() -> Self {
        Self {
            enabled: true,
            reminders: vec![Reminder {
                timing: ReminderTiming::Hours24,
                send_to_host: true,
                send_to_invitee: true,
            }],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn location(json: &str) -> Result<Location, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn locations_that_need_a_value_refuse_to_go_without() {
        assert!(location(r#"{"type":"phone"}"#).is_err());
        assert!(location(r#"{"type":"in_person"}"#).is_err());
        assert!(location(r#"{"type":"custom","value":"  "}"#).is_err());
        assert!(location(r#"{"type":"phone","value":"+44 20 7946 0958"}"#).is_ok());
        assert!(location(r#"{"type":"phone","value":"call me"}"#).is_err());
        assert!(location(r#"{"type":"google_meet"}"#).is_ok());
        assert!(location(r#"{"type":"teleport"}"#).is_err());
        assert!(location(r#"{"type":"zoom","colour":"x"}"#).is_err());
    }

    #[test]
    fn choice_questions_need_options_and_others_refuse_them() {
        let ok = r#"[{"id":"size","label":"Team size","type":"select","required":true,"options":["1-10","11+"]}]"#;
        assert!(serde_json::from_str::<CustomQuestions>(ok).is_ok());
        let missing = r#"[{"id":"size","label":"Team size","type":"radio"}]"#;
        assert!(serde_json::from_str::<CustomQuestions>(missing).is_err());
        let extra = r#"[{"id":"n","label":"Notes","type":"text","options":["a"]}]"#;
        assert!(serde_json::from_str::<CustomQuestions>(extra).is_err());
        let duplicate_option = r#"[{"id":"s","label":"S","type":"select","options":["a","a"]}]"#;
        assert!(serde_json::from_str::<CustomQuestions>(duplicate_option).is_err());
    }

    #[test]
    fn question_ids_are_unique_and_labels_required() {
        let twice =
            r#"[{"id":"a","label":"A","type":"text"},{"id":"a","label":"B","type":"email"}]"#;
        let error = serde_json::from_str::<CustomQuestions>(twice).unwrap_err();
        assert!(error.to_string().contains("share the id"));
        let no_label = r#"[{"id":"a","label":" ","type":"text"}]"#;
        assert!(serde_json::from_str::<CustomQuestions>(no_label).is_err());
        let unknown_type = r#"[{"id":"a","label":"A","type":"colour"}]"#;
        assert!(serde_json::from_str::<CustomQuestions>(unknown_type).is_err());
    }

    #[test]
    fn reminder_timings_come_from_the_spec_list_once_each() {
        let ok = r#"{"enabled":true,"reminders":[{"timing":"1h","sendToHost":false,"sendToInvitee":true},{"timing":"48h","sendToHost":true,"sendToInvitee":true}]}"#;
        let settings: ReminderSettings = serde_json::from_str(ok).unwrap();
        assert_eq!(settings.reminders()[0].timing, ReminderTiming::Hours48);
        let unknown = r#"{"enabled":true,"reminders":[{"timing":"3h","sendToHost":true,"sendToInvitee":true}]}"#;
        assert!(serde_json::from_str::<ReminderSettings>(unknown).is_err());
        let twice = r#"{"enabled":true,"reminders":[{"timing":"1h","sendToHost":true,"sendToInvitee":true},{"timing":"1h","sendToHost":false,"sendToInvitee":true}]}"#;
        assert!(serde_json::from_str::<ReminderSettings>(twice).is_err());
    }
}
