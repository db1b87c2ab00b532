//! Looking up an exchange rate on a date: direct, inverted, or crossed through USD.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{CurrencyCode, RateBook};
use crate::store::Store;

use super::ServiceResult;

/// The rate (1 `from` = rate `to`) in force on `date`: the newest stored rate on or before it,
/// a stored inverse inverted, or a cross through USD ([`RateBook::rate`]). `None` when no rate
/// exists: a missing rate is never taken as 1:1.
pub async fn rate_on(
    store: &dyn Store,
    from: &CurrencyCode,
    to: &CurrencyCode,
    date: NaiveDate,
) -> ServiceResult<Option<Decimal>> {
    if from == to {
        return Ok(Some(Decimal::ONE));
    }
    Ok(rate_book(store, &[from.clone(), to.clone()], date)
        .await?
        .rate(from, to))
}

/// Every rate among `currencies` (and USD, for crosses) in force on `date`, in one read.
pub async fn rate_book(
    store: &dyn Store,
    currencies: &[CurrencyCode],
    date: NaiveDate,
) -> ServiceResult<RateBook> {
    let mut codes = currencies.to_vec();
    codes.push(CurrencyCode::usd());
    Ok(RateBook::new(store.rates_among(&codes, date).await?))
}
