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
    fn signs() {
        assert!(non_negative("b", Decimal::ZERO).is_ok());
        assert!(non_negative("b", Decimal::NEGATIVE_ONE).is_err());
        assert!(positive("s", Decimal::ZERO).is_err());
        assert_eq!(percent_of(Decimal::ONE, Decimal::ZERO), Decimal::ZERO);
    }
}
