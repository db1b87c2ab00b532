//! The rows of the holdings screen: each position with its figures worked out for display,
//! the totals of what could be valued, and the filter and sort over them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::valuation::{self, Missing, PositionTotals, PositionValue};
use crate::domain::{CurrencyCode, QuoteUnit, Symbol};
use crate::service::portfolio::HoldingView;
use crate::tui::app::App;

/// Sortable columns of the holdings table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Symbol,
    Account,
    Name,
    Shares,
    AvgCost,
    Price,
    Value,
    Gain,
    GainPct,
    DayChange,
    Weight,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Self::Symbol,
        Self::Account,
        Self::Name,
        Self::Shares,
        Self::AvgCost,
        Self::Price,
        Self::Value,
        Self::Gain,
        Self::GainPct,
        Self::DayChange,
        Self::Weight,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::Symbol => "Symbol",
            Self::Account => "Account",
            Self::Name => "Name",
            Self::Shares => "Shares",
            Self::AvgCost => "Avg cost",
            Self::Price => "Price",
            Self::Value => "Value",
            Self::Gain => "Gain",
            Self::GainPct => "Gain %",
            Self::DayChange => "Day",
            Self::Weight => "Weight",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Some(
            match raw.trim().to_ascii_lowercase().replace(' ', "").as_str() {
                "symbol" | "sym" => Self::Symbol,
                "account" | "acct" => Self::Account,
                "name" => Self::Name,
                "shares" => Self::Shares,
                "avg" | "avgcost" | "cost" => Self::AvgCost,
                "price" | "last" => Self::Price,
                "value" => Self::Value,
                "gain" => Self::Gain,
                "gain%" | "gainpct" | "pct" => Self::GainPct,
                "day" | "day%" | "change" => Self::DayChange,
                "weight" => Self::Weight,
                _ => return None,
            },
        )
    }
}

/// A holding with its figures worked out for display: amounts in the major unit of the quote
/// currency (pounds for a pence quote), weights from values in the base currency.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldingRow {
    pub index: usize,
    pub holding_id: Uuid,
    pub account_id: Uuid,
    pub account_name: String,
    pub symbol: Symbol,
    pub name: String,
    /// The quote unit as given (`GBp`).
    pub quote: String,
    pub currency: CurrencyCode,
    pub shares: Decimal,
    pub avg_cost: Decimal,
    pub price: Option<Decimal>,
    pub value: Option<Decimal>,
    pub gain: Option<Decimal>,
    pub gain_pct: Option<Decimal>,
    pub day_change: Option<Decimal>,
    pub day_change_pct: Option<Decimal>,
    pub value_base: Option<Decimal>,
    pub gain_base: Option<Decimal>,
    pub day_change_base: Option<Decimal>,
    pub weight: Option<Decimal>,
    pub price_as_of: Option<DateTime<Utc>>,
    /// The close is older than the stale age: the row shows its age, and no day change.
    pub stale: bool,
}

impl HoldingRow {
    /// Why the row is left out of the totals, when it is.
    pub fn left_out(&self) -> Option<Missing> {
        match (self.value, self.value_base) {
            (None, _) => Some(Missing::price(self.account_id, self.symbol.clone())),
            (Some(_), None) => Some(Missing::fx(
                self.account_id,
                self.currency.clone(),
                Some(self.symbol.clone()),
            )),
            _ => None,
        }
    }
}

impl App {
    /// Recomputes the holding rows from the positions (after a load or an account change).
    pub fn rebuild_holdings(&mut self) {
        let keep = self.selected_holding().map(|r| r.holding_id);
        let mut rows = Vec::new();
        if let Some(p) = &self.portfolio {
            let names: HashMap<Uuid, &str> = p
                .overview
                .groups
                .iter()
                .flat_map(|g| g.accounts.iter())
                .map(|a| (a.account.id, a.account.name.as_str()))
                .collect();
            let valued: HashMap<Uuid, &PositionValue> = p
                .valuation
                .positions
                .iter()
                .filter_map(|v| Some((v.holding_id?, v)))
                .collect();
            for (index, v) in p.positions.iter().enumerate() {
                if self
                    .holdings
                    .account
                    .is_some_and(|a| a != v.holding.account_id)
                {
                    continue;
                }
                let in_base = valued.get(&v.holding.id).copied();
                rows.push(self.holding_row(index, v, in_base, &names));
            }
        }
        let values: Vec<Option<Decimal>> = rows.iter().map(|r| r.value_base).collect();
        for (r, w) in rows.iter_mut().zip(valuation::weights(&values)) {
            r.weight = w;
        }
        // Totals of what could be valued; the rest is named, never counted as 0 or at cost.
        // A stale row has no day change, so it adds nothing to the day's total.
        let totals = PositionTotals::of(
            rows.iter()
                .map(|r| (r.value_base, r.gain_base, r.day_change_base)),
        );
        self.holdings.total_value = totals.value;
        self.holdings.total_gain = totals.gain;
        self.holdings.total_day = totals.day;
        self.holdings.total_cost = totals.cost;
        let left_out: Vec<Missing> = rows.iter().filter_map(HoldingRow::left_out).collect();
        self.holdings.left_out = left_out.iter().map(Missing::to_string).collect();
        self.holdings.left_out.sort();
        self.holdings.left_out.dedup();
        self.holdings.rows = rows;
        self.reorder_holdings();
        if let Some(id) = keep {
            if let Some(pos) = self
                .holdings
                .order
                .iter()
                .position(|i| self.holdings.rows[*i].holding_id == id)
            {
                self.holdings.selected = pos;
            }
        }
        self.clamp_holdings();
    }

    /// `valued`: the position as the service valued it in the base currency.
    fn holding_row(
        &self,
        index: usize,
        v: &HoldingView,
        valued: Option<&PositionValue>,
        names: &HashMap<Uuid, &str>,
    ) -> HoldingRow {
        let unit = QuoteUnit::parse(&v.security.currency).ok();
        let major = |d: Decimal| match &unit {
            Some(u) => u.to_major(d),
            None => d,
        };
        let currency = unit
            .as_ref()
            .map(|u| u.currency.clone())
            .unwrap_or_else(CurrencyCode::usd);
        let shares = v.holding.shares;
        let value = v.valuation.market_value.map(major);
        let gain = v.valuation.unrealized_gain.map(major);
        let stale = v
            .price_as_of
            .is_some_and(|t| self.now - t > self.stale_after);
        // A stale close did not move today: its "day change" is an old day's.
        let day = v.day_change().filter(|_| !stale);
        let day_change = day.map(|d| major(d * shares));
        let day_change_pct = day
            .zip(v.previous_close)
            .filter(|(_, p)| !p.is_zero())
            .map(|(d, p)| (d / p * Decimal::ONE_HUNDRED).round_dp(2));
        HoldingRow {
            index,
            holding_id: v.holding.id,
            account_id: v.holding.account_id,
            account_name: names
                .get(&v.holding.account_id)
                .map(|s| s.to_string())
                .unwrap_or_default(),
            symbol: v.security.symbol.clone(),
            name: v.security.name.clone(),
            quote: v.security.currency.clone(),
            currency,
            shares,
            avg_cost: v.holding.average_price,
            price: v.valuation.market_price,
            value,
            gain,
            gain_pct: v.valuation.unrealized_gain_pct,
            day_change,
            day_change_pct,
            value_base: valued.and_then(|p| p.value_base),
            gain_base: valued.and_then(|p| p.gain_base),
            day_change_base: valued.and_then(|p| p.day_change_base).filter(|_| !stale),
            weight: None,
            price_as_of: v.price_as_of,
            stale,
        }
    }

    /// Applies the filter and the sort to the rows.
    pub fn reorder_holdings(&mut self) {
        let needle = self.holdings.filter.to_lowercase();
        let rows = &self.holdings.rows;
        let mut order: Vec<usize> = (0..rows.len())
            .filter(|i| {
                needle.is_empty()
                    || rows[*i].symbol.as_str().to_lowercase().contains(&needle)
                    || rows[*i].name.to_lowercase().contains(&needle)
                    || rows[*i].account_name.to_lowercase().contains(&needle)
            })
            .collect();
        if let Some((column, descending)) = self.holdings.sort {
            order.sort_by(|a, b| {
                let (a, b) = (&rows[*a], &rows[*b]);
                let ord = match column {
                    Column::Symbol => a.symbol.cmp(&b.symbol),
                    Column::Account => a
                        .account_name
                        .to_lowercase()
                        .cmp(&b.account_name.to_lowercase()),
                    Column::Name => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
                    Column::Shares => a.shares.cmp(&b.shares),
                    Column::AvgCost => a.avg_cost.cmp(&b.avg_cost),
                    Column::Price => a.price.cmp(&b.price),
                    Column::Value => a.value_base.cmp(&b.value_base),
                    Column::Gain => a.gain_base.cmp(&b.gain_base),
                    Column::GainPct => a.gain_pct.cmp(&b.gain_pct),
                    Column::DayChange => a.day_change_pct.cmp(&b.day_change_pct),
                    Column::Weight => a.weight.cmp(&b.weight),
                };
                let ord = if descending { ord.reverse() } else { ord };
                ord.then_with(|| a.symbol.cmp(&b.symbol))
                    .then_with(|| a.account_name.cmp(&b.account_name))
            });
        }
        self.holdings.order = order;
        self.clamp_holdings();
    }

    fn clamp_holdings(&mut self) {
        let n = self.holdings.order.len();
        if self.holdings.selected >= n {
            self.holdings.selected = n.saturating_sub(1);
        }
    }
}
