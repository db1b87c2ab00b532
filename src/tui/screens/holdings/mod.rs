//! The holdings screen: the current positions of one account or all, with sortable columns, a
//! filter, values and totals in the base currency; new holdings are added, edited and deleted
//! from here (and from the security and search screens, through [`add_holding_form`]).
//!
//! This file owns the screen: its state ([`HoldingsState`]), its keys ([`handle_intent`], and
//! [`handle_key`] while the filter is typed). The rows and their totals are worked out in
//! `rows.rs`, the drawing is in `draw.rs`, the fields of the holding form in
//! `tui/form/holding.rs`.

mod draw;
mod rows;

use crossterm::event::{KeyCode, KeyEvent};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::Symbol;
use crate::tui::action::{Command, Deletion};
use crate::tui::app::{App, Mode};
use crate::tui::form::Form;
use crate::tui::keymap::Intent;
use crate::tui::line_edit::LineKey;

use super::{activities, movement, security, step};

pub use draw::draw;
pub use rows::{Column, HoldingRow};

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

impl App {
    pub fn selected_holding(&self) -> Option<&HoldingRow> {
        self.holdings
            .order
            .get(self.holdings.selected)
            .and_then(|i| self.holdings.rows.get(*i))
    }
}

/// What a key means on the screen, as the keymap reads it.
pub fn handle_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    use Intent::*;
    if let Some(delta) = movement(intent, app.page_rows) {
        app.holdings.selected = step(app.holdings.selected, app.holdings.order.len(), delta);
        return Vec::new();
    }
    match intent {
        Back => {
            if !app.holdings.filter.is_empty() {
                app.holdings.filter.clear();
                app.reorder_holdings();
            } else if app.holdings.account.is_some() {
                app.holdings.account = None;
                app.rebuild_holdings();
            }
        }
        Open => {
            if let Some(symbol) = app.selected_holding().map(|r| r.symbol.clone()) {
                return security::open(app, symbol);
            }
        }
        Lots if app.selected_holding().is_some() => app.mode = Mode::Lots,
        Activities => {
            let account = app
                .holdings
                .account
                .or(app.selected_holding().map(|r| r.account_id));
            return activities::open(app, account);
        }
        New => add_holding_form(app, "", "", ""),
        Edit => match app.selected_holding() {
            Some(r) if r.holding_id.is_none() => kept_by_activities(app),
            Some(r) => app.form = Some(Form::edit_holding(r)),
            None => {}
        },
        Delete => {
            if let Some(r) = app.selected_holding() {
                match r.holding_id {
                    Some(id) => {
                        let what = format!("holding {} in {}", r.symbol, r.account_name);
                        let deletion = Deletion::Holding {
                            account: r.account_id,
                            id,
                        };
                        app.confirm(what, deletion);
                    }
                    None => kept_by_activities(app),
                }
            }
        }
        SyncOne => {
            if let Some(symbol) = app.selected_holding().map(|r| r.symbol.clone()) {
                return app.sync_one(symbol);
            }
        }
        NextAccount | PrevAccount => {
            let mut ids: Vec<Option<Uuid>> = vec![None];
            ids.extend(
                app.investment_accounts()
                    .into_iter()
                    .map(|(id, _)| Some(id)),
            );
            let at = ids
                .iter()
                .position(|i| *i == app.holdings.account)
                .unwrap_or(0);
            let n = ids.len();
            let next = if intent == NextAccount {
                (at + 1) % n
            } else {
                (at + n - 1) % n
            };
            app.holdings.account = ids[next];
            app.holdings.selected = 0;
            app.rebuild_holdings();
        }
        Filter => app.mode = Mode::Filter,
        SortNext | SortPrev => {
            let current = app.holdings.sort.map(|(c, _)| c);
            let i = current
                .and_then(|c| Column::ALL.iter().position(|x| *x == c))
                .map_or(0, |i| {
                    let n = Column::ALL.len();
                    if intent == SortNext {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    }
                });
            sort_by(app, Column::ALL[i], None);
        }
        SortReverse => {
            if let Some((c, d)) = app.holdings.sort {
                app.holdings.sort = Some((c, !d));
                app.reorder_holdings();
            }
        }
        _ => {}
    }
    Vec::new()
}

/// A position of an account kept by activities changes through them, not as a snapshot.
fn kept_by_activities(app: &mut App) {
    let key = app.keymap.key_of(Intent::Activities);
    app.warn(format!(
        "this account is kept by its activities: change them on its activities ({key})"
    ));
}

/// A key while the lot view is open: it closes, or opens the security's chart.
pub fn handle_lots_key(app: &mut App, key: &KeyEvent) -> Vec<Command> {
    app.mode = Mode::Normal;
    match key.code {
        KeyCode::Char('l') => match app.selected_holding().map(|r| r.symbol.clone()) {
            Some(symbol) => security::open(app, symbol),
            None => Vec::new(),
        },
        _ => Vec::new(),
    }
}

/// A key while the filter is typed: the rows narrow as it is typed.
pub fn handle_key(app: &mut App, key: &KeyEvent) {
    match key.code {
        KeyCode::Esc => {
            app.holdings.filter.clear();
            app.mode = Mode::Normal;
            app.reorder_holdings();
        }
        KeyCode::Enter => app.mode = Mode::Normal,
        KeyCode::Down => {
            app.holdings.selected = step(app.holdings.selected, app.holdings.order.len(), 1);
        }
        KeyCode::Up => {
            app.holdings.selected = step(app.holdings.selected, app.holdings.order.len(), -1);
        }
        _ => {
            if let Some(edit) = LineKey::from_event(key) {
                if edit.apply(&mut app.holdings.filter) {
                    app.holdings.selected = 0;
                    app.reorder_holdings();
                }
            }
        }
    }
}

/// Sorts by `column`, descending (`Some(true)`), ascending, or (`None`) as the column reads
/// best: names from A, figures from the largest.
pub fn sort_by(app: &mut App, column: Column, descending: Option<bool>) {
    let descending = descending.unwrap_or(!matches!(
        column,
        Column::Symbol | Column::Account | Column::Name
    ));
    app.holdings.sort = Some((column, descending));
    app.reorder_holdings();
}

/// Opens the form for a new holding of `symbol` (empty: typed in the form), in the account the
/// screen points to, if any.
pub fn add_holding_form(app: &mut App, symbol: &str, shares: &str, price: &str) {
    let accounts = app.investment_accounts();
    if accounts.is_empty() {
        app.error("no investment account: create one first (n on Accounts, Investment: yes)");
        return;
    }
    let account = app.default_holding_account(Symbol::parse(symbol).ok().as_ref());
    app.form = Some(Form::new_holding(
        &accounts,
        account,
        symbol,
        shares,
        price,
        app.now.date_naive(),
    ));
}
