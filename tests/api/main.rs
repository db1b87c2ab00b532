//! HTTP API tests: the real router on a free port over SQLite and PostgreSQL (`support::http::spawn_app`), and `finances serve` as a process.

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod activities;
mod auth;
mod document;
mod imports;
mod input;
mod ledger_views;
mod market;
mod memo;
mod ops;
mod performance;
mod portfolio;
mod proposals;
mod scale;
mod serve_faults;
mod serve_two_processes;
mod upstream;
mod valuation;
mod web_client;
