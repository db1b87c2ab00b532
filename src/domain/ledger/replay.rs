//! The ledger's state, advanced one event at a time in the ledger's order, and readable after
//! any of them: a daily valuation feeds it day by day instead of replaying from the start for
//! every day.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::cash::Cash;
use super::convert::{Converter, RateSource};
use super::lots::{Lot, LotBook};
use super::views::{
    CashBalance, ClosedLot, ExternalFlow, FlowKind, FlowValue, ImplicitDeposit, IncomeKind,
    IncomeRow, LedgerSnapshot, OpenLot, Position, RealizedGain, Source, Totals, Unconverted,
};
use super::{Activity, ActivityType, CostBasisMethod, LedgerError, PositionStatement};
use crate::domain::{money, CurrencyCode, QuoteUnit};

/// One input of the replay.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerEvent<'a> {
    Statement(&'a PositionStatement),
    Activity(&'a Activity),
}

impl LedgerEvent<'_> {
    pub fn date(&self) -> NaiveDate {
        match self {
            Self::Statement(s) => s.date,
            Self::Activity(a) => a.date,
        }
    }

    /// The ledger's order: by date; within a date statements first, then activities by type
    /// (see [`ActivityType::order_rank`]), then by creation; the id settles the rest so that the
    /// order never depends on how the store listed them.
    pub fn order_key(&self) -> (NaiveDate, u8, DateTime<Utc>, Uuid) {
        match self {
            Self::Statement(s) => (s.date, 0, s.created_at, s.id),
            Self::Activity(a) => (a.date, 1 + a.activity_type.order_rank(), a.created_at, a.id),
        }
    }

    /// [`LedgerEvent::order_key`] as plain integers that compare the same way: the date and
    /// the rank in one, the creation time's seconds and nanoseconds, the id's bytes as one
    /// big-endian number. A sort of 100,000 events spends most of its time comparing keys.
    fn packed_key(&self) -> (u64, i64, u32, u128) {
        let (date, rank, created_at, id) = self.order_key();
        // Days from the common era's start keep their order as unsigned numbers once offset.
        let days = (i64::from(date.num_days_from_ce()) - i64::from(i32::MIN)) as u64;
        (
            days << 8 | u64::from(rank),
            created_at.timestamp(),
            created_at.timestamp_subsec_nanos(),
            id.as_u128(),
        )
    }

    /// All of `statements` and `activities` in the ledger's order.
    pub fn ordered<'a>(
        activities: &'a [Activity],
        statements: &'a [PositionStatement],
    ) -> Vec<LedgerEvent<'a>> {
        // Keys computed once and kept beside the events: comparing them then reads no activity.
        let mut keyed: Vec<_> = activities
            .iter()
            .map(|a| {
                let e = LedgerEvent::Activity(a);
                (e.packed_key(), e)
            })
            .collect();
        let day = |key: &(u64, i64, u32, u128)| key.0 >> 8;
        if keyed.is_sorted_by_key(|(key, _)| day(key)) {
            // Stores list activities by date: only each date's few need ordering.
            for same_day in keyed.chunk_by_mut(|(a, _), (b, _)| day(a) == day(b)) {
                same_day.sort_unstable_by_key(|(key, _)| *key);
            }
        } else {
            keyed.sort_unstable_by_key(|(key, _)| *key);
        }
        if statements.is_empty() {
            return keyed.into_iter().map(|(_, e)| e).collect();
        }
        let mut stated: Vec<_> = statements
            .iter()
            .map(|s| {
                let e = LedgerEvent::Statement(s);
                (e.packed_key(), e)
            })
            .collect();
        stated.sort_unstable_by_key(|(key, _)| *key);
        merge_sorted(stated, keyed)
    }
}

/// Two lists sorted by key, as one.
fn merge_sorted<'a, K: Ord>(
    a: Vec<(K, LedgerEvent<'a>)>,
    b: Vec<(K, LedgerEvent<'a>)>,
) -> Vec<LedgerEvent<'a>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut a, mut b) = (a.into_iter().peekable(), b.into_iter().peekable());
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some((ka, _)), Some((kb, _))) => ka <= kb,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return out,
        };
        let next = if take_a { a.next() } else { b.next() };
        out.extend(next.map(|(_, e)| e));
    }
}

/// One security's lots and what its past sales and income brought.
#[derive(Debug, Clone)]
struct Holding {
    lots: LotBook,
    realized_gain: Decimal,
    income: Decimal,
    /// Some sale or income of it could not be converted.
    unconverted_history: bool,
}

/// A unit amounts are written in, parsed once per replay, with the stored rate into the
/// account's currency on the last date it was asked for: a replay meets a few units and many
/// events on each date.
#[derive(Debug, Clone)]
struct Unit {
    raw: String,
    parsed: Option<QuoteUnit>,
    rate_on: Option<(NaiveDate, Option<Decimal>)>,
}

/// The state of one account's ledger after the events fed so far.
#[derive(Debug, Clone)]
pub struct Replay {
    currency: CurrencyCode,
    method: CostBasisMethod,
    holdings: BTreeMap<Uuid, Holding>,
    cash: Cash,
    realized: Vec<RealizedGain>,
    income: Vec<IncomeRow>,
    flows: Vec<ExternalFlow>,
    unconverted: Vec<Unconverted>,
    totals: Totals,
    last_date: Option<NaiveDate>,
    units: Vec<Unit>,
    /// The lots a sale closes, kept between sales so that each needs no list of its own.
    closing: Vec<Lot>,
}

impl Replay {
    pub fn new(currency: CurrencyCode, method: CostBasisMethod) -> Self {
        Self {
            currency,
            method,
            holdings: BTreeMap::new(),
            cash: Cash::default(),
            realized: Vec::new(),
            income: Vec::new(),
            flows: Vec::new(),
            unconverted: Vec::new(),
            totals: Totals::default(),
            last_date: None,
            units: Vec::new(),
            closing: Vec::new(),
        }
    }

    /// Makes room for what `events` will add, so that the lists grow without copying.
    pub fn reserve_for(&mut self, events: &[LedgerEvent<'_>]) {
        let (mut sales, mut income, mut flows) = (0, 0, 0);
        for event in events {
            match event {
                LedgerEvent::Statement(_) => flows += 1,
                LedgerEvent::Activity(a) => match a.activity_type {
                    ActivityType::Sell => sales += 1,
                    ActivityType::Dividend | ActivityType::Interest => income += 1,
                    ActivityType::Split => {}
                    // Each other kind may add one flow: its own, or an implicit deposit.
                    _ => flows += 1,
                },
            }
        }
        self.realized.reserve(sales);
        self.income.reserve(income);
        self.flows.reserve(flows);
    }

    /// Feeds one event. Events must come in [`LedgerEvent::order_key`] order; one dated before
    /// an event already fed is refused. On an error the state is unchanged only for
    /// [`LedgerError::Oversold`] and [`LedgerError::OutOfOrder`]; after any error the replay
    /// should be dropped.
    pub fn apply(
        &mut self,
        event: LedgerEvent<'_>,
        rates: &impl RateSource,
    ) -> Result<(), LedgerError> {
        let date = event.date();
        if let Some(after) = self.last_date.filter(|last| date < *last) {
            return Err(LedgerError::OutOfOrder {
                id: match event {
                    LedgerEvent::Statement(s) => s.id,
                    LedgerEvent::Activity(a) => a.id,
                },
                date,
                after,
            });
        }
        match event {
            LedgerEvent::Statement(s) => self.statement(s, rates)?,
            LedgerEvent::Activity(a) => self.activity(a, rates)?,
        }
        self.last_date = Some(date);
        Ok(())
    }

    pub fn currency(&self) -> &CurrencyCode {
        &self.currency
    }

    pub fn method(&self) -> CostBasisMethod {
        self.method
    }

    /// The date of the last event fed.
    pub fn last_date(&self) -> Option<NaiveDate> {
        self.last_date
    }

    /// Shares of `security_id` held.
    pub fn quantity(&self, security_id: Uuid) -> Decimal {
        self.holdings
            .get(&security_id)
            .map_or(Decimal::ZERO, |h| h.lots.quantity())
    }

    /// Shares held of each security with any, by id.
    pub fn quantities(&self) -> impl Iterator<Item = (Uuid, Decimal)> + '_ {
        self.holdings
            .iter()
            .map(|(id, h)| (*id, h.lots.quantity()))
            .filter(|(_, q)| *q > Decimal::ZERO)
    }

    pub fn cash_balance(&self) -> Decimal {
        self.cash.balance()
    }

    pub fn implicit_deposits(&self) -> &[ImplicitDeposit] {
        self.cash.implicit_deposits()
    }

    /// In replay order, so a caller stepping through days reads only the new tail.
    pub fn flows(&self) -> &[ExternalFlow] {
        &self.flows
    }

    pub fn realized_gains(&self) -> &[RealizedGain] {
        &self.realized
    }

    pub fn income(&self) -> &[IncomeRow] {
        &self.income
    }

    pub fn unconverted(&self) -> &[Unconverted] {
        &self.unconverted
    }

    pub fn totals(&self) -> Totals {
        self.totals
    }

    pub fn position(&self, security_id: Uuid) -> Option<Position> {
        self.holdings
            .get(&security_id)
            .map(|h| position(security_id, h))
    }

    /// Every security touched so far, by id.
    pub fn positions(&self) -> Vec<Position> {
        self.holdings
            .iter()
            .map(|(id, h)| position(*id, h))
            .collect()
    }

    /// [`Replay::snapshot`] of a replay no longer needed: its lists are moved, not copied.
    pub fn into_snapshot(self, as_of: NaiveDate) -> LedgerSnapshot {
        LedgerSnapshot {
            as_of,
            positions: self.positions(),
            currency: self.currency.clone(),
            method: self.method,
            cash: CashBalance {
                balance: self.cash.balance(),
                implicit_deposits: self.cash.into_implicit_deposits(),
                currency: self.currency,
            },
            realized_gains: self.realized,
            income: self.income,
            flows: self.flows,
            unconverted: self.unconverted,
            totals: self.totals,
        }
    }

    /// Everything fed so far, labelled as of `as_of` (the caller feeds events up to it).
    pub fn snapshot(&self, as_of: NaiveDate) -> LedgerSnapshot {
        LedgerSnapshot {
            as_of,
            currency: self.currency.clone(),
            method: self.method,
            positions: self.positions(),
            cash: CashBalance {
                currency: self.currency.clone(),
                balance: self.cash.balance(),
                implicit_deposits: self.cash.implicit_deposits().to_vec(),
            },
            realized_gains: self.realized.clone(),
            income: self.income.clone(),
            flows: self.flows.clone(),
            unconverted: self.unconverted.clone(),
            totals: self.totals,
        }
    }

    fn holding(&mut self, security_id: Uuid) -> &mut Holding {
        let method = self.method;
        self.holdings.entry(security_id).or_insert_with(|| Holding {
            lots: LotBook::new(method),
            realized_gain: Decimal::ZERO,
            income: Decimal::ZERO,
            unconverted_history: false,
        })
    }

    /// The converter of `unit` on `date`, or `None` after listing the source as unconverted.
    fn converter(
        &mut self,
        source: Source,
        date: NaiveDate,
        unit: &str,
        fx_rate: Option<Decimal>,
        rates: &impl RateSource,
    ) -> Option<Converter> {
        let found = self.find_converter(date, unit, fx_rate, rates);
        if found.is_none() {
            self.unconverted.push(Unconverted {
                source,
                date,
                currency: unit.to_string(),
            });
        }
        found
    }

    /// The converter of `unit` on `date` (the account's own currency, a minor unit by its
    /// factor, the `fx_rate`, else the stored rate), each unit parsed once and its stored rate
    /// read once per date.
    fn find_converter(
        &mut self,
        date: NaiveDate,
        unit: &str,
        fx_rate: Option<Decimal>,
        rates: &impl RateSource,
    ) -> Option<Converter> {
        if unit == self.currency.as_str() {
            return Some(Converter::IDENTITY);
        }
        let i = match self.units.iter().position(|u| u.raw == unit) {
            Some(i) => i,
            None => {
                self.units.push(Unit {
                    raw: unit.to_string(),
                    parsed: QuoteUnit::parse(unit).ok(),
                    rate_on: None,
                });
                self.units.len() - 1
            }
        };
        let Unit {
            parsed, rate_on, ..
        } = &mut self.units[i];
        let parsed = parsed.as_ref()?;
        let account = &self.currency;
        Converter::of_unit(parsed, fx_rate, account, || match *rate_on {
            Some((on, rate)) if on == date => rate,
            _ => {
                let rate = rates.rate(&parsed.currency, account, date);
                *rate_on = Some((date, rate));
                rate
            }
        })
    }

    fn statement(
        &mut self,
        s: &PositionStatement,
        rates: &impl RateSource,
    ) -> Result<(), LedgerError> {
        let source = Source::Statement(s.id);
        let overflow = || LedgerError::Overflow { id: s.id };
        let cost = match self.converter(source, s.date, &s.currency, None, rates) {
            Some(c) => Some(
                s.shares
                    .checked_mul(s.average_price)
                    .and_then(|v| c.apply(v))
                    .ok_or_else(overflow)?,
            ),
            None => None,
        };
        let holding = self.holding(s.security_id);
        let change = s.shares - holding.lots.quantity();
        holding.lots.replace(s.date, s.shares, cost);
        if !change.is_zero() {
            self.flows.push(ExternalFlow {
                date: s.date,
                kind: FlowKind::Statement,
                source,
                value: FlowValue::Shares {
                    security_id: s.security_id,
                    quantity: change,
                },
            });
        }
        Ok(())
    }

    fn activity(&mut self, a: &Activity, rates: &impl RateSource) -> Result<(), LedgerError> {
        let need = |value: Option<Decimal>, field: &'static str| {
            value.ok_or(LedgerError::MissingField {
                activity_id: a.id,
                activity_type: a.activity_type.as_str(),
                field,
            })
        };
        let security = || {
            a.security_id.ok_or(LedgerError::MissingField {
                activity_id: a.id,
                activity_type: a.activity_type.as_str(),
                field: "security_id",
            })
        };
        let overflow = || LedgerError::Overflow { id: a.id };
        let source = Source::Activity(a.id);
        let fee = a.fee.unwrap_or(Decimal::ZERO);
        match a.activity_type {
            ActivityType::Buy | ActivityType::TransferIn => {
                let security_id = security()?;
                let quantity = need(a.quantity, "quantity")?;
                let price = need(a.unit_price, "unit_price")?;
                let is_buy = a.activity_type == ActivityType::Buy;
                let paid = quantity
                    .checked_mul(price)
                    .and_then(|v| v.checked_add(if is_buy { fee } else { Decimal::ZERO }))
                    .ok_or_else(overflow)?;
                let conv = self.converter(source, a.date, &a.currency, a.fx_rate, rates);
                let cost = conv
                    .map(|c| c.apply(paid).ok_or_else(overflow))
                    .transpose()?;
                self.holding(security_id)
                    .lots
                    .open(a.date, quantity, cost)
                    .ok_or_else(overflow)?;
                if is_buy {
                    if let (Some(c), Some(cost)) = (conv, cost) {
                        self.fee_paid(c, fee, a.id)?;
                        self.cash_change(-cost, a)?;
                    }
                } else {
                    self.flows.push(ExternalFlow {
                        date: a.date,
                        kind: FlowKind::TransferIn,
                        source,
                        value: FlowValue::Shares {
                            security_id,
                            quantity,
                        },
                    });
                }
            }
            ActivityType::Sell => {
                let security_id = security()?;
                let quantity = need(a.quantity, "quantity")?;
                let price = need(a.unit_price, "unit_price")?;
                self.close(a, security_id, quantity)?;
                let net = quantity
                    .checked_mul(price)
                    .and_then(|v| v.checked_sub(fee))
                    .ok_or_else(overflow)?;
                let conv = self.converter(source, a.date, &a.currency, a.fx_rate, rates);
                let proceeds = conv
                    .map(|c| c.apply(net).ok_or_else(overflow))
                    .transpose()?;
                if let (Some(c), Some(proceeds)) = (conv, proceeds) {
                    self.fee_paid(c, fee, a.id)?;
                    self.cash_change(proceeds, a)?;
                }
                self.realize(a, security_id, quantity, proceeds)?;
            }
            ActivityType::TransferOut => {
                let security_id = security()?;
                let quantity = need(a.quantity, "quantity")?;
                self.close(a, security_id, quantity)?;
                self.flows.push(ExternalFlow {
                    date: a.date,
                    kind: FlowKind::TransferOut,
                    source,
                    value: FlowValue::Shares {
                        security_id,
                        quantity: -quantity,
                    },
                });
            }
            ActivityType::Split => {
                let security_id = security()?;
                let ratio = a.split_ratio.ok_or(LedgerError::MissingField {
                    activity_id: a.id,
                    activity_type: a.activity_type.as_str(),
                    field: "split_ratio",
                })?;
                self.holding(security_id)
                    .lots
                    .split(ratio.new_shares(), ratio.old_shares())
                    .ok_or_else(overflow)?;
            }
            ActivityType::Dividend | ActivityType::Interest => {
                let is_dividend = a.activity_type == ActivityType::Dividend;
                let security_id = if is_dividend {
                    Some(security()?)
                } else {
                    a.security_id
                };
                let gross = need(a.amount, "amount")?;
                let withheld = if is_dividend { fee } else { Decimal::ZERO };
                let conv = self.converter(source, a.date, &a.currency, a.fx_rate, rates);
                let amounts = match conv {
                    Some(c) => {
                        let gross = c.apply(gross).ok_or_else(overflow)?;
                        let withheld = c.apply(withheld).ok_or_else(overflow)?;
                        Some((gross, withheld, gross - withheld))
                    }
                    None => None,
                };
                if let Some((_, withheld, net)) = amounts {
                    self.totals.income =
                        self.totals.income.checked_add(net).ok_or_else(overflow)?;
                    self.totals.taxes = self
                        .totals
                        .taxes
                        .checked_add(withheld)
                        .ok_or_else(overflow)?;
                    self.cash_change(net, a)?;
                }
                if let Some(security_id) = security_id {
                    let holding = self.holding(security_id);
                    match amounts {
                        Some((_, _, net)) => {
                            holding.income = holding.income.checked_add(net).ok_or_else(overflow)?
                        }
                        None => holding.unconverted_history = true,
                    }
                }
                self.income.push(IncomeRow {
                    activity_id: a.id,
                    date: a.date,
                    kind: if is_dividend {
                        IncomeKind::Dividend
                    } else {
                        IncomeKind::Interest
                    },
                    security_id,
                    gross: amounts.map(|(g, _, _)| g),
                    withheld: amounts.map(|(_, w, _)| w),
                    net: amounts.map(|(_, _, n)| n),
                    currency: self.currency.clone(),
                });
            }
            ActivityType::Fee
            | ActivityType::Tax
            | ActivityType::Deposit
            | ActivityType::Withdrawal => {
                let amount = need(a.amount, "amount")?;
                let Some(conv) = self.converter(source, a.date, &a.currency, a.fx_rate, rates)
                else {
                    return Ok(());
                };
                let amount = conv.apply(amount).ok_or_else(overflow)?;
                match a.activity_type {
                    ActivityType::Fee => {
                        self.totals.fees =
                            self.totals.fees.checked_add(amount).ok_or_else(overflow)?;
                        self.cash_change(-amount, a)?;
                    }
                    ActivityType::Tax => {
                        self.totals.taxes =
                            self.totals.taxes.checked_add(amount).ok_or_else(overflow)?;
                        self.cash_change(-amount, a)?;
                    }
                    ActivityType::Deposit => {
                        self.flows.push(ExternalFlow {
                            date: a.date,
                            kind: FlowKind::Deposit,
                            source,
                            value: FlowValue::Cash(amount),
                        });
                        self.cash_change(amount, a)?;
                    }
                    _ => {
                        self.flows.push(ExternalFlow {
                            date: a.date,
                            kind: FlowKind::Withdrawal,
                            source,
                            value: FlowValue::Cash(-amount),
                        });
                        self.cash_change(-amount, a)?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Closes `quantity` shares by the method into `self.closing`, or refuses a sale of more
    /// than is held.
    fn close(
        &mut self,
        a: &Activity,
        security_id: Uuid,
        quantity: Decimal,
    ) -> Result<(), LedgerError> {
        let oversold = |held| LedgerError::Oversold {
            activity_id: a.id,
            security_id,
            date: a.date,
            held,
            wanted: quantity,
        };
        match self.holdings.get_mut(&security_id) {
            Some(h) => {
                self.closing.clear();
                h.lots
                    .close_into(quantity, &mut self.closing)
                    .map_err(|short| oversold(short.held))
            }
            None => Err(oversold(Decimal::ZERO)),
        }
    }

    fn realize(
        &mut self,
        a: &Activity,
        security_id: Uuid,
        quantity: Decimal,
        proceeds: Option<Decimal>,
    ) -> Result<(), LedgerError> {
        let overflow = || LedgerError::Overflow { id: a.id };
        let closed = std::mem::take(&mut self.closing);
        let mut cost = Some(Decimal::ZERO);
        for lot in &closed {
            cost = match (cost, lot.cost) {
                (Some(total), Some(c)) => Some(total.checked_add(c).ok_or_else(overflow)?),
                _ => None,
            };
        }
        let gain = match (proceeds, cost) {
            (Some(p), Some(c)) => Some(p.checked_sub(c).ok_or_else(overflow)?),
            _ => None,
        };
        let holding = self.holding(security_id);
        match gain {
            Some(g) => {
                holding.realized_gain = holding.realized_gain.checked_add(g).ok_or_else(overflow)?
            }
            None => holding.unconverted_history = true,
        }
        if let Some(g) = gain {
            self.totals.realized_gain = self
                .totals
                .realized_gain
                .checked_add(g)
                .ok_or_else(overflow)?;
        }
        let lots: Vec<ClosedLot> = closed
            .iter()
            .map(|l| ClosedLot {
                opened: l.opened,
                quantity: l.quantity,
                cost: l.cost,
                holding_days: (a.date - l.opened).num_days(),
            })
            .collect();
        self.closing = closed;
        self.realized.push(RealizedGain {
            activity_id: a.id,
            date: a.date,
            security_id,
            quantity,
            proceeds,
            cost,
            gain,
            holding_days: lots.iter().map(|l| l.holding_days).max().unwrap_or(0),
            lots,
        });
        Ok(())
    }

    /// Counts a trade's fee among the fees paid.
    fn fee_paid(&mut self, c: Converter, fee: Decimal, id: Uuid) -> Result<(), LedgerError> {
        let overflow = || LedgerError::Overflow { id };
        let fee = c.apply(fee).ok_or_else(overflow)?;
        self.totals.fees = self.totals.fees.checked_add(fee).ok_or_else(overflow)?;
        Ok(())
    }

    fn cash_change(&mut self, change: Decimal, a: &Activity) -> Result<(), LedgerError> {
        let implied = self
            .cash
            .apply(change, a.date, a.id)
            .ok_or(LedgerError::Overflow { id: a.id })?;
        if let Some(deposit) = implied {
            self.flows.push(ExternalFlow {
                date: a.date,
                kind: FlowKind::ImplicitDeposit,
                source: Source::Activity(a.id),
                value: FlowValue::Cash(deposit.amount),
            });
        }
        Ok(())
    }
}

fn position(security_id: Uuid, h: &Holding) -> Position {
    let lots: Vec<OpenLot> = h
        .lots
        .lots_in_order()
        .into_iter()
        .map(|l| OpenLot {
            opened: l.opened,
            quantity: l.quantity,
            cost: l.cost,
            cost_per_unit: l.cost_per_unit(),
        })
        .collect();
    let quantity = h.lots.quantity();
    let costs_known = lots.iter().all(|l| l.cost.is_some());
    let cost_basis: Decimal = lots.iter().filter_map(|l| l.cost).sum();
    let average_cost = (costs_known && quantity > Decimal::ZERO)
        .then(|| cost_basis.checked_div(quantity))
        .flatten()
        .map(|c| c.round_dp(money::MAX_SCALE));
    Position {
        security_id,
        quantity,
        cost_basis,
        average_cost,
        realized_gain: h.realized_gain,
        income: h.income,
        lots,
        complete: costs_known && !h.unconverted_history,
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn events_come_in_the_ledger_order_however_they_are_listed() {
        let day = |d| NaiveDate::from_ymd_opt(2024, 5, d).unwrap();
        let at = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let activity = |n: u128, kind, date| Activity {
            id: Uuid::from_u128(n),
            account_id: Uuid::from_u128(1),
            activity_type: kind,
            date,
            security_id: None,
            quantity: None,
            unit_price: None,
            amount: None,
            fee: None,
            currency: "USD".into(),
            fx_rate: None,
            split_ratio: None,
            notes: None,
            external_id: None,
            created_at: at + chrono::Duration::seconds((n % 3) as i64),
            updated_at: at,
        };
        let kinds = [
            ActivityType::Withdrawal,
            ActivityType::Sell,
            ActivityType::Deposit,
            ActivityType::Buy,
            ActivityType::Dividend,
        ];
        // By date as a store lists them, then every other way round.
        let by_date: Vec<Activity> = (0..40u128)
            .map(|n| activity(n, kinds[(n % 5) as usize], day(1 + (n / 7) as u32)))
            .collect();
        let mut reversed = by_date.clone();
        reversed.reverse();
        let statements = [
            PositionStatement {
                id: Uuid::from_u128(100),
                security_id: Uuid::from_u128(1),
                date: day(3),
                shares: Decimal::ONE,
                average_price: Decimal::ONE,
                currency: "USD".into(),
                created_at: at,
            },
            PositionStatement {
                id: Uuid::from_u128(101),
                security_id: Uuid::from_u128(1),
                date: day(1),
                shares: Decimal::ONE,
                average_price: Decimal::ONE,
                currency: "USD".into(),
                created_at: at,
            },
        ];
        for stated in [&statements[..0], &statements[..]] {
            let mut expected: Vec<LedgerEvent<'_>> = stated
                .iter()
                .map(LedgerEvent::Statement)
                .chain(by_date.iter().map(LedgerEvent::Activity))
                .collect();
            expected.sort_by_key(LedgerEvent::order_key);
            let expected: Vec<_> = expected.iter().map(|e| e.order_key()).collect();
            for listed in [&by_date, &reversed] {
                let ordered: Vec<_> = LedgerEvent::ordered(listed, stated)
                    .iter()
                    .map(|e| e.order_key())
                    .collect();
                assert_eq!(ordered, expected);
            }
        }
    }

    #[test]
    fn packed_keys_order_events_as_their_keys_do() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        let at = |secs: i64, nanos: u32| Utc.timestamp_opt(secs, nanos).unwrap();
        let statement = |date, created_at, id: u128| PositionStatement {
            id: Uuid::from_u128(id),
            security_id: Uuid::from_u128(1),
            date,
            shares: Decimal::ONE,
            average_price: Decimal::ONE,
            currency: "USD".into(),
            created_at,
        };
        // Dates before and after the common era's start, equal seconds with other
        // nanoseconds, ids that differ in their first and last bytes.
        let statements = [
            statement(day(2024, 5, 1), at(10, 5), 2),
            statement(day(2024, 5, 1), at(10, 4), 3),
            statement(day(2024, 5, 1), at(-10, 0), u128::MAX),
            statement(day(2024, 4, 30), at(99, 0), 1),
            statement(day(-5, 1, 1), at(0, 0), 7),
            statement(day(1, 1, 1), at(0, 0), 1 << 120),
            statement(day(1, 1, 1), at(0, 0), 1 << 121),
            statement(day(9999, 12, 31), at(0, 0), 0),
        ];
        let events: Vec<LedgerEvent<'_>> = statements.iter().map(LedgerEvent::Statement).collect();
        for a in &events {
            for b in &events {
                assert_eq!(
                    a.packed_key().cmp(&b.packed_key()),
                    a.order_key().cmp(&b.order_key()),
                    "{a:?} against {b:?}"
                );
            }
        }
    }
}
