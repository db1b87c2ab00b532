//! The closed vocabularies of the ledger: what an activity is, how sold lots are chosen, and a
//! split's ratio.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::{money, ValidationError};

/// The kinds of event an investment account records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    Split,
    Deposit,
    TransferIn,
    Buy,
    Sell,
    TransferOut,
    Dividend,
    Interest,
    Fee,
    Tax,
    Withdrawal,
}

impl ActivityType {
    /// In the order activities of one date are replayed: money and shares arrive before they
    /// can leave, so a same-day deposit funds a buy and a same-day buy covers a sell.
    pub const ALL: [ActivityType; 11] = [
        Self::Split,
        Self::Deposit,
        Self::TransferIn,
        Self::Buy,
        Self::Sell,
        Self::TransferOut,
        Self::Dividend,
        Self::Interest,
        Self::Fee,
        Self::Tax,
        Self::Withdrawal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Split => "split",
            Self::Deposit => "deposit",
            Self::TransferIn => "transfer_in",
            Self::Buy => "buy",
            Self::Sell => "sell",
            Self::TransferOut => "transfer_out",
            Self::Dividend => "dividend",
            Self::Interest => "interest",
            Self::Fee => "fee",
            Self::Tax => "tax",
            Self::Withdrawal => "withdrawal",
        }
    }

    /// Place among the activities of one date (0 first); position statements of that date
    /// come before all of them.
    pub fn order_rank(self) -> u8 {
        match self {
            Self::Split => 0,
            Self::Deposit => 1,
            Self::TransferIn => 2,
            Self::Buy => 3,
            Self::Sell => 4,
            Self::TransferOut => 5,
            Self::Dividend => 6,
            Self::Interest => 7,
            Self::Fee => 8,
            Self::Tax => 9,
            Self::Withdrawal => 10,
        }
    }

    /// Activities that name a security and whose effect depends on it.
    pub fn needs_security(self) -> bool {
        matches!(
            self,
            Self::Split
                | Self::TransferIn
                | Self::Buy
                | Self::Sell
                | Self::TransferOut
                | Self::Dividend
        )
    }

    /// Activities that may name a security without needing one (interest on a bond, a fee for
    /// one holding).
    pub fn allows_security(self) -> bool {
        self.needs_security() || matches!(self, Self::Interest | Self::Fee | Self::Tax)
    }
}

impl FromStr for ActivityType {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|t| t.as_str() == wanted)
            .ok_or_else(|| {
                ValidationError::new(
                    "activity_type",
                    format!(
                        "'{s}' is not one of {}",
                        Self::ALL.map(|t| t.as_str()).join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for ActivityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which open lots a sale or a transfer out closes. The method decides the realized gain of
/// each sale, so changing it recomputes every gain from the activities.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostBasisMethod {
    /// Oldest lot first.
    #[default]
    Fifo,
    /// Newest lot first.
    Lifo,
    /// Highest cost per unit first, which defers the most gain.
    Hifo,
    /// One pooled lot per security (UK section 104 pool, Canada's adjusted cost base).
    Average,
}

impl CostBasisMethod {
    pub const ALL: [CostBasisMethod; 4] = [Self::Fifo, Self::Lifo, Self::Hifo, Self::Average];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Fifo => "fifo",
            Self::Lifo => "lifo",
            Self::Hifo => "hifo",
            Self::Average => "average",
        }
    }
}

impl FromStr for CostBasisMethod {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|m| m.as_str() == wanted)
            .ok_or_else(|| {
                ValidationError::new(
                    "cost_basis_method",
                    format!(
                        "'{s}' is not one of {}",
                        Self::ALL.map(|m| m.as_str()).join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for CostBasisMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `N:M`: N new shares for every M old ones (`2:1` doubles a position, `1:10` is a reverse
/// split). Kept as the two numbers rather than a quotient, so `1:3` stays exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SplitRatio {
    new: Decimal,
    old: Decimal,
}

impl SplitRatio {
    pub fn new(new: Decimal, old: Decimal) -> Result<Self, ValidationError> {
        Ok(Self {
            new: money::positive("split_ratio", new)?,
            old: money::positive("split_ratio", old)?,
        })
    }

    pub fn parse(raw: &str) -> Result<Self, ValidationError> {
        let shape = || {
            ValidationError::new(
                "split_ratio",
                format!("'{raw}' is not a ratio such as 2:1 (new shares for old ones)"),
            )
        };
        let (new, old) = raw.trim().split_once(':').ok_or_else(shape)?;
        let number = |s: &str| money::parse_exact("split_ratio", s.trim()).map_err(|_| shape());
        Self::new(number(new)?, number(old)?)
    }

    /// New shares for `old` shares.
    pub fn new_shares(&self) -> Decimal {
        self.new
    }

    /// Old shares that become `new_shares`.
    pub fn old_shares(&self) -> Decimal {
        self.old
    }
}

impl FromStr for SplitRatio {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for SplitRatio {
    type Error = ValidationError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<SplitRatio> for String {
    fn from(r: SplitRatio) -> Self {
        r.to_string()
    }
}

impl fmt::Display for SplitRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.new.normalize(), self.old.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_round_trip_and_rank_as_the_spec_orders_them() {
        for (i, t) in ActivityType::ALL.into_iter().enumerate() {
            assert_eq!(t.as_str().parse::<ActivityType>().unwrap(), t);
            assert_eq!(usize::from(t.order_rank()), i);
        }
        assert_eq!(
            " Transfer_Out ".parse::<ActivityType>().unwrap(),
            ActivityType::TransferOut
        );
        let err = "purchase".parse::<ActivityType>().unwrap_err();
        assert_eq!(err.field, "activity_type");
        assert!(err.message.contains("transfer_in"));
        assert!(ActivityType::Buy.order_rank() < ActivityType::Sell.order_rank());
        assert!(ActivityType::Deposit.order_rank() < ActivityType::Buy.order_rank());
    }

    #[test]
    fn methods_default_to_fifo_and_parse() {
        assert_eq!(CostBasisMethod::default(), CostBasisMethod::Fifo);
        for m in CostBasisMethod::ALL {
            assert_eq!(m.as_str().parse::<CostBasisMethod>().unwrap(), m);
        }
        assert_eq!(
            "HIFO".parse::<CostBasisMethod>().unwrap(),
            CostBasisMethod::Hifo
        );
        assert_eq!(
            "lowest".parse::<CostBasisMethod>().unwrap_err().field,
            "cost_basis_method"
        );
    }

    #[test]
    fn split_ratios_are_two_positive_numbers() {
        let r = SplitRatio::parse("3:2").unwrap();
        assert_eq!(r.new_shares(), Decimal::from(3));
        assert_eq!(r.old_shares(), Decimal::from(2));
        assert_eq!(r.to_string(), "3:2");
        assert_eq!(SplitRatio::parse(" 1 : 10 ").unwrap().to_string(), "1:10");
        for bad in [
            "", "2", "2:", ":1", "0:1", "1:0", "-2:1", "2:1:1", "a:b", "2/1",
        ] {
            let err = SplitRatio::parse(bad).unwrap_err();
            assert_eq!(err.field, "split_ratio", "{bad:?}");
        }
    }
}
