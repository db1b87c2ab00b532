//! Market figures of positions and accounts, computed from stored facts: a holding at a close,
//! and a whole portfolio in its owner's base currency on a date ([`value_portfolio`]).

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{money, Account, AccountValue, CurrencyCode, Holding, QuoteUnit, RateBook, Symbol};

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

/// A daily close of a security, in its quote unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Close {
    pub at: DateTime<Utc>,
    pub price: Decimal,
}

/// An account as stored on the valuation date: what [`value_portfolio`] reads.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountFacts {
    pub account: Account,
    /// Its newest value dated on or before the date.
    pub balance: Option<AccountValue>,
    /// Its positions on the date.
    pub positions: Vec<PositionFacts>,
    /// For an account kept by activities, its cash on the date as its ledger replays it, in
    /// its currency: this, not the balance's `cash_balance`, is its cash.
    pub ledger_cash: Option<Decimal>,
    /// What its ledger could not convert into its currency, left out of `ledger_cash` and of
    /// its positions' costs.
    pub unconverted: Vec<Unvalued>,
}

/// What a position is read from.
#[derive(Debug, Clone, PartialEq)]
pub enum Held {
    /// A holding snapshot: shares at an average price in the security's quote unit.
    Snapshot(Holding),
    /// A position replayed from the account's activities and statements, its cost in the
    /// account's currency (`None` when a lot's cost could not be converted).
    Ledger {
        account_id: Uuid,
        security_id: Uuid,
        quantity: Decimal,
        cost: Option<Decimal>,
        /// The day its oldest open lot was opened.
        since: NaiveDate,
    },
}

impl Held {
    pub fn account_id(&self) -> Uuid {
        match self {
            Self::Snapshot(h) => h.account_id,
            Self::Ledger { account_id, .. } => *account_id,
        }
    }

    pub fn security_id(&self) -> Uuid {
        match self {
            Self::Snapshot(h) => h.security_id,
            Self::Ledger { security_id, .. } => *security_id,
        }
    }

    pub fn quantity(&self) -> Decimal {
        match self {
            Self::Snapshot(h) => h.shares,
            Self::Ledger { quantity, .. } => *quantity,
        }
    }

    pub fn since(&self) -> NaiveDate {
        match self {
            Self::Snapshot(h) => h.timestamp.date_naive(),
            Self::Ledger { since, .. } => *since,
        }
    }

    /// The holding a snapshot position is; none for a replayed one.
    pub fn holding_id(&self) -> Option<Uuid> {
        match self {
            Self::Snapshot(h) => Some(h.id),
            Self::Ledger { .. } => None,
        }
    }
}

/// A position with the closes of its security on or before the valuation date.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionFacts {
    pub held: Held,
    pub symbol: Symbol,
    /// The security's quote unit as stored (`USD`, `GBp`).
    pub quote: String,
    /// The newest close on or before the date.
    pub close: Option<Close>,
    /// The close before `close`, for the day's change.
    pub previous_close: Option<Close>,
}

/// An amount left out of a valuation, and since when it is held: the holding's date for a
/// position, the balance's date for an account (none when the account has no balance).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unvalued {
    pub missing: Missing,
    pub since: Option<NaiveDate>,
}

/// One position valued in its own currency and in the base currency.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionValue {
    /// The holding snapshot it is; `None` for a position replayed from activities.
    pub holding_id: Option<Uuid>,
    pub account_id: Uuid,
    pub security_id: Uuid,
    pub symbol: Symbol,
    /// The major currency of the quote (`GBP` for a `GBp` quote); `None` when the quote unit
    /// cannot be read.
    pub currency: Option<CurrencyCode>,
    pub close: Option<Close>,
    /// quantity x close, in `currency`; `None` without a close.
    pub value: Option<Decimal>,
    /// `value` in the base currency; `None` when unpriced or without a rate.
    pub value_base: Option<Decimal>,
    /// `value` less the cost basis, in the base currency; `None` when the cost is unknown.
    pub gain_base: Option<Decimal>,
    /// quantity x (close - previous close), in the base currency.
    pub day_change_base: Option<Decimal>,
}

/// One account valued in its currency and in the base currency.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountValuation {
    pub account: Account,
    /// The balance the value reads: the newest on or before the date.
    pub balance: Option<AccountValue>,
    /// What the account adds to net worth, in its currency: negative for a liability. With
    /// holdings, `market_value + cash`; otherwise the balance (0 when none is recorded).
    pub value: Decimal,
    /// `value` in the base currency, to the cent; `None` when its currency has no rate.
    pub value_base: Option<Decimal>,
    /// The cash part of `value` (the balance's `cash_balance`, 0 when none is recorded), for
    /// an investment account with holdings; `None` otherwise.
    pub cash: Option<Decimal>,
    /// The positions that could be priced and converted, in the account's currency, for an
    /// investment account with holdings; `None` otherwise.
    pub market_value: Option<Decimal>,
    /// How many current positions the account has.
    pub positions: usize,
}

/// A portfolio in its owner's base currency on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Valuation {
    pub base_currency: CurrencyCode,
    pub as_of: NaiveDate,
    /// Assets and liabilities (a positive amount owed), each to the cent.
    pub net_worth: NetWorth,
    pub accounts: Vec<AccountValuation>,
    pub positions: Vec<PositionValue>,
    /// What the totals leave out: unpriced positions, positions and accounts without a rate.
    pub missing: Vec<Unvalued>,
}

impl Valuation {
    /// Whether every account and position is in the totals.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }

    pub fn account(&self, id: Uuid) -> Option<&AccountValuation> {
        self.accounts.iter().find(|a| a.account.id == id)
    }

    /// The value of the holding snapshot `holding_id`.
    pub fn position(&self, holding_id: Uuid) -> Option<&PositionValue> {
        self.positions
            .iter()
            .find(|p| p.holding_id == Some(holding_id))
    }

    /// The value of the account's position in the security, however it is kept.
    pub fn position_in(&self, account_id: Uuid, security_id: Uuid) -> Option<&PositionValue> {
        self.positions
            .iter()
            .find(|p| p.account_id == account_id && p.security_id == security_id)
    }

    /// What is left out, without the dates.
    pub fn missing(&self) -> impl Iterator<Item = &Missing> {
        self.missing.iter().map(|u| &u.missing)
    }
}

/// Values `accounts` in `base` with the rates of `rates`, as of `as_of`.
///
/// An account's value is, for an investment account with holdings, its positions at their
/// closes converted into its currency plus its cash; otherwise its balance. A liability (by
/// account type, [`Account::is_asset`]) is subtracted. A position without a close, or whose
/// currency has no rate to the account's, and an account whose currency has no rate to `base`,
/// are left out of every total and listed in `missing`: never counted as 0 or at cost.
///
/// Net worth sums unrounded amounts and rounds each of assets and liabilities to the cent;
/// each account's `value_base` is rounded to the cent on its own.
pub fn value_portfolio(
    base: &CurrencyCode,
    as_of: NaiveDate,
    accounts: Vec<AccountFacts>,
    rates: &RateBook,
) -> Valuation {
    let mut net_worth = NetWorth::default();
    let mut valued = Vec::with_capacity(accounts.len());
    let mut positions = Vec::new();
    let mut missing = Vec::new();
    for AccountFacts {
        account,
        balance,
        positions: held,
        ledger_cash,
        unconverted,
    } in accounts
    {
        missing.extend(unconverted);
        let mut market = Decimal::ZERO;
        for facts in &held {
            let (position, in_account) =
                value_position(facts, &account.currency, base, rates, &mut missing);
            market += in_account.unwrap_or_default();
            positions.push(position);
        }
        let with_holdings = account.is_investment_account && !held.is_empty();
        let (amount, cash, market_value) = if ledger_cash.is_some() || with_holdings {
            let market = market.round_dp(money::MAX_SCALE);
            let cash = ledger_cash.unwrap_or_else(|| {
                balance
                    .as_ref()
                    .and_then(|b| b.cash_balance)
                    .unwrap_or_default()
            });
            (market + cash, Some(cash), Some(market))
        } else {
            let amount = balance.as_ref().map_or(Decimal::ZERO, |b| b.balance);
            (amount, None, None)
        };
        let is_asset = account.is_asset();
        let value = if is_asset { amount } else { -amount };
        let value_base = match rates.rate(&account.currency, base) {
            Some(rate) => {
                net_worth.add(amount * rate, is_asset);
                Some((value * rate).round_dp(2))
            }
            None => {
                missing.push(Unvalued {
                    missing: Missing::fx(account.id, account.currency.clone(), None),
                    since: balance.as_ref().map(|b| b.timestamp.date_naive()),
                });
                None
            }
        };
        valued.push(AccountValuation {
            value,
            value_base,
            cash,
            market_value,
            positions: held.len(),
            balance,
            account,
        });
    }
    net_worth.assets = net_worth.assets.round_dp(2);
    net_worth.liabilities = net_worth.liabilities.round_dp(2);
    Valuation {
        base_currency: base.clone(),
        as_of,
        net_worth,
        accounts: valued,
        positions,
        missing,
    }
}

/// One position in base, and its value in the account's currency when it counts there.
fn value_position(
    p: &PositionFacts,
    account_currency: &CurrencyCode,
    base: &CurrencyCode,
    rates: &RateBook,
    missing: &mut Vec<Unvalued>,
) -> (PositionValue, Option<Decimal>) {
    let h = &p.held;
    let unit = QuoteUnit::parse(&p.quote).ok();
    let value = p.close.map(|c| c.price * h.quantity());
    let since = Some(h.since());
    let mut left_out = |m: Missing| missing.push(Unvalued { missing: m, since });
    let mut out = PositionValue {
        holding_id: h.holding_id(),
        account_id: h.account_id(),
        security_id: h.security_id(),
        symbol: p.symbol.clone(),
        currency: unit.as_ref().map(|u| u.currency.clone()),
        close: p.close,
        value: None,
        value_base: None,
        gain_base: None,
        day_change_base: None,
    };
    // An unreadable quote unit is as good as no price: its amount means nothing.
    let (Some(unit), Some(value)) = (unit, value) else {
        left_out(Missing::price(h.account_id(), p.symbol.clone()));
        return (out, None);
    };
    let value = unit.to_major(value);
    out.value = Some(value);
    if let Some(rate) = rates.rate(&unit.currency, base) {
        let day = p
            .close
            .zip(p.previous_close)
            .map(|(c, prev)| unit.to_major((c.price - prev.price) * h.quantity()));
        out.value_base = Some(value * rate);
        out.gain_base = match h {
            Held::Snapshot(holding) => Some((value - unit.to_major(holding.cost_basis())) * rate),
            // A replayed cost is in the account's currency, converted on the lots' own dates.
            Held::Ledger { cost, .. } => cost
                .zip(rates.rate(account_currency, base))
                .map(|(cost, account_rate)| value * rate - cost * account_rate),
        };
        out.day_change_base = day.map(|d| d * rate);
    }
    let in_account = rates.rate(&unit.currency, account_currency);
    if in_account.is_none() {
        left_out(Missing::fx(
            h.account_id(),
            unit.currency.clone(),
            Some(p.symbol.clone()),
        ));
    }
    (out, in_account.map(|rate| value * rate))
}

/// Each value's share of the sum of them all, in percent to two places; `None` where the value
/// is `None` or the sum is 0. `[750, 250, None]` gives `[75.00, 25.00, None]`.
pub fn weights(values: &[Option<Decimal>]) -> Vec<Option<Decimal>> {
    let total: Decimal = values.iter().flatten().sum();
    values
        .iter()
        .map(|v| {
            v.filter(|_| !total.is_zero())
                .map(|v| (v / total * Decimal::ONE_HUNDRED).round_dp(2))
        })
        .collect()
}

/// Totals over positions in the base currency, of those that could be valued there (each
/// `None` when none could).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PositionTotals {
    pub value: Option<Decimal>,
    pub gain: Option<Decimal>,
    pub cost: Option<Decimal>,
    pub day: Option<Decimal>,
}

impl PositionTotals {
    /// From each position's `(value_base, gain_base, day_change_base)`. A position without a
    /// value in base adds nothing to any total; one without a day change adds to the others.
    pub fn of(
        positions: impl IntoIterator<Item = (Option<Decimal>, Option<Decimal>, Option<Decimal>)>,
    ) -> Self {
        let valued: Vec<_> = positions
            .into_iter()
            .filter_map(|(v, g, d)| v.map(|v| (v, g, d)))
            .collect();
        if valued.is_empty() {
            return Self::default();
        }
        let value: Decimal = valued.iter().map(|(v, _, _)| *v).sum();
        let gain: Decimal = valued.iter().filter_map(|(_, g, _)| *g).sum();
        let day: Decimal = valued.iter().filter_map(|(_, _, d)| *d).sum();
        Self {
            value: Some(value),
            gain: Some(gain),
            cost: Some(value - gain),
            day: Some(day),
        }
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

    // ---- a portfolio on a date ------------------------------------------------------------

    use std::str::FromStr;

    use crate::domain::{AccountType, ExchangeRate};

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn code(c: &str) -> CurrencyCode {
        CurrencyCode::parse(c).unwrap()
    }

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, n).unwrap()
    }

    fn at(n: u32) -> DateTime<Utc> {
        day(n).and_hms_opt(20, 0, 0).unwrap().and_utc()
    }

    fn account(n: u128, t: AccountType, cur: &str, investment: bool) -> Account {
        Account {
            id: Uuid::from_u128(n),
            user_id: Uuid::nil(),
            institution_id: None,
            name: format!("account {n}"),
            account_type: t,
            currency: code(cur),
            is_investment_account: investment,
            interest_rate: None,
            cost_basis_method: Default::default(),
            created_at: at(1),
            updated_at: at(1),
        }
    }

    fn balance(account: &Account, balance: &str, cash: Option<&str>) -> AccountValue {
        AccountValue {
            id: Uuid::new_v4(),
            account_id: account.id,
            timestamp: at(4),
            balance: d(balance),
            cash_balance: cash.map(d),
            created_at: at(4),
            updated_at: at(4),
        }
    }

    /// `shares` at an average price of `avg`, priced at `closes` (newest first).
    fn position(
        account: &Account,
        symbol: &str,
        quote: &str,
        shares: &str,
        avg: &str,
        closes: &[&str],
    ) -> PositionFacts {
        let close = |i: usize| {
            closes.get(i).map(|p| Close {
                at: at(5 - i as u32),
                price: d(p),
            })
        };
        PositionFacts {
            held: Held::Snapshot(Holding {
                id: Uuid::new_v4(),
                account_id: account.id,
                security_id: Uuid::new_v4(),
                shares: d(shares),
                average_price: d(avg),
                timestamp: at(2),
                created_at: at(2),
                updated_at: at(2),
            }),
            symbol: Symbol::parse(symbol).unwrap(),
            quote: quote.into(),
            close: close(0),
            previous_close: close(1),
        }
    }

    fn rates() -> RateBook {
        RateBook::new([
            ExchangeRate::new(code("GBP"), code("USD"), day(4), d("1.25")).unwrap(),
            ExchangeRate::new(code("EUR"), code("USD"), day(4), d("1.10")).unwrap(),
        ])
    }

    #[test]
    fn accounts_in_base_with_liabilities_subtracted() {
        let checking = account(1, AccountType::Checking, "USD", false);
        let savings = account(2, AccountType::Savings, "EUR", false);
        let card = account(3, AccountType::CreditCard, "GBP", false);
        let empty = account(4, AccountType::Cash, "USD", false);
        let facts = vec![
            AccountFacts {
                balance: Some(balance(&checking, "1000.50", None)),
                account: checking,
                positions: vec![],
                ledger_cash: None,
                unconverted: vec![],
            },
            AccountFacts {
                balance: Some(balance(&savings, "200", None)),
                account: savings,
                positions: vec![],
                ledger_cash: None,
                unconverted: vec![],
            },
            AccountFacts {
                balance: Some(balance(&card, "100", None)),
                account: card,
                positions: vec![],
                ledger_cash: None,
                unconverted: vec![],
            },
            AccountFacts {
                account: empty,
                balance: None,
                positions: vec![],
                ledger_cash: None,
                unconverted: vec![],
            },
        ];
        let v = value_portfolio(&code("USD"), day(5), facts, &rates());
        // Assets: 1000.50 USD + 200 EUR x 1.10 = 1000.50 + 220 = 1220.50.
        // Liabilities: 100 GBP x 1.25 = 125. Net worth 1220.50 - 125 = 1095.50.
        assert_eq!(v.net_worth.assets, d("1220.50"));
        assert_eq!(v.net_worth.liabilities, d("125"));
        assert_eq!(v.net_worth.net(), d("1095.50"));
        let values: Vec<(Decimal, Option<Decimal>)> =
            v.accounts.iter().map(|a| (a.value, a.value_base)).collect();
        assert_eq!(
            values,
            [
                (d("1000.50"), Some(d("1000.50"))),
                (d("200"), Some(d("220"))),
                // A liability counts against net worth: -100 GBP, -125 USD.
                (d("-100"), Some(d("-125"))),
                // No balance recorded: nothing held.
                (Decimal::ZERO, Some(Decimal::ZERO)),
            ]
        );
        assert!(v
            .accounts
            .iter()
            .all(|a| a.cash.is_none() && a.market_value.is_none()));
        assert!(v.complete());
    }

    #[test]
    fn positions_at_closes_plus_cash_and_what_is_left_out() {
        let isa = account(1, AccountType::Brokerage, "GBP", true);
        let yen = account(2, AccountType::Cash, "JPY", false);
        let isa_positions = vec![
            // 10 at 250p = 25 GBP; the day before 240p: day change 10 x 10p = 1 GBP.
            position(&isa, "OCDO.L", "GBp", "10", "200", &["250", "240"]),
            // 2 at 100 USD = 200 USD = 160 GBP (1 / 1.25 = 0.8).
            position(&isa, "AAPL", "USD", "2", "90", &["100"]),
            // No close on or before the date: left out, not 0 and not at cost.
            position(&isa, "MSFT", "USD", "5", "150", &[]),
            // No rate from CHF: left out of the account and of base.
            position(&isa, "NESN.SW", "CHF", "1", "90", &["100"]),
        ];
        let since = isa_positions[0].held.since();
        let facts = vec![
            AccountFacts {
                balance: Some(balance(&isa, "999", Some("15"))),
                account: isa.clone(),
                positions: isa_positions,
                ledger_cash: None,
                unconverted: vec![],
            },
            AccountFacts {
                balance: Some(balance(&yen, "100000", None)),
                account: yen.clone(),
                positions: vec![],
                ledger_cash: None,
                unconverted: vec![],
            },
        ];
        let v = value_portfolio(&code("USD"), day(5), facts, &rates());
        let a = v.account(isa.id).unwrap();
        // Market value 25 + 160 = 185 GBP; value 185 + 15 cash = 200 GBP = 250 USD. The stored
        // balance (999) is not read when there are holdings.
        assert_eq!(a.market_value, Some(d("185")));
        assert_eq!(a.cash, Some(d("15")));
        assert_eq!(a.value, d("200"));
        assert_eq!(a.value_base, Some(d("250")));
        assert_eq!(a.positions, 4);
        // The yen account has no rate: out of net worth, listed with its balance's date.
        assert_eq!(v.account(yen.id).unwrap().value_base, None);
        assert_eq!(v.net_worth.net(), d("250"));
        assert!(!v.complete());
        assert_eq!(
            v.missing,
            [
                Unvalued {
                    missing: Missing::price(isa.id, Symbol::parse("MSFT").unwrap()),
                    since: Some(since),
                },
                Unvalued {
                    missing: Missing::fx(
                        isa.id,
                        code("CHF"),
                        Some(Symbol::parse("NESN.SW").unwrap())
                    ),
                    since: Some(since),
                },
                Unvalued {
                    missing: Missing::fx(yen.id, code("JPY"), None),
                    since: Some(day(4)),
                },
            ]
        );
        // Per position in base: OCDO.L 25 GBP x 1.25 = 31.25 USD, cost 10 x 200p = 20 GBP so
        // gain 5 GBP = 6.25 USD, day change 1 GBP = 1.25 USD.
        let ocado = &v.positions[0];
        assert_eq!(ocado.currency, Some(code("GBP")));
        assert_eq!(ocado.value, Some(d("25")));
        assert_eq!(ocado.value_base, Some(d("31.25")));
        assert_eq!(ocado.gain_base, Some(d("6.25")));
        assert_eq!(ocado.day_change_base, Some(d("1.25")));
        // AAPL: 200 USD, gain 200 - 180 = 20; one close, so no day change.
        let apple = &v.positions[1];
        assert_eq!(
            (apple.value_base, apple.gain_base),
            (Some(d("200")), Some(d("20")))
        );
        assert_eq!(apple.day_change_base, None);
        // MSFT has no value; NESN.SW has a value in CHF but none in USD.
        assert_eq!(
            (v.positions[2].value, v.positions[2].value_base),
            (None, None)
        );
        assert_eq!(
            (v.positions[3].value, v.positions[3].value_base),
            (Some(d("100")), None)
        );
    }

    #[test]
    fn an_investment_account_without_holdings_is_its_balance() {
        let broker = account(1, AccountType::Brokerage, "USD", true);
        let facts = vec![AccountFacts {
            balance: Some(balance(&broker, "500", Some("20"))),
            account: broker,
            positions: vec![],
            ledger_cash: None,
            unconverted: vec![],
        }];
        let v = value_portfolio(&code("USD"), day(5), facts, &rates());
        assert_eq!(v.accounts[0].value, d("500"));
        assert_eq!(
            (v.accounts[0].cash, v.accounts[0].market_value),
            (None, None)
        );
        assert_eq!(v.net_worth.net(), d("500"));
    }

    #[test]
    fn weights_and_totals_of_what_could_be_valued() {
        // 750 + 250 = 1000: 75 % and 25 %; the unvalued position has no weight.
        assert_eq!(
            weights(&[Some(d("750")), Some(d("250")), None]),
            [Some(d("75.00")), Some(d("25.00")), None]
        );
        // One third each, to two places.
        assert_eq!(
            weights(&[Some(d("1")), Some(d("1")), Some(d("1"))])[0],
            Some(d("33.33"))
        );
        assert_eq!(weights(&[Some(Decimal::ZERO), None]), [None, None]);
        // Value 300 + 100 = 400, gain 50 - 10 = 40 so cost 360; the unvalued position's gain
        // (99) is not counted; only the first had a day change (5).
        let t = PositionTotals::of([
            (Some(d("300")), Some(d("50")), Some(d("5"))),
            (Some(d("100")), Some(d("-10")), None),
            (None, Some(d("99")), Some(d("1"))),
        ]);
        assert_eq!(t.value, Some(d("400")));
        assert_eq!(t.gain, Some(d("40")));
        assert_eq!(t.cost, Some(d("360")));
        assert_eq!(t.day, Some(d("5")));
        assert_eq!(
            PositionTotals::of([(None, None, None)]),
            PositionTotals::default()
        );
    }
}
