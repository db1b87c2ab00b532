//! `GET /api/v1/performance`: the returns of the portfolio or of one account over a range,
//! with every number they were computed from (the daily series and the flows), so that a
//! spreadsheet can redo them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::ledger::{FlowKind, Source};
use crate::domain::performance::{FlowEntry, MissingSpan, SeriesPoint};
use crate::service::performance::{Excluded, Performance};

use super::portfolio::MissingKindOut;
use super::{money, rate};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PerformanceQuery {
    /// The first day (default: the first activity or statement). Flows on it are inside the
    /// start value.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub start: Option<NaiveDate>,
    /// The last day (default today). After today, or before `start`, is 400.
    #[serde(default, deserialize_with = "super::wire::opt_date")]
    #[param(schema_with = crate::http::constraints::date)]
    pub end: Option<NaiveDate>,
    /// One of the caller's accounts, in its own currency (default: the portfolio in the base
    /// currency).
    pub account_id: Option<Uuid>,
}

/// The returns of a range. Money is decimal strings, unrounded; rates are fractions rounded
/// to 8 places (`"0.1234"` is 12.34 %).
#[derive(Debug, Serialize, ToSchema)]
pub struct PerformanceOut {
    pub currency: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// The value at the end of `start`.
    pub start_value: Decimal,
    pub end_value: Decimal,
    /// The flows of the days after `start`.
    pub net_flows: Decimal,
    /// Dividends after withholding, and interest, of the days after `start`.
    pub income: Decimal,
    pub fees: Decimal,
    pub taxes: Decimal,
    /// `end_value - start_value - net_flows`.
    pub gain: Decimal,
    /// Time-weighted: `prod(V(d) / (V(d-1) + F(d)))- 1`, flows at the start of their day.
    pub twr: Decimal,
    /// `(1 + twr)^(365 / days) - 1`; null under 365 days.
    #[schema(required = true)]
    pub twr_annualized: Option<Decimal>,
    /// Money-weighted, annual (XIRR); null when no rate in (-0.9999, 100) solves the flows.
    #[schema(required = true)]
    pub mwr: Option<Decimal>,
    /// Accounts with neither activities nor position statements, left out.
    pub excluded: Vec<ExcludedOut>,
    /// Whether `missing` is empty.
    pub complete: bool,
    pub missing: Vec<MissingSpanOut>,
    /// One point for every day from `start` to `end`, both included.
    pub series: Vec<SeriesPointOut>,
    pub flows: Vec<FlowOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExcludedOut {
    pub account_id: Uuid,
    pub name: String,
}

/// Something left out of every day from `from` to `to`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MissingSpanOut {
    pub kind: MissingKindOut,
    pub account_id: Uuid,
    #[schema(required = true)]
    pub symbol: Option<String>,
    #[schema(required = true)]
    pub currency: Option<String>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesPointOut {
    pub date: NaiveDate,
    /// At the end of the day.
    pub value: Decimal,
    /// External flows of the day (in: positive).
    pub flow: Decimal,
    pub twr_cumulative: Decimal,
}

#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowKindOut {
    Deposit,
    Withdrawal,
    ImplicitDeposit,
    TransferIn,
    TransferOut,
    Statement,
}

/// An external flow; a withdrawal's amount is negative.
#[derive(Debug, Serialize, ToSchema)]
pub struct FlowOut {
    pub date: NaiveDate,
    pub account_id: Uuid,
    /// Null when the shares it moved could not be priced or converted that day.
    #[schema(required = true)]
    pub amount: Option<Decimal>,
    pub kind: FlowKindOut,
    /// The activity; null for a position statement.
    #[schema(required = true)]
    pub activity_id: Option<Uuid>,
    /// The holding read as a position statement; null for an activity.
    #[schema(required = true)]
    pub holding_id: Option<Uuid>,
}

impl From<Performance> for PerformanceOut {
    fn from(p: Performance) -> Self {
        let complete = p.complete();
        let r = p.returns;
        Self {
            currency: p.currency.to_string(),
            start: r.start,
            end: r.end,
            start_value: money(r.start_value),
            end_value: money(r.end_value),
            net_flows: money(r.net_flows),
            income: money(p.income),
            fees: money(p.fees),
            taxes: money(p.taxes),
            gain: money(r.gain),
            twr: rate(r.twr),
            twr_annualized: r.twr_annualized.map(rate),
            mwr: r.mwr.map(rate),
            excluded: p.excluded.into_iter().map(ExcludedOut::from).collect(),
            complete,
            missing: p.missing.into_iter().map(MissingSpanOut::from).collect(),
            series: r.series.into_iter().map(SeriesPointOut::from).collect(),
            flows: p.flows.into_iter().map(FlowOut::from).collect(),
        }
    }
}

impl From<Excluded> for ExcludedOut {
    fn from(e: Excluded) -> Self {
        Self {
            account_id: e.account_id,
            name: e.name,
        }
    }
}

impl From<MissingSpan> for MissingSpanOut {
    fn from(s: MissingSpan) -> Self {
        let m = s.missing;
        Self {
            kind: m.kind.into(),
            account_id: m.account_id,
            symbol: m.symbol.map(|s| s.to_string()),
            currency: m.currency.map(|c| c.to_string()),
            from: s.from,
            to: s.to,
        }
    }
}

impl From<SeriesPoint> for SeriesPointOut {
    fn from(p: SeriesPoint) -> Self {
        Self {
            date: p.date,
            value: money(p.value),
            flow: money(p.flow),
            twr_cumulative: rate(p.twr_cumulative),
        }
    }
}

impl From<FlowEntry> for FlowOut {
    fn from(f: FlowEntry) -> Self {
        let (activity_id, holding_id) = match f.source {
            Source::Activity(id) => (Some(id), None),
            Source::Statement(id) => (None, Some(id)),
        };
        Self {
            date: f.date,
            account_id: f.account_id,
            amount: f.amount.map(money),
            kind: match f.kind {
                FlowKind::Deposit => FlowKindOut::Deposit,
                FlowKind::Withdrawal => FlowKindOut::Withdrawal,
                FlowKind::ImplicitDeposit => FlowKindOut::ImplicitDeposit,
                FlowKind::TransferIn => FlowKindOut::TransferIn,
                FlowKind::TransferOut => FlowKindOut::TransferOut,
                FlowKind::Statement => FlowKindOut::Statement,
            },
            activity_id,
            holding_id,
        }
    }
}
