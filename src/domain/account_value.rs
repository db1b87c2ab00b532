use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{money, time, ValidationError};

/// A balance snapshot of an account at a moment. Liabilities are positive amounts owed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountValue {
    pub id: Uuid,
    pub account_id: Uuid,
    pub timestamp: DateTime<Utc>,
    pub balance: Decimal,
    pub cash_balance: Option<Decimal>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewAccountValue {
    pub timestamp: DateTime<Utc>,
    pub balance: Decimal,
    pub cash_balance: Option<Decimal>,
}

impl NewAccountValue {
    /// `investment`: whether the account is an investment account, which must state its cash.
    pub fn new(
        balance: Decimal,
        cash_balance: Option<Decimal>,
        timestamp: DateTime<Utc>,
        investment: bool,
    ) -> Result<Self, ValidationError> {
        let balance = money::non_negative("balance", balance)?;
        let cash_balance = cash_balance
            .map(|c| money::non_negative("cash_balance", c))
            .transpose()?;
        if investment && cash_balance.is_none() {
            return Err(ValidationError::new(
                "cash_balance",
                "is required for investment accounts",
            ));
        }
        Ok(Self {
            timestamp: time::check_time("timestamp", timestamp)?,
            balance,
            cash_balance,
        })
    }

    pub fn into_value(self, id: Uuid, account_id: Uuid, at: DateTime<Utc>) -> AccountValue {
        AccountValue {
            id,
            account_id,
            timestamp: self.timestamp,
            balance: self.balance,
            cash_balance: self.cash_balance,
            created_at: at,
            updated_at: at,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AccountValuePatch {
    pub timestamp: Option<DateTime<Utc>>,
    pub balance: Option<Decimal>,
    pub cash_balance: Option<Option<Decimal>>,
}

impl AccountValuePatch {
    pub fn validated(self) -> Result<Self, ValidationError> {
        Ok(Self {
            timestamp: self
                .timestamp
                .map(|t| time::check_time("timestamp", t))
                .transpose()?,
            balance: self
                .balance
                .map(|b| money::non_negative("balance", b))
                .transpose()?,
            cash_balance: match self.cash_balance {
                Some(Some(c)) => Some(Some(money::non_negative("cash_balance", c)?)),
                other => other,
            },
        })
    }

    pub fn apply(self, value: &mut AccountValue) {
        if let Some(v) = self.timestamp {
            value.timestamp = v;
        }
        if let Some(v) = self.balance {
            value.balance = v;
        }
        if let Some(v) = self.cash_balance {
            value.cash_balance = v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules() {
        let now = crate::domain::now();
        assert!(NewAccountValue::new(Decimal::ONE, None, now, false).is_ok());
        assert!(NewAccountValue::new(Decimal::NEGATIVE_ONE, None, now, false).is_err());
        let err = NewAccountValue::new(Decimal::ONE, None, now, true).unwrap_err();
        assert_eq!(err.field, "cash_balance");
    }
}
