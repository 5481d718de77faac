//! Booking states.

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// Where a booking stands. Only `confirmed` bookings hold their time.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BookingStatus {
    Confirmed,
    Cancelled,
    Rescheduled,
    Completed,
    NoShow,
}

impl BookingStatus {
    /// The stored and JSON spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
            Self::Rescheduled => "rescheduled",
            Self::Completed => "completed",
            Self::NoShow => "no_show",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        Ok(match value {
            "confirmed" => Self::Confirmed,
            "cancelled" => Self::Cancelled,
            "rescheduled" => Self::Rescheduled,
            "completed" => Self::Completed,
            "no_show" => Self::NoShow,
            other => {
                return Err(ParseError::new(format!(
                    "unknown booking status {other:?}: use confirmed, cancelled, rescheduled, completed or no_show"
                )));
            }
        })
    }
}

/// Who cancelled a booking.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CancelledBy {
    Host,
    Invitee,
}

impl CancelledBy {
    /// The stored and JSON spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Host => "host",
            Self::Invitee => "invitee",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        match value {
            "host" => Ok(Self::Host),
            "invitee" => Ok(Self::Invitee),
            other => Err(ParseError::new(format!(
                "unknown canceller {other:?}: use host or invitee"
            ))),
        }
    }
}

/// An answer to a custom question, typed by the question.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Answer {
    /// A checkbox.
    Bool(bool),
    /// A number question.
    Number(f64),
    /// Text, email, phone, select and radio answers.
    Text(String),
    /// A multiselect answer.
    Choices(Vec<String>),
}

/// The invitee of a booking, as stored with it (the spec's `invitee` JSON).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Invitee {
    pub name: crate::text::DisplayName,
    pub email: crate::text::EmailAddress,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<crate::text::LongText>,
    /// Answers keyed by question id, validated against the event type's questions.
    #[serde(default)]
    pub responses: std::collections::BTreeMap<String, Answer>,
}

/// Why an answer was refused: the question id and the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AnswerError {
    /// The question id the answer belongs to.
    pub question: String,
    /// What is wrong.
    pub message: String,
}

fn answer_error(question: &str, message: impl Into<String>) -> AnswerError {
    AnswerError {
        question: question.to_owned(),
        message: message.into(),
    }
}

/// Checks raw answers (question id → JSON value) against an event type's questions: required
/// questions answered, each answer of its question's type, choices among the options, no
/// answers to questions that do not exist. Returns the typed answers.
pub fn validate_answers(
    questions: &crate::event_type::CustomQuestions,
    raw: &serde_json::Map<String, serde_json::Value>,
) -> Result<std::collections::BTreeMap<String, Answer>, AnswerError> {
    use crate::event_type::QuestionType;
    use serde_json::Value;

    if let Some(unknown) = raw
        .keys()
        .find(|id| !questions.as_slice().iter().any(|q| q.id() == id.as_str()))
    {
        return Err(answer_error(
            unknown,
            format!("there is no question {unknown:?}"),
        ));
    }
    let mut answers = std::collections::BTreeMap::new();
    for question in questions.as_slice() {
        let id = question.id();
        let value = raw.get(id).filter(|v| match v {
            Value::Null => false,
            Value::String(s) => !s.trim().is_empty(),
            Value::Array(items) => !items.is_empty(),
            Value::Bool(ticked) => *ticked || question.kind() != QuestionType::Checkbox,
            _ => true,
        });
        let Some(value) = value else {
            if question.required() {
                return Err(answer_error(
                    id,
                    format!("{:?} is required", question.label()),
                ));
            }
            continue;
        };
        let text = |value: &Value| -> Result<String, AnswerError> {
            let text = value
                .as_str()
                .ok_or_else(|| answer_error(id, "the answer must be text"))?
                .trim()
                .to_owned();
            if text.chars().count() > crate::text::LongText::MAX_CHARS {
                return Err(answer_error(id, "the answer is too long"));
            }
            Ok(text)
        };
        let answer = match question.kind() {
            QuestionType::Text | QuestionType::Textarea => Answer::Text(text(value)?),
            QuestionType::Email => {
                let email = crate::text::EmailAddress::parse(&text(value)?)
                    .map_err(|e| answer_error(id, e.message()))?;
                Answer::Text(email.to_string())
            }
            QuestionType::Phone => {
                let phone = text(value)?;
                let digits = phone.chars().filter(char::is_ascii_digit).count();
                let allowed = phone
                    .chars()
                    .all(|c| c.is_ascii_digit() || " +-().".contains(c));
                if !allowed || !(5..=20).contains(&digits) {
                    return Err(answer_error(id, "not a phone number"));
                }
                Answer::Text(phone)
            }
            QuestionType::Number => {
                let number = match value {
                    Value::Number(n) => n.as_f64(),
                    Value::String(s) => s.trim().parse::<f64>().ok(),
                    _ => None,
                }
                .filter(|n| n.is_finite())
                .ok_or_else(|| answer_error(id, "the answer must be a number"))?;
                Answer::Number(number)
            }
            QuestionType::Select | QuestionType::Radio => {
                let choice = text(value)?;
                if !question.options().contains(&choice) {
                    return Err(answer_error(
                        id,
                        format!("{choice:?} is not one of the options"),
                    ));
                }
                Answer::Text(choice)
            }
            QuestionType::Multiselect => {
                let items = value
                    .as_array()
                    .ok_or_else(|| answer_error(id, "the answer must be a list of options"))?;
                let mut choices = Vec::with_capacity(items.len());
                for item in items {
                    let choice = text(item)?;
                    if !question.options().contains(&choice) {
                        return Err(answer_error(
                            id,
                            format!("{choice:?} is not one of the options"),
                        ));
                    }
                    if !choices.contains(&choice) {
                        choices.push(choice);
                    }
                }
                Answer::Choices(choices)
            }
            QuestionType::Checkbox => Answer::Bool(
                value
                    .as_bool()
                    .ok_or_else(|| answer_error(id, "the answer must be true or false"))?,
            ),
        };
        answers.insert(id.to_owned(), answer);
    }
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::event_type::CustomQuestions;

    fn questions() -> CustomQuestions {
        serde_json::from_value(json!([
            { "id": "company", "label": "Company", "type": "text", "required": true },
            { "id": "size", "label": "Size", "type": "select", "options": ["small", "large"] },
            { "id": "topics", "label": "Topics", "type": "multiselect", "options": ["a", "b"] },
            { "id": "seats", "label": "Seats", "type": "number" },
            { "id": "cc", "label": "CC", "type": "email" },
            { "id": "agree", "label": "Terms", "type": "checkbox", "required": true }
        ]))
        .unwrap()
    }

    fn check(
        raw: serde_json::Value,
    ) -> Result<std::collections::BTreeMap<String, Answer>, AnswerError> {
        validate_answers(&questions(), raw.as_object().unwrap())
    }

    #[test]
    fn valid_answers_are_typed() {
        let answers = check(json!({
            "company": " Acme ", "size": "large", "topics": ["a", "b", "a"], "seats": "4", "cc": "x@example.com", "agree": true
        }))
        .unwrap();
        assert_eq!(answers["company"], Answer::Text("Acme".into()));
        assert_eq!(
            answers["topics"],
            Answer::Choices(vec!["a".into(), "b".into()])
        );
        assert_eq!(answers["seats"], Answer::Number(4.0));
    }

    #[test]
    fn required_questions_must_be_answered() {
        assert_eq!(
            check(json!({ "agree": true })).unwrap_err().question,
            "company"
        );
        assert_eq!(
            check(json!({ "company": "  ", "agree": true }))
                .unwrap_err()
                .question,
            "company"
        );
        assert_eq!(
            check(json!({ "company": "A", "agree": false }))
                .unwrap_err()
                .question,
            "agree"
        );
    }

    #[test]
    fn answers_must_fit_their_question() {
        let base = |extra: serde_json::Value| {
            let mut raw = json!({ "company": "A", "agree": true });
            raw.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            check(raw).unwrap_err().question
        };
        assert_eq!(base(json!({ "size": "medium" })), "size");
        assert_eq!(base(json!({ "topics": ["c"] })), "topics");
        assert_eq!(base(json!({ "topics": "a" })), "topics");
        assert_eq!(base(json!({ "seats": "many" })), "seats");
        assert_eq!(base(json!({ "cc": "nope" })), "cc");
        assert_eq!(base(json!({ "company": 5 })), "company");
        assert_eq!(base(json!({ "ghost": "boo" })), "ghost");
    }
}
