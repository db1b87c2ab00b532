use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{money, time, ValidationError};

/// A position snapshot: `shares` of a security at an average price, as of `timestamp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holding {
    pub id: Uuid,
    pub account_id: Uuid,
    pub security_id: Uuid,
    pub shares: Decimal,
    pub average_price: Decimal,
    pub timestamp: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Holding {
    pub fn cost_basis(&self) -> Decimal {
        self.shares * self.average_price
    }
}

#[derive(Debug, Clone)]
pub struct NewHolding {
    pub security_id: Uuid,
    pub shares: Decimal,
    pub average_price: Decimal,
    pub timestamp: DateTime<Utc>,
}

impl NewHolding {
    pub fn new(
        security_id: Uuid,
        shares: Decimal,
        average_price: Decimal,
        timestamp: DateTime<Utc>,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            security_id,
            shares: check_shares(shares)?,
            average_price: money::non_negative("average_price_per_share", average_price)?,
            timestamp: time::check_time("timestamp", timestamp)?,
        })
    }

    pub fn into_holding(self, id: Uuid, account_id: Uuid, at: DateTime<Utc>) -> Holding {
        Holding {
            id,
            account_id,
            security_id: self.security_id,
            shares: self.shares,
            average_price: self.average_price,
            timestamp: self.timestamp,
            created_at: at,
            updated_at: at,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct HoldingPatch {
    pub security_id: Option<Uuid>,
    pub shares: Option<Decimal>,
    pub average_price: Option<Decimal>,
    pub timestamp: Option<DateTime<Utc>>,
}

impl HoldingPatch {
    pub fn validated(self) -> Result<Self, ValidationError> {
        Ok(Self {
            security_id: self.security_id,
            shares: self.shares.map(check_shares).transpose()?,
            average_price: self
                .average_price
                .map(|p| money::non_negative("average_price_per_share", p))
                .transpose()?,
            timestamp: self
                .timestamp
                .map(|t| time::check_time("timestamp", t))
                .transpose()?,
        })
    }

    pub fn apply(self, h: &mut Holding) {
        if let Some(v) = self.security_id {
            h.security_id = v;
        }
        if let Some(v) = self.shares {
            h.shares = v;
        }
        if let Some(v) = self.average_price {
            h.average_price = v;
        }
        if let Some(v) = self.timestamp {
            h.timestamp = v;
        }
    }
}

/// More than zero, at most 6 decimal places.
fn check_shares(shares: Decimal) -> Result<Decimal, ValidationError> {
    money::max_places("shares", money::positive("shares", shares)?, 6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let now = crate::domain::now();
        let id = Uuid::new_v4();
        let h = NewHolding::new(id, "10.5".parse().unwrap(), "150".parse().unwrap(), now).unwrap();
        assert_eq!(
            h.into_holding(id, id, now).cost_basis(),
            Decimal::from(1575)
        );
        assert!(NewHolding::new(id, Decimal::ZERO, Decimal::ONE, now).is_err());
        assert!(NewHolding::new(id, "0.0000001".parse().unwrap(), Decimal::ONE, now).is_err());
        assert!(NewHolding::new(id, Decimal::ONE, Decimal::NEGATIVE_ONE, now).is_err());
    }
}
