//! Market figures of positions and accounts, computed from stored facts.

use rust_decimal::Decimal;

use super::{money, Holding};

/// A holding priced at a close. All amounts are in the security's quote unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HoldingValuation {
    pub cost_basis: Decimal,
    pub market_price: Option<Decimal>,
    pub market_value: Option<Decimal>,
    pub unrealized_gain: Option<Decimal>,
    /// Percent of cost: `12.50` means 12.5 %.
    pub unrealized_gain_pct: Option<Decimal>,
}

impl HoldingValuation {
    pub fn of(holding: &Holding, close: Option<Decimal>) -> Self {
        let cost_basis = holding.cost_basis();
        let market_value = close.map(|c| c * holding.shares);
        let unrealized_gain = market_value.map(|v| v - cost_basis);
        let unrealized_gain_pct = unrealized_gain
            .filter(|_| !cost_basis.is_zero())
            .map(|g| money::percent_of(g, cost_basis).round_dp(2));
        Self {
            cost_basis,
            market_price: close,
            market_value,
            unrealized_gain,
            unrealized_gain_pct,
        }
    }
}

/// Assets minus liabilities, where every amount is already in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NetWorth {
    pub assets: Decimal,
    pub liabilities: Decimal,
}

impl NetWorth {
    pub fn add(&mut self, amount: Decimal, is_asset: bool) {
        if is_asset {
            self.assets += amount;
        } else {
            self.liabilities += amount;
        }
    }

    pub fn net(&self) -> Decimal {
        self.assets - self.liabilities
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    fn holding(shares: i64, avg: i64) -> Holding {
        let now = crate::domain::now();
        Holding {
            id: Uuid::nil(),
            account_id: Uuid::nil(),
            security_id: Uuid::nil(),
            shares: Decimal::from(shares),
            average_price: Decimal::from(avg),
            timestamp: now,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn gains() {
        let v = HoldingValuation::of(&holding(10, 100), Some(Decimal::new(1125, 1)));
        assert_eq!(v.market_value, Some(Decimal::from(1125)));
        assert_eq!(v.unrealized_gain, Some(Decimal::from(125)));
        assert_eq!(v.unrealized_gain_pct, Some(Decimal::new(1250, 2)));
        let none = HoldingValuation::of(&holding(10, 100), None);
        assert_eq!(none.cost_basis, Decimal::from(1000));
        assert!(none.market_value.is_none() && none.unrealized_gain_pct.is_none());
        let free = HoldingValuation::of(&holding(1, 0), Some(Decimal::ONE));
        assert_eq!(free.unrealized_gain_pct, None);
    }

    #[test]
    fn net_worth() {
        let mut nw = NetWorth::default();
        nw.add(Decimal::from(1000), true);
        nw.add(Decimal::from(300), false);
        assert_eq!(nw.net(), Decimal::from(700));
    }
}
