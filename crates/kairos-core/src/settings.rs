//! A host's booking settings and an event type's overrides of them, with their ranges.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ParseError;

/// Defines an integer newtype that only holds values in `MIN..=MAX`.
macro_rules! bounded_integer {
    ($(#[$doc:meta])* $name:ident, $unit:literal, $min:expr, $max:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "i64", into = "i32")]
        pub struct $name(i32);

        impl $name {
            /// Smallest accepted value.
            pub const MIN: i32 = $min;
            /// Largest accepted value.
            pub const MAX: i32 = $max;

            /// Checks the range, naming it on failure.
            pub fn new(value: i64) -> Result<Self, ParseError> {
                if value < i64::from(Self::MIN) || value > i64::from(Self::MAX) {
                    return Err(ParseError::new(format!(
                        "must be between {} and {} {}, got {value}",
                        Self::MIN,
                        Self::MAX,
                        $unit
                    )));
                }
                // In range, so it fits.
                Ok(Self(value as i32))
            }

            /// The value.
            pub const fn get(self) -> i32 {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = ParseError;
            fn try_from(value: i64) -> Result<Self, ParseError> {
                Self::new(value)
            }
        }

        impl From<$name> for i32 {
            fn from(value: $name) -> i32 {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

bounded_integer!(
    /// An event's length: 5 to 720 minutes.
    DurationMinutes, "minutes", 5, 720
);
bounded_integer!(
    /// Buffer time before or after a meeting: 0 to 480 minutes.
    BufferMinutes, "minutes", 0, 480
);
bounded_integer!(
    /// Minimum notice before a booking may start: 0 to 8,760 hours (a year).
    NoticeHours, "hours", 0, 8760
);
bounded_integer!(
    /// How far ahead invitees may book: 1 to 730 days.
    WindowDays, "days", 1, 730
);
bounded_integer!(
    /// A cap on confirmed bookings per day or per week: 1 to 1,000.
    BookingLimit, "bookings", 1, 1000
);

/// A host's booking settings (the spec's `scheduling_users` columns, plus a weekly limit).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HostSettings {
    pub minimum_notice_hours: NoticeHours,
    pub booking_window_days: WindowDays,
    pub buffer_before_mins: BufferMinutes,
    pub buffer_after_mins: BufferMinutes,
    pub daily_limit: Option<BookingLimit>,
    #[serde(default)]
    pub weekly_limit: Option<BookingLimit>,
    pub default_duration: DurationMinutes,
}

impl Default for HostSettings {
    /// The spec's defaults: 24 h notice, 60-day window, 0/15 min buffers, no limit, 30 min.
    fn default() -> Self {
        Self {
            minimum_notice_hours: NoticeHours(24),
            booking_window_days: WindowDays(60),
            buffer_before_mins: BufferMinutes(0),
            buffer_after_mins: BufferMinutes(15),
            daily_limit: None,
            weekly_limit: None,
            default_duration: DurationMinutes(30),
        }
    }
}

impl HostSettings {
    /// These settings with an event type's overrides applied (overrides win).
    pub fn with_overrides(&self, overrides: &SettingOverrides) -> Self {
        Self {
            minimum_notice_hours: overrides
                .minimum_notice_hours
                .unwrap_or(self.minimum_notice_hours),
            booking_window_days: overrides
                .booking_window_days
                .unwrap_or(self.booking_window_days),
            buffer_before_mins: overrides
                .buffer_before_mins
                .unwrap_or(self.buffer_before_mins),
            buffer_after_mins: overrides
                .buffer_after_mins
                .unwrap_or(self.buffer_after_mins),
            daily_limit: overrides.daily_limit.or(self.daily_limit),
            weekly_limit: overrides.weekly_limit.or(self.weekly_limit),
            default_duration: self.default_duration,
        }
    }
}

/// An event type's overrides of its host's settings. Only settings that exist may appear; an
/// absent one inherits the host's value.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SettingOverrides {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_notice_hours: Option<NoticeHours>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booking_window_days: Option<WindowDays>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer_before_mins: Option<BufferMinutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buffer_after_mins: Option<BufferMinutes>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub daily_limit: Option<BookingLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_limit: Option<BookingLimit>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_enforced_at_both_ends() {
        assert!(DurationMinutes::new(5).is_ok());
        assert!(DurationMinutes::new(720).is_ok());
        assert!(DurationMinutes::new(4).is_err());
        assert!(DurationMinutes::new(721).is_err());
        assert!(BufferMinutes::new(-1).is_err());
        assert!(BufferMinutes::new(481).is_err());
        assert!(NoticeHours::new(8761).is_err());
        assert!(WindowDays::new(0).is_err());
        assert!(WindowDays::new(731).is_err());
        assert!(BookingLimit::new(0).is_err());
    }

    #[test]
    fn overrides_win_over_host_settings() {
        let host = HostSettings::default();
        let overrides: SettingOverrides =
            serde_json::from_str(r#"{"bufferAfterMins":0,"dailyLimit":3}"#).unwrap();
        let effective = host.with_overrides(&overrides);
        assert_eq!(effective.buffer_after_mins.get(), 0);
        assert_eq!(effective.daily_limit.map(BookingLimit::get), Some(3));
        assert_eq!(effective.minimum_notice_hours.get(), 24);
    }

    #[test]
    fn overrides_of_settings_that_do_not_exist_are_refused() {
        assert!(serde_json::from_str::<SettingOverrides>(r#"{"colour":"red"}"#).is_err());
        assert!(serde_json::from_str::<SettingOverrides>(r#"{"bufferAfterMins":999}"#).is_err());
    }
}
