//! Splits and dividends of a security as the market data reports them with its chart.
//! Yahoo's closes and per-share dividends are split-adjusted: a close or dividend dated before
//! a split is already divided by it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorporateAction {
    /// `new` shares for `old` ones (4 for 1 in a 4:1 split).
    Split { new: Decimal, old: Decimal },
    /// Per share, in `currency` (the security's quote unit when it was stored).
    Dividend {
        amount: Decimal,
        currency: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityEvent {
    pub security_id: Uuid,
    /// The ex-date, as a UTC day.
    pub date: NaiveDate,
    pub action: CorporateAction,
}

impl SecurityEvent {
    /// How the action is stored and named: `split` or `dividend`.
    pub fn kind(&self) -> &'static str {
        match self.action {
            CorporateAction::Split { .. } => "split",
            CorporateAction::Dividend { .. } => "dividend",
        }
    }

    /// New shares per old share, for a split with a usable ratio.
    pub fn split_factor(&self) -> Option<Decimal> {
        match &self.action {
            CorporateAction::Split { new, old } if !old.is_zero() && !new.is_zero() => {
                Some(new / old)
            }
            _ => None,
        }
    }
}
