//! How current a reader's copy of someone's data is.

use uuid::Uuid;

/// A user's data version: a counter of writes to the user's own data (their row, institutions,
/// accounts, values, holdings) and one of writes to the shared market data (currencies,
/// securities, prices, exchange rates). Every write raises the matching counter in the same
/// transaction, so two equal versions read at different times mean that nothing a user's
/// portfolio shows changed in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DataVersion {
    pub user: i64,
    pub market: i64,
}

impl DataVersion {
    /// The scope the market counter is kept under (no user has the nil uuid).
    pub const MARKET_SCOPE: Uuid = Uuid::nil();
}
