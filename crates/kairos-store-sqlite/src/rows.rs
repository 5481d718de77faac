//! How SQLite stores each column type, for [`kairos_store::decode`], which reads rows back into
//! models: ids, dates and times of day are TEXT, instants INTEGER seconds since the Unix epoch,
//! JSON documents TEXT, flags INTEGER 0/1.

use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use kairos_store::decode::{Columns, FromColumns, public_host, tenant_prefixed};
use kairos_store::{PublicEventType, StoreError, StoreResult};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

/// A SQLite row as [`Columns`].
struct Cols<'r>(&'r SqliteRow);

impl Cols<'_> {
    fn get<'r, T>(&'r self, column: &str) -> StoreResult<T>
    where
        T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
    {
        self.0
            .try_get(column)
            .map_err(|e| StoreError::corrupt(column, e))
    }
}

impl Columns for Cols<'_> {
    fn text_opt(&self, column: &str) -> StoreResult<Option<String>> {
        self.get(column)
    }

    fn int_opt(&self, column: &str) -> StoreResult<Option<i32>> {
        self.get::<Option<i64>>(column)?
            .map(|value| i32::try_from(value).map_err(|e| StoreError::corrupt(column, e)))
            .transpose()
    }

    fn bigint_opt(&self, column: &str) -> StoreResult<Option<i64>> {
        self.get(column)
    }

    fn flag(&self, column: &str) -> StoreResult<bool> {
        self.get(column)
    }

    fn uuid_opt(&self, column: &str) -> StoreResult<Option<Uuid>> {
        self.parsed_opt(column, Uuid::parse_str)
    }

    fn instant_opt(&self, column: &str) -> StoreResult<Option<Timestamp>> {
        self.get::<Option<i64>>(column)?
            .map(from_seconds)
            .transpose()
    }

    fn date_opt(&self, column: &str) -> StoreResult<Option<Date>> {
        self.parsed_opt(column, Date::from_str)
    }

    fn json_opt<T: DeserializeOwned>(&self, column: &str) -> StoreResult<Option<T>> {
        self.parsed_opt(column, |text| serde_json::from_str(text))
    }

    fn bytes(&self, column: &str) -> StoreResult<Vec<u8>> {
        self.get(column)
    }
}

/// Reads a model from a row (see [`FromColumns`]).
pub(crate) fn decode<M: FromColumns>(row: &SqliteRow) -> StoreResult<M> {
    M::from_columns(&Cols(row))
}

/// One column of a row, by its SQLite type (for the few reads that are not a whole model).
pub(crate) fn column<'r, T>(row: &'r SqliteRow, name: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(name).map_err(|e| StoreError::corrupt(name, e))
}

/// The joined row of the public lookups: tenant columns `t_…`, then the host, its event type
/// and its schedule version as [`public_host`] reads them.
pub(crate) fn public_event_type(row: &SqliteRow) -> StoreResult<PublicEventType> {
    let row = Cols(row);
    let (host, event_type, schedule_version) = public_host(&row)?;
    Ok(PublicEventType {
        tenant: tenant_prefixed(&row, "t_")?,
        host,
        event_type,
        schedule_version,
    })
}

/// Serialises a domain value for a TEXT JSON column.
pub(crate) fn json_text<T: Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// An instant as stored: whole seconds since the epoch.
pub(crate) fn to_seconds(at: Timestamp) -> i64 {
    at.as_second()
}

/// The first whole second at or after an instant: an exclusive upper bound that still admits
/// rows stored (rounded down) in the same second.
pub(crate) fn to_seconds_ceil(at: Timestamp) -> i64 {
    let seconds = at.as_second();
    if at.subsec_nanosecond() > 0 {
        seconds + 1
    } else {
        seconds
    }
}

/// An instant read back from whole seconds.
pub(crate) fn from_seconds(seconds: i64) -> StoreResult<Timestamp> {
    Timestamp::from_second(seconds).map_err(|e| StoreError::corrupt("timestamp", e))
}
