//! The ledger's derived views on the wire: positions, cash, realized gains and income of the
//! caller's accounts. Money and quantities are decimal strings in the account's currency;
//! figures that cannot be known (no close, no rate) are null, never 0.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ledger::{ClosedLot, ImplicitDeposit, OpenLot};
use crate::domain::Security;
use crate::service::ledger::{CashView, GainLine, IncomeGroup, PositionLine};

use super::{money, quantity};

/// `?as_of=` of the positions and cash routes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The day, in UTC (default today): the ledger at its end, each close the newest on or
    /// before it, each conversion at the rate in force on it. A day after today is 400.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub as_of: Option<NaiveDate>,
}

/// `?start=&end=&account_id=&format=` of the realized-gains route.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GainsQuery {
    /// The first sale date counted (default: the first activity).
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub start: Option<NaiveDate>,
    /// The last sale date counted (default today). Before `start` is 400.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub end: Option<NaiveDate>,
    /// One of the caller's accounts (default all of them).
    pub account_id: Option<Uuid>,
    /// `json` (default) or `csv`.
    #[param(schema_with = gains_format)]
    pub format: Option<String>,
}

/// `?start=&end=&account_id=&group=` of the income route.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncomeQuery {
    /// The first payment date counted (default: the first activity).
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub start: Option<NaiveDate>,
    /// The last payment date counted (default today). Before `start` is 400.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub end: Option<NaiveDate>,
    /// One of the caller's accounts (default all of them).
    pub account_id: Option<Uuid>,
    /// `month` (default), `year` or `security`.
    #[param(schema_with = income_group)]
    pub group: Option<String>,
}

fn one_of(values: &[&str], description: &str) -> Schema {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .into()
}

fn gains_format() -> Schema {
    one_of(&["json", "csv"], "`json` (default) or `csv`.")
}

fn income_group() -> Schema {
    one_of(
        &["month", "year", "security"],
        "`month` (default), `year` or `security`.",
    )
}

/// A security as the ledger's views name it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LedgerSecurityOut {
    pub id: Uuid,
    pub symbol: String,
    pub name: String,
    /// The unit its prices are quoted in (`USD`, `GBp`, ...).
    pub currency: String,
}

impl From<Security> for LedgerSecurityOut {
    fn from(s: Security) -> Self {
        Self {
            id: s.id,
            symbol: s.symbol.to_string(),
            name: s.name,
            currency: s.currency,
        }
    }
}

/// An open lot, in the account's currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenLotOut {
    pub opened: NaiveDate,
    pub quantity: Decimal,
    /// Null when its cost could not be converted.
    #[schema(required = true)]
    pub cost: Option<Decimal>,
    #[schema(required = true)]
    pub cost_per_unit: Option<Decimal>,
}

impl From<OpenLot> for OpenLotOut {
    fn from(l: OpenLot) -> Self {
        Self {
            opened: l.opened,
            quantity: quantity(l.quantity),
            cost: l.cost.map(money),
            cost_per_unit: l.cost_per_unit.map(money),
        }
    }
}

/// A security held on the date, with its lots and market figures in the account's currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct PositionOut {
    pub security: LedgerSecurityOut,
    pub quantity: Decimal,
    /// The cost of the open lots whose cost is known.
    pub cost_basis: Decimal,
    /// `cost_basis / quantity`; null when a lot's cost is unknown.
    #[schema(required = true)]
    pub average_cost: Option<Decimal>,
    /// The newest close on or before the date, in the account's currency (a minor unit by its
    /// factor, another currency at the rate of the date); null when none is stored or no rate
    /// converts it, never 0.
    #[schema(required = true)]
    pub market_price: Option<Decimal>,
    /// The date of that close; null with `market_price`.
    #[schema(required = true)]
    pub price_date: Option<NaiveDate>,
    /// `quantity x market_price`; null with `market_price`.
    #[schema(required = true)]
    pub market_value: Option<Decimal>,
    /// `market_value - cost_basis`; null without a price or when a lot's cost is unknown.
    #[schema(required = true)]
    pub unrealized_gain: Option<Decimal>,
    /// Percent of `cost_basis`: `"12.50"` is 12.5 %.
    #[schema(required = true)]
    pub unrealized_gain_pct: Option<Decimal>,
    /// The known gains of its sales so far.
    pub realized_gain: Decimal,
    /// Its dividends after withholding, so far.
    pub income: Decimal,
    /// Oldest first.
    pub lots: Vec<OpenLotOut>,
    /// False when a figure is null or an unconverted amount is left out of one.
    pub complete: bool,
}

impl From<PositionLine> for PositionOut {
    fn from(l: PositionLine) -> Self {
        let complete = l.complete();
        let p = l.position;
        Self {
            security: l.security.into(),
            quantity: quantity(p.quantity),
            cost_basis: money(p.cost_basis),
            average_cost: p.average_cost.map(money),
            market_price: l.market_price.map(money),
            price_date: l.price_date,
            market_value: l.market_value.map(money),
            unrealized_gain: l.unrealized_gain.map(money),
            unrealized_gain_pct: l.unrealized_gain_pct.map(|p| {
                let mut p = p.round_dp(2);
                p.rescale(2);
                p
            }),
            realized_gain: money(p.realized_gain),
            income: money(p.income),
            lots: p.lots.into_iter().map(OpenLotOut::from).collect(),
            complete,
        }
    }
}

/// Cash that the account's own cash did not cover, counted as brought in.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImplicitDepositOut {
    pub date: NaiveDate,
    pub amount: Decimal,
    /// The outflow it covered.
    pub activity_id: Uuid,
}

impl From<ImplicitDeposit> for ImplicitDepositOut {
    fn from(d: ImplicitDeposit) -> Self {
        Self {
            date: d.date,
            amount: money(d.amount),
            activity_id: d.activity_id,
        }
    }
}

/// The account's cash at the end of `as_of`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CashOut {
    /// The account's currency.
    pub currency: String,
    pub as_of: NaiveDate,
    /// Never below zero: outflows not covered are implicit deposits.
    pub balance: Decimal,
    /// Oldest first.
    pub implicit_deposits: Vec<ImplicitDepositOut>,
    /// False when an amount that could not be converted is left out of `balance`.
    pub complete: bool,
}

impl From<CashView> for CashOut {
    fn from(v: CashView) -> Self {
        Self {
            currency: v.cash.currency.to_string(),
            as_of: v.as_of,
            balance: money(v.cash.balance),
            implicit_deposits: v
                .cash
                .implicit_deposits
                .into_iter()
                .map(ImplicitDepositOut::from)
                .collect(),
            complete: v.complete,
        }
    }
}

/// The part of a lot a sale closed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClosedLotOut {
    pub opened: NaiveDate,
    pub quantity: Decimal,
    #[schema(required = true)]
    pub cost: Option<Decimal>,
    /// Days from `opened` to the sale.
    pub holding_days: i64,
}

impl From<ClosedLot> for ClosedLotOut {
    fn from(l: ClosedLot) -> Self {
        Self {
            opened: l.opened,
            quantity: quantity(l.quantity),
            cost: l.cost.map(money),
            holding_days: l.holding_days,
        }
    }
}

/// One sale, in its account's currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct RealizedGainOut {
    pub date: NaiveDate,
    pub account_id: Uuid,
    /// The account's currency, which the amounts are in.
    pub currency: String,
    pub security: LedgerSecurityOut,
    pub quantity: Decimal,
    /// `quantity x unit_price - fee`; null when it could not be converted.
    #[schema(required = true)]
    pub proceeds: Option<Decimal>,
    #[schema(required = true)]
    pub cost: Option<Decimal>,
    /// `proceeds - cost`.
    #[schema(required = true)]
    pub gain: Option<Decimal>,
    /// Oldest first.
    pub lots: Vec<ClosedLotOut>,
    /// Days held by the oldest lot closed.
    pub holding_days: i64,
    /// The sell activity.
    pub activity_id: Uuid,
}

impl From<GainLine> for RealizedGainOut {
    fn from(g: GainLine) -> Self {
        let s = g.sale;
        Self {
            date: s.date,
            account_id: g.account_id,
            currency: g.currency.to_string(),
            security: g.security.into(),
            quantity: quantity(s.quantity),
            proceeds: s.proceeds.map(money),
            cost: s.cost.map(money),
            gain: s.gain.map(money),
            lots: s.lots.into_iter().map(ClosedLotOut::from).collect(),
            holding_days: s.holding_days,
            activity_id: s.activity_id,
        }
    }
}

/// The columns of `GET /api/v1/realized-gains?format=csv`, one row per sale, in this order.
/// `opened` is the opening date of the oldest lot the sale closed; amounts are in `currency`,
/// empty when unknown.
pub const GAINS_CSV_COLUMNS: [&str; 13] = [
    "date",
    "account_id",
    "account",
    "symbol",
    "security",
    "quantity",
    "proceeds",
    "cost",
    "gain",
    "currency",
    "opened",
    "holding_days",
    "activity_id",
];

/// One CSV row of a sale, in [`GAINS_CSV_COLUMNS`] order.
pub fn gain_csv_row(g: &GainLine) -> [String; 13] {
    let s = &g.sale;
    let text = |d: Option<Decimal>| d.map(|d| money(d).to_string()).unwrap_or_default();
    [
        s.date.to_string(),
        g.account_id.to_string(),
        g.account_name.clone(),
        g.security.symbol.to_string(),
        g.security.name.clone(),
        quantity(s.quantity).to_string(),
        text(s.proceeds),
        text(s.cost),
        text(s.gain),
        g.currency.to_string(),
        s.lots
            .iter()
            .map(|l| l.opened)
            .min()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        s.holding_days.to_string(),
        s.activity_id.to_string(),
    ]
}

/// Income of one group in one currency.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncomeGroupOut {
    /// `2024-03` by month, `2024` by year, the symbol by security; null by security for
    /// income of no security (interest on cash).
    #[schema(required = true)]
    pub group: Option<String>,
    /// The security, when grouped by security.
    #[schema(required = true)]
    pub security_id: Option<Uuid>,
    /// The account currency the amounts are in; accounts in different currencies make
    /// different groups.
    pub currency: String,
    pub gross: Decimal,
    /// Tax withheld at source.
    pub withheld: Decimal,
    /// `gross - withheld`.
    pub net: Decimal,
    /// Payments counted.
    pub count: usize,
    /// False when a payment that could not be converted is left out of the amounts.
    pub complete: bool,
}

impl From<IncomeGroup> for IncomeGroupOut {
    fn from(g: IncomeGroup) -> Self {
        Self {
            group: g.key,
            security_id: g.security_id,
            currency: g.currency.to_string(),
            gross: money(g.gross),
            withheld: money(g.withheld),
            net: money(g.net),
            count: g.count,
            complete: g.complete,
        }
    }
}
