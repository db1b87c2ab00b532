//! The state of the terminal UI. Drawing reads it; only the update step changes it.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::valuation::{self, Missing, PositionTotals, PositionValue};
use crate::domain::{AccountValue, CurrencyCode, QuoteUnit, Symbol, User};
use crate::service::portfolio::{AccountSummary, HoldingView};
use crate::service::securities::{FirstUseStep, KeyFigures, SearchResult};

use super::action::{ChartData, Deletion, Portfolio};
use super::form::Form;
use super::keymap::{Keymap, Scope};
use super::settings::{ChartStyle, TuiSettings};
use super::theme::Theme;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Accounts,
    Holdings,
    Security,
    Search,
}

impl Screen {
    pub const ALL: [Screen; 4] = [Self::Accounts, Self::Holdings, Self::Security, Self::Search];

    pub fn title(self) -> &'static str {
        match self {
            Self::Accounts => "Accounts",
            Self::Holdings => "Holdings",
            Self::Security => "Security",
            Self::Search => "Search",
        }
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing the holdings filter.
    Filter,
    /// Typing a `:` command.
    CommandLine(String),
    /// Typing the search query.
    SearchInput,
    Help {
        scroll: u16,
    },
    /// Asking whether to delete.
    Confirm {
        prompt: String,
        what: String,
        deletion: Deletion,
    },
}

/// Chart ranges: the domain's, named as the screens have always named them.
pub use crate::domain::ChartRange as Range;

/// Request counters: a reply is applied only when its generation is the newest asked.
#[derive(Debug, Clone, Default)]
pub struct Generations {
    pub portfolio: u64,
    pub histories: u64,
    pub values: u64,
    pub chart: u64,
    pub figures: u64,
    pub search: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub level: Level,
}

/// A line of the accounts table: an institution heading or an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountLine {
    Institution(usize),
    Account(usize, usize),
}

#[derive(Debug, Clone, Default)]
pub struct AccountsState {
    pub lines: Vec<AccountLine>,
    /// Index into `lines`, always an account line when there is one.
    pub selected: usize,
    /// Balance history per account, oldest first, for the sparklines.
    pub histories: HashMap<Uuid, Vec<(DateTime<Utc>, Decimal)>>,
    /// Whether the balance list of the selected account has the keyboard.
    pub values_focus: bool,
    pub values: Vec<AccountValue>,
    pub values_of: Option<Uuid>,
    pub value_selected: usize,
}

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

#[derive(Debug, Clone, Default)]
pub struct HoldingsState {
    /// The account shown, or every account.
    pub account: Option<Uuid>,
    pub rows: Vec<HoldingRow>,
    /// Indexes into `rows`, filtered and sorted.
    pub order: Vec<usize>,
    pub sort: Option<(Column, bool)>,
    pub filter: String,
    pub selected: usize,
    pub total_value: Option<Decimal>,
    pub total_gain: Option<Decimal>,
    pub total_cost: Option<Decimal>,
    pub total_day: Option<Decimal>,
    /// Rows the totals leave out, named (`MSFT unpriced`), each once.
    pub left_out: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct SecurityState {
    pub symbol: Option<Symbol>,
    pub range: Range,
    pub style: ChartStyle,
    pub chart: Option<ChartData>,
    pub loading: bool,
    /// Index of the bar under the crosshair.
    pub crosshair: Option<usize>,
    pub figures: Option<KeyFigures>,
    pub figures_error: Option<String>,
    pub error: Option<String>,
    /// The step a symbol not stored yet is at, while it is fetched for its chart.
    pub fetching: Option<FirstUseStep>,
}

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub query: String,
    pub stored: Vec<SearchResult>,
    pub remote: Vec<SearchResult>,
    pub remote_pending: bool,
    pub remote_error: Option<String>,
    pub selected: usize,
}

impl SearchState {
    /// Stored matches first, then Yahoo's that are not among them.
    pub fn results(&self) -> impl Iterator<Item = &SearchResult> {
        self.stored.iter().chain(
            self.remote
                .iter()
                .filter(|r| !self.stored.iter().any(|s| s.symbol == r.symbol)),
        )
    }

    pub fn len(&self) -> usize {
        self.results().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, Default)]
pub struct SyncState {
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub current: Option<String>,
    /// Symbols whose own sync (`s`) is running.
    pub single: Vec<Symbol>,
    pub all_running: bool,
}

impl SyncState {
    pub fn running(&self) -> bool {
        self.all_running || !self.single.is_empty()
    }
}

pub struct App {
    pub screen: Screen,
    pub mode: Mode,
    pub form: Option<Form>,
    pub user: Option<User>,
    /// The clock: injected, so that ages and ranges are reproducible in tests.
    pub now: DateTime<Utc>,
    pub ticks: u64,
    pub privacy: bool,
    pub theme: Theme,
    pub keymap: Keymap,
    pub status: Option<Status>,
    pub gens: Generations,
    pub portfolio: Option<Portfolio>,
    pub loading_portfolio: bool,
    /// The data is still being prepared (the demo portfolio being generated).
    pub preparing: bool,
    pub accounts: AccountsState,
    pub holdings: HoldingsState,
    pub security: SecurityState,
    pub search: SearchState,
    pub sync: SyncState,
    pub should_quit: bool,
    /// Ctrl-Z was pressed: the event loop suspends the process and clears this.
    pub suspend_requested: bool,
    /// Rows of the table area, for paging.
    pub page_rows: usize,
    /// How old a close may be before it is marked stale.
    pub stale_after: Duration,
}

impl App {
    pub fn new(settings: &TuiSettings, theme: Theme, keymap: Keymap, now: DateTime<Utc>) -> Self {
        Self {
            screen: Screen::Accounts,
            mode: Mode::Normal,
            form: None,
            user: None,
            now,
            ticks: 0,
            privacy: settings.privacy,
            theme,
            keymap,
            status: None,
            gens: Generations::default(),
            portfolio: None,
            loading_portfolio: false,
            preparing: false,
            accounts: AccountsState::default(),
            holdings: HoldingsState {
                sort: Some((Column::Value, true)),
                ..HoldingsState::default()
            },
            security: SecurityState {
                symbol: None,
                range: Range::Y1,
                style: settings.chart,
                chart: None,
                loading: false,
                crosshair: None,
                figures: None,
                figures_error: None,
                error: None,
                fetching: None,
            },
            search: SearchState::default(),
            sync: SyncState::default(),
            should_quit: false,
            suspend_requested: false,
            page_rows: 20,
            stale_after: Duration::days(settings.stale_price_days.into()),
        }
    }

    pub fn scope(&self) -> Scope {
        match self.screen {
            Screen::Accounts if self.accounts.values_focus => Scope::Values,
            Screen::Accounts => Scope::Accounts,
            Screen::Holdings => Scope::Holdings,
            Screen::Security => Scope::Security,
            Screen::Search => Scope::Search,
        }
    }

    pub fn base_currency(&self) -> CurrencyCode {
        self.portfolio
            .as_ref()
            .map(|p| p.overview.base_currency.clone())
            .or_else(|| self.user.as_ref().map(|u| u.base_currency.clone()))
            .unwrap_or_else(CurrencyCode::usd)
    }

    pub fn info(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level: Level::Info,
        });
    }

    pub fn warn(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level: Level::Warning,
        });
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            level: Level::Error,
        });
    }

    pub fn account_summary(&self, line: AccountLine) -> Option<&AccountSummary> {
        let AccountLine::Account(g, a) = line else {
            return None;
        };
        self.portfolio
            .as_ref()?
            .overview
            .groups
            .get(g)?
            .accounts
            .get(a)
    }

    /// The account under the cursor on the accounts screen.
    pub fn selected_account(&self) -> Option<&AccountSummary> {
        self.accounts
            .lines
            .get(self.accounts.selected)
            .and_then(|l| self.account_summary(*l))
    }

    pub fn all_accounts(&self) -> impl Iterator<Item = &AccountSummary> {
        self.portfolio
            .iter()
            .flat_map(|p| p.overview.groups.iter())
            .flat_map(|g| g.accounts.iter())
    }

    pub fn account_name(&self, id: Uuid) -> Option<&str> {
        self.all_accounts()
            .find(|a| a.account.id == id)
            .map(|a| a.account.name.as_str())
    }

    pub fn selected_holding(&self) -> Option<&HoldingRow> {
        self.holdings
            .order
            .get(self.holdings.selected)
            .and_then(|i| self.holdings.rows.get(*i))
    }

    pub fn selected_search(&self) -> Option<&SearchResult> {
        self.search.results().nth(self.search.selected)
    }

    /// The user's current positions in a security, across accounts.
    pub fn positions_in(&self, symbol: &Symbol) -> Vec<&HoldingView> {
        self.portfolio
            .iter()
            .flat_map(|p| p.positions.iter())
            .filter(|v| &v.security.symbol == symbol)
            .collect()
    }

    /// Rebuilds the accounts table lines from the overview, keeping the cursor on the same
    /// account when it still exists.
    pub fn rebuild_accounts(&mut self) {
        let keep = self.selected_account().map(|a| a.account.id);
        let mut lines = Vec::new();
        if let Some(p) = &self.portfolio {
            for (g, group) in p.overview.groups.iter().enumerate() {
                lines.push(AccountLine::Institution(g));
                for a in 0..group.accounts.len() {
                    lines.push(AccountLine::Account(g, a));
                }
            }
        }
        self.accounts.lines = lines;
        let found = keep.and_then(|id| {
            self.accounts
                .lines
                .iter()
                .position(|l| self.account_summary(*l).is_some_and(|s| s.account.id == id))
        });
        self.accounts.selected = found
            .or_else(|| {
                self.accounts
                    .lines
                    .iter()
                    .position(|l| matches!(l, AccountLine::Account(..)))
            })
            .unwrap_or(0);
    }

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
                .map(|v| (v.holding_id, v))
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

    /// The newest price date among the positions: what "prices as of" shows.
    pub fn prices_as_of(&self) -> Option<DateTime<Utc>> {
        self.portfolio
            .as_ref()?
            .positions
            .iter()
            .filter_map(|v| v.price_as_of)
            .max()
    }

    /// Investment accounts, for choosing where a holding goes.
    pub fn investment_accounts(&self) -> Vec<(Uuid, String)> {
        let mut out: Vec<(Uuid, String)> = self
            .all_accounts()
            .filter(|a| a.account.is_investment_account)
            .map(|a| (a.account.id, a.account.name.clone()))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out
    }

    /// The investment account the screen is about, when it is about one: the account whose
    /// holdings are shown, or the one under the cursor on the accounts screen; or the only
    /// investment account there is. A holding can be added to it without asking.
    pub fn account_in_view(&self) -> Option<Uuid> {
        let investment = self.investment_accounts();
        let is_inv = |id: &Uuid| investment.iter().any(|(a, _)| a == id);
        let shown = match self.screen {
            Screen::Holdings => self.holdings.account,
            Screen::Accounts => self.selected_account().map(|s| s.account.id),
            Screen::Security | Screen::Search => None,
        };
        shown.filter(is_inv).or(match investment.as_slice() {
            [(only, _)] => Some(*only),
            _ => None,
        })
    }

    /// The account a new holding of `symbol` starts on in its form: the one in view, else the
    /// one the screen points to: the only account holding the symbol, the account whose
    /// holdings were last shown (on the security and search screens) or the account of the
    /// holding under the cursor. `None` when nothing points to one: the form then asks.
    pub fn default_holding_account(&self, symbol: Option<&Symbol>) -> Option<Uuid> {
        let investment = self.investment_accounts();
        let is_inv = |id: &Uuid| investment.iter().any(|(a, _)| a == id);
        let only_holder = || {
            let mut holders: Vec<Uuid> = symbol
                .map(|s| self.positions_in(s))
                .unwrap_or_default()
                .iter()
                .map(|v| v.holding.account_id)
                .collect();
            holders.sort();
            holders.dedup();
            match holders.as_slice() {
                [one] => Some(*one),
                _ => None,
            }
        };
        let pointed = match self.screen {
            Screen::Holdings => self.selected_holding().map(|r| r.account_id),
            Screen::Security | Screen::Search => self.holdings.account,
            Screen::Accounts => None,
        };
        self.account_in_view()
            .or(only_holder().filter(is_inv))
            .or(pointed.filter(is_inv))
    }
}
