//! How request fields are read off the wire: decimals in the domain's exact grammar (a JSON
//! number or a string, never rounded), times and dates in the kept range, as the domain reads
//! them. Every input field of these kinds goes through here, in bodies, query strings and
//! forms alike, so one rule holds for every route.
//!
//! Use with `#[serde(deserialize_with = "wire::decimal")]`; the `Option` forms also need
//! `default` so that an absent field stays `None`.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::domain::{money, time, ValidationError};

fn refuse<E: serde::de::Error>(e: ValidationError) -> E {
    E::custom(e.message)
}

/// A decimal from a JSON number or a string (query strings and forms only have strings).
fn read_decimal<E: serde::de::Error>(value: Value) -> Result<Decimal, E> {
    match value {
        // With `arbitrary_precision`, a number keeps the text it was written as.
        Value::Number(n) => money::parse_exact("value", &n.to_string()).map_err(refuse),
        Value::String(s) => money::parse_exact("value", &s).map_err(refuse),
        other => Err(E::custom(format!(
            "must be a decimal number (a JSON number or a string), not {}",
            kind(&other)
        ))),
    }
}

fn read_text<E: serde::de::Error>(value: Value, what: &str) -> Result<String, E> {
    match value {
        Value::String(s) => Ok(s),
        other => Err(E::custom(format!(
            "must be {what} as a string, not {}",
            kind(&other)
        ))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    read_decimal(Value::deserialize(d)?)
}

pub fn opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => read_decimal(v).map(Some),
    }
}

/// Absent is `None`, `null` is `Some(None)` (clears the field).
pub fn double_opt_decimal<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Option<Decimal>>, D::Error> {
    opt_decimal(d).map(Some)
}

/// A small whole number; `3.0` is the number 3, as JSON Schema's `integer` has it.
pub fn opt_u8<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => {
            let n = read_decimal::<D::Error>(v)?;
            n.fract()
                .is_zero()
                .then(|| n.to_u8())
                .flatten()
                .map(Some)
                .ok_or_else(|| D::Error::custom("must be a whole number from 0 to 255"))
        }
    }
}

fn read_time<E: serde::de::Error>(value: Value) -> Result<DateTime<Utc>, E> {
    let text = read_text(value, "a date-time")?;
    time::parse_time("value", &text).map_err(refuse)
}

pub fn opt_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => read_time(v).map(Some),
    }
}

pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v => {
            let text = read_text(v, "a date")?;
            time::parse_date("value", &text).map(Some).map_err(refuse)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Deserialize)]
    struct Body {
        #[serde(deserialize_with = "decimal")]
        amount: Decimal,
        #[serde(default, deserialize_with = "opt_time")]
        at: Option<DateTime<Utc>>,
        #[serde(default, deserialize_with = "double_opt_decimal")]
        rate: Option<Option<Decimal>>,
    }

    #[derive(Debug, Deserialize)]
    struct Small {
        #[serde(default, deserialize_with = "opt_u8")]
        n: Option<u8>,
    }

    #[test]
    fn whole_numbers_may_be_written_with_a_fraction_of_zero() {
        let n = |body: &str| serde_json::from_str::<Small>(body).map(|s| s.n);
        assert_eq!(n(r#"{"n": 3}"#).unwrap(), Some(3));
        assert_eq!(n(r#"{"n": 3.0}"#).unwrap(), Some(3));
        assert_eq!(n(r#"{"n": null}"#).unwrap(), None);
        for bad in [
            r#"{"n": 3.5}"#,
            r#"{"n": -1}"#,
            r#"{"n": 256}"#,
            r#"{"n": "x"}"#,
        ] {
            assert!(n(bad).is_err(), "{bad}");
        }
    }

    fn read(v: Value) -> Result<Body, String> {
        serde_json::from_value(v).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_and_strings_read_alike_and_exactly() {
        let from_number: Body = serde_json::from_str(r#"{"amount": 10.10}"#).unwrap();
        let from_string = read(json!({"amount": "10.10"})).unwrap();
        assert_eq!(from_number.amount, from_string.amount);
        assert_eq!(from_number.amount, Decimal::new(1010, 2));
        assert!(from_number.at.is_none() && from_number.rate.is_none());
        let cleared = read(json!({"amount": "1", "rate": null})).unwrap();
        assert_eq!(cleared.rate, Some(None));
    }

    #[test]
    fn refuses_what_cannot_be_kept() {
        for body in [
            r#"{"amount": "+5"}"#,
            r#"{"amount": "5.00000000000000000000000000001"}"#,
            r#"{"amount": 5.00000000000000000000000000001}"#,
            r#"{"amount": true}"#,
            r#"{"amount": null}"#,
            r#"{"amount": "1", "at": "+10000-01-01T00:00:00Z"}"#,
            r#"{"amount": "1", "at": 1700000000}"#,
        ] {
            assert!(
                serde_json::from_str::<Body>(body).is_err(),
                "{body} was accepted"
            );
        }
    }
}
