//! The columns of the accounts table on the performance screen, and its sort.

use std::cmp::Ordering;

use rust_decimal::Decimal;

use crate::service::performance::AccountReturns;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountColumn {
    Account,
    Currency,
    Twr,
    TwrAnnualized,
    Mwr,
    Gain,
}

impl AccountColumn {
    pub const ALL: [AccountColumn; 6] = [
        Self::Account,
        Self::Currency,
        Self::Twr,
        Self::TwrAnnualized,
        Self::Mwr,
        Self::Gain,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Self::Account => "Account",
            Self::Currency => "Cur",
            Self::Twr => "TWR",
            Self::TwrAnnualized => "TWR p.a.",
            Self::Mwr => "MWR p.a.",
            Self::Gain => "Gain",
        }
    }

    /// Names read best from A, figures from the largest.
    pub fn descending_first(self) -> bool {
        !matches!(self, Self::Account | Self::Currency)
    }

    /// The next column (or the previous), round the end.
    pub fn step(self, forward: bool) -> Self {
        let n = Self::ALL.len();
        let i = Self::ALL.iter().position(|c| *c == self).unwrap_or(0);
        Self::ALL[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }

    fn figure(self, a: &AccountReturns) -> Option<Decimal> {
        let r = &a.returns;
        match self {
            Self::Twr => Some(r.twr),
            Self::TwrAnnualized => r.twr_annualized,
            Self::Mwr => r.mwr,
            Self::Gain => Some(r.gain),
            Self::Account | Self::Currency => None,
        }
    }
}

/// Indexes of `accounts` sorted by `column`, descending or not; an unknown figure goes last
/// either way, and ties keep the names' order.
pub fn order(accounts: &[AccountReturns], column: AccountColumn, descending: bool) -> Vec<usize> {
    let mut order: Vec<usize> = (0..accounts.len()).collect();
    let directed = |o: Ordering| if descending { o.reverse() } else { o };
    order.sort_by(|&i, &j| {
        let (a, b) = (&accounts[i], &accounts[j]);
        let by_column = match column {
            AccountColumn::Account => directed(a.name.cmp(&b.name)),
            AccountColumn::Currency => directed(a.currency.as_str().cmp(b.currency.as_str())),
            c => match (c.figure(a), c.figure(b)) {
                (Some(x), Some(y)) => directed(x.cmp(&y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
        };
        by_column.then_with(|| a.name.cmp(&b.name))
    });
    order
}
