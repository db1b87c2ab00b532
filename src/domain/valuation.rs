//! Market figures of positions and accounts, computed from stored facts.

use std::fmt;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::{money, CurrencyCode, Holding, Symbol};

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
        let market_value = Self::market_value(holding.shares, close);
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

    /// `shares` at `close`, in the security's quote unit; `None` without a close.
    pub fn market_value(shares: Decimal, close: Option<Decimal>) -> Option<Decimal> {
        close.map(|c| c * shares)
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

/// Why an amount is left out of a total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum MissingKind {
    /// The security has no stored close.
    Price,
    /// No exchange rate to the currency of the total is stored.
    Fx,
}

impl MissingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Price => "price",
            Self::Fx => "fx",
        }
    }
}

/// An amount left out of a total because it could not be priced or converted. Totals never
/// count it as 0 or at cost; they name it instead.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Missing {
    pub kind: MissingKind,
    pub account_id: Uuid,
    /// The unpriced security, or the security whose price could not be converted.
    pub symbol: Option<Symbol>,
    /// The currency with no rate to the total's currency.
    pub currency: Option<CurrencyCode>,
}

impl Missing {
    pub fn price(account_id: Uuid, symbol: Symbol) -> Self {
        Self {
            kind: MissingKind::Price,
            account_id,
            symbol: Some(symbol),
            currency: None,
        }
    }

    pub fn fx(account_id: Uuid, currency: CurrencyCode, symbol: Option<Symbol>) -> Self {
        Self {
            kind: MissingKind::Fx,
            account_id,
            symbol,
            currency: Some(currency),
        }
    }
}

/// `MSFT unpriced`, `JPY unconverted`, `SAP.DE in EUR unconverted`.
impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, &self.symbol, &self.currency) {
            (MissingKind::Price, Some(s), _) => write!(f, "{s} unpriced"),
            (MissingKind::Fx, Some(s), Some(c)) => write!(f, "{s} in {c} unconverted"),
            (MissingKind::Fx, None, Some(c)) => write!(f, "{c} unconverted"),
            _ => f.write_str("an amount unvalued"),
        }
    }
}

/// One line naming what a total leaves out, each thing once, in alphabetical order:
/// `JPY unconverted, MSFT unpriced`.
pub fn describe_missing<'a>(missing: impl IntoIterator<Item = &'a Missing>) -> String {
    let mut texts: Vec<String> = missing.into_iter().map(Missing::to_string).collect();
    texts.sort();
    texts.dedup();
    texts.join(", ")
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
    fn missing_is_named_once_each() {
        let a = Uuid::nil();
        let msft = Symbol::parse("MSFT").unwrap();
        let list = [
            Missing::price(a, msft.clone()),
            Missing::price(Uuid::from_u128(1), msft),
            Missing::fx(a, CurrencyCode::parse("JPY").unwrap(), None),
            Missing::fx(
                a,
                CurrencyCode::parse("EUR").unwrap(),
                Some(Symbol::parse("SAP.DE").unwrap()),
            ),
        ];
        assert_eq!(
            describe_missing(&list),
            "JPY unconverted, MSFT unpriced, SAP.DE in EUR unconverted"
        );
    }

    #[test]
    fn net_worth() {
        let mut nw = NetWorth::default();
        nw.add(Decimal::from(1000), true);
        nw.add(Decimal::from(300), false);
        assert_eq!(nw.net(), Decimal::from(700));
    }
}
