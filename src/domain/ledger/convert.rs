//! Amounts written in an activity's unit, brought into the account's currency: a minor unit by
//! its fixed factor, then the activity's own `fx_rate`, else the stored rate of its date.
//! Never 1:1 when neither is known: such an amount stays unconverted.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{money, CurrencyCode, QuoteUnit};

/// Stored exchange rates by date. The service backs it with its stored rates read the way
/// [`crate::domain::RateBook`] reads them (direct, inverse, or across USD, dated on or before
/// `date`); a closure of the same shape serves as one.
pub trait RateSource {
    /// 1 `from` = this many `to`, on `date`; `None` when no stored rate says so.
    fn rate(&self, from: &CurrencyCode, to: &CurrencyCode, date: NaiveDate) -> Option<Decimal>;
}

impl<F> RateSource for F
where
    F: Fn(&CurrencyCode, &CurrencyCode, NaiveDate) -> Option<Decimal>,
{
    fn rate(&self, from: &CurrencyCode, to: &CurrencyCode, date: NaiveDate) -> Option<Decimal> {
        self(from, to, date)
    }
}

/// No stored rates at all: only amounts already in the account's currency (or a minor unit of
/// it) convert.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoRates;

impl RateSource for NoRates {
    fn rate(&self, _: &CurrencyCode, _: &CurrencyCode, _: NaiveDate) -> Option<Decimal> {
        None
    }
}

/// Multiplies amounts in one unit into the account's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Converter {
    per_major: Decimal,
    rate: Decimal,
    /// Amounts already in the account's currency, the common case, skip the arithmetic.
    identity: bool,
}

impl Converter {
    /// `None` when no way is known: the amount is unconverted. An `fx_rate` is read per unit of
    /// the major currency, as rates are quoted; between a currency and itself it has no use.
    #[cfg(test)]
    pub(crate) fn find(
        unit: &str,
        fx_rate: Option<Decimal>,
        account: &CurrencyCode,
        date: NaiveDate,
        rates: &impl RateSource,
    ) -> Option<Self> {
        if unit == account.as_str() {
            return Some(Self::IDENTITY);
        }
        let unit = QuoteUnit::parse(unit).ok()?;
        Self::of_unit(&unit, fx_rate, account, || {
            rates.rate(&unit.currency, account, date)
        })
    }

    /// The converter of a unit already parsed, with the stored rate of the date asked of
    /// `stored` only when neither the unit nor an `fx_rate` settles it.
    pub(crate) fn of_unit(
        unit: &QuoteUnit,
        fx_rate: Option<Decimal>,
        account: &CurrencyCode,
        stored: impl FnOnce() -> Option<Decimal>,
    ) -> Option<Self> {
        let rate = if unit.currency == *account {
            Decimal::ONE
        } else {
            match fx_rate {
                Some(r) => r,
                None => stored()?,
            }
        };
        Some(Self {
            per_major: unit.per_major,
            rate,
            identity: unit.per_major == Decimal::ONE && rate == Decimal::ONE,
        })
    }

    pub(crate) const IDENTITY: Self = Self {
        per_major: Decimal::ONE,
        rate: Decimal::ONE,
        identity: true,
    };

    /// `amount` in the account's currency, to the places the stores keep; `None` on overflow.
    pub(crate) fn apply(&self, amount: Decimal) -> Option<Decimal> {
        if self.identity {
            return Some(amount);
        }
        let major = amount.checked_div(self.per_major)?;
        Some(to_kept_places(major.checked_mul(self.rate)?))
    }
}

/// Rounds to the places the stores keep; most figures already fit, and rounding is not free.
pub(crate) fn to_kept_places(value: Decimal) -> Decimal {
    if value.scale() > money::MAX_SCALE {
        value.round_dp(money::MAX_SCALE)
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn code(c: &str) -> CurrencyCode {
        CurrencyCode::parse(c).unwrap()
    }

    #[test]
    fn minor_units_rates_and_nothing_guessed() {
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let gbp = code("GBP");
        let usd = code("USD");
        let stored = |from: &CurrencyCode, to: &CurrencyCode, _: NaiveDate| {
            (from.as_str() == "EUR" && to.as_str() == "USD").then(|| d("1.08"))
        };
        // 1234 pence into pounds: 1234 / 100 = 12.34, no rate involved.
        let pence = Converter::find("GBp", None, &gbp, day, &NoRates).unwrap();
        assert_eq!(pence.apply(d("1234")), Some(d("12.34")));
        // The same currency ignores an fx_rate written by mistake.
        let same = Converter::find("GBP", Some(d("2")), &gbp, day, &NoRates).unwrap();
        assert_eq!(same.apply(d("10")), Some(d("10")));
        // Pence into dollars at 1.25 per pound: 1234 / 100 x 1.25 = 15.425.
        let fx = Converter::find("GBp", Some(d("1.25")), &usd, day, &NoRates).unwrap();
        assert_eq!(fx.apply(d("1234")), Some(d("15.425")));
        // EUR into USD from the stored rate: 200 x 1.08 = 216.
        let eur = Converter::find("EUR", None, &usd, day, &stored).unwrap();
        assert_eq!(eur.apply(d("200")), Some(d("216")));
        // The activity's own rate wins over the stored one: 200 x 1.1 = 220.
        let own = Converter::find("EUR", Some(d("1.1")), &usd, day, &stored).unwrap();
        assert_eq!(own.apply(d("200")), Some(d("220")));
        assert_eq!(Converter::find("CHF", None, &usd, day, &stored), None);
        assert_eq!(Converter::find("pence", None, &gbp, day, &NoRates), None);
    }
}
