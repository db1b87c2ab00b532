//! What each subcommand does, given the built services.

pub mod market;
pub mod serve;
pub mod tui;
pub mod user;
