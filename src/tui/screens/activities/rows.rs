//! The rows of the activities screen: each activity with the symbol it names, and the filter
//! and sort over them.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::domain::ledger::Activity;
use crate::domain::Symbol;
use crate::tui::action::ActivityList;
use crate::tui::app::App;

/// Sortable columns of the activities table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivityColumn {
    Date,
    Type,
    Symbol,
    Amount,
}

impl ActivityColumn {
    pub const ALL: [ActivityColumn; 4] = [Self::Date, Self::Type, Self::Symbol, Self::Amount];

    /// Dates and amounts read best from the newest and largest, words from A.
    pub fn descending_first(self) -> bool {
        matches!(self, Self::Date | Self::Amount)
    }
}

/// One activity as the screen lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ActivityRow {
    pub activity: Activity,
    pub symbol: Option<Symbol>,
}

impl ActivityRow {
    /// `buy 10 AAPL on 2025-01-02`, for prompts and the status line.
    pub fn describe(&self) -> String {
        let a = &self.activity;
        let mut out = a.activity_type.to_string();
        if let Some(q) = a.quantity {
            out.push_str(&format!(" {}", q.normalize()));
        }
        if let Some(amount) = a.amount {
            out.push_str(&format!(" {} {}", amount.normalize(), a.currency));
        }
        if let Some(s) = &self.symbol {
            out.push_str(&format!(" {s}"));
        }
        out.push_str(&format!(" on {}", a.date));
        out
    }

    /// What the amount column sorts by: the amount written, else a trade's quantity at its
    /// price. Only an order for the list: no figure shown is made here.
    fn sort_amount(&self) -> Option<Decimal> {
        let a = &self.activity;
        a.amount.or_else(|| a.quantity?.checked_mul(a.unit_price?))
    }

    fn matches(&self, needle: &str) -> bool {
        let a = &self.activity;
        a.activity_type.as_str().contains(needle)
            || self
                .symbol
                .as_ref()
                .is_some_and(|s| s.as_str().to_lowercase().contains(needle))
            || a.notes
                .as_ref()
                .is_some_and(|n| n.to_lowercase().contains(needle))
    }
}

impl App {
    /// Takes a freshly read list of the account's activities.
    pub fn set_activities(&mut self, list: ActivityList) {
        let keep = self.selected_activity().map(|r| r.activity.id);
        self.activities.rows = list
            .activities
            .into_iter()
            .map(|activity| {
                let symbol = activity
                    .security_id
                    .and_then(|id| list.symbols.get(&id).cloned());
                ActivityRow { activity, symbol }
            })
            .collect();
        self.reorder_activities();
        if let Some(id) = keep {
            if let Some(pos) = self
                .activities
                .order
                .iter()
                .position(|i| self.activities.rows[*i].activity.id == id)
            {
                self.activities.selected = pos;
            }
        }
    }

    /// Applies the filter and the sort to the rows.
    pub fn reorder_activities(&mut self) {
        let a = &mut self.activities;
        let needle = a.filter.trim().to_lowercase();
        let rows = &a.rows;
        let mut order: Vec<usize> = (0..rows.len())
            .filter(|i| needle.is_empty() || rows[*i].matches(&needle))
            .collect();
        let (column, descending) = a.sort;
        order.sort_by(|xi, yi| {
            let (x, y) = (&rows[*xi], &rows[*yi]);
            let ord = match column {
                ActivityColumn::Date => Ordering::Equal,
                ActivityColumn::Type => x
                    .activity
                    .activity_type
                    .as_str()
                    .cmp(y.activity.activity_type.as_str()),
                ActivityColumn::Symbol => x.symbol.cmp(&y.symbol),
                ActivityColumn::Amount => x.sort_amount().cmp(&y.sort_amount()),
            };
            // Then in the order the ledger replays them: by date, by type within a date, then
            // as recorded.
            let ord = ord
                .then_with(|| x.activity.date.cmp(&y.activity.date))
                .then_with(|| {
                    let rank = |r: &ActivityRow| r.activity.activity_type.order_rank();
                    rank(x).cmp(&rank(y))
                })
                .then_with(|| xi.cmp(yi));
            if descending {
                ord.reverse()
            } else {
                ord
            }
        });
        a.order = order;
        let n = a.order.len();
        if a.selected >= n {
            a.selected = n.saturating_sub(1);
        }
    }
}
