//! Reading PostgreSQL columns, and PostgreSQL failures as `StoreError`s.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::error::ErrorKind;
use sqlx::postgres::PgRow;
use sqlx::{Column, Row, TypeInfo};
use uuid::Uuid;

use crate::store::open::one_line;
use crate::store::rows::{corrupt, count, Columns};
use crate::store::{StoreError, StoreResult};

pub(super) fn db_err(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(d) => match d.kind() {
            ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation => {
                StoreError::Conflict(d.constraint().unwrap_or("unnamed constraint").to_string())
            }
            // Connection exceptions (08), shutdown (57P01-03), too many connections (53300).
            _ if d
                .code()
                .is_some_and(|c| c.starts_with("08") || c.starts_with("57P") || c == "53300") =>
            {
                StoreError::Unavailable(one_line(d.message()))
            }
            _ => StoreError::Database(one_line(d.message())),
        },
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => StoreError::Unavailable(one_line(&e)),
        sqlx::Error::ColumnDecode { .. }
        | sqlx::Error::Decode(_)
        | sqlx::Error::ColumnNotFound(_)
        | sqlx::Error::TypeNotFound { .. } => StoreError::Corrupt(one_line(&e)),
        _ => StoreError::Database(one_line(&e)),
    }
}

fn get<'r, T>(row: &'r PgRow, col: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    row.try_get::<T, _>(col).map_err(|e| corrupt(col, e))
}

impl Columns for PgRow {
    fn uuid(&self, col: &str) -> StoreResult<Uuid> {
        get(self, col)
    }
    fn opt_uuid(&self, col: &str) -> StoreResult<Option<Uuid>> {
        get(self, col)
    }
    fn time(&self, col: &str) -> StoreResult<DateTime<Utc>> {
        get(self, col)
    }
    fn opt_time(&self, col: &str) -> StoreResult<Option<DateTime<Utc>>> {
        get(self, col)
    }
    fn date(&self, col: &str) -> StoreResult<NaiveDate> {
        get(self, col)
    }
    fn dec(&self, col: &str) -> StoreResult<Decimal> {
        get::<Decimal>(self, col).map(|d| d.normalize())
    }
    fn opt_dec(&self, col: &str) -> StoreResult<Option<Decimal>> {
        get::<Option<Decimal>>(self, col).map(|d| d.map(|d| d.normalize()))
    }
    fn text(&self, col: &str) -> StoreResult<String> {
        get(self, col)
    }
    fn opt_text(&self, col: &str) -> StoreResult<Option<String>> {
        get(self, col)
    }
    fn flag(&self, col: &str) -> StoreResult<bool> {
        get(self, col)
    }
    fn int(&self, col: &str) -> StoreResult<i64> {
        let kind = self
            .columns()
            .iter()
            .find(|c| c.name() == col)
            .map(|c| c.type_info().name().to_string());
        match kind.as_deref() {
            Some("INT2") => get::<i16>(self, col).map(i64::from),
            Some("INT4") => get::<i32>(self, col).map(i64::from),
            _ => get::<i64>(self, col),
        }
    }
}

/// The `count(*) OVER ()` of a page's rows: `None` when the page is empty, since then the
/// rows cannot tell (an offset past the end), and the caller counts separately.
pub(super) fn window_total(rows: &[PgRow]) -> StoreResult<Option<u64>> {
    match rows.first() {
        Some(r) => count(get::<i64>(r, "total")?).map(Some),
        None => Ok(None),
    }
}
