//! What a notification is about and whom it is for. The outbox stores these spellings; the
//! notifier renders the matching templates.

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// The four notifications of a booking (the spec's names).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NotificationKind {
    /// A booking was made.
    #[serde(rename = "booking_confirmation")]
    Confirmation,
    /// A booking was cancelled.
    #[serde(rename = "booking_cancelled")]
    Cancellation,
    /// A booking was moved to another time.
    #[serde(rename = "booking_rescheduled")]
    Reschedule,
    /// A booking starts soon.
    #[serde(rename = "booking_reminder")]
    Reminder,
}

impl NotificationKind {
    /// Every kind, in the spec's order.
    pub const ALL: [Self; 4] = [
        Self::Confirmation,
        Self::Cancellation,
        Self::Reschedule,
        Self::Reminder,
    ];

    /// The stored and JSON spelling.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Confirmation => "booking_confirmation",
            Self::Cancellation => "booking_cancelled",
            Self::Reschedule => "booking_rescheduled",
            Self::Reminder => "booking_reminder",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
            .ok_or_else(|| {
                ParseError::new(format!(
                    "unknown notification type {value:?}: use booking_confirmation, booking_cancelled, booking_rescheduled or booking_reminder"
                ))
            })
    }
}

/// Which side of a booking a message goes to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Host,
    Invitee,
}

impl Audience {
    /// Both audiences.
    pub const ALL: [Self; 2] = [Self::Host, Self::Invitee];

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
                "unknown audience {other:?}: use host or invitee"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        for kind in NotificationKind::ALL {
            assert_eq!(NotificationKind::parse(kind.as_str()), Ok(kind));
            assert_eq!(
                serde_json::to_value(kind).ok(),
                Some(serde_json::Value::from(kind.as_str()))
            );
        }
        for audience in [Audience::Host, Audience::Invitee] {
            assert_eq!(Audience::parse(audience.as_str()), Ok(audience));
        }
        assert!(NotificationKind::parse("reminder").is_err());
        assert!(Audience::parse("guest").is_err());
    }
}
