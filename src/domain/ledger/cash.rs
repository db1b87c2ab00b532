//! Cash in the account's currency, which never goes below zero: an outflow it does not cover
//! counts the shortfall as an implicit deposit, so users who record only trades still get
//! correct returns.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::views::ImplicitDeposit;

#[derive(Debug, Clone, Default)]
pub(crate) struct Cash {
    balance: Decimal,
    implicit: Vec<ImplicitDeposit>,
}

impl Cash {
    pub fn balance(&self) -> Decimal {
        self.balance
    }

    pub fn implicit_deposits(&self) -> &[ImplicitDeposit] {
        &self.implicit
    }

    pub fn into_implicit_deposits(self) -> Vec<ImplicitDeposit> {
        self.implicit
    }

    /// Adds `change` (negative for an outflow); returns the implicit deposit it needed, if any.
    /// `None` on overflow.
    pub fn apply(
        &mut self,
        change: Decimal,
        date: NaiveDate,
        activity_id: Uuid,
    ) -> Option<Option<ImplicitDeposit>> {
        let balance = self.balance.checked_add(change)?;
        if balance >= Decimal::ZERO {
            self.balance = balance;
            return Some(None);
        }
        let deposit = ImplicitDeposit {
            date,
            amount: -balance,
            activity_id,
        };
        self.balance = Decimal::ZERO;
        self.implicit.push(deposit);
        Some(Some(deposit))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortfall_becomes_an_implicit_deposit() {
        let day = NaiveDate::from_ymd_opt(2024, 5, 1).unwrap();
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut cash = Cash::default();
        // 100 in, 30 out: 70 left, nothing implied.
        assert_eq!(cash.apply(Decimal::from(100), day, a), Some(None));
        assert_eq!(cash.apply(Decimal::from(-30), day, a), Some(None));
        // 100 out of 70: 30 implied, balance 0.
        let implied = cash.apply(Decimal::from(-100), day, b).unwrap().unwrap();
        assert_eq!(implied.amount, Decimal::from(30));
        assert_eq!(implied.activity_id, b);
        assert_eq!(cash.balance(), Decimal::ZERO);
        assert_eq!(cash.implicit_deposits().len(), 1);
    }
}
