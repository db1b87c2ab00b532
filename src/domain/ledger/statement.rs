//! A holding read as a position statement: on its date the position becomes exactly what it
//! says, so accounts kept by snapshots and accounts kept by activities replay alike.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::Holding;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionStatement {
    /// The holding it is read from.
    pub id: Uuid,
    pub security_id: Uuid,
    pub date: NaiveDate,
    pub shares: Decimal,
    pub average_price: Decimal,
    /// The unit of `average_price` as quoted (the security's currency, possibly a minor unit).
    pub currency: String,
    /// Orders two statements of one date.
    pub created_at: DateTime<Utc>,
}

impl PositionStatement {
    /// Reads `holding`, whose average price is in `currency` (its security's quote unit), as of
    /// the UTC date of its timestamp.
    pub fn from_holding(holding: &Holding, currency: &str) -> Self {
        Self {
            id: holding.id,
            security_id: holding.security_id,
            date: holding.timestamp.date_naive(),
            shares: holding.shares,
            average_price: holding.average_price,
            currency: currency.to_string(),
            created_at: holding.created_at,
        }
    }
}
