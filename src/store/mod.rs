//! Persistence: one repository interface, [`Store`], that services use, with a PostgreSQL
//! implementation (shared, multi-user) and an embedded SQLite one (the default).
//!
//! [`Store`] is one trait per aggregate ([`UserStore`], [`AccountStore`], ...), each
//! implemented in the entity file of that name in `postgres/` and `sqlite/`; the statements
//! both backends run as they are live once, in `sql/`.
//!
//! [`open`] picks the backend from the database URL; [`DatabaseStore::migrate`] brings its
//! schema up to date. `testing` (behind the `testing` feature, which this crate's own tests
//! and benches turn on) gives tests a fresh, migrated database per call on either backend.
//! Both backends pass one conformance suite (`tests/store_conformance.rs`), and report the
//! same constraint names in [`StoreError::Conflict`] (`uq_users_email`, `fk_accounts_user`,
//! ...; see the migrations). Decimals come back normalized (`1.50` reads as `1.5`).

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::{Holding, Security, Symbol};

mod error;
mod open;
pub mod postgres;
mod rows;
mod sql;
pub mod sqlite;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
mod traits;
mod user_rows;

pub use error::{ConflictKind, StoreError};
pub use open::{open, open_with};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use traits::{
    AccountStore, ActivityStore, BackupStore, CurrencyStore, DataVersionStore, DatabaseStore,
    HoldingStore, ImportMappingStore, InstitutionStore, LeaseStore, PriceStore, ProposalStore,
    SecurityStore, Store, TokenStore, UserStore,
};
pub use user_rows::{ProposalDismissal, UserRows};

pub type StoreResult<T> = Result<T, StoreError>;

/// Which backend a store runs on, for messages and health checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Postgres,
    Sqlite,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Postgres => "PostgreSQL",
            Self::Sqlite => "SQLite",
        })
    }
}

/// The newest stored close of a security at an interval, with its time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LatestClose {
    pub security_id: Uuid,
    pub timestamp: DateTime<Utc>,
    pub close: Decimal,
}

/// A holding with its security and the two newest daily closes of that security: a line of a
/// holdings list, read in one round trip.
#[derive(Debug, Clone, PartialEq)]
pub struct PricedHolding {
    pub holding: Holding,
    pub security: Security,
    /// The newest daily close and its time; `None` when none is stored.
    pub close: Option<(DateTime<Utc>, Decimal)>,
    /// The close before it, for the day change.
    pub previous_close: Option<Decimal>,
}

/// What valuing a position in a security takes besides its shares: the symbol, the quote
/// currency (possibly a minor unit such as `GBp`) and the newest daily close kept in the
/// security's row.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityQuote {
    pub security_id: Uuid,
    pub symbol: Symbol,
    pub quote_currency: String,
    pub close: Option<Decimal>,
}

/// What an upsert of price bars did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCount {
    pub inserted: u64,
    pub updated: u64,
}
