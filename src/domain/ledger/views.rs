//! What a replay tells, as of a date: the figures the positions, cash, realized-gains, income
//! and performance views are made of. Money is in the account's currency. An amount that could
//! not be converted is `None` where it stands alone and left out of every total, with the
//! activity named in [`LedgerSnapshot::unconverted`]: never counted as 0 or converted 1:1.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::CostBasisMethod;
use crate::domain::CurrencyCode;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenLot {
    pub opened: NaiveDate,
    pub quantity: Decimal,
    pub cost: Option<Decimal>,
    pub cost_per_unit: Option<Decimal>,
}

/// The part of a lot a sale closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedLot {
    pub opened: NaiveDate,
    pub quantity: Decimal,
    pub cost: Option<Decimal>,
    /// Days from the lot's opening to the sale, which decides short or long term per lot.
    pub holding_days: i64,
}

/// One security of the account. Securities no longer held are kept (quantity 0, no lots) for
/// their realized gain and income; the positions view shows those with a quantity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub security_id: Uuid,
    pub quantity: Decimal,
    /// The cost of the open lots whose cost is known.
    pub cost_basis: Decimal,
    /// `cost_basis / quantity`, when every open lot's cost is known and shares are held.
    pub average_cost: Option<Decimal>,
    /// Sum of the known gains of its sales.
    pub realized_gain: Decimal,
    /// Net income (dividends after withholding, interest) of the known amounts.
    pub income: Decimal,
    /// Oldest first.
    pub lots: Vec<OpenLot>,
    /// False when an unconverted amount is left out of its cost, gain or income.
    pub complete: bool,
}

impl Position {
    pub fn is_open(&self) -> bool {
        self.quantity > Decimal::ZERO
    }
}

/// One sale with the lots it closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealizedGain {
    pub activity_id: Uuid,
    pub date: NaiveDate,
    pub security_id: Uuid,
    pub quantity: Decimal,
    /// `quantity x unit_price - fee`.
    pub proceeds: Option<Decimal>,
    pub cost: Option<Decimal>,
    /// `proceeds - cost`.
    pub gain: Option<Decimal>,
    pub lots: Vec<ClosedLot>,
    /// Days held by the oldest lot closed; each lot carries its own.
    pub holding_days: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IncomeKind {
    Dividend,
    Interest,
}

impl IncomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Dividend => "dividend",
            Self::Interest => "interest",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeRow {
    pub activity_id: Uuid,
    pub date: NaiveDate,
    pub kind: IncomeKind,
    pub security_id: Option<Uuid>,
    pub gross: Option<Decimal>,
    /// Tax withheld at source: a dividend's `fee`.
    pub withheld: Option<Decimal>,
    pub net: Option<Decimal>,
    /// The account's currency, which the amounts are in.
    pub currency: CurrencyCode,
}

/// What an entry of the ledger comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Activity(Uuid),
    /// A position statement, named by the holding it is read from.
    Statement(Uuid),
}

impl Source {
    pub fn id(self) -> Uuid {
        match self {
            Self::Activity(id) | Self::Statement(id) => id,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowKind {
    Deposit,
    Withdrawal,
    ImplicitDeposit,
    TransferIn,
    TransferOut,
    Statement,
}

impl FlowKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Deposit => "deposit",
            Self::Withdrawal => "withdrawal",
            Self::ImplicitDeposit => "implicit_deposit",
            Self::TransferIn => "transfer_in",
            Self::TransferOut => "transfer_out",
            Self::Statement => "statement",
        }
    }
}

/// How much a flow brings in: cash, or shares whose market value on the flow's date the
/// performance computation prices. Signed: a withdrawal or transfer out is negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowValue {
    Cash(Decimal),
    Shares {
        security_id: Uuid,
        quantity: Decimal,
    },
}

/// Money or shares entering or leaving the account from outside, which returns must not count
/// as gain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternalFlow {
    pub date: NaiveDate,
    pub kind: FlowKind,
    /// For an implicit deposit, the outflow it covered.
    pub source: Source,
    pub value: FlowValue,
}

/// Cash the account's own cash did not cover, counted as brought in on that date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImplicitDeposit {
    pub date: NaiveDate,
    pub amount: Decimal,
    /// The outflow it covered.
    pub activity_id: Uuid,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashBalance {
    pub currency: CurrencyCode,
    pub balance: Decimal,
    pub implicit_deposits: Vec<ImplicitDeposit>,
}

/// An activity or statement whose amounts could not be brought into the account's currency:
/// it has neither an `fx_rate` nor a stored rate on or before its date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unconverted {
    pub source: Source,
    pub date: NaiveDate,
    /// As written (possibly a minor unit).
    pub currency: String,
}

/// Running totals since the first event, in the account's currency, of the known amounts: the
/// difference of two dates' totals is the range's.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Net income: dividends after withholding, and interest.
    pub income: Decimal,
    /// Fee activities and the fees of buys and sells.
    pub fees: Decimal,
    /// Tax activities and tax withheld from dividends.
    pub taxes: Decimal,
    pub realized_gain: Decimal,
}

/// The ledger of one account as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerSnapshot {
    pub as_of: NaiveDate,
    pub currency: CurrencyCode,
    pub method: CostBasisMethod,
    /// Every security the account has touched, by id.
    pub positions: Vec<Position>,
    pub cash: CashBalance,
    /// In replay order.
    pub realized_gains: Vec<RealizedGain>,
    pub income: Vec<IncomeRow>,
    pub flows: Vec<ExternalFlow>,
    pub unconverted: Vec<Unconverted>,
    pub totals: Totals,
}

impl LedgerSnapshot {
    /// False when an unconverted amount is left out of a figure.
    pub fn complete(&self) -> bool {
        self.unconverted.is_empty()
    }
}
