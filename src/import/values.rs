//! Numbers and dates as exports write them: `1,234.50`, `"4.312,50"`, `$-12.00`, `(3.10)`,
//! `2024-01-15`, `01/15/2024`, `15.01.2024`, `20240115`. Every reader goes through these, so a
//! value is read one way whatever the format.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::str::FromStr;

/// Which character separates the decimals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecimalMark {
    /// `1,234.50`
    #[default]
    Point,
    /// `1.234,50`
    Comma,
}

/// A number as a spreadsheet or a broker writes it: currency signs and spaces around it,
/// thousands separators, a leading or trailing minus, or parentheses for a negative.
/// `None` for an empty cell; an error message for anything else that is not a number.
pub fn decimal(raw: &str, mark: DecimalMark) -> Result<Option<Decimal>, String> {
    let trimmed = raw.trim();
    if trimmed.is_empty() || trimmed == "-" || trimmed.eq_ignore_ascii_case("n/a") {
        return Ok(None);
    }
    let mut negative = false;
    let mut body: &str = trimmed;
    if let Some(inner) = body.strip_prefix('(').and_then(|b| b.strip_suffix(')')) {
        negative = true;
        body = inner;
    }
    let mut digits = String::with_capacity(body.len());
    for c in body.chars() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | '\u{2212}' => negative = !negative,
            '+' => {}
            '.' if mark == DecimalMark::Point => digits.push('.'),
            ',' if mark == DecimalMark::Comma => digits.push('.'),
            // Thousands separators, currency signs and codes, spaces of any kind.
            ',' | '.' | '\'' | ' ' | '\u{a0}' | '\u{202f}' | '$' | '€' | '£' | '¥' | '%' => {}
            c if c.is_ascii_alphabetic() => {}
            _ => return Err(format!("'{trimmed}' is not a number")),
        }
    }
    if digits.is_empty() || digits.matches('.').count() > 1 {
        return Err(format!("'{trimmed}' is not a number"));
    }
    let value = Decimal::from_str(&digits).map_err(|_| format!("'{trimmed}' is not a number"))?;
    Ok(Some(if negative { -value } else { value }))
}

/// The date at the start of `raw`: an ISO date or timestamp, `YYYYMMDD`, or `D.M.YYYY`;
/// slashed and dashed day-first or month-first dates by `order`. A two-digit year is refused:
/// `16/09/21` could be any of three dates.
pub fn date(raw: &str, order: DayOrder) -> Result<NaiveDate, String> {
    let trimmed = raw.trim().trim_matches('"');
    let head = trimmed
        .split(['T', ' ', ';', ','])
        .find(|s| !s.is_empty())
        .unwrap_or("");
    let formats: &[&str] = match order {
        DayOrder::DayFirst => &[
            "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y", "%d-%m-%Y", "%d/%m/%Y",
        ],
        DayOrder::MonthFirst => &[
            "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%d.%m.%Y", "%m-%d-%Y", "%m/%d/%Y",
        ],
    };
    let four_digit_year = head
        .split(['-', '/', '.'])
        .any(|part| part.len() == 4 || part.len() == 8);
    if four_digit_year {
        for format in formats {
            if let Ok(d) = NaiveDate::parse_from_str(head, format) {
                return Ok(d);
            }
        }
    }
    Err(format!("'{trimmed}' is not a date with a four-digit year"))
}

/// Whether `01/02/2024` is the 1st of February or the 2nd of January.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayOrder {
    #[default]
    DayFirst,
    MonthFirst,
}

/// An ISIN: two letters, nine letters or digits, a check digit (checked).
pub fn is_isin(raw: &str) -> bool {
    let s = raw.trim();
    if s.len() != 12 || !s.is_ascii() {
        return false;
    }
    let b = s.as_bytes();
    if !b[..2].iter().all(u8::is_ascii_uppercase) || !b[2..].iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    // Letters become two digits (A = 10), then the Luhn check over the digit string.
    let mut digits = Vec::with_capacity(24);
    for c in s.chars() {
        match c.to_digit(36) {
            Some(v) if v >= 10 => {
                digits.push(v / 10);
                digits.push(v % 10);
            }
            Some(v) => digits.push(v),
            None => return false,
        }
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 1 {
                let x = d * 2;
                x / 10 + x % 10
            } else {
                d
            }
        })
        .sum();
    sum % 10 == 0
}

/// A CUSIP: nine letters or digits whose last is the check digit (checked).
pub fn is_cusip(raw: &str) -> bool {
    let s = raw.trim().as_bytes();
    if s.len() != 9 || !s.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let value = |c: u8| -> u32 {
        match c {
            b'0'..=b'9' => u32::from(c - b'0'),
            _ => u32::from(c.to_ascii_uppercase() - b'A') + 10,
        }
    };
    let sum: u32 = s[..8]
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            let v = if i % 2 == 1 { value(c) * 2 } else { value(c) };
            v / 10 + v % 10
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    u32::from(s[8]).checked_sub(u32::from(b'0')) == Some(check)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn numbers_as_brokers_write_them() {
        let p = DecimalMark::Point;
        assert_eq!(decimal("1,234.50", p).unwrap(), Some(d("1234.50")));
        assert_eq!(decimal("$-12.00", p).unwrap(), Some(d("-12.00")));
        assert_eq!(decimal("-$12.00", p).unwrap(), Some(d("-12.00")));
        assert_eq!(decimal("(3.10)", p).unwrap(), Some(d("-3.10")));
        assert_eq!(
            decimal(" 0.2232140000 ", p).unwrap(),
            Some(d("0.2232140000"))
        );
        assert_eq!(decimal("", p).unwrap(), None);
        assert_eq!(
            decimal("4.312,50", DecimalMark::Comma).unwrap(),
            Some(d("4312.50"))
        );
        assert_eq!(
            decimal("-1,5", DecimalMark::Comma).unwrap(),
            Some(d("-1.5"))
        );
        assert!(decimal("1.2.3", p).is_err());
        assert!(decimal("12#", p).is_err());
    }

    #[test]
    fn dates_need_four_digit_years() {
        let ymd = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let df = DayOrder::DayFirst;
        assert_eq!(date("2024-01-15", df).unwrap(), ymd(2024, 1, 15));
        assert_eq!(
            date("2026-03-06T10:20:05.865Z", df).unwrap(),
            ymd(2026, 3, 6)
        );
        assert_eq!(date("20230403;095853", df).unwrap(), ymd(2023, 4, 3));
        assert_eq!(date("17/11/2021", df).unwrap(), ymd(2021, 11, 17));
        assert_eq!(date("01.01.2022", df).unwrap(), ymd(2022, 1, 1));
        assert_eq!(date("20500606", df).unwrap(), ymd(2050, 6, 6));
        assert_eq!(
            date("03/21/2025", DayOrder::MonthFirst).unwrap(),
            ymd(2025, 3, 21)
        );
        assert!(date("16/09/21", df).is_err());
        assert!(date("yesterday", df).is_err());
    }

    #[test]
    fn identifiers_are_checked() {
        assert!(is_isin("US0378331005"));
        assert!(is_isin("US5949181045"));
        assert!(!is_isin("US0378331006"));
        assert!(!is_isin("AAPL"));
        assert!(is_cusip("037833100"));
        assert!(!is_cusip("037833101"));
    }
}
