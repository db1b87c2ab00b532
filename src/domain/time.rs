//! The one range of dates and times the product keeps, and the one reading of a time of day
//! written by hand.
//!
//! PostgreSQL `timestamptz` reaches back to 4713 BC and SQLite keeps whatever text it is given,
//! but each store reads back only part of what it accepts: a time outside the range below could
//! be written and then never read again. So every time that enters (a request body, a query
//! string, a form) is checked against one range, the same on both stores.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::{truncate_micros, ValidationError};

/// The first day kept: 1900-01-01.
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1900, 1, 1) {
    Some(d) => d,
    None => unreachable!(),
};

/// The last day kept: 9999-12-31.
pub const LATEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(9999, 12, 31) {
    Some(d) => d,
    None => unreachable!(),
};

fn out_of_range() -> String {
    format!("must be between {EARLIEST_DATE} and {LATEST_DATE}")
}

/// A date inside the kept range.
pub fn check_date(field: &'static str, date: NaiveDate) -> Result<NaiveDate, ValidationError> {
    if (EARLIEST_DATE..=LATEST_DATE).contains(&date) {
        Ok(date)
    } else {
        Err(ValidationError::new(field, out_of_range()))
    }
}

/// A time inside the kept range (judged by its UTC date), at the precision both stores keep.
pub fn check_time(
    field: &'static str,
    time: DateTime<Utc>,
) -> Result<DateTime<Utc>, ValidationError> {
    check_date(field, time.date_naive())?;
    Ok(truncate_micros(time))
}

/// Reads a time as people and browsers write it: RFC 3339 (`2026-11-29T18:06:00Z`,
/// `2026-11-29 18:06:00+01:00`), or without an offset, read as UTC (`2026-11-29T18:06`, what an
/// HTML `datetime-local` input sends, with or without seconds and fractions), or a bare date
/// (midnight UTC). Then checks the range.
pub fn parse_time(field: &'static str, text: &str) -> Result<DateTime<Utc>, ValidationError> {
    let invalid = || {
        ValidationError::new(
            field,
            "must be a date-time such as 2026-11-29T18:06:00Z (no offset is read as UTC)",
        )
    };
    // Years are four digits: chrono would otherwise read `+10000-01-01` or `-0001-01-01`.
    if !text.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return Err(invalid());
    }
    let time = if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        t.with_timezone(&Utc)
    } else if !naive_shape(text) {
        return Err(invalid());
    } else if let Some(naive) = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S%.f",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
    {
        Utc.from_utc_datetime(&naive)
    } else if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).ok_or_else(invalid)?)
    } else {
        return Err(invalid());
    };
    check_time(field, time)
}

/// Whether `text` is laid out as `YYYY-MM-DD`, optionally followed by `T` or a space and
/// `HH:MM`, then `:SS`, then `.` and 1 to 9 digits: chrono alone would also take one-digit
/// fields (`2026-1-5`).
fn naive_shape(text: &str) -> bool {
    const LAYOUT: &[u8] = b"0000-00-00_00:00:00";
    let bytes = text.as_bytes();
    let (head, fraction) = bytes.split_at(bytes.len().min(LAYOUT.len()));
    let head_ok = matches!(head.len(), 10 | 16 | 19)
        && head.iter().zip(LAYOUT).all(|(b, l)| match l {
            b'0' => b.is_ascii_digit(),
            b'_' => matches!(b, b'T' | b' '),
            other => b == other,
        });
    let fraction_ok = match fraction.split_first() {
        None => true,
        Some((b'.', digits)) => {
            head.len() == 19
                && (1..=9).contains(&digits.len())
                && digits.iter().all(u8::is_ascii_digit)
        }
        Some(_) => false,
    };
    head_ok && fraction_ok
}

/// Reads a date (`YYYY-MM-DD`, four-digit year) and checks the range.
pub fn parse_date(field: &'static str, text: &str) -> Result<NaiveDate, ValidationError> {
    let date = (text.len() == 10 && naive_shape(text))
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
        .ok_or_else(|| ValidationError::new(field, "must be a date such as 2026-11-29"))?;
    check_date(field, date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn reads_offsets_and_times_without_one_as_utc() {
        let t = |s: &str| parse_time("t", s).unwrap();
        assert_eq!(t("2026-11-29T18:06:00Z"), utc("2026-11-29T18:06:00Z"));
        assert_eq!(t("2026-11-29T19:06:00+01:00"), utc("2026-11-29T18:06:00Z"));
        assert_eq!(t("2026-11-29T18:06"), utc("2026-11-29T18:06:00Z"));
        assert_eq!(t("2026-11-29T18:06:07"), utc("2026-11-29T18:06:07Z"));
        assert_eq!(t("2026-11-29T18:06:07.25"), utc("2026-11-29T18:06:07.25Z"));
        assert_eq!(t("2026-11-29 18:06"), utc("2026-11-29T18:06:00Z"));
        assert_eq!(t("2026-11-29 18:06:07.5"), utc("2026-11-29T18:06:07.5Z"));
        assert_eq!(t("2026-11-29"), utc("2026-11-29T00:00:00Z"));
        // Nanoseconds are cut to the microseconds both stores keep.
        assert_eq!(
            t("2026-11-29T18:06:07.123456789Z"),
            utc("2026-11-29T18:06:07.123456Z")
        );
    }

    #[test]
    fn refuses_times_outside_the_kept_range_and_garbage() {
        for bad in [
            "+10000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "-4714-01-01T00:00:00Z",
            "-262143-01-01T00:00:00Z",
            "1899-12-31T23:59:59Z",
            // 9999-12-31T23:00-02:00 is 10000-01-01 in UTC.
            "9999-12-31T23:00:00-02:00",
            "",
            "now",
            "2026-13-01",
            "2026-11-29T25:00",
            " 2026-11-29",
            "2026-1-05",
            "2026-11-29T1:05",
            "2026-11-29T10:05:07.",
            "2026-11-29T10:05.5",
        ] {
            assert!(parse_time("t", bad).is_err(), "{bad:?} was accepted");
        }
        assert!(parse_time("t", "1900-01-01T00:00:00Z").is_ok());
        assert!(parse_time("t", "9999-12-31T23:59:59.999999Z").is_ok());
    }

    #[test]
    fn dates_have_the_same_range() {
        assert!(parse_date("d", "1900-01-01").is_ok());
        assert!(parse_date("d", "9999-12-31").is_ok());
        for bad in [
            "1899-12-31",
            "+10000-01-01",
            "-0001-01-01",
            "2026-02-30",
            "x",
        ] {
            assert!(parse_date("d", bad).is_err(), "{bad:?} was accepted");
        }
        let e = check_date("d", NaiveDate::from_ymd_opt(1800, 1, 1).unwrap()).unwrap_err();
        assert_eq!(e.message, "must be between 1900-01-01 and 9999-12-31");
    }
}
