//! IANA time zone names, checked against the system time zone database through jiff.

use std::fmt;

use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};

use crate::ParseError;

/// A known IANA time zone name such as `Europe/London`.
///
/// Only names jiff can load are accepted, so converting to a [`TimeZone`] later cannot fail.
/// Fixed-offset and POSIX strings are refused: a host's hours must follow real DST rules.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeZoneName {
    name: String,
    zone: TimeZone,
}

impl TimeZoneName {
    /// Parses an IANA zone name, naming the rule on failure.
    pub fn parse(value: &str) -> Result<Self, ParseError> {
        let unknown = || {
            ParseError::new(format!(
                "unknown time zone {value:?}: use an IANA name such as \"Europe/London\""
            ))
        };
        if value.is_empty() || value.len() > 64 {
            return Err(unknown());
        }
        let zone = TimeZone::get(value).map_err(|_| unknown())?;
        Ok(Self {
            name: value.to_owned(),
            zone,
        })
    }

    /// The name as given, e.g. `America/New_York`.
    pub fn as_str(&self) -> &str {
        &self.name
    }

    /// The loaded zone.
    pub fn time_zone(&self) -> &TimeZone {
        &self.zone
    }

    /// UTC.
    pub fn utc() -> Self {
        Self {
            name: "UTC".to_owned(),
            zone: TimeZone::UTC,
        }
    }
}

impl PartialEq for TimeZoneName {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for TimeZoneName {}

impl std::hash::Hash for TimeZoneName {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl TryFrom<String> for TimeZoneName {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, ParseError> {
        Self::parse(&value)
    }
}

impl From<TimeZoneName> for String {
    fn from(value: TimeZoneName) -> String {
        value.name
    }
}

impl fmt::Display for TimeZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_zones_parse() {
        for name in [
            "America/New_York",
            "Asia/Kathmandu",
            "Pacific/Chatham",
            "UTC",
        ] {
            assert_eq!(TimeZoneName::parse(name).unwrap().as_str(), name);
        }
    }

    #[test]
    fn unknown_zones_are_refused_with_a_hint() {
        let error = TimeZoneName::parse("Mars/Olympus_Mons").unwrap_err();
        assert!(error.message().contains("IANA"));
        assert!(TimeZoneName::parse("").is_err());
    }
}
