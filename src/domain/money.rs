//! Rules for amounts of money, quantities and rates, all `Decimal`.

use rust_decimal::Decimal;

use super::ValidationError;

/// The largest magnitude the stores keep exactly (NUMERIC(28,10) on PostgreSQL).
pub const MAX_INTEGER_DIGITS: u32 = 18;
pub const MAX_SCALE: u32 = 10;

/// Checks that an amount fits the stored precision, so that what is written reads back equal.
pub fn check_amount(field: &'static str, value: Decimal) -> Result<Decimal, ValidationError> {
    let value = value.normalize();
    if value.scale() > MAX_SCALE {
        return Err(ValidationError::new(
            field,
            format!("at most {MAX_SCALE} decimal places"),
        ));
    }
    if value.trunc().abs() >= Decimal::from_i128_with_scale(10i128.pow(MAX_INTEGER_DIGITS), 0) {
        return Err(ValidationError::new(field, "is too large"));
    }
    Ok(value)
}

/// Reads a decimal written in JSON's number grammar (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`),
/// whether it came as a JSON number or as a string, and keeps it exactly. Anything else (`+5`,
/// `.5`, `5.`, `1_000`, `1,000`, spaces) is refused, and so is a value `Decimal` cannot hold
/// without rounding (more than 28 significant digits): a value is stored as written or not at all.
pub fn parse_exact(field: &'static str, text: &str) -> Result<Decimal, ValidationError> {
    let grammar = || {
        ValidationError::new(
            field,
            "must be a decimal number such as 1234.56 (digits, one optional point with digits on both sides, an optional leading minus)",
        )
    };
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    let (int, frac) = match mantissa.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (mantissa, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || (int.len() > 1 && int.starts_with('0')) || frac.is_some_and(|f| !digits(f)) {
        return Err(grammar());
    }
    let exponent: i64 = match exponent {
        None => 0,
        Some(e) => {
            let unsigned = e.strip_prefix(['+', '-']).unwrap_or(e);
            if !digits(unsigned) {
                return Err(grammar());
            }
            // Far beyond any representable value; refused below as too large or too precise.
            e.parse()
                .unwrap_or(if e.starts_with('-') { -1000 } else { 1000 })
        }
    };
    let frac = frac.unwrap_or("").trim_end_matches('0');
    let all = format!("{int}{frac}");
    let significant = all.trim_start_matches('0');
    let scale = frac.len() as i64 - exponent;
    let inexact = || ValidationError::new(field, "cannot be kept exactly (too many digits)");
    if significant.is_empty() {
        return Ok(Decimal::ZERO);
    }
    if significant.len() > 28 || scale > 28 || significant.len() as i64 - scale > 28 {
        return Err(if scale > 28 {
            inexact()
        } else {
            ValidationError::new(field, "is too large")
        });
    }
    let mut units: i128 = significant.parse().map_err(|_| inexact())?;
    let mut scale = scale;
    while scale < 0 {
        units *= 10;
        scale += 1;
    }
    if negative {
        units = -units;
    }
    Decimal::try_from_i128_with_scale(units, scale as u32).map_err(|_| inexact())
}

pub fn non_negative(field: &'static str, value: Decimal) -> Result<Decimal, ValidationError> {
    let value = check_amount(field, value)?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(ValidationError::new(field, "must be 0 or more"));
    }
    Ok(value)
}

pub fn positive(field: &'static str, value: Decimal) -> Result<Decimal, ValidationError> {
    let value = check_amount(field, value)?;
    if value <= Decimal::ZERO {
        return Err(ValidationError::new(field, "must be more than 0"));
    }
    Ok(value)
}

/// At most `places` decimal places.
pub fn max_places(
    field: &'static str,
    value: Decimal,
    places: u32,
) -> Result<Decimal, ValidationError> {
    if value.normalize().scale() > places {
        return Err(ValidationError::new(
            field,
            format!("at most {places} decimal places"),
        ));
    }
    Ok(value)
}

/// `value / total * 100`, or zero when the total is zero.
pub fn percent_of(value: Decimal, total: Decimal) -> Decimal {
    if total.is_zero() {
        Decimal::ZERO
    } else {
        value / total * Decimal::ONE_HUNDRED
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn keeps_exact_values_and_rejects_excess_precision() {
        let small = Decimal::from_str("0.000001").unwrap();
        assert_eq!(check_amount("x", small).unwrap(), small);
        let big = Decimal::from_str("12345678901234.567890").unwrap();
        assert_eq!(check_amount("x", big).unwrap(), big);
        assert!(check_amount("x", Decimal::from_str("0.00000000001").unwrap()).is_err());
        assert!(check_amount("x", Decimal::from_str("1000000000000000000").unwrap()).is_err());
    }

    #[test]
    fn parse_exact_follows_the_json_number_grammar() {
        let ok = |s: &str| parse_exact("x", s).unwrap();
        assert_eq!(ok("5"), Decimal::from(5));
        assert_eq!(ok("-12.50"), Decimal::from_str("-12.5").unwrap());
        assert_eq!(ok("0.000001"), Decimal::from_str("0.000001").unwrap());
        assert_eq!(ok("1e3"), Decimal::from(1000));
        assert_eq!(ok("1.5E-2"), Decimal::from_str("0.015").unwrap());
        assert_eq!(ok("0"), Decimal::ZERO);
        assert_eq!(ok("-0.0"), Decimal::ZERO);
        // Trailing zeros say nothing about the value, however many there are.
        assert_eq!(ok("5.000000000000000000000000000000000"), Decimal::from(5));
        assert_eq!(
            ok("12345678901234567890.12345678"),
            Decimal::from_str("12345678901234567890.12345678").unwrap()
        );
        for bad in [
            "", "+5", ".5", "5.", "1_000", "1,000", " 5", "5 ", "05", "--5", "5e", "e5", "0x10",
            "NaN", "inf", "1.2.3", "١",
        ] {
            assert!(parse_exact("x", bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn parse_exact_never_rounds() {
        // 29 fractional digits: rust_decimal's own parser would round this to 5.
        let e = parse_exact("x", "5.00000000000000000000000000001").unwrap_err();
        assert_eq!(e.field, "x");
        assert!(parse_exact("x", "1e-29").is_err());
        assert!(parse_exact("x", "1e29").is_err());
        assert!(parse_exact("x", "1e999999999999999999999").is_err());
        assert!(parse_exact("x", "123456789012345678901234567890").is_err());
        assert!(parse_exact("x", "0.1234567890123456789012345678").is_ok());
    }

    #[test]
    fn signs() {
        assert!(non_negative("b", Decimal::ZERO).is_ok());
        assert!(non_negative("b", Decimal::NEGATIVE_ONE).is_err());
        assert!(positive("s", Decimal::ZERO).is_err());
        assert_eq!(percent_of(Decimal::ONE, Decimal::ZERO), Decimal::ZERO);
    }
}
