//! How the pages write dates and times for a reader, from the browser's `Accept-Language`.
//!
//! The rule: the first language tag the browser prefers decides. A 12-hour clock ("9:30 AM"),
//! US-style dates ("Tuesday, December 1, 2026") and weeks starting on Sunday when that tag is
//! English without a region (`en`) or English of the United States, Canada, Australia, New
//! Zealand, India, the Philippines or Pakistan (`en-US`, `en-CA`, …); a 24-hour clock ("09:30"),
//! day-first dates ("Tuesday 1 December 2026") and weeks starting on Monday for every other tag
//! and when the header is missing. The pages are in English either way.

use axum::http::{HeaderMap, header};
use jiff::ZonedDateTime as Zoned;
use jiff::civil::{Date, Weekday};

/// The regions whose English speakers read a 12-hour clock.
const TWELVE_HOUR_REGIONS: [&str; 7] = ["us", "ca", "au", "nz", "in", "ph", "pk"];

/// How a reader expects dates and times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeFormat {
    /// `9:30 AM`, month-first dates, weeks from Sunday.
    TwelveHour,
    /// `09:30`, day-first dates, weeks from Monday.
    TwentyFourHour,
}

impl TimeFormat {
    /// The time format of the browser's first preferred language (see the [module docs](self)).
    pub fn from_accept_language(value: Option<&str>) -> Self {
        let first = value
            .and_then(|value| value.split(',').next())
            .map(|tag| {
                tag.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            })
            .unwrap_or_default();
        let mut parts = first.split(['-', '_']);
        let language = parts.next().unwrap_or_default();
        let region = parts.find(|part| part.len() == 2);
        let twelve =
            language == "en" && region.is_none_or(|region| TWELVE_HOUR_REGIONS.contains(&region));
        if twelve {
            Self::TwelveHour
        } else {
            Self::TwentyFourHour
        }
    }

    /// The time format of a request.
    pub fn of_request(headers: &HeaderMap) -> Self {
        Self::from_accept_language(
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|value| value.to_str().ok()),
        )
    }

    /// A time of day: `9:30 AM` or `09:30`.
    pub fn time(self, at: &Zoned) -> String {
        match self {
            Self::TwelveHour => at.strftime("%-I:%M %p").to_string(),
            Self::TwentyFourHour => at.strftime("%H:%M").to_string(),
        }
    }

    /// A full date: `Tuesday, December 1, 2026` or `Tuesday 1 December 2026`.
    pub fn date(self, date: Date) -> String {
        match self {
            Self::TwelveHour => date.strftime("%A, %B %-d, %Y").to_string(),
            Self::TwentyFourHour => date.strftime("%A %-d %B %Y").to_string(),
        }
    }

    /// A date, a time range and the zone: `Tuesday 1 December 2026, 09:30 – 10:00 (Europe/London)`.
    pub fn meeting(self, start: &Zoned, end: &Zoned) -> String {
        format!(
            "{}, {} – {} ({})",
            self.date(start.date()),
            self.time(start),
            self.time(end),
            start.time_zone().iana_name().unwrap_or("UTC"),
        )
    }

    /// The first day of a calendar week.
    pub fn week_start(self) -> Weekday {
        match self {
            Self::TwelveHour => Weekday::Sunday,
            Self::TwentyFourHour => Weekday::Monday,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn american_and_bare_english_read_a_twelve_hour_clock() {
        for header in [
            "en-US,en;q=0.9",
            "en",
            "en-CA",
            "EN-au;q=1",
            "en-US-u-hc-h12",
        ] {
            assert_eq!(
                TimeFormat::from_accept_language(Some(header)),
                TimeFormat::TwelveHour,
                "{header}"
            );
        }
    }

    #[test]
    fn other_languages_and_no_header_read_a_twenty_four_hour_clock() {
        for header in [
            Some("en-GB,en;q=0.8"),
            Some("fr-CA"),
            Some("de-DE,de"),
            Some("*"),
            Some(""),
            None,
        ] {
            assert_eq!(
                TimeFormat::from_accept_language(header),
                TimeFormat::TwentyFourHour,
                "{header:?}"
            );
        }
    }

    #[test]
    fn times_and_dates_follow_the_clock() {
        let at: Zoned = "2026-12-01T09:05:00[Europe/London]".parse().expect("zoned");
        assert_eq!(TimeFormat::TwelveHour.time(&at), "9:05 AM");
        assert_eq!(TimeFormat::TwentyFourHour.time(&at), "09:05");
        assert_eq!(
            TimeFormat::TwelveHour.date(at.date()),
            "Tuesday, December 1, 2026"
        );
        assert_eq!(
            TimeFormat::TwentyFourHour.date(at.date()),
            "Tuesday 1 December 2026"
        );
    }
}
