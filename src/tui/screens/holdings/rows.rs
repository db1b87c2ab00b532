//! The rows of the holdings screen: each position with its figures worked out for display,
//! the totals of what could be valued, and the filter and sort over them.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::OpenLot;
use crate::domain::valuation::{self, Missing, PositionTotals, PositionValue};
use crate::domain::{CurrencyCode, QuoteUnit, Symbol};
use crate::service::ledger::PositionLine;
use crate::service::portfolio::HoldingView;
use crate::tui::action::{AccountPositions, Portfolio};
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
    MarketValue,
    Unrealized,
    Realized,
    Income,
}

impl Column {
    pub const ALL: [Column; 15] = [
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
        Self::MarketValue,
        Self::Unrealized,
        Self::Realized,
        Self::Income,
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
            Self::MarketValue => "Mkt value",
            Self::Unrealized => "Unrealized",
            Self::Realized => "Realized",
            Self::Income => "Income",
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
                "mktvalue" | "market" | "marketvalue" => Self::MarketValue,
                "unrealized" | "unrealised" => Self::Unrealized,
                "realized" | "realised" => Self::Realized,
                "income" => Self::Income,
                _ => return None,
            },
        )
    }
}

/// A position with its figures worked out for display: amounts in the major unit of the quote
/// currency (pounds for a pence quote), weights from values in the base currency, and the
/// ledger engine's figures in the account's currency.
#[derive(Debug, Clone, PartialEq)]
pub struct HoldingRow {
    pub index: usize,
    /// The holding snapshot the row is; `None` for a position of an account kept by
    /// activities, which is changed through its activities.
    pub holding_id: Option<Uuid>,
    /// The snapshot's own average price, in the quote unit, for its form.
    pub holding_price: Option<Decimal>,
    pub security_id: Uuid,
    pub account_id: Uuid,
    pub account_name: String,
    pub account_currency: CurrencyCode,
    pub symbol: Symbol,
    pub name: String,
    /// The quote unit as given (`GBp`).
    pub quote: String,
    pub currency: CurrencyCode,
    pub shares: Decimal,
    /// A snapshot's average price in the quote unit (`avg_in_quote`), else the engine's
    /// average cost in the account's currency.
    pub avg_cost: Option<Decimal>,
    pub avg_in_quote: bool,
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
    /// The engine's figures, in the account's currency; `None` when unknown.
    pub market_value: Option<Decimal>,
    pub unrealized: Option<Decimal>,
    pub realized: Option<Decimal>,
    pub income: Option<Decimal>,
    /// Open lots, oldest first.
    pub lots: Vec<OpenLot>,
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
        let keep = self
            .selected_holding()
            .map(|r| (r.account_id, r.security_id));
        let mut rows = Vec::new();
        if let Some(p) = &self.portfolio {
            let accounts: HashMap<Uuid, (&str, &CurrencyCode)> = p
                .overview
                .groups
                .iter()
                .flat_map(|g| g.accounts.iter())
                .map(|a| (a.account.id, (a.account.name.as_str(), &a.account.currency)))
                .collect();
            let shown = |account: Uuid| self.holdings.account.is_none_or(|a| a == account);
            let kept_by_activities = |account: Uuid| {
                p.ledgers
                    .get(&account)
                    .is_some_and(|l| l.kept_by_activities)
            };
            for (index, v) in p.positions.iter().enumerate() {
                let account = v.holding.account_id;
                // Such an account's holdings are statements inside its ledger, shown below.
                if !shown(account) || kept_by_activities(account) {
                    continue;
                }
                let line = ledger_line(p, account, v.security.id);
                let in_base = p.valuation.position(v.holding.id);
                rows.push(self.holding_row(index, v, line, in_base, &accounts));
            }
            let mut index = p.positions.len();
            // In the valuation's order of accounts, so that rows keep their places.
            for a in &p.valuation.accounts {
                let account = a.account.id;
                let Some(ledger) = p.ledgers.get(&account) else {
                    continue;
                };
                if !ledger.kept_by_activities || !shown(account) {
                    continue;
                }
                for line in &ledger.lines {
                    let in_base = p.valuation.position_in(account, line.security.id);
                    // Any snapshot of the security has its previous close, for the day's move.
                    let quoted = p
                        .positions
                        .iter()
                        .find(|v| v.security.id == line.security.id);
                    let row = self.ledger_row(index, account, line, in_base, quoted, &accounts);
                    rows.push(row);
                    index += 1;
                }
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
        if let Some((account, security)) = keep {
            if let Some(pos) = self.holdings.order.iter().position(|i| {
                let r = &self.holdings.rows[*i];
                r.account_id == account && r.security_id == security
            }) {
                self.holdings.selected = pos;
            }
        }
        self.clamp_holdings();
    }

    /// `line`: the position as the ledger engine replays it; `valued`: as the service valued
    /// it in the base currency.
    fn holding_row(
        &self,
        index: usize,
        v: &HoldingView,
        line: Option<&PositionLine>,
        valued: Option<&PositionValue>,
        accounts: &HashMap<Uuid, (&str, &CurrencyCode)>,
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
        let (account_name, account_currency) = account_of(accounts, v.holding.account_id);
        let mut engine = EngineFigures::of(line);
        // An account kept by snapshots records no sales or income: its realized gain and
        // income are unknown, not 0.
        engine.realized = None;
        engine.income = None;
        HoldingRow {
            index,
            holding_id: Some(v.holding.id),
            holding_price: Some(v.holding.average_price),
            security_id: v.security.id,
            account_id: v.holding.account_id,
            account_name,
            account_currency,
            symbol: v.security.symbol.clone(),
            name: v.security.name.clone(),
            quote: v.security.currency.clone(),
            currency,
            // The snapshot is the position (the engine replays it to the same quantity), and
            // its own price keeps the quote unit the price column shows.
            shares,
            avg_cost: Some(v.holding.average_price),
            avg_in_quote: true,
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
            market_value: engine.market_value,
            unrealized: engine.unrealized,
            realized: engine.realized,
            income: engine.income,
            lots: engine.lots,
        }
    }

    /// A position of an account kept by activities: its figures from the ledger engine, its
    /// close and base-currency figures from the valuation.
    fn ledger_row(
        &self,
        index: usize,
        account_id: Uuid,
        line: &PositionLine,
        valued: Option<&PositionValue>,
        quoted: Option<&HoldingView>,
        accounts: &HashMap<Uuid, (&str, &CurrencyCode)>,
    ) -> HoldingRow {
        let security = &line.security;
        let currency = QuoteUnit::parse(&security.currency)
            .map(|u| u.currency)
            .unwrap_or_else(|_| CurrencyCode::usd());
        let close = valued.and_then(|p| p.close);
        let price_as_of = close.map(|c| c.at);
        let stale = price_as_of.is_some_and(|t| self.now - t > self.stale_after);
        let (account_name, account_currency) = account_of(accounts, account_id);
        let engine = EngineFigures::of(Some(line));
        let major = |d: Decimal| match QuoteUnit::parse(&security.currency) {
            Ok(u) => u.to_major(d),
            Err(_) => d,
        };
        // The same close as the valuation's, else the move is not this row's.
        let day = quoted
            .filter(|v| v.price_as_of == price_as_of)
            .and_then(|v| Some((v.day_change()?, v.previous_close?)))
            .filter(|_| !stale);
        let quantity = line.position.quantity;
        HoldingRow {
            index,
            holding_id: None,
            holding_price: None,
            security_id: security.id,
            account_id,
            account_name,
            account_currency,
            symbol: security.symbol.clone(),
            name: security.name.clone(),
            quote: security.currency.clone(),
            currency,
            shares: line.position.quantity,
            avg_cost: line.position.average_cost,
            avg_in_quote: false,
            price: close.map(|c| c.price),
            value: valued.and_then(|p| p.value),
            gain: None,
            gain_pct: line.unrealized_gain_pct,
            day_change: day.map(|(d, _)| major(d * quantity)),
            day_change_pct: day
                .filter(|(_, p)| !p.is_zero())
                .map(|(d, p)| (d / p * Decimal::ONE_HUNDRED).round_dp(2)),
            value_base: valued.and_then(|p| p.value_base),
            gain_base: valued.and_then(|p| p.gain_base),
            day_change_base: valued.and_then(|p| p.day_change_base).filter(|_| !stale),
            weight: None,
            price_as_of,
            stale,
            market_value: engine.market_value,
            unrealized: engine.unrealized,
            realized: engine.realized,
            income: engine.income,
            lots: engine.lots,
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
                    Column::MarketValue => a.market_value.cmp(&b.market_value),
                    Column::Unrealized => a.unrealized.cmp(&b.unrealized),
                    Column::Realized => a.realized.cmp(&b.realized),
                    Column::Income => a.income.cmp(&b.income),
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

/// The engine's figures of a position as the row shows them: a realized gain or income that
/// leaves out an unconverted amount is not shown as if it were whole.
struct EngineFigures {
    market_value: Option<Decimal>,
    unrealized: Option<Decimal>,
    realized: Option<Decimal>,
    income: Option<Decimal>,
    lots: Vec<OpenLot>,
}

impl EngineFigures {
    fn of(line: Option<&PositionLine>) -> Self {
        match line {
            Some(l) => {
                let whole = l.position.complete;
                Self {
                    market_value: l.market_value,
                    unrealized: l.unrealized_gain,
                    realized: Some(l.position.realized_gain).filter(|_| whole),
                    income: Some(l.position.income).filter(|_| whole),
                    lots: l.position.lots.clone(),
                }
            }
            None => Self {
                market_value: None,
                unrealized: None,
                realized: None,
                income: None,
                lots: Vec::new(),
            },
        }
    }
}

/// The engine's line of the account's position in the security.
fn ledger_line(p: &Portfolio, account: Uuid, security: Uuid) -> Option<&PositionLine> {
    p.ledgers
        .get(&account)
        .and_then(|l: &AccountPositions| l.lines.iter().find(|l| l.security.id == security))
}

fn account_of(accounts: &HashMap<Uuid, (&str, &CurrencyCode)>, id: Uuid) -> (String, CurrencyCode) {
    match accounts.get(&id) {
        Some((name, currency)) => (name.to_string(), (*currency).clone()),
        None => (String::new(), CurrencyCode::usd()),
    }
}
