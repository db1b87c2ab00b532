//! The ledger engine: activities and position statements of one account replayed into
//! positions, lots, cash, realized gains, income and external flows. Pure: the caller brings
//! the account's activities, statements and a way to read stored exchange rates.

pub mod activity;
pub mod activity_type;
mod cash;
pub mod convert;
pub mod engine;
pub mod error;
mod lots;
pub mod replay;
pub mod statement;
pub mod views;

#[cfg(test)]
mod scenarios;

pub use activity::{
    needs, Activity, ActivityFields, ActivityPatch, FieldUse, Needs, NewActivity,
    EXTERNAL_ID_MAX_CHARS,
};
pub use activity_type::{ActivityType, CostBasisMethod, SplitRatio};
pub use convert::{NoRates, RateSource};
pub use engine::{check_ledger, ledger_as_of, AccountLedger, Timeline};
pub use error::LedgerError;
pub use replay::{LedgerEvent, Replay};
pub use statement::PositionStatement;
pub use views::{
    CashBalance, ClosedLot, ExternalFlow, FlowKind, FlowValue, ImplicitDeposit, IncomeKind,
    IncomeRow, LedgerSnapshot, OpenLot, Position, RealizedGain, Source, Totals, Unconverted,
};
