//! Statements that both backends run as they are, written once.
//!
//! Only text that is the same on both belongs here: SQLite has no `::` casts, `now()` nor
//! `ILIKE`, stores decimals as TEXT (so SQL arithmetic and `SUM` over them are wrong there),
//! and PostgreSQL counts a page in the same round trip with a window, so many statements
//! legitimately differ and stay in the backend's own entity file. The column lists are
//! macros, so that a backend can build its own statement around them with `concat!`.

pub(super) mod accounts;
pub(super) mod activities;
pub(super) mod backup;
pub(super) mod currencies;
pub(super) mod data_versions;
pub(super) mod holdings;
pub(super) mod import_mappings;
pub(super) mod institutions;
pub(super) mod leases;
pub(super) mod prices;
pub(super) mod proposals;
pub(super) mod securities;
pub(super) mod tokens;
pub(super) mod users;

/// The cheapest round trip, for health checks.
pub(super) const PING: &str = "SELECT 1";
