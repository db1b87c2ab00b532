//! `finances rates [BASE] [--date D]`: for each currency, the newest stored rate from `BASE` on
//! or before the day, from the same service function as `GET /api/v1/currencies/{code}/rates`.
//! The API answers one object with a map of rates; a command lists a row per currency, each
//! with the API's `base_currency` and `date` and the rate as the API writes it.

use chrono::NaiveDate;
use serde::Serialize;

use crate::cli::RatesArgs;
use crate::http::dto::currencies::RatesOut;
use crate::service::Services;

use super::activity::acting_user;
use super::ledger::date;
use super::listing::{Column, Format, Listing};
use super::{CommandResult, Printer};

/// Columns of `rates`, in order: every field of [`RateRow`].
pub const RATE_COLUMNS: [Column; 4] = [
    Column::field("base_currency"),
    Column::field("currency"),
    Column::field("rate"),
    Column::field("date"),
];

/// 1 `base_currency` = `rate` `currency`, in force on `date`.
#[derive(Debug, Serialize)]
pub struct RateRow {
    pub base_currency: String,
    pub currency: String,
    /// A decimal string.
    pub rate: rust_decimal::Decimal,
    pub date: NaiveDate,
}

pub async fn rates(
    out: &mut Printer<'_>,
    services: &Services,
    args: RatesArgs,
) -> CommandResult<()> {
    let base = match &args.base {
        Some(code) => services.currencies.get(code).await?.code,
        None => {
            acting_user(services, args.user.as_deref())
                .await?
                .base_currency
        }
    };
    let table = RatesOut::from(services.fx.rates(&base, date("date", &args.date)?).await?);
    let rows = table.rates.into_iter().map(|(currency, rate)| RateRow {
        base_currency: table.base_currency.clone(),
        currency,
        rate,
        date: table.date,
    });
    Listing::new(&RATE_COLUMNS, rows)?.print(out, Format::from(&args.output))
}
