//! What each subcommand does, given the built services.

pub mod tui;
pub mod user;
