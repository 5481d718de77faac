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
