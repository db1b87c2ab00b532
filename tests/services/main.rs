//! Service and store tests: the store contract on both backends, the portfolio and market services, the market data cache and client against recorded and local stand-ins for Yahoo.

#[macro_use]
#[path = "../support/mod.rs"]
mod support;

mod activities;
mod backup;
mod import_csv;
mod import_ibkr_flex;
mod import_ofx;
mod ledger_rows;
mod market;
mod market_cache;
mod market_upstream;
mod portfolio;
mod store_conformance;
mod store_open;
mod yahoo_fixtures;
