//! How current a reader's copy of someone's data is.

use uuid::Uuid;

/// The generations of a user's own data (institutions, accounts, values, holdings) and of the
/// shared market data (securities, prices, exchange rates). Every write raises the matching
/// generation in the same transaction, so two equal versions read at different times mean
/// that nothing a user's portfolio shows changed in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct DataVersion {
    pub user: i64,
    pub market: i64,
}

impl DataVersion {
    /// The scope the market generation is kept under (no user has the nil uuid).
    pub const MARKET_SCOPE: Uuid = Uuid::nil();
}
