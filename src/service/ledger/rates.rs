//! Stored exchange rates of every date a replay needs, read once and answered per date the
//! way [`crate::domain::RateBook`] answers for one date: the same currency is 1; then the
//! newer of a direct and an inverse rate on or before the date; then a cross through USD.
//! Never 1:1 when no rate is stored.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::ledger::RateSource;
use crate::domain::rate_book::newer_of;
use crate::domain::{money, CurrencyCode, ExchangeRate, RateBook};
use crate::store::Store;

use crate::service::ServiceResult;

/// Every stored rate of each ordered pair, oldest first.
#[derive(Debug, Clone)]
pub(crate) struct RateHistory {
    /// By source, then target currency, keyed by the codes' text so that a lookup borrows the
    /// codes it is asked about instead of copying them: a replay asks once per unit and date.
    by_pair: HashMap<String, HashMap<String, Vec<ExchangeRate>>>,
    usd: CurrencyCode,
}

impl Default for RateHistory {
    fn default() -> Self {
        Self::new(std::iter::empty())
    }
}

impl RateHistory {
    pub(crate) fn new(rates: impl IntoIterator<Item = ExchangeRate>) -> Self {
        let mut by_pair: HashMap<String, HashMap<String, Vec<ExchangeRate>>> = HashMap::new();
        for rate in rates {
            by_pair
                .entry(rate.from.as_str().to_string())
                .or_default()
                .entry(rate.to.as_str().to_string())
                .or_default()
                .push(rate);
        }
        for rates in by_pair.values_mut().flat_map(HashMap::values_mut) {
            rates.sort_by_key(|r| r.date);
        }
        Self {
            by_pair,
            usd: CurrencyCode::usd(),
        }
    }

    /// Every rate among `currencies` (and USD, for crosses) dated on or before `until`, in one
    /// read.
    pub(crate) async fn read(
        store: &dyn Store,
        currencies: impl IntoIterator<Item = CurrencyCode>,
        until: NaiveDate,
    ) -> ServiceResult<Self> {
        let mut codes: Vec<CurrencyCode> = currencies.into_iter().collect();
        codes.push(CurrencyCode::usd());
        Ok(Self::new(store.rate_history_among(&codes, until).await?))
    }

    /// The rates in force on `date`, as [`crate::domain::RateBook`] reads them: the newest of
    /// each pair dated on or before it.
    pub(crate) fn book_on(&self, date: NaiveDate) -> RateBook {
        RateBook::new(
            self.by_pair
                .values()
                .flat_map(HashMap::values)
                .filter_map(|rates| {
                    let after = rates.partition_point(|r| r.date <= date);
                    after.checked_sub(1).map(|i| rates[i].clone())
                }),
        )
    }

    fn newest(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        date: NaiveDate,
    ) -> Option<&ExchangeRate> {
        let rates = self.by_pair.get(from.as_str())?.get(to.as_str())?;
        let after = rates.partition_point(|r| r.date <= date);
        after.checked_sub(1).map(|i| &rates[i])
    }

    fn direct_or_inverse(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        date: NaiveDate,
    ) -> Option<Decimal> {
        newer_of(self.newest(from, to, date), self.newest(to, from, date))
    }
}

impl RateSource for RateHistory {
    fn rate(&self, from: &CurrencyCode, to: &CurrencyCode, date: NaiveDate) -> Option<Decimal> {
        if from == to {
            return Some(Decimal::ONE);
        }
        if let Some(rate) = self.direct_or_inverse(from, to, date) {
            return Some(rate);
        }
        let usd = &self.usd;
        if from == usd || to == usd {
            return None;
        }
        let leg1 = self.direct_or_inverse(from, usd, date)?;
        let leg2 = self.direct_or_inverse(usd, to, date)?;
        Some((leg1 * leg2).round_dp(money::MAX_SCALE))
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    fn code(c: &str) -> CurrencyCode {
        CurrencyCode::parse(c).unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 1, d).unwrap()
    }

    fn rate(from: &str, to: &str, d: u32, r: &str) -> ExchangeRate {
        ExchangeRate::new(code(from), code(to), day(d), Decimal::from_str(r).unwrap()).unwrap()
    }

    #[test]
    fn each_date_reads_the_rates_in_force_on_it_as_a_rate_book_would() {
        let stored = vec![
            rate("EUR", "USD", 2, "1.10"),
            rate("EUR", "USD", 6, "1.20"),
            // A newer inverse wins over an older direct rate: on the 8th EUR -> USD is
            // 1 / 0.8 = 1.25.
            rate("USD", "EUR", 8, "0.8"),
            rate("USD", "JPY", 2, "150"),
        ];
        let history = RateHistory::new(stored.clone());
        let (eur, usd, jpy) = (code("EUR"), code("USD"), code("JPY"));
        assert_eq!(history.rate(&eur, &usd, day(1)), None);
        assert_eq!(history.rate(&eur, &eur, day(1)), Some(Decimal::ONE));
        for d in 2..=9 {
            let book = RateBook::new(stored.iter().filter(|r| r.date <= day(d)).cloned());
            for (from, to) in [(&eur, &usd), (&usd, &eur), (&eur, &jpy), (&jpy, &eur)] {
                assert_eq!(
                    history.rate(from, to, day(d)),
                    book.rate(from, to),
                    "{from} -> {to} on day {d}"
                );
                assert_eq!(history.book_on(day(d)), book, "the book of day {d}");
            }
        }
        assert_eq!(
            history.rate(&eur, &usd, day(5)),
            Some(Decimal::from_str("1.10").unwrap())
        );
        assert_eq!(
            history.rate(&eur, &usd, day(9)),
            Some(Decimal::from_str("1.25").unwrap())
        );
        assert_eq!(history.rate(&code("CHF"), &usd, day(9)), None);
    }
}
