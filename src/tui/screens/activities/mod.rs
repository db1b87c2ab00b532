//! The activities screen: one investment account's ledger (its trades, income and cash
//! movements), sortable and filterable, with activities added, edited and deleted from here.
//! Reached with `a` from the accounts and holdings screens; it sits under the holdings tab.
//!
//! This file owns the screen: its state ([`ActivitiesState`]), its keys ([`handle_intent`],
//! and [`handle_key`] while the filter is typed) and the replies to what it asked for
//! ([`update`]). The rows, their filter and sort are in `rows.rs`, the drawing in `draw.rs`,
//! the form of an activity in `tui/form/activity.rs`.

mod draw;
mod rows;

use crossterm::event::{KeyCode, KeyEvent};
use uuid::Uuid;

use crate::tui::action::{Action, Command, Deletion};
use crate::tui::app::{App, Mode, Screen};
use crate::tui::form::Form;
use crate::tui::keymap::Intent;
use crate::tui::line_edit::LineKey;

use super::{movement, step};

pub use draw::draw;
pub use rows::{ActivityColumn, ActivityRow};

#[derive(Debug, Clone)]
pub struct ActivitiesState {
    /// The investment account whose activities are shown.
    pub account: Option<Uuid>,
    pub rows: Vec<ActivityRow>,
    /// Indexes into `rows`, filtered and sorted.
    pub order: Vec<usize>,
    /// The column sorted by, descending when true.
    pub sort: (ActivityColumn, bool),
    pub filter: String,
    pub selected: usize,
    pub loading: bool,
    /// Why the list could not be read.
    pub error: Option<String>,
}

impl Default for ActivitiesState {
    fn default() -> Self {
        Self {
            account: None,
            rows: Vec::new(),
            order: Vec::new(),
            // Newest first: what was just recorded is on top.
            sort: (ActivityColumn::Date, true),
            filter: String::new(),
            selected: 0,
            loading: false,
            error: None,
        }
    }
}

impl App {
    pub fn selected_activity(&self) -> Option<&ActivityRow> {
        self.activities
            .order
            .get(self.activities.selected)
            .and_then(|i| self.activities.rows.get(*i))
    }
}

/// Shows the activities of `account` (an investment account), or says what to pick.
pub fn open(app: &mut App, account: Option<Uuid>) -> Vec<Command> {
    let investment = app.investment_accounts();
    let Some(account) = account.filter(|a| investment.iter().any(|(id, _)| id == a)) else {
        app.warn("choose an investment account: activities are kept per investment account");
        return Vec::new();
    };
    if app.activities.account != Some(account) {
        app.activities.rows.clear();
        app.activities.order.clear();
        app.activities.filter.clear();
        app.activities.selected = 0;
    }
    app.activities.account = Some(account);
    app.screen = Screen::Activities;
    app.mode = Mode::Normal;
    load(app)
}

/// Asks for the activities of the account shown again (after a write), if one is.
pub fn reload(app: &mut App) -> Vec<Command> {
    if app.activities.account.is_some() && app.user.is_some() {
        load(app)
    } else {
        Vec::new()
    }
}

fn load(app: &mut App) -> Vec<Command> {
    let Some(account) = app.activities.account else {
        return Vec::new();
    };
    app.gens.activities += 1;
    app.activities.loading = true;
    vec![Command::LoadActivities {
        gen: app.gens.activities,
        account,
    }]
}

/// The replies to what the screen asked for.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    if let Action::ActivitiesLoaded {
        gen,
        account,
        result,
    } = action
    {
        if gen != app.gens.activities || app.activities.account != Some(account) {
            return Vec::new();
        }
        app.activities.loading = false;
        match result {
            Ok(list) => {
                app.activities.error = None;
                app.set_activities(list);
            }
            Err(f) => {
                app.activities.error = Some(f.summary());
                app.error(format!("activities: {}", f.summary()));
            }
        }
    }
    Vec::new()
}

/// What a key means on the screen, as the keymap reads it.
pub fn handle_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    use Intent::*;
    if let Some(delta) = movement(intent, app.page_rows) {
        app.activities.selected = step(app.activities.selected, app.activities.order.len(), delta);
        return Vec::new();
    }
    match intent {
        Back => {
            if app.activities.filter.is_empty() {
                app.screen = Screen::Holdings;
            } else {
                app.activities.filter.clear();
                app.reorder_activities();
            }
        }
        New => new_activity_form(app, None),
        Edit => {
            let account = app.activities.account;
            if let (Some(r), Some(account)) = (app.selected_activity(), account) {
                app.form = Some(Form::edit_activity(
                    account,
                    &r.activity,
                    r.symbol.as_ref(),
                    app.now.date_naive(),
                ));
            }
        }
        Delete => {
            if let (Some(r), Some(account)) = (app.selected_activity(), app.activities.account) {
                let what = r.describe();
                let deletion = Deletion::Activity {
                    account,
                    id: r.activity.id,
                };
                app.confirm(what, deletion);
            }
        }
        Filter => app.mode = Mode::Filter,
        SortNext | SortPrev => {
            let all = ActivityColumn::ALL;
            let i = all
                .iter()
                .position(|c| *c == app.activities.sort.0)
                .unwrap_or(0);
            let n = all.len();
            let next = if intent == SortNext {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            };
            let column = all[next];
            app.activities.sort = (column, column.descending_first());
            app.reorder_activities();
        }
        SortReverse => {
            app.activities.sort.1 = !app.activities.sort.1;
            app.reorder_activities();
        }
        NextAccount | PrevAccount => {
            let ids: Vec<Uuid> = app
                .investment_accounts()
                .into_iter()
                .map(|(id, _)| id)
                .collect();
            if ids.is_empty() {
                return Vec::new();
            }
            let at = ids
                .iter()
                .position(|i| Some(*i) == app.activities.account)
                .unwrap_or(0);
            let n = ids.len();
            let next = if intent == NextAccount {
                (at + 1) % n
            } else {
                (at + n - 1) % n
            };
            return open(app, Some(ids[next]));
        }
        _ => {}
    }
    Vec::new()
}

/// A key while the filter is typed: the rows narrow as it is typed.
pub fn handle_key(app: &mut App, key: &KeyEvent) {
    let a = &mut app.activities;
    match key.code {
        KeyCode::Esc => {
            a.filter.clear();
            app.mode = Mode::Normal;
            app.reorder_activities();
        }
        KeyCode::Enter => app.mode = Mode::Normal,
        KeyCode::Down => a.selected = step(a.selected, a.order.len(), 1),
        KeyCode::Up => a.selected = step(a.selected, a.order.len(), -1),
        _ => {
            if let Some(edit) = LineKey::from_event(key) {
                if edit.apply(&mut a.filter) {
                    a.selected = 0;
                    app.reorder_activities();
                }
            }
        }
    }
}

/// Opens the form for a new activity in the account in view (asking for one when none is),
/// with what is given filled in.
pub fn new_activity_form(app: &mut App, prefill: Option<crate::tui::form::ActivityPrefill>) {
    let accounts = app.investment_accounts();
    if accounts.is_empty() {
        app.error("no investment account: create one first (n on Accounts, Investment: yes)");
        return;
    }
    let prefill = prefill.unwrap_or_default();
    let symbol = prefill
        .symbol
        .as_deref()
        .and_then(|s| crate::domain::Symbol::parse(s).ok());
    let account = app.default_holding_account(symbol.as_ref());
    app.form = Some(Form::new_activity(
        &accounts,
        account,
        &prefill,
        app.now.date_naive(),
    ));
}
