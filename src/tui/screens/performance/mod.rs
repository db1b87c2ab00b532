//! The performance screen: how the portfolio did over a range (its value against the money put
//! in, TWR, MWR, gain, income, fees, taxes), each account's returns beside it, and on `x` the
//! values and flows the figures are computed from. The service computes every figure; this
//! screen only asks for a range and shows the answer.
//!
//! This file owns the screen: its state ([`PerformanceState`]), its keys ([`handle_intent`]),
//! the replies to what it asked ([`update`]). The ranges are in `range.rs`, the accounts
//! table's columns and sort in `accounts.rs`; the drawing in `draw.rs`, `chart.rs` and
//! `explain.rs`.

mod accounts;
mod chart;
mod draw;
mod explain;
mod proposals;
mod range;

use chrono::NaiveDate;

use crate::service::performance::{Performance, PerformanceQuery};
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, Mode, Screen};
use crate::tui::keymap::Intent;

use super::{movement, step};

pub use accounts::AccountColumn;
pub use draw::draw;
pub use proposals::{decided, ProposalsPane};
pub use range::{check_days, parse_days, PerfRange};

#[derive(Debug, Clone)]
pub struct PerformanceState {
    pub range: PerfRange,
    /// The answer in view. It names its own days: while another range loads, these are the
    /// previous range's.
    pub data: Option<Performance>,
    pub loading: bool,
    /// Why the last answer failed; nothing is shown in its place.
    pub error: Option<String>,
    /// Something was saved or synced since the answer: it is asked again when next shown.
    pub stale: bool,
    pub sort: (AccountColumn, bool),
    /// Indexes into the answer's accounts, sorted.
    pub order: Vec<usize>,
    pub selected: usize,
    /// The explain pane, open and scrolled this many lines.
    pub explain: Option<u16>,
    /// The proposals pane, when open.
    pub proposals: Option<ProposalsPane>,
}

impl Default for PerformanceState {
    fn default() -> Self {
        Self {
            range: PerfRange::Y1,
            data: None,
            loading: false,
            error: None,
            stale: false,
            sort: (AccountColumn::Account, false),
            order: Vec::new(),
            selected: 0,
            explain: None,
            proposals: None,
        }
    }
}

impl PerformanceState {
    fn reorder(&mut self) {
        let (column, descending) = self.sort;
        self.order = self
            .data
            .as_ref()
            .map(|p| accounts::order(&p.accounts, column, descending))
            .unwrap_or_default();
        self.selected = self.selected.min(self.order.len().saturating_sub(1));
    }
}

/// What showing the screen asks for: the range chosen, the first time or when the answer no
/// longer holds.
pub fn on_show(app: &mut App) -> Vec<Command> {
    let p = &app.performance;
    if p.stale || (p.data.is_none() && !p.loading) {
        return load(app);
    }
    Vec::new()
}

/// Asks for the portfolio's performance over the range chosen.
pub fn load(app: &mut App) -> Vec<Command> {
    let (start, end) = app.performance.range.days(app.now.date_naive());
    app.gens.performance += 1;
    app.performance.loading = true;
    app.performance.stale = false;
    vec![Command::LoadPerformance {
        gen: app.gens.performance,
        query: PerformanceQuery {
            account_id: None,
            start,
            end: Some(end),
        },
    }]
}

/// Shows the screen over `range`.
pub fn set_range(app: &mut App, range: PerfRange) -> Vec<Command> {
    app.screen = Screen::Performance;
    app.mode = Mode::Normal;
    app.performance.range = range;
    load(app)
}

/// Shows the screen over the days from `start` to `end`; days that cannot be asked for are
/// refused on the status line and change nothing.
pub fn set_days(app: &mut App, start: NaiveDate, end: NaiveDate) -> Vec<Command> {
    if let Err(why) = check_days(end, app.now.date_naive()) {
        app.error(why);
        return Vec::new();
    }
    set_range(app, PerfRange::Custom { start, end })
}

/// The data changed (a save, a deletion, a sync): the answer in view is asked again, one not
/// in view when it is next shown.
pub fn invalidate(app: &mut App) -> Vec<Command> {
    let p = &app.performance;
    if p.data.is_none() && !p.loading {
        return Vec::new();
    }
    if app.screen == Screen::Performance {
        return load(app);
    }
    app.performance.stale = true;
    Vec::new()
}

/// What a key means on the screen, as the keymap reads it.
pub fn handle_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    use Intent::*;
    if app.performance.proposals.is_some() {
        return proposals::handle_intent(app, intent);
    }
    if intent == Proposals {
        app.performance.explain = None;
        return proposals::open(app);
    }
    if let Some(delta) = movement(intent, app.page_rows) {
        let lines = app
            .performance
            .data
            .as_ref()
            .map_or(0, |data| explain::line_count(data, app));
        let p = &mut app.performance;
        match p.explain {
            Some(scroll) => p.explain = Some(step(scroll.into(), lines, delta) as u16),
            None => p.selected = step(p.selected, p.order.len(), delta),
        }
        return Vec::new();
    }
    match intent {
        RangeNext | RangePrev => {
            let today = app.now.date_naive();
            let range = if intent == RangeNext {
                app.performance.range.next(today)
            } else {
                app.performance.range.prev(today)
            };
            if range != app.performance.range {
                return set_range(app, range);
            }
        }
        SortNext | SortPrev => {
            let column = app.performance.sort.0.step(intent == SortNext);
            app.performance.sort = (column, column.descending_first());
            app.performance.reorder();
        }
        SortReverse => {
            let (column, descending) = app.performance.sort;
            app.performance.sort = (column, !descending);
            app.performance.reorder();
        }
        // Only figures shown can be explained.
        Explain if app.performance.data.is_some() => {
            app.performance.explain = match app.performance.explain {
                Some(_) => None,
                None => Some(0),
            };
        }
        Back => app.performance.explain = None,
        _ => {}
    }
    Vec::new()
}

/// The reply to what the screen asked; an overtaken one is dropped.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    if let Action::ProposalsLoaded { .. } = action {
        return proposals::update(app, action);
    }
    match action {
        Action::PerformanceLoaded { gen, result } if gen == app.gens.performance => {
            let p = &mut app.performance;
            p.loading = false;
            match result {
                Ok(data) => {
                    p.data = Some(*data);
                    p.error = None;
                    p.reorder();
                }
                Err(f) => {
                    // The figures of another range are not shown under this one's name.
                    p.data = None;
                    p.explain = None;
                    p.reorder();
                    let why = f.summary();
                    p.error = Some(why.clone());
                    app.error(format!("performance: {why}"));
                }
            }
        }
        // Overtaken by a newer request, or not this screen's.
        _ => {}
    }
    Vec::new()
}
