//! PostgreSQL encodings for jiff's instants and dates.
//!
//! sqlx decodes `timestamptz` and `date` only through the `chrono` or `time` crates; these two
//! small wrappers do it for [`jiff`] directly, so the store pulls neither in. PostgreSQL's binary
//! format counts from its own epoch, 2000-01-01 (UTC for instants):
//!
//! - `timestamptz` is an `i64` of microseconds since 2000-01-01T00:00:00Z;
//! - `date` is an `i32` of days since 2000-01-01.
//!
//! Text-format values (as `raw_sql` returns them) are parsed too, provided the session keeps
//! PostgreSQL's default `ISO` date style.

use std::str::FromStr;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::types::Oid;
use sqlx::postgres::{PgArgumentBuffer, PgHasArrayType, PgTypeInfo, PgValueFormat, PgValueRef};
use sqlx::{Decode, Encode, Postgres, Type};

/// Microseconds from the Unix epoch to PostgreSQL's epoch, 2000-01-01T00:00:00Z.
const POSTGRES_EPOCH_UNIX_MICROSECONDS: i64 = 946_684_800_000_000;

/// PostgreSQL's epoch as a date.
const POSTGRES_EPOCH_DATE: Date = Date::constant(2000, 1, 1);

/// The built-in type ids (stable across PostgreSQL versions), so no lookup by name is needed.
const TIMESTAMPTZ_OID: Oid = Oid(1184);
const TIMESTAMPTZ_ARRAY_OID: Oid = Oid(1185);
const DATE_OID: Oid = Oid(1082);

/// A [`Timestamp`] bound to or read from a `timestamptz` column.
///
/// PostgreSQL keeps microseconds: finer digits are truncated (toward the Unix epoch) on the
/// way in, so what comes back is [`PgTimestamp::truncate`] of what went in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PgTimestamp(pub Timestamp);

impl PgTimestamp {
    /// `at` with its sub-microsecond digits dropped: exactly what a round trip through
    /// PostgreSQL returns.
    pub fn truncate(at: Timestamp) -> Timestamp {
        Timestamp::from_microsecond(at.as_microsecond()).unwrap_or(at)
    }

    /// Microseconds since 2000-01-01T00:00:00Z, PostgreSQL's binary representation.
    pub fn to_postgres_microseconds(self) -> Result<i64, BoxDynError> {
        self.0
            .as_microsecond()
            .checked_sub(POSTGRES_EPOCH_UNIX_MICROSECONDS)
            .ok_or_else(|| format!("{} is out of PostgreSQL's timestamptz range", self.0).into())
    }

    /// The instant `microseconds` after 2000-01-01T00:00:00Z.
    pub fn from_postgres_microseconds(microseconds: i64) -> Result<Self, BoxDynError> {
        let unix = microseconds
            .checked_add(POSTGRES_EPOCH_UNIX_MICROSECONDS)
            .ok_or("timestamptz out of range (infinity?)")?;
        Ok(Self(Timestamp::from_microsecond(unix)?))
    }
}

impl From<Timestamp> for PgTimestamp {
    fn from(at: Timestamp) -> Self {
        Self(at)
    }
}

impl Type<Postgres> for PgTimestamp {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(TIMESTAMPTZ_OID)
    }
}

impl PgHasArrayType for PgTimestamp {
    fn array_type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(TIMESTAMPTZ_ARRAY_OID)
    }
}

impl Encode<'_, Postgres> for PgTimestamp {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.extend_from_slice(&self.to_postgres_microseconds()?.to_be_bytes());
        Ok(IsNull::No)
    }

    fn size_hint(&self) -> usize {
        size_of::<i64>()
    }
}

impl<'r> Decode<'r, Postgres> for PgTimestamp {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let bytes: [u8; 8] = value
                    .as_bytes()?
                    .try_into()
                    .map_err(|_| "a binary timestamptz is 8 bytes")?;
                Self::from_postgres_microseconds(i64::from_be_bytes(bytes))
            }
            PgValueFormat::Text => Ok(Self(Timestamp::from_str(value.as_str()?)?)),
        }
    }
}

/// A civil [`Date`] bound to or read from a `date` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct PgDate(pub Date);

impl PgDate {
    /// Days since 2000-01-01, PostgreSQL's binary representation.
    pub fn to_postgres_days(self) -> Result<i32, BoxDynError> {
        let seconds = self.0.duration_since(POSTGRES_EPOCH_DATE).as_secs();
        Ok(i32::try_from(seconds / 86_400)?)
    }

    /// The date `days` after 2000-01-01.
    pub fn from_postgres_days(days: i32) -> Result<Self, BoxDynError> {
        let offset = SignedDuration::from_hours(i64::from(days) * 24);
        Ok(Self(POSTGRES_EPOCH_DATE.checked_add(offset)?))
    }
}

impl From<Date> for PgDate {
    fn from(date: Date) -> Self {
        Self(date)
    }
}

impl Type<Postgres> for PgDate {
    fn type_info() -> PgTypeInfo {
        PgTypeInfo::with_oid(DATE_OID)
    }
}

impl Encode<'_, Postgres> for PgDate {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        buf.extend_from_slice(&self.to_postgres_days()?.to_be_bytes());
        Ok(IsNull::No)
    }

    fn size_hint(&self) -> usize {
        size_of::<i32>()
    }
}

impl<'r> Decode<'r, Postgres> for PgDate {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        match value.format() {
            PgValueFormat::Binary => {
                let bytes: [u8; 4] = value
                    .as_bytes()?
                    .try_into()
                    .map_err(|_| "a binary date is 4 bytes")?;
                Self::from_postgres_days(i32::from_be_bytes(bytes))
            }
            PgValueFormat::Text => Ok(Self(Date::from_str(value.as_str()?)?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn instant(text: &str) -> Timestamp {
        text.parse().expect("test instant")
    }

    #[test]
    fn postgres_epoch_is_zero_microseconds() {
        let epoch = PgTimestamp(instant("2000-01-01T00:00:00Z"));
        assert_eq!(epoch.to_postgres_microseconds().expect("encode"), 0);
    }

    #[test]
    fn instants_count_microseconds_both_sides_of_the_epoch() {
        let later = PgTimestamp(instant("2000-01-01T00:00:01.000002Z"));
        assert_eq!(later.to_postgres_microseconds().expect("encode"), 1_000_002);
        let earlier = PgTimestamp(instant("1999-12-31T23:59:59Z"));
        assert_eq!(
            earlier.to_postgres_microseconds().expect("encode"),
            -1_000_000
        );
        let unix_epoch = PgTimestamp(Timestamp::UNIX_EPOCH);
        assert_eq!(
            unix_epoch.to_postgres_microseconds().expect("encode"),
            -POSTGRES_EPOCH_UNIX_MICROSECONDS
        );
    }

    #[test]
    fn instants_round_trip_at_microsecond_precision() {
        for text in [
            "2026-11-26T10:34:56.123456Z",
            "1970-01-01T00:00:00Z",
            "1900-03-01T12:00:00.5Z",
            "9999-12-30T12:59:59.999999Z",
        ] {
            let at = PgTimestamp(instant(text));
            let micros = at.to_postgres_microseconds().expect("encode");
            let back = PgTimestamp::from_postgres_microseconds(micros).expect("decode");
            assert_eq!(back, at, "{text}");
        }
    }

    #[test]
    fn nanoseconds_are_truncated_like_a_round_trip() {
        let at = instant("2026-11-26T10:34:56.123456789Z");
        let truncated = PgTimestamp::truncate(at);
        assert_eq!(truncated, instant("2026-11-26T10:34:56.123456Z"));
        let micros = PgTimestamp(at).to_postgres_microseconds().expect("encode");
        let back = PgTimestamp::from_postgres_microseconds(micros).expect("decode");
        assert_eq!(back.0, truncated);
    }

    #[test]
    fn infinite_timestamps_are_refused_not_wrapped() {
        assert!(PgTimestamp::from_postgres_microseconds(i64::MAX).is_err());
        assert!(PgTimestamp::from_postgres_microseconds(i64::MIN).is_err());
    }

    #[test]
    fn postgres_text_output_parses() {
        let parsed: Timestamp = "2026-11-26 10:34:56.123456+00".parse().expect("utc");
        assert_eq!(parsed, instant("2026-11-26T10:34:56.123456Z"));
        let offset: Timestamp = "2026-11-26 16:04:56+05:30".parse().expect("offset");
        assert_eq!(offset, instant("2026-11-26T10:34:56Z"));
    }

    #[test]
    fn dates_count_days_from_2000_01_01() {
        let cases = [
            (date(2000, 1, 1), 0),
            (date(2000, 1, 2), 1),
            (date(1999, 12, 31), -1),
            (date(1970, 1, 1), -10_957),
            (date(2026, 12, 25), 9_855),
        ];
        for (day, days) in cases {
            assert_eq!(
                PgDate(day).to_postgres_days().expect("encode"),
                days,
                "{day}"
            );
            assert_eq!(
                PgDate::from_postgres_days(days).expect("decode"),
                PgDate(day)
            );
        }
    }

    #[test]
    fn dates_outside_jiffs_range_are_refused() {
        assert!(PgDate::from_postgres_days(i32::MAX).is_err());
        assert!(PgDate::from_postgres_days(i32::MIN).is_err());
    }
}
