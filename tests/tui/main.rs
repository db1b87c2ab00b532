//! Terminal UI tests: update steps, whole-screen snapshots (TestBackend + insta) and end-to-end runs in tmux.

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod e2e;
mod first_hour;
mod import;
mod ledger;
mod ledger_screens;
mod performance;
mod screens;
mod update;
