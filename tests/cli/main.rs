//! Command-line tests: the `finances` binary run as a user runs it.

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod activity;
mod backup;
mod commands;
mod import;
mod market;
mod sync;
mod tables;
