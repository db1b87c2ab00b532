//! Performance over a range of days, exactly as the ledger spec defines it: the daily values
//! and external flows of accounts replayed from their ledgers, and the returns computed from
//! them. Pure: prices, rates and split events come in as data.

pub mod history;
pub mod returns;
pub mod xirr;

pub use history::{
    account_history, portfolio_history, DayTotals, Days, FlowEntry, History, Market, MissingSpan,
    SecurityMarket,
};
pub use returns::{contributions, returns, DayPoint, Returns, SeriesPoint, RATE_PLACES};
pub use xirr::{xirr, DatedFlow};

#[cfg(test)]
mod scenarios;
