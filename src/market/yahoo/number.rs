//! Yahoo's JSON numbers become `Decimal` here and nowhere later.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use crate::domain::money::MAX_SCALE;

/// The decimal a JSON float stands for. Yahoo stores most prices as 32-bit floats and sends
/// them widened (`75.0875015258789` is the float32 `75.0875`), so a value that is exactly a
/// float32 with a fraction takes float32's shortest form; any other (whole numbers such as
/// a market cap included) keeps float64's shortest form (`150.1` stays `150.1`). At most 10 decimal places, what the stores keep. `None` for NaN or infinity.
pub fn decimal(value: f64) -> Option<Decimal> {
    if !value.is_finite() {
        return None;
    }
    let narrow = value as f32;
    // Within two units in the last place rather than equal: JSON parsers need not round the
    // last bit of a long literal exactly.
    let widened = f64::from(narrow);
    let is_float32 = (widened - value).abs() <= 2.0 * f64::EPSILON * value.abs();
    let text = if value.fract() != 0.0 && narrow.is_finite() && is_float32 {
        narrow.to_string()
    } else {
        value.to_string()
    };
    Decimal::from_str(&text)
        .ok()
        .map(|d| d.round_dp(MAX_SCALE).normalize())
}

pub fn opt_decimal(value: Option<f64>) -> Option<Decimal> {
    value.and_then(decimal)
}

/// A count Yahoo may send as a float (`1.2E7`) or null.
pub fn count(value: Option<f64>) -> Option<i64> {
    value
        .filter(|v| v.is_finite() && *v >= 0.0 && *v < 9.0e18)
        .map(|v| v.round() as i64)
}

pub fn timestamp(secs: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_keep_their_intended_digits() {
        assert_eq!(decimal(150.1).unwrap().to_string(), "150.1");
        assert_eq!(decimal(75.0875015258789).unwrap().to_string(), "75.0875");
        assert_eq!(
            decimal(1.1220825910568237).unwrap().to_string(),
            "1.1220826"
        );
        assert_eq!(decimal(245.55).unwrap().to_string(), "245.55");
        assert_eq!(decimal(0.0041).unwrap().to_string(), "0.0041");
        assert_eq!(
            decimal(3688676720640.0).unwrap().to_string(),
            "3688676720640"
        );
        assert_eq!(decimal(1e-12).unwrap(), Decimal::ZERO);
        assert!(decimal(f64::NAN).is_none());
        assert!(decimal(f64::INFINITY).is_none());
    }

    #[test]
    fn counts() {
        assert_eq!(count(Some(32129951.0)), Some(32129951));
        assert_eq!(count(None), None);
        assert_eq!(count(Some(-1.0)), None);
    }
}
