//! What each subcommand does, given the built services.

pub mod activity;
pub mod backup;
pub mod error;
pub mod ledger;
pub mod market;
pub mod output;
pub mod performance;
pub mod proposals;
pub mod serve;
pub mod tui;
pub mod user;

pub use error::{CommandError, CommandResult};
pub use output::{Layout, OutputError, Printer};
