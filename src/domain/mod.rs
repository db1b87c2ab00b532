//! Pure types and rules of the product: no I/O, no knowledge of stores, networks or screens.
//! Every type validates itself on construction, so a value of it is always valid.

pub mod account;
pub mod account_value;
pub mod activity_filter;
pub mod chart;
pub mod currency;
pub mod data_version;
pub mod error;
pub mod holding;
pub mod institution;
pub mod ledger;
pub mod money;
pub mod page;
pub mod performance;
pub mod price;
pub mod rate_book;
pub mod security;
pub mod security_event;
pub mod time;
pub mod token;
pub mod user;
pub mod valuation;

pub use account::{Account, AccountPatch, AccountType, NewAccount};
pub use account_value::{AccountValue, AccountValuePatch, NewAccountValue};
pub use activity_filter::ActivityFilter;
pub use chart::ChartRange;
pub use currency::{Currency, CurrencyCode, ExchangeRate, QuoteUnit};
pub use data_version::DataVersion;
pub use error::ValidationError;
pub use holding::{Holding, HoldingPatch, NewHolding};
pub use institution::{Institution, InstitutionPatch, NewInstitution};
pub use ledger::{
    AccountLedger, Activity, ActivityPatch, ActivityType, CostBasisMethod, LedgerError,
    LedgerSnapshot, NewActivity, PositionStatement, RateSource, SplitRatio,
};
pub use page::{Page, PageRequest};
pub use price::{Interval, PriceBar};
pub use rate_book::RateBook;
pub use security::{NewSecurity, Security, SecurityType, Symbol};
pub use token::{PasswordResetToken, RefreshTokenRecord};
pub use user::{Email, NewUser, Password, User, UserPatch, Username};

use chrono::{DateTime, Timelike, Utc};

/// The current time at the precision both stores keep (microseconds), so that a value read back
/// equals the value written.
pub fn now() -> DateTime<Utc> {
    truncate_micros(Utc::now())
}

/// Drops sub-microsecond precision, which PostgreSQL `timestamptz` cannot hold.
pub fn truncate_micros(t: DateTime<Utc>) -> DateTime<Utc> {
    let nanos = t.nanosecond();
    t.with_nanosecond(nanos - nanos % 1_000).unwrap_or(t)
}
