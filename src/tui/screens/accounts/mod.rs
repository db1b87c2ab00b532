//! The accounts screen: institutions with their accounts (balance, market value, worth in the
//! base currency, a sparkline of the balance history), totals and net worth; `v` opens the
//! balance list of the account under the cursor, where balances are recorded, edited and
//! deleted. Institutions and accounts are added, edited and deleted from here.
//!
//! This file owns the screen: its state ([`AccountsState`]), its keys ([`handle_intent`]) and
//! the replies to what it asked ([`update`]); the drawing is in `draw.rs`, the fields of its
//! forms (institution, account, balance) in `tui/form/accounts.rs`.

mod draw;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::{AccountValue, Institution};
use crate::service::portfolio::AccountSummary;
use crate::tui::action::{Action, Command, Deletion};
use crate::tui::app::{App, Screen};
use crate::tui::form::Form;
use crate::tui::keymap::{Intent, Scope};

use super::{movement, step};

pub use draw::draw;

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

impl App {
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
}

/// What a key means on the screen, as the keymap reads it: on the accounts, or (after `v`) on
/// the balances of the one under the cursor.
pub fn handle_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    use Intent::*;
    let on_values = app.scope() == Scope::Values;
    if let Some(delta) = movement(intent, app.page_rows) {
        move_by(app, delta);
        return Vec::new();
    }
    match intent {
        Back => app.accounts.values_focus = false,
        Open => {
            if let Some(id) = app.selected_account().map(|a| a.account.id) {
                app.holdings.account = Some(id);
                app.holdings.selected = 0;
                app.holdings.filter.clear();
                app.rebuild_holdings();
                app.screen = Screen::Holdings;
            }
        }
        Activities => {
            let account = app.selected_account().map(|a| a.account.id);
            return super::activities::open(app, account);
        }
        Values => {
            app.accounts.values_focus = !app.accounts.values_focus;
            if app.accounts.values_focus {
                return load_values(app);
            }
        }
        New if on_values => {
            if let Some(a) = app.selected_account() {
                app.form = Some(Form::new_value(a, app.now.date_naive()));
            }
        }
        New => {
            let inst = selected_institution(app).map(|i| i.id);
            app.form = Some(Form::new_account(
                &institutions(app),
                inst,
                &app.base_currency(),
            ));
        }
        NewInstitution => app.form = Some(Form::new_institution()),
        Edit if on_values => {
            let name = app
                .selected_account()
                .map(|a| a.account.name.clone())
                .unwrap_or_default();
            if let Some(v) = app.accounts.values.get(app.accounts.value_selected) {
                app.form = Some(Form::edit_value(&name, v));
            }
        }
        Edit => {
            if let Some(a) = app.selected_account() {
                app.form = Some(Form::edit_account(&institutions(app), a));
            }
        }
        EditInstitution => {
            if let Some(i) = selected_institution(app) {
                app.form = Some(Form::edit_institution(&i));
            }
        }
        Delete if on_values => {
            if let Some(v) = app.accounts.values.get(app.accounts.value_selected) {
                let what = format!("the balance of {}", v.timestamp.date_naive());
                let deletion = Deletion::Value {
                    account: v.account_id,
                    id: v.id,
                };
                app.confirm(what, deletion);
            }
        }
        Delete => {
            if let Some(a) = app.selected_account() {
                let what = format!("account {} with its balances and holdings", a.account.name);
                let deletion = Deletion::Account(a.account.id);
                app.confirm(what, deletion);
            }
        }
        DeleteInstitution => {
            if let Some(i) = selected_institution(app) {
                app.confirm(
                    format!("institution {} (its accounts stay)", i.name),
                    Deletion::Institution(i.id),
                );
            }
        }
        _ => {}
    }
    Vec::new()
}

/// Moves the cursor over the balances, or over the accounts (institution lines are passed
/// over).
fn move_by(app: &mut App, delta: isize) {
    if app.accounts.values_focus {
        let n = app.accounts.values.len();
        app.accounts.value_selected = step(app.accounts.value_selected, n, delta);
        return;
    }
    let lines = &app.accounts.lines;
    let accounts: Vec<usize> = (0..lines.len())
        .filter(|i| matches!(lines[*i], AccountLine::Account(..)))
        .collect();
    if accounts.is_empty() {
        return;
    }
    let at = accounts
        .iter()
        .position(|i| *i >= app.accounts.selected)
        .unwrap_or(0);
    app.accounts.selected = accounts[step(at, accounts.len(), delta)];
}

/// The replies to the balances the screen asked for; an overtaken one is dropped.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    match action {
        Action::HistoriesLoaded { gen, result } if gen == app.gens.histories => match result {
            Ok(h) => app.accounts.histories = h,
            Err(f) => app.error(f.summary()),
        },
        Action::ValuesLoaded {
            gen,
            account,
            result,
        } if gen == app.gens.values => match result {
            Ok(values) => {
                app.accounts.values = values;
                app.accounts.values_of = Some(account);
                let n = app.accounts.values.len();
                app.accounts.value_selected = app.accounts.value_selected.min(n.saturating_sub(1));
            }
            Err(f) => app.error(f.summary()),
        },
        // Overtaken by a newer request, or not this screen's.
        _ => {}
    }
    Vec::new()
}

/// Asks for the balances of the account under the cursor.
pub fn load_values(app: &mut App) -> Vec<Command> {
    let Some(account) = app.selected_account().map(|a| a.account.id) else {
        return Vec::new();
    };
    app.gens.values += 1;
    if app.accounts.values_of != Some(account) {
        app.accounts.values.clear();
        app.accounts.value_selected = 0;
    }
    vec![Command::LoadValues {
        gen: app.gens.values,
        account,
    }]
}

/// Every institution, for the account form to choose from.
fn institutions(app: &App) -> Vec<(Uuid, String)> {
    app.portfolio
        .iter()
        .flat_map(|p| p.overview.groups.iter())
        .filter_map(|g| g.institution.as_ref())
        .map(|i| (i.id, i.name.clone()))
        .collect()
}

/// The institution of the line under the cursor.
fn selected_institution(app: &App) -> Option<Institution> {
    let line = app.accounts.lines.get(app.accounts.selected)?;
    let g = match line {
        AccountLine::Institution(g) | AccountLine::Account(g, _) => *g,
    };
    app.portfolio
        .as_ref()?
        .overview
        .groups
        .get(g)?
        .institution
        .clone()
}
