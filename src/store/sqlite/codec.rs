//! How domain values are written to and read from SQLite's TEXT columns.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rust_decimal::Decimal;
use sqlx::sqlite::SqliteRow;
use sqlx::Row;
use uuid::Uuid;

use crate::store::rows::{corrupt, Columns};
use crate::store::StoreResult;

/// RFC 3339 in UTC with exactly six fractional digits, so that text order is time order.
pub(super) fn ts(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(super) fn opt_ts(t: &Option<DateTime<Utc>>) -> Option<String> {
    t.as_ref().map(ts)
}

/// Decimals as their exact text; normalized so that equal values are equal text (the upsert
/// of price bars compares them).
pub(super) fn dec(d: &Decimal) -> String {
    d.normalize().to_string()
}

pub(super) fn opt_dec(d: &Option<Decimal>) -> Option<String> {
    d.as_ref().map(dec)
}

pub(super) fn uid(u: &Uuid) -> String {
    u.hyphenated().to_string()
}

pub(super) fn opt_uid(u: &Option<Uuid>) -> Option<String> {
    u.as_ref().map(uid)
}

pub(super) fn date(d: &NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The end of a UTC day as text, `2024-01-10T24:00:00` (ISO 8601's own way to say it): after
/// every stored time of that day and before the next day's, so that `"timestamp" < end_of_day`
/// keeps the times on or before the day and still walks the index.
pub(super) fn end_of_day(d: &NaiveDate) -> String {
    format!("{}T24:00:00", date(d))
}

/// A JSON array of ids, for `IN (SELECT value FROM json_each($n))`: one bind for any count.
pub(super) fn id_list(ids: &[Uuid]) -> String {
    let texts: Vec<String> = ids.iter().map(uid).collect();
    serde_json::Value::from(texts).to_string()
}

fn parse_time(col: &str, s: &str) -> StoreResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| corrupt(col, e))
}

fn parse_dec(col: &str, s: &str) -> StoreResult<Decimal> {
    s.parse::<Decimal>()
        .map(|d| d.normalize())
        .map_err(|e| corrupt(col, e))
}

fn parse_uuid(col: &str, s: &str) -> StoreResult<Uuid> {
    Uuid::parse_str(s).map_err(|e| corrupt(col, e))
}

impl Columns for SqliteRow {
    fn uuid(&self, col: &str) -> StoreResult<Uuid> {
        parse_uuid(col, &self.text(col)?)
    }
    fn opt_uuid(&self, col: &str) -> StoreResult<Option<Uuid>> {
        self.opt_text(col)?.map(|s| parse_uuid(col, &s)).transpose()
    }
    fn time(&self, col: &str) -> StoreResult<DateTime<Utc>> {
        parse_time(col, &self.text(col)?)
    }
    fn opt_time(&self, col: &str) -> StoreResult<Option<DateTime<Utc>>> {
        self.opt_text(col)?.map(|s| parse_time(col, &s)).transpose()
    }
    fn date(&self, col: &str) -> StoreResult<NaiveDate> {
        NaiveDate::parse_from_str(&self.text(col)?, "%Y-%m-%d").map_err(|e| corrupt(col, e))
    }
    fn dec(&self, col: &str) -> StoreResult<Decimal> {
        parse_dec(col, &self.text(col)?)
    }
    fn opt_dec(&self, col: &str) -> StoreResult<Option<Decimal>> {
        self.opt_text(col)?.map(|s| parse_dec(col, &s)).transpose()
    }
    fn text(&self, col: &str) -> StoreResult<String> {
        self.try_get::<String, _>(col).map_err(|e| corrupt(col, e))
    }
    fn opt_text(&self, col: &str) -> StoreResult<Option<String>> {
        self.try_get::<Option<String>, _>(col)
            .map_err(|e| corrupt(col, e))
    }
    fn flag(&self, col: &str) -> StoreResult<bool> {
        self.try_get::<bool, _>(col).map_err(|e| corrupt(col, e))
    }
    fn int(&self, col: &str) -> StoreResult<i64> {
        self.try_get::<i64, _>(col).map_err(|e| corrupt(col, e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_sort_as_text() {
        let a: DateTime<Utc> = "2024-01-02T03:04:05Z".parse().unwrap();
        let b: DateTime<Utc> = "2024-01-02T03:04:05.000001Z".parse().unwrap();
        assert_eq!(ts(&a), "2024-01-02T03:04:05.000000Z");
        assert!(ts(&a) < ts(&b));
    }

    #[test]
    fn the_end_of_a_day_sorts_between_it_and_the_next() {
        let day = NaiveDate::from_ymd_opt(2024, 1, 10).unwrap();
        let end = end_of_day(&day);
        let last: DateTime<Utc> = "2024-01-10T23:59:59.999999Z".parse().unwrap();
        let next: DateTime<Utc> = "2024-01-11T00:00:00Z".parse().unwrap();
        assert!(ts(&last) < end && end < ts(&next), "{end}");
    }
}
