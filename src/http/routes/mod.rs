//! Handlers, one file per resource.

pub mod accounts;
pub mod activities;
pub mod auth;
pub mod currencies;
pub mod health;
pub mod holdings;
pub mod imports;
pub mod institutions;
pub mod ledger;
pub mod performance;
pub mod portfolio;
pub mod proposals;
pub mod securities;
pub mod users;
pub mod values;
