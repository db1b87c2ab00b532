//! Which exchange rate converts one currency into another on a date, decided from the rates
//! stored on or before it: direct, a stored inverse inverted, or a cross through USD. The same
//! rule for one conversion and for a whole portfolio, so that both give the same figures.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use rust_decimal::Decimal;

use super::{money, CurrencyCode, ExchangeRate};

/// The rate `from -> to` given the newest stored `from -> to` rate (`direct`) and the newest
/// stored `to -> from` rate (`inverse`): the newer of the two, so that a fresh inverse is not
/// shadowed by a stale direct rate. `None` when neither is stored.
pub fn newer_of(direct: Option<&ExchangeRate>, inverse: Option<&ExchangeRate>) -> Option<Decimal> {
    match (direct, inverse) {
        (Some(d), Some(i)) if i.date > d.date => i.inverse().map(|r| r.rate),
        (Some(d), _) => Some(d.rate),
        (None, Some(i)) => i.inverse().map(|r| r.rate),
        (None, None) => None,
    }
}

/// Stored rates as of one date: for each ordered pair of currencies, the newest rate dated on
/// or before it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateBook {
    newest: HashMap<(CurrencyCode, CurrencyCode), ExchangeRate>,
}

impl RateBook {
    /// Keeps the newest rate of each pair among `rates`.
    pub fn new(rates: impl IntoIterator<Item = ExchangeRate>) -> Self {
        let mut newest = HashMap::new();
        for rate in rates {
            match newest.entry((rate.from.clone(), rate.to.clone())) {
                Entry::Vacant(slot) => {
                    slot.insert(rate);
                }
                Entry::Occupied(mut slot) => {
                    if rate.date > slot.get().date {
                        slot.insert(rate);
                    }
                }
            }
        }
        Self { newest }
    }

    /// 1 `from` = rate `to`: the same currency is 1; then a direct or inverse rate (the newer);
    /// then a cross through USD. `None` when there is no way: never taken as 1:1.
    pub fn rate(&self, from: &CurrencyCode, to: &CurrencyCode) -> Option<Decimal> {
        if from == to {
            return Some(Decimal::ONE);
        }
        if let Some(rate) = self.direct_or_inverse(from, to) {
            return Some(rate);
        }
        let usd = CurrencyCode::usd();
        if *from == usd || *to == usd {
            return None;
        }
        let leg1 = self.direct_or_inverse(from, &usd)?;
        let leg2 = self.direct_or_inverse(&usd, to)?;
        Some((leg1 * leg2).round_dp(money::MAX_SCALE))
    }

    fn direct_or_inverse(&self, from: &CurrencyCode, to: &CurrencyCode) -> Option<Decimal> {
        newer_of(
            self.newest.get(&(from.clone(), to.clone())),
            self.newest.get(&(to.clone(), from.clone())),
        )
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::NaiveDate;

    use super::*;

    fn code(c: &str) -> CurrencyCode {
        CurrencyCode::parse(c).unwrap()
    }

    fn rate(from: &str, to: &str, day: u32, r: &str) -> ExchangeRate {
        ExchangeRate::new(
            code(from),
            code(to),
            NaiveDate::from_ymd_opt(2024, 1, day).unwrap(),
            Decimal::from_str(r).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn direct_inverse_and_the_newer_of_them() {
        let book = RateBook::new([
            rate("EUR", "USD", 2, "1.10"),
            // An older EUR -> USD rate: the newer one of the pair is kept.
            rate("EUR", "USD", 1, "1.50"),
            rate("USD", "GBP", 3, "0.80"),
        ]);
        assert_eq!(book.rate(&code("EUR"), &code("EUR")), Some(Decimal::ONE));
        assert_eq!(book.rate(&code("EUR"), &code("USD")), Some(dec("1.10")));
        // Only USD -> GBP is stored: GBP -> USD is 1 / 0.80 = 1.25.
        assert_eq!(book.rate(&code("GBP"), &code("USD")), Some(dec("1.25")));
        // Both directions stored: the newer wins. USD -> EUR on the 5th is 0.8, so EUR -> USD
        // is 1 / 0.8 = 1.25, not the direct 1.10 of the 2nd.
        let both = RateBook::new([rate("EUR", "USD", 2, "1.10"), rate("USD", "EUR", 5, "0.8")]);
        assert_eq!(both.rate(&code("EUR"), &code("USD")), Some(dec("1.25")));
    }

    #[test]
    fn crosses_through_usd_and_never_guesses() {
        // EUR -> USD 1.10 and USD -> JPY 150: EUR -> JPY = 1.10 x 150 = 165.
        let book = RateBook::new([rate("EUR", "USD", 2, "1.10"), rate("USD", "JPY", 2, "150")]);
        assert_eq!(book.rate(&code("EUR"), &code("JPY")), Some(dec("165.0")));
        // JPY -> EUR = (1 / 150) x (1 / 1.10), each leg to 10 places:
        // 0.0066666667 x 0.9090909091 = 0.0060606061 (to 10 places).
        assert_eq!(
            book.rate(&code("JPY"), &code("EUR")),
            Some(dec("0.0060606061"))
        );
        assert_eq!(book.rate(&code("CHF"), &code("EUR")), None);
        assert_eq!(book.rate(&code("CHF"), &code("USD")), None);
        assert_eq!(RateBook::default().rate(&code("EUR"), &code("USD")), None);
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }
}
