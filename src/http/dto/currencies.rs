use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};

use crate::domain::Currency;
use crate::service::fx::{Conversion, RateSyncReport, RateTable};

use super::rate;

#[derive(Debug, Serialize, ToSchema)]
pub struct CurrencyOut {
    pub code: String,
    pub name: String,
    pub symbol: String,
    /// Digits of the minor unit.
    pub decimals: u8,
}

impl From<Currency> for CurrencyOut {
    fn from(c: Currency) -> Self {
        Self {
            code: c.code.to_string(),
            name: c.name,
            symbol: c.symbol,
            decimals: c.decimals,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrencyIn {
    /// Three letters, `^[A-Z]{3}$`.
    #[schema(pattern = "^[A-Z]{3}$")]
    pub code: String,
    #[schema(schema_with = crate::http::constraints::currency_name)]
    pub name: String,
    #[schema(schema_with = crate::http::constraints::currency_symbol)]
    pub symbol: String,
    /// Digits of the minor unit, 0 to 4 (default 2).
    #[serde(default, deserialize_with = "super::wire::opt_u8")]
    #[schema(minimum = 0, maximum = 4)]
    pub decimals: Option<u8>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrencyUpdateIn {
    #[schema(schema_with = crate::http::constraints::currency_name_or_null)]
    pub name: Option<String>,
    #[schema(schema_with = crate::http::constraints::currency_symbol_or_null)]
    pub symbol: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatesQuery {
    /// The rates in force on this date (default today).
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub rate_date: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatesOut {
    pub base_currency: String,
    pub date: NaiveDate,
    /// 1 base = rate units of each currency, as decimal strings.
    #[schema(value_type = BTreeMap<String, String>)]
    pub rates: BTreeMap<String, Decimal>,
    pub count: usize,
}

impl From<RateTable> for RatesOut {
    fn from(t: RateTable) -> Self {
        let rates: BTreeMap<String, Decimal> = t
            .rates
            .into_iter()
            .map(|(c, r)| (c.to_string(), rate(r)))
            .collect();
        Self {
            base_currency: t.base_currency.to_string(),
            date: t.date,
            count: rates.len(),
            rates,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncRatesQuery {
    /// Default USD.
    #[param(schema_with = crate::http::constraints::currency_code)]
    pub base_currency: Option<String>,
    /// Default today.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub sync_date: Option<NaiveDate>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncRatesOut {
    pub base_currency: String,
    pub date: NaiveDate,
    pub synced_count: usize,
    pub failed_count: usize,
    pub message: String,
}

impl From<RateSyncReport> for SyncRatesOut {
    fn from(r: RateSyncReport) -> Self {
        Self {
            base_currency: r.base_currency.to_string(),
            date: r.date,
            synced_count: r.synced_count,
            failed_count: r.failed_count,
            message: r.message,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct ConvertQuery {
    pub from: String,
    pub to: String,
    #[serde(deserialize_with = "super::wire::decimal")]
    pub amount: Decimal,
    /// Default today.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    pub date: Option<NaiveDate>,
}

impl IntoParams for ConvertQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        use crate::http::constraints::{currency_code, date, query_param, signed_amount};
        vec![
            query_param("from", true, "The currency of `amount`.", currency_code()),
            query_param("to", true, "The currency to convert into.", currency_code()),
            query_param("amount", true, "The amount to convert.", signed_amount()),
            query_param(
                "date",
                false,
                "The rate in force on this date; default today.",
                date(),
            ),
        ]
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversionOut {
    pub from: String,
    pub to: String,
    pub amount: Decimal,
    pub rate: Decimal,
    pub date: NaiveDate,
    pub converted: Decimal,
}

impl From<Conversion> for ConversionOut {
    fn from(c: Conversion) -> Self {
        Self {
            from: c.from.to_string(),
            to: c.to.to_string(),
            amount: c.amount.normalize(),
            rate: rate(c.rate),
            date: c.date,
            converted: super::money(c.converted),
        }
    }
}
