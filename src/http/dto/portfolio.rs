//! `GET /api/v1/portfolio`: net worth in the base currency, per account, with what is left out.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::valuation::{AccountValuation, MissingKind, Unvalued, Valuation};

use super::money;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PortfolioQuery {
    /// The day to value on, in UTC (default today): each position at its newest close on or
    /// before it, each account at its newest balance on or before it, each conversion at the
    /// rate in force on it. A day after today is 400.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub as_of: Option<NaiveDate>,
}

/// Net worth in the user's base currency. Money is decimal strings; what could not be priced
/// or converted is left out of every figure and listed in `missing`, never counted as 0.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioOut {
    pub base_currency: String,
    pub as_of: NaiveDate,
    /// `assets - liabilities`.
    pub net_worth: Decimal,
    /// The accounts that are assets, in the base currency.
    pub assets: Decimal,
    /// What the liability accounts (credit card, line of credit, payment plan, mortgage,
    /// loan) owe, a positive amount in the base currency.
    pub liabilities: Decimal,
    /// Every account, ordered by name.
    pub accounts: Vec<PortfolioAccountOut>,
    /// Whether `missing` is empty: every account and position is in the figures.
    pub complete: bool,
    pub missing: Vec<MissingOut>,
}

/// One account's value.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortfolioAccountOut {
    pub account_id: Uuid,
    pub name: String,
    /// The account's currency.
    pub currency: String,
    /// What the account adds to net worth in its currency, negative for a liability: for an
    /// investment account with holdings `market_value + cash`, otherwise its balance ("0.00"
    /// when none is recorded).
    pub value: Decimal,
    /// `value` in the base currency, to the cent; null when the account's currency has no
    /// rate to it (the account is then listed in `missing`).
    #[schema(required = true)]
    pub value_base: Option<Decimal>,
    /// The cash of an investment account with holdings (its balance's `cash_balance`);
    /// null for other accounts.
    #[schema(required = true)]
    pub cash: Option<Decimal>,
    /// The holdings of an investment account that could be priced and converted, in the
    /// account's currency; null for other accounts.
    #[schema(required = true)]
    pub market_value: Option<Decimal>,
}

/// Why an amount is left out.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MissingKindOut {
    /// A position whose security has no close on or before `as_of`.
    Price,
    /// A position or an account whose currency has no rate to the one it is counted in.
    Fx,
}

/// An amount left out of the figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingOut {
    pub kind: MissingKindOut,
    pub account_id: Uuid,
    /// The position's symbol; null for an account's own conversion.
    #[schema(required = true)]
    pub symbol: Option<String>,
    /// The currency without a rate (`kind: "fx"`); null for a price.
    #[schema(required = true)]
    pub currency: Option<String>,
    /// The date of the holding or balance left out; null when the account has no balance.
    #[schema(required = true)]
    pub since: Option<NaiveDate>,
}

impl From<Valuation> for PortfolioOut {
    fn from(v: Valuation) -> Self {
        Self {
            base_currency: v.base_currency.to_string(),
            as_of: v.as_of,
            net_worth: money(v.net_worth.net()),
            assets: money(v.net_worth.assets),
            liabilities: money(v.net_worth.liabilities),
            complete: v.complete(),
            accounts: v
                .accounts
                .into_iter()
                .map(PortfolioAccountOut::from)
                .collect(),
            missing: v.missing.into_iter().map(MissingOut::from).collect(),
        }
    }
}

impl From<AccountValuation> for PortfolioAccountOut {
    fn from(a: AccountValuation) -> Self {
        Self {
            account_id: a.account.id,
            name: a.account.name,
            currency: a.account.currency.to_string(),
            value: money(a.value),
            value_base: a.value_base.map(money),
            cash: a.cash.map(money),
            market_value: a.market_value.map(money),
        }
    }
}

impl From<MissingKind> for MissingKindOut {
    fn from(kind: MissingKind) -> Self {
        match kind {
            MissingKind::Price => Self::Price,
            MissingKind::Fx => Self::Fx,
        }
    }
}

impl From<Unvalued> for MissingOut {
    fn from(u: Unvalued) -> Self {
        let m = u.missing;
        Self {
            kind: m.kind.into(),
            account_id: m.account_id,
            symbol: m.symbol.map(|s| s.to_string()),
            currency: m.currency.map(|c| c.to_string()),
            since: u.since,
        }
    }
}
