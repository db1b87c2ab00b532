//! Looking up an exchange rate on a date: direct, inverted, or crossed through USD.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::{money, CurrencyCode};
use crate::store::Store;

use super::ServiceResult;

/// The rate (1 `from` = rate `to`) in force on `date`: the newest stored rate on or before it,
/// a stored inverse inverted, or a cross through USD. `None` when no rate exists: a missing
/// rate is never taken as 1:1.
pub async fn rate_on(
    store: &dyn Store,
    from: &CurrencyCode,
    to: &CurrencyCode,
    date: NaiveDate,
) -> ServiceResult<Option<Decimal>> {
    if from == to {
        return Ok(Some(Decimal::ONE));
    }
    if let Some(r) = direct_or_inverse(store, from, to, date).await? {
        return Ok(Some(r));
    }
    let usd = CurrencyCode::usd();
    if *from == usd || *to == usd {
        return Ok(None);
    }
    let Some(leg1) = direct_or_inverse(store, from, &usd, date).await? else {
        return Ok(None);
    };
    let Some(leg2) = direct_or_inverse(store, &usd, to, date).await? else {
        return Ok(None);
    };
    Ok(Some((leg1 * leg2).round_dp(money::MAX_SCALE)))
}

async fn direct_or_inverse(
    store: &dyn Store,
    from: &CurrencyCode,
    to: &CurrencyCode,
    date: NaiveDate,
) -> ServiceResult<Option<Decimal>> {
    let direct = store.rate_on_or_before(from, to, date).await?;
    let inverse = store.rate_on_or_before(to, from, date).await?;
    // The newer of the two wins, so a fresh inverse is not shadowed by a stale direct rate.
    Ok(match (direct, inverse) {
        (Some(d), Some(i)) if i.date > d.date => i.inverse().map(|r| r.rate),
        (Some(d), _) => Some(d.rate),
        (None, Some(i)) => i.inverse().map(|r| r.rate),
        (None, None) => None,
    })
}
