//! What each subcommand does, given the built services.

pub mod activity;
pub mod backup;
pub mod error;
pub mod import;
pub mod ledger;
pub mod listing;
pub mod market;
pub mod output;
pub mod performance;
pub mod portfolio;
pub mod prices;
pub mod proposals;
pub mod rates;
pub mod serve;
pub mod tui;
pub mod user;

pub use error::{CommandError, CommandResult};
pub use listing::{Column, Format, Listing};
pub use output::{Layout, OutputError, Printer};
