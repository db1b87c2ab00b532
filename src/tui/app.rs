//! The state of the terminal UI: [`App`], composed of the state of each screen (owned by its
//! module under `screens/`) and what the screens share: the portfolio loaded, the status line,
//! the settings, the request generations, what has the keyboard. Drawing reads it; only the
//! update step changes it.

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use crate::domain::{CurrencyCode, Symbol, User};
use crate::service::portfolio::{AccountSummary, HoldingView};

use super::action::{Command, Deletion, Portfolio};
use super::form::Form;
use super::keymap::{Keymap, Scope};
use super::settings::TuiSettings;
use super::theme::Theme;

pub use super::screens::accounts::{AccountLine, AccountsState};
pub use super::screens::activities::{ActivitiesState, ActivityColumn, ActivityRow};
pub use super::screens::holdings::{Column, HoldingRow, HoldingsState};
pub use super::screens::performance::PerformanceState;
pub use super::screens::search::SearchState;
pub use super::screens::security::SecurityState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Accounts,
    Holdings,
    /// An account's activities: reached from the accounts and holdings screens, and under
    /// the holdings tab rather than a tab of its own.
    Activities,
    Security,
    Search,
    Performance,
}

impl Screen {
    /// The screens with a tab, in tab order.
    pub const ALL: [Screen; 5] = [
        Self::Accounts,
        Self::Holdings,
        Self::Security,
        Self::Search,
        Self::Performance,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::Accounts => "Accounts",
            Self::Holdings => "Holdings",
            Self::Activities => "Activities",
            Self::Security => "Security",
            Self::Search => "Search",
            Self::Performance => "Performance",
        }
    }

    /// The tab the screen is under.
    pub fn tab(self) -> Screen {
        match self {
            Self::Activities => Self::Holdings,
            other => other,
        }
    }

    pub fn index(self) -> usize {
        let tab = self.tab();
        Self::ALL.iter().position(|s| *s == tab).unwrap_or(0)
    }
}

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing the filter of the holdings or the activities.
    Filter,
    /// The open lots of the position under the cursor, over the holdings.
    Lots,
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
    /// The import dialog has the keyboard.
    Import,
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
    pub activities: u64,
    pub performance: u64,
    pub proposals: u64,
    pub import: u64,
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
    pub activities: ActivitiesState,
    pub security: SecurityState,
    pub search: SearchState,
    pub performance: PerformanceState,
    /// The import dialog, while open.
    pub import: Option<crate::tui::screens::import::ImportDialog>,
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
            activities: ActivitiesState::default(),
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
            performance: PerformanceState::default(),
            import: None,
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
            Screen::Activities => Scope::Activities,
            Screen::Security => Scope::Security,
            Screen::Search => Scope::Search,
            Screen::Performance if self.performance.proposals.is_some() => Scope::Proposals,
            Screen::Performance => Scope::Performance,
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

    /// Asks whether to delete `what`; `y` deletes it.
    pub fn confirm(&mut self, what: String, deletion: Deletion) {
        self.mode = Mode::Confirm {
            prompt: format!("Delete {what}? y/n"),
            what,
            deletion,
        };
    }

    pub fn toggle_privacy(&mut self) {
        self.privacy = !self.privacy;
        self.info(if self.privacy {
            "Amounts masked"
        } else {
            "Amounts shown"
        });
    }

    /// Asks for the portfolio again (after a write or a sync).
    pub fn reload(&mut self) -> Vec<Command> {
        if self.user.is_none() {
            return Vec::new();
        }
        self.gens.portfolio += 1;
        self.loading_portfolio = true;
        vec![Command::LoadPortfolio {
            gen: self.gens.portfolio,
        }]
    }

    /// Syncs one security, unless it is syncing already.
    pub fn sync_one(&mut self, symbol: Symbol) -> Vec<Command> {
        if self.sync.single.contains(&symbol) {
            self.warn(format!("{symbol} is already syncing"));
            return Vec::new();
        }
        self.sync.single.push(symbol.clone());
        self.info(format!("Syncing {symbol}..."));
        vec![Command::Sync(symbol)]
    }

    /// Syncs every held security and exchange rate, unless that is running already.
    pub fn sync_all(&mut self) -> Vec<Command> {
        if self.sync.all_running {
            self.warn("a sync of everything is already running");
            return Vec::new();
        }
        self.sync.all_running = true;
        self.sync.total = 0;
        self.sync.done = 0;
        self.sync.failed = 0;
        self.info("Syncing every held security and exchange rate...");
        vec![Command::SyncAll]
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

    /// The user's current positions in a security, across accounts.
    pub fn positions_in(&self, symbol: &Symbol) -> Vec<&HoldingView> {
        self.portfolio
            .iter()
            .flat_map(|p| p.positions.iter())
            .filter(|v| &v.security.symbol == symbol)
            .collect()
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
            Screen::Activities => self.activities.account,
            Screen::Accounts => self.selected_account().map(|s| s.account.id),
            Screen::Security | Screen::Search | Screen::Performance => None,
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
            Screen::Accounts | Screen::Activities | Screen::Performance => None,
        };
        self.account_in_view()
            .or(only_holder().filter(is_inv))
            .or(pointed.filter(is_inv))
    }
}
