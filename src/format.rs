//! Numbers, amounts, dates and ages as the terminal UI and the command line show them, so
//! that a figure reads the same in both. Amounts stay `Decimal` until they become text.

use chrono::{DateTime, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

/// What a masked amount looks like.
pub const MASK: &str = "•••••";

/// `1234567.891` with 2 places -> `1,234,567.89`.
pub fn amount(value: Decimal, places: u32) -> String {
    let rounded = value.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let text = format!("{:.*}", places as usize, rounded.abs());
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3 + 4);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// An amount, or the mask in privacy mode.
pub fn money(value: Decimal, private: bool) -> String {
    if private {
        MASK.to_string()
    } else {
        amount(value, 2)
    }
}

pub fn money_opt(value: Option<Decimal>, private: bool) -> String {
    value.map_or_else(|| "—".to_string(), |v| money(v, private))
}

/// A change with its sign: `+1,234.50`.
pub fn signed(value: Decimal, private: bool) -> String {
    if private {
        return MASK.to_string();
    }
    let text = amount(value, 2);
    if value > Decimal::ZERO {
        format!("+{text}")
    } else {
        text
    }
}

pub fn signed_opt(value: Option<Decimal>, private: bool) -> String {
    value.map_or_else(|| "—".to_string(), |v| signed(v, private))
}

/// `12.5` -> `+12.50%`.
pub fn percent(value: Decimal) -> String {
    let text = amount(value, 2);
    if value > Decimal::ZERO {
        format!("+{text}%")
    } else {
        format!("{text}%")
    }
}

pub fn percent_opt(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_string(), percent)
}

/// A weight, unsigned: `12.34%`.
pub fn weight(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_string(), |v| format!("{}%", amount(v, 2)))
}

/// A price: two places, four below 1.
pub fn price(value: Decimal) -> String {
    if value.abs() < Decimal::ONE {
        amount(value, 4)
    } else {
        amount(value, 2)
    }
}

pub fn price_opt(value: Option<Decimal>) -> String {
    value.map_or_else(|| "—".to_string(), price)
}

/// A share count without trailing zeros, grouped.
pub fn shares(value: Decimal, private: bool) -> String {
    if private {
        return MASK.to_string();
    }
    let n = value.normalize();
    amount(n, n.scale().min(6))
}

/// `1.23T`, `456.7B`, `12.3M`, `45.6K`.
pub fn compact(value: Decimal) -> String {
    let v = value.to_f64().unwrap_or(0.0);
    let (div, suffix) = match v.abs() {
        x if x >= 1e12 => (1e12, "T"),
        x if x >= 1e9 => (1e9, "B"),
        x if x >= 1e6 => (1e6, "M"),
        x if x >= 1e3 => (1e3, "K"),
        _ => (1.0, ""),
    };
    format!("{:.2}{suffix}", v / div)
}

/// How old a timestamp is: `today`, `yesterday`, `3d ago`, `5h ago`.
pub fn age(as_of: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let d = now - as_of;
    if d.num_minutes() < 1 && as_of.date_naive() == now.date_naive() {
        return "today".into();
    }
    if d.num_minutes() < 1 {
        return "just now".into();
    }
    if d.num_hours() < 1 {
        return format!("{}m ago", d.num_minutes());
    }
    if d.num_hours() < 24 {
        return format!("{}h ago", d.num_hours());
    }
    match d.num_days() {
        1 => "yesterday".into(),
        n => format!("{n}d ago"),
    }
}

/// How old a stale close is, short enough for a table cell: `5d old`, `7w old`, `14mo old`,
/// `3y old`.
pub fn stale_age(as_of: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let days = (now - as_of).num_days().max(0);
    match days {
        0..=27 => format!("{days}d old"),
        28..=90 => format!("{}w old", days / 7),
        91..=729 => format!("{}mo old", days * 12 / 365),
        _ => format!("{}y old", days / 365),
    }
}

/// Cuts text to `width` characters, ending with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_group_and_round() {
        assert_eq!(amount(d("1234567.891"), 2), "1,234,567.89");
        assert_eq!(amount(d("-1234.5"), 2), "-1,234.50");
        assert_eq!(amount(d("999.995"), 2), "1,000.00");
        assert_eq!(amount(d("0.004"), 2), "0.00");
        assert_eq!(amount(d("-0.004"), 2), "0.00");
        assert_eq!(amount(d("12"), 0), "12");
        assert_eq!(money(d("5"), true), MASK);
        assert_eq!(signed(d("5"), false), "+5.00");
        assert_eq!(percent(d("-3.456")), "-3.46%");
        assert_eq!(shares(d("10.500000"), false), "10.5");
        assert_eq!(shares(d("1200"), false), "1,200");
        assert_eq!(price(d("0.12345")), "0.1235");
        assert_eq!(compact(d("2345000000000")), "2.35T");
        assert_eq!(fit("Alphabet Inc.", 6), "Alpha…");
    }

    #[test]
    fn ages() {
        let now = DateTime::parse_from_rfc3339("2025-06-27T22:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(age(now - chrono::Duration::hours(1), now), "1h ago");
        assert_eq!(age(now - chrono::Duration::days(1), now), "yesterday");
        assert_eq!(age(now - chrono::Duration::days(4), now), "4d ago");
        let ago = |days| stale_age(now - chrono::Duration::days(days), now);
        assert_eq!(ago(5), "5d old");
        // 50 days = 7 whole weeks; 400 days = 13 whole months; 950 days = 2 whole years.
        assert_eq!(ago(50), "7w old");
        assert_eq!(ago(400), "13mo old");
        assert_eq!(ago(950), "2y old");
    }
}
