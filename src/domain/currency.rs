use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{money, ValidationError};

/// An ISO 4217 code: three upper-case ASCII letters. Input is accepted in any case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CurrencyCode(String);

impl CurrencyCode {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(Self(code))
        } else {
            Err(ValidationError::new(
                "currency_code",
                format!("'{raw}' is not a three-letter currency code"),
            ))
        }
    }

    pub fn usd() -> Self {
        Self("USD".into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for CurrencyCode {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CurrencyCode {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<CurrencyCode> for String {
    fn from(c: CurrencyCode) -> Self {
        c.0
    }
}

impl fmt::Display for CurrencyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Currency {
    pub code: CurrencyCode,
    pub name: String,
    pub symbol: String,
    /// Digits of the minor unit (2 for USD, 0 for JPY, 3 for KWD).
    pub decimals: u8,
}

impl Currency {
    pub fn new(
        code: &str,
        name: &str,
        symbol: &str,
        decimals: u8,
    ) -> Result<Self, ValidationError> {
        let code = CurrencyCode::parse(code)?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(ValidationError::new("name", "must be 1 to 100 characters"));
        }
        let symbol = symbol.trim();
        if symbol.is_empty() || symbol.chars().count() > 10 {
            return Err(ValidationError::new("symbol", "must be 1 to 10 characters"));
        }
        if decimals > 4 {
            return Err(ValidationError::new("decimals", "must be between 0 and 4"));
        }
        Ok(Self {
            code,
            name: name.to_string(),
            symbol: symbol.to_string(),
            decimals,
        })
    }
}

/// 1 unit of `from` = `rate` units of `to`, as of `date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExchangeRate {
    pub from: CurrencyCode,
    pub to: CurrencyCode,
    pub date: NaiveDate,
    pub rate: Decimal,
}

impl ExchangeRate {
    pub fn new(
        from: CurrencyCode,
        to: CurrencyCode,
        date: NaiveDate,
        rate: Decimal,
    ) -> Result<Self, ValidationError> {
        if from == to {
            return Err(ValidationError::new(
                "to",
                "must differ from the base currency",
            ));
        }
        let rate = money::positive("rate", rate)?;
        Ok(Self {
            from,
            to,
            date,
            rate,
        })
    }

    /// The same rate seen from the other side.
    pub fn inverse(&self) -> Option<Self> {
        if self.rate.is_zero() {
            return None;
        }
        Some(Self {
            from: self.to.clone(),
            to: self.from.clone(),
            date: self.date,
            rate: (Decimal::ONE / self.rate).round_dp(money::MAX_SCALE),
        })
    }
}

/// The unit a price is quoted in. Some exchanges quote in a minor unit (London in pence,
/// `GBp`; Johannesburg in cents, `ZAc`; Tel Aviv in agorot, `ILA`): a fixed factor of the major
/// currency, never an exchange rate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteUnit {
    pub raw: String,
    pub currency: CurrencyCode,
    /// How many quote units make one unit of `currency` (1 for a major currency).
    pub per_major: Decimal,
}

impl QuoteUnit {
    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let raw = raw.trim();
        let minor = match raw {
            "GBp" | "GBX" => Some("GBP"),
            "ZAc" | "ZAC" => Some("ZAR"),
            "ILA" | "ILa" => Some("ILS"),
            _ => None,
        };
        match minor {
            Some(major) => Ok(Self {
                raw: raw.to_string(),
                currency: CurrencyCode(major.to_string()),
                per_major: Decimal::ONE_HUNDRED,
            }),
            None => Ok(Self {
                raw: raw.to_ascii_uppercase(),
                currency: CurrencyCode::parse(raw)?,
                per_major: Decimal::ONE,
            }),
        }
    }

    /// Converts an amount in this unit to the major currency.
    pub fn to_major(&self, amount: Decimal) -> Decimal {
        amount / self.per_major
    }

    pub fn is_minor(&self) -> bool {
        self.per_major != Decimal::ONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised_and_checked() {
        assert_eq!(CurrencyCode::parse(" eur ").unwrap().as_str(), "EUR");
        assert!(CurrencyCode::parse("EURO").is_err());
        assert!(CurrencyCode::parse("E1R").is_err());
    }

    #[test]
    fn minor_units_are_fixed_factors() {
        let pence = QuoteUnit::parse("GBp").unwrap();
        assert_eq!(pence.currency.as_str(), "GBP");
        assert_eq!(pence.to_major(Decimal::from(250)), Decimal::new(25, 1));
        let usd = QuoteUnit::parse("USD").unwrap();
        assert!(!usd.is_minor());
        assert!(QuoteUnit::parse("pence").is_err());
    }

    #[test]
    fn rates_invert_and_reject_nonsense() {
        let d = NaiveDate::from_ymd_opt(2024, 1, 2).unwrap();
        let r = ExchangeRate::new(
            CurrencyCode::usd(),
            "EUR".parse().unwrap(),
            d,
            Decimal::new(8, 1),
        )
        .unwrap();
        assert_eq!(r.inverse().unwrap().rate, Decimal::new(125, 2));
        assert!(
            ExchangeRate::new(CurrencyCode::usd(), CurrencyCode::usd(), d, Decimal::ONE).is_err()
        );
        assert!(ExchangeRate::new(
            CurrencyCode::usd(),
            "EUR".parse().unwrap(),
            d,
            Decimal::ZERO
        )
        .is_err());
    }
}
