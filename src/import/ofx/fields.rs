//! OFX's own forms of dates and numbers.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::import::values::{self, DecimalMark};

/// The date of an OFX date-time: `YYYYMMDD`, then optionally `HHMMSS` (or `HHMM`), `.XXX`
/// and a time zone such as `[-5:EST]` or `[+5.30]`. The date is the one written, in the time
/// zone the file gives: a trade on the 21st in New York was on the 21st, whatever UTC says.
pub(super) fn date(raw: &str) -> Result<NaiveDate, String> {
    let bad = || format!("'{raw}' is not an OFX date (YYYYMMDD[HHMMSS[.XXX]][[-5:EST]])");
    let s = raw.trim();
    let (stamp, zone) = match s.find('[') {
        Some(open) => (&s[..open], Some(&s[open..])),
        None => (s, None),
    };
    let (digits, fraction) = match stamp.split_once('.') {
        Some((digits, fraction)) => (digits, Some(fraction)),
        None => (stamp, None),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(digits) || ![8, 12, 14].contains(&digits.len()) {
        return Err(bad());
    }
    if fraction.is_some_and(|f| f.is_empty() || !all_digits(f) || digits.len() == 8) {
        return Err(bad());
    }
    if let Some(zone) = zone {
        let inner = zone
            .strip_prefix('[')
            .and_then(|z| z.strip_suffix(']'))
            .ok_or_else(bad)?;
        let offset = inner.split(':').next().unwrap_or("");
        let offset = offset.strip_prefix(['+', '-']).unwrap_or(offset);
        if offset.is_empty() || offset.parse::<Decimal>().is_err() {
            return Err(bad());
        }
    }
    NaiveDate::parse_from_str(&digits[..8], "%Y%m%d").map_err(|_| bad())
}

/// A number as OFX writes it: `-93.20976`, `+11.22109`, or with a decimal comma (`12,5`),
/// which the specification allows. `None` for an empty value.
pub(super) fn number(raw: &str) -> Result<Option<Decimal>, String> {
    let mark = if raw.contains(',') && !raw.contains('.') {
        DecimalMark::Comma
    } else {
        DecimalMark::Point
    };
    values::decimal(raw, mark)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn ofx_dates_with_times_and_time_zones() {
        assert_eq!(date("20050825").unwrap(), ymd(2005, 8, 25));
        assert_eq!(date("20051029101003").unwrap(), ymd(2005, 10, 29));
        assert_eq!(
            date("20180621160000.000[-5:EST]").unwrap(),
            ymd(2018, 6, 21)
        );
        assert_eq!(date("20150909084609.717[-6:MDT]").unwrap(), ymd(2015, 9, 9));
        // Late evening west of Greenwich stays on its own date.
        assert_eq!(date("20240131230000[-8:PST]").unwrap(), ymd(2024, 1, 31));
        assert_eq!(date("202401151200[+5.30:IST]").unwrap(), ymd(2024, 1, 15));
        assert_eq!(date("20240115[0:GMT]").unwrap(), ymd(2024, 1, 15));
        assert_eq!(date(" 20240115120000[-5] ").unwrap(), ymd(2024, 1, 15));
        for bad in [
            "2024-01-15",
            "2024011",
            "20241301",
            "20240115120000.[-5]",
            "20240115120000[EST]",
            "20240115120000[-5",
            "",
        ] {
            assert!(date(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ofx_numbers_signed_and_with_a_decimal_comma() {
        let d = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(number("+11.22109").unwrap(), Some(d("11.22109")));
        assert_eq!(number("-93.20976").unwrap(), Some(d("-93.20976")));
        assert_eq!(number("12,5").unwrap(), Some(d("12.5")));
        assert_eq!(number("").unwrap(), None);
        assert!(number("12.5.1").is_err());
        assert!(number("1O#").is_err());
    }
}
