//! How PostgreSQL stores each column type, for [`kairos_store::decode`], which reads rows back
//! into models: ids are `uuid`, instants `timestamptz` and dates `date` (both through
//! [`crate::types`]), JSON documents `jsonb`, flags `boolean`.

use jiff::Timestamp;
use jiff::civil::Date;
use kairos_store::decode::{Columns, FromColumns};
use kairos_store::{StoreError, StoreResult};
use serde::de::DeserializeOwned;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::types::Json;
use uuid::Uuid;

use crate::types::{PgDate, PgTimestamp};

/// A PostgreSQL row as [`Columns`].
struct Cols<'r>(&'r PgRow);

impl Columns for Cols<'_> {
    fn text_opt(&self, column: &str) -> StoreResult<Option<String>> {
        self::column(self.0, column)
    }

    fn int_opt(&self, column: &str) -> StoreResult<Option<i32>> {
        self::column(self.0, column)
    }

    fn bigint_opt(&self, column: &str) -> StoreResult<Option<i64>> {
        self::column(self.0, column)
    }

    fn flag(&self, column: &str) -> StoreResult<bool> {
        self::column(self.0, column)
    }

    fn uuid_opt(&self, column: &str) -> StoreResult<Option<Uuid>> {
        self::column(self.0, column)
    }

    fn instant_opt(&self, column: &str) -> StoreResult<Option<Timestamp>> {
        let value: Option<PgTimestamp> = self::column(self.0, column)?;
        Ok(value.map(|PgTimestamp(at)| at))
    }

    fn date_opt(&self, column: &str) -> StoreResult<Option<Date>> {
        let value: Option<PgDate> = self::column(self.0, column)?;
        Ok(value.map(|PgDate(day)| day))
    }

    fn json_opt<T: DeserializeOwned>(&self, column: &str) -> StoreResult<Option<T>> {
        let value: Option<Json<T>> = self::column(self.0, column)?;
        Ok(value.map(|Json(inner)| inner))
    }

    fn bytes(&self, column: &str) -> StoreResult<Vec<u8>> {
        self::column(self.0, column)
    }
}

/// Reads a model from a row (see [`FromColumns`]).
pub(crate) fn decode<M: FromColumns>(row: &PgRow) -> StoreResult<M> {
    M::from_columns(&Cols(row))
}

/// One column of a row, by its PostgreSQL type (for the few reads that are not a whole model).
pub(crate) fn column<'r, T>(row: &'r PgRow, name: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get(name).map_err(|e| StoreError::corrupt(name, e))
}

/// What a public lookup's host row says (see [`kairos_store::decode::public_host`]).
pub(crate) fn public_host(
    row: &PgRow,
) -> StoreResult<(
    Option<kairos_store::User>,
    Option<kairos_store::EventType>,
    Option<kairos_store::ScheduleVersion>,
)> {
    kairos_store::decode::public_host(&Cols(row))
}
