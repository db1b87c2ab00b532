//! The value of an account at the end of every day of a range, and its external flows, from
//! its ledger replayed day by day; then of a portfolio in the base currency. Positions are
//! valued at their latest close on or before each day, times the splits after it (closes are
//! split-adjusted), converted at the latest rate on or before it. What cannot be priced or
//! converted is left out and listed for the days it is missing, never counted as 0.

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::returns::DayPoint;
use crate::domain::ledger::{
    AccountLedger, FlowKind, FlowValue, LedgerError, RateSource, Source, Timeline, Totals,
};
use crate::domain::valuation::{Missing, MissingKind};
use crate::domain::{CurrencyCode, QuoteUnit, Symbol};

/// What valuing one security over the range takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityMarket {
    pub symbol: Symbol,
    /// `None` when the stored quote unit is unreadable: its prices mean nothing.
    pub unit: Option<QuoteUnit>,
    /// Daily closes in the quote unit, oldest first, one per day.
    pub closes: Vec<(NaiveDate, Decimal)>,
    /// Splits, oldest first: the day and new shares per old share (2 for 2:1).
    pub splits: Vec<(NaiveDate, Decimal)>,
}

/// By security id.
pub type Market = HashMap<Uuid, SecurityMarket>;

/// An external flow of a day after the first, valued in the history's currency; `None` when
/// the shares it moved could not be priced or converted that day (it is then left out of the
/// day's flow, and listed as missing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowEntry {
    pub date: NaiveDate,
    pub account_id: Uuid,
    pub kind: FlowKind,
    pub source: Source,
    pub amount: Option<Decimal>,
}

/// Something left out of every day from `from` to `to`, both included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingSpan {
    pub missing: Missing,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Income, fees and taxes of one day (only days with any are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayTotals {
    pub date: NaiveDate,
    pub income: Decimal,
    pub fees: Decimal,
    pub taxes: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    pub currency: CurrencyCode,
    /// Every day of the range, both ends included.
    pub days: Vec<DayPoint>,
    /// The flows of the days after the first, in order.
    pub flows: Vec<FlowEntry>,
    /// Income, fees and taxes of the days after the first.
    pub totals: Vec<DayTotals>,
    pub missing: Vec<MissingSpan>,
}

impl History {
    pub fn income(&self) -> Decimal {
        self.totals.iter().map(|t| t.income).sum()
    }

    pub fn fees(&self) -> Decimal {
        self.totals.iter().map(|t| t.fees).sum()
    }

    pub fn taxes(&self) -> Decimal {
        self.totals.iter().map(|t| t.taxes).sum()
    }

    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

/// The range of days asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Days {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Days {
    pub fn iter(self) -> impl Iterator<Item = NaiveDate> {
        self.start.iter_days().take_while(move |d| *d <= self.end)
    }
}

/// The latest close on or before each day and the splits after it, read through days in
/// order: each security's closes are walked once over the whole range, its splits multiplied
/// again only on the days one of them passes. Valuing a day's positions finds each one's
/// security where the day before found it (positions change seldom, and come in the same
/// order every day), and reads each quote currency's rate once a day.
struct PriceCursor<'a> {
    market: &'a Market,
    /// The history's currency.
    currency: &'a CurrencyCode,
    /// By security id, where its slot is in `slots`.
    by_id: HashMap<Uuid, usize>,
    slots: Vec<Slot<'a>>,
    /// The securities of the positions valued on the day before, in their order, with their
    /// slots.
    positions: Vec<(Uuid, usize)>,
    /// The rates of `rates_day` from the quote currencies asked about to `currency`.
    rates_day: Option<NaiveDate>,
    day_rates: Vec<(&'a CurrencyCode, Option<Decimal>)>,
}

/// One security's place in its closes and splits.
struct Slot<'a> {
    /// `None` for a security the market data does not know.
    security: Option<&'a SecurityMarket>,
    /// The first close dated after the day last asked about.
    next_close: usize,
    /// The product of the splits dated after each day from `factor_from` (`None`: not yet
    /// asked) up to the day before `factor_to` (`None`: every later day), in their order;
    /// `None` when there are none (a factor of 1).
    factor: Option<Decimal>,
    factor_from: Option<NaiveDate>,
    factor_to: Option<NaiveDate>,
}

/// A position's or flow's shares valued on a day, in the account's currency.
enum Priced {
    Value(Decimal),
    Missing(Missing),
}

impl<'a> PriceCursor<'a> {
    fn new(market: &'a Market, currency: &'a CurrencyCode) -> Self {
        Self {
            market,
            currency,
            by_id: HashMap::new(),
            slots: Vec::new(),
            positions: Vec::new(),
            rates_day: None,
            day_rates: Vec::new(),
        }
    }

    /// The slot of a security, made on first sight.
    fn slot(&mut self, security_id: Uuid) -> usize {
        if let Some(slot) = self.by_id.get(&security_id) {
            return *slot;
        }
        let security = self.market.get(&security_id);
        let slot = self.slots.len();
        self.slots.push(Slot {
            security,
            next_close: 0,
            factor: None,
            factor_from: None,
            factor_to: None,
        });
        self.by_id.insert(security_id, slot);
        slot
    }

    /// The slot of the day's `n`th position (in the order [`Replay::quantities`] lists them).
    fn position_slot(&mut self, n: usize, security_id: Uuid) -> usize {
        match self.positions.get(n) {
            Some((id, slot)) if *id == security_id => *slot,
            _ => {
                let slot = self.slot(security_id);
                self.positions.truncate(n);
                self.positions.push((security_id, slot));
                slot
            }
        }
    }

    /// The rate from `from` to the history's currency on `day`, asked of `rates` once a day.
    fn rate(
        &mut self,
        from: &'a CurrencyCode,
        day: NaiveDate,
        rates: &impl RateSource,
    ) -> Option<Decimal> {
        if self.rates_day != Some(day) {
            self.rates_day = Some(day);
            self.day_rates.clear();
        }
        if let Some((_, rate)) = self.day_rates.iter().find(|(c, _)| *c == from) {
            return *rate;
        }
        let rate = rates.rate(from, self.currency, day);
        self.day_rates.push((from, rate));
        rate
    }

    /// `quantity` shares of the security in `slot` on `day`, in the history's currency. Days
    /// are asked about in order.
    fn value(
        &mut self,
        account_id: Uuid,
        slot: usize,
        quantity: Decimal,
        day: NaiveDate,
        rates: &impl RateSource,
    ) -> Priced {
        let s = &mut self.slots[slot];
        let Some(security) = s.security else {
            // A security the market data does not know cannot be named by symbol either.
            return Priced::Missing(Missing {
                kind: MissingKind::Price,
                account_id,
                symbol: None,
                currency: None,
            });
        };
        while security
            .closes
            .get(s.next_close)
            .is_some_and(|(date, _)| *date <= day)
        {
            s.next_close += 1;
        }
        let close = (s.next_close > 0).then(|| security.closes[s.next_close - 1].1);
        let (Some(unit), Some(close)) = (&security.unit, close) else {
            return Priced::Missing(Missing::price(account_id, security.symbol.clone()));
        };
        // The splits after the day, the same from one split's day to the day before the next.
        let known =
            s.factor_from.is_some_and(|from| from <= day) && s.factor_to.is_none_or(|to| day < to);
        if !known {
            let after = || security.splits.iter().filter(|(date, _)| *date > day);
            s.factor = after()
                .next()
                .is_some()
                .then(|| after().map(|(_, f)| *f).product());
            s.factor_from = Some(day);
            s.factor_to = after().map(|(date, _)| *date).min();
        }
        // A factor of 1 and a unit of the currency itself leave the amount as it is, to the
        // last digit and scale (a product with a zero is zero either way).
        let mut amount = quantity * close;
        if let Some(factor) = s.factor {
            amount *= factor;
        }
        let in_unit = if unit.is_minor() {
            unit.to_major(amount)
        } else {
            amount
        };
        if unit.currency == *self.currency {
            return Priced::Value(in_unit);
        }
        match self.rate(&unit.currency, day, rates) {
            Some(rate) => Priced::Value(in_unit * rate),
            None => Priced::Missing(Missing::fx(
                account_id,
                unit.currency.clone(),
                Some(security.symbol.clone()),
            )),
        }
    }
}

/// Opens a span for what is missing on a day and closes those no longer missing.
#[derive(Default)]
struct SpanBook {
    /// What is missing, the first day and the last day it was.
    open: Vec<(Missing, NaiveDate, NaiveDate)>,
    closed: Vec<MissingSpan>,
}

type MissingKey = (u8, Uuid, Option<String>, Option<String>);

fn key_of(m: &Missing) -> MissingKey {
    (
        m.kind as u8,
        m.account_id,
        m.symbol.as_ref().map(|s| s.as_str().to_string()),
        m.currency.as_ref().map(|c| c.as_str().to_string()),
    )
}

/// Whether two are the same thing missing (what [`key_of`] tells apart).
fn same_missing(a: &Missing, b: &Missing) -> bool {
    a.kind as u8 == b.kind as u8
        && a.account_id == b.account_id
        && a.symbol.as_ref().map(Symbol::as_str) == b.symbol.as_ref().map(Symbol::as_str)
        && a.currency.as_ref().map(CurrencyCode::as_str)
            == b.currency.as_ref().map(CurrencyCode::as_str)
}

impl SpanBook {
    fn day(&mut self, day: NaiveDate, missing: Vec<Missing>) {
        if missing.is_empty() && self.open.is_empty() {
            return;
        }
        for m in missing {
            match self.open.iter_mut().find(|(o, _, _)| same_missing(o, &m)) {
                Some(span) => span.2 = day,
                None => self.open.push((m, day, day)),
            }
        }
        // Those not missing today were last missing on an earlier day.
        let mut i = 0;
        while i < self.open.len() {
            if self.open[i].2 == day {
                i += 1;
            } else {
                let (missing, from, to) = self.open.swap_remove(i);
                self.closed.push(MissingSpan { missing, from, to });
            }
        }
    }

    fn finish(mut self) -> Vec<MissingSpan> {
        self.closed.extend(
            self.open
                .into_iter()
                .map(|(missing, from, to)| MissingSpan { missing, from, to }),
        );
        self.closed.sort_by_key(|m| (m.from, key_of(&m.missing)));
        self.closed
    }
}

/// One account's history in its own currency. Events before the range are replayed too, so
/// that the first day's value holds everything up to it.
pub fn account_history<R: RateSource>(
    account_id: Uuid,
    ledger: AccountLedger<'_>,
    rates: &R,
    market: &Market,
    days: Days,
) -> Result<History, LedgerError> {
    let currency = ledger.currency.clone();
    let mut timeline = Timeline::new(ledger, rates);
    let mut prices = PriceCursor::new(market, &currency);
    let mut spans = SpanBook::default();
    let mut out = History {
        currency: currency.clone(),
        days: Vec::new(),
        flows: Vec::new(),
        totals: Vec::new(),
        missing: Vec::new(),
    };
    let mut before: Option<Totals> = None;
    for day in days.iter() {
        let seen_flows = timeline.replay().flows().len();
        let replay = timeline.advance_to(day)?;
        let mut missing = Vec::new();
        let mut flow = Decimal::ZERO;
        if day > days.start {
            for f in &replay.flows()[seen_flows..] {
                let amount = match f.value {
                    FlowValue::Cash(amount) => Some(amount),
                    FlowValue::Shares {
                        security_id,
                        quantity,
                    } => {
                        let slot = prices.slot(security_id);
                        match prices.value(account_id, slot, quantity, day, rates) {
                            Priced::Value(v) => Some(v),
                            Priced::Missing(m) => {
                                missing.push(m);
                                None
                            }
                        }
                    }
                };
                flow += amount.unwrap_or_default();
                out.flows.push(FlowEntry {
                    date: day,
                    account_id,
                    kind: f.kind,
                    source: f.source,
                    amount,
                });
            }
        }
        let totals = replay.totals();
        if let Some(b) = before {
            let change = DayTotals {
                date: day,
                income: totals.income - b.income,
                fees: totals.fees - b.fees,
                taxes: totals.taxes - b.taxes,
            };
            if !(change.income.is_zero() && change.fees.is_zero() && change.taxes.is_zero()) {
                out.totals.push(change);
            }
        }
        before = Some(totals);
        // Amounts of activities that could not be converted stay out from their day on.
        for u in replay.unconverted() {
            if let Ok(code) = CurrencyCode::parse(&u.currency) {
                missing.push(Missing::fx(account_id, code, None));
            }
        }
        let mut value = replay.cash_balance();
        for (n, (security_id, quantity)) in replay.quantities().enumerate() {
            let slot = prices.position_slot(n, security_id);
            match prices.value(account_id, slot, quantity, day, rates) {
                Priced::Value(v) => value += v,
                Priced::Missing(m) => missing.push(m),
            }
        }
        spans.day(day, missing);
        out.days.push(DayPoint {
            date: day,
            value,
            flow,
        });
    }
    out.missing = spans.finish();
    Ok(out)
}

/// Several accounts' histories summed in `base`, each day's amounts converted at the latest
/// rate on or before that day. An account whose currency has no rate on a day is left out of
/// that day (value and flows) and listed.
pub fn portfolio_history<R: RateSource>(
    base: &CurrencyCode,
    accounts: &[(Uuid, History)],
    rates: &R,
    days: Days,
) -> History {
    let mut spans = SpanBook::default();
    let mut out = History {
        currency: base.clone(),
        days: Vec::new(),
        flows: Vec::new(),
        totals: Vec::new(),
        missing: Vec::new(),
    };
    let rate_on = |currency: &CurrencyCode, day: NaiveDate| {
        if currency == base {
            Some(Decimal::ONE)
        } else {
            rates.rate(currency, base, day)
        }
    };
    for (i, day) in days.iter().enumerate() {
        let mut value = Decimal::ZERO;
        let mut flow = Decimal::ZERO;
        let mut missing = Vec::new();
        for (account_id, history) in accounts {
            let Some(point) = history.days.get(i) else {
                continue;
            };
            match rate_on(&history.currency, day) {
                Some(rate) => {
                    value += point.value * rate;
                    flow += point.flow * rate;
                }
                None => missing.push(Missing::fx(*account_id, history.currency.clone(), None)),
            }
        }
        spans.day(day, missing);
        out.days.push(DayPoint {
            date: day,
            value,
            flow,
        });
    }
    for (_, history) in accounts {
        for f in &history.flows {
            out.flows.push(FlowEntry {
                amount: f
                    .amount
                    .and_then(|a| rate_on(&history.currency, f.date).map(|r| a * r)),
                ..f.clone()
            });
        }
        for t in &history.totals {
            if let Some(rate) = rate_on(&history.currency, t.date) {
                out.totals.push(DayTotals {
                    date: t.date,
                    income: t.income * rate,
                    fees: t.fees * rate,
                    taxes: t.taxes * rate,
                });
            }
        }
    }
    out.flows.sort_by_key(|f| f.date);
    out.totals.sort_by_key(|t| t.date);
    let mut missing = spans.finish();
    for (_, history) in accounts {
        missing.extend(history.missing.iter().cloned());
    }
    missing.sort_by_key(|m| (m.from, key_of(&m.missing)));
    out.missing = missing;
    out
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use chrono::Datelike;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn day(n: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, n).unwrap()
    }

    fn security(symbol: &str, unit: Option<&str>, closes: &[(u32, &str)]) -> SecurityMarket {
        SecurityMarket {
            symbol: Symbol::parse(symbol).unwrap(),
            unit: unit.map(|u| QuoteUnit::parse(u).unwrap()),
            closes: closes.iter().map(|(n, c)| (day(*n), d(c))).collect(),
            splits: Vec::new(),
        }
    }

    /// A position valued as the definition reads: the latest close on or before the day,
    /// times every split after it, in the quote unit's major currency, converted at the day's
    /// rate.
    fn by_definition(
        market: &Market,
        id: Uuid,
        quantity: Decimal,
        day: NaiveDate,
        currency: &CurrencyCode,
        rates: &impl RateSource,
    ) -> Option<Decimal> {
        let s = market.get(&id)?;
        let close = s.closes.iter().rfind(|(date, _)| *date <= day)?.1;
        let unit = s.unit.as_ref()?;
        let factor: Decimal = s
            .splits
            .iter()
            .filter(|(date, _)| *date > day)
            .map(|(_, f)| *f)
            .product();
        let in_unit = unit.to_major(quantity * close * factor);
        if unit.currency == *currency {
            return Some(in_unit);
        }
        rates
            .rate(&unit.currency, currency, day)
            .map(|r| in_unit * r)
    }

    #[test]
    fn the_cursor_values_every_day_as_the_definition_to_the_last_digit_and_scale() {
        let ids: Vec<Uuid> = (1..=5).map(Uuid::from_u128).collect();
        let mut split = security("AAA", Some("USD"), &[(2, "10.50"), (4, "0"), (6, "7.125")]);
        // Out of date order, and one of them a factor with many digits.
        split.splits = vec![
            (day(7), d("2")),
            (day(3), d("1.3333333333333333333333333333")),
        ];
        let market: Market = [
            split,
            security("PPP", Some("GBp"), &[(1, "1234.5"), (5, "1250")]),
            security(
                "EEE",
                Some("EUR"),
                &[(1, "3.10"), (3, "3.2000"), (8, "3.3")],
            ),
            security("NOU", None, &[(1, "1")]),
        ]
        .into_iter()
        .zip(&ids)
        .map(|(s, id)| (*id, s))
        .collect();
        let usd = CurrencyCode::parse("USD").unwrap();
        // No EUR rate on the 4th and 5th; the rates differ every day.
        let rates = |from: &CurrencyCode, to: &CurrencyCode, date: NaiveDate| {
            let n = date.day0();
            match (from.as_str(), to.as_str()) {
                ("GBP", "USD") => Some(d("1.25") + Decimal::new(i64::from(n), 3)),
                ("EUR", "USD") if !(3..=4).contains(&n) => {
                    Some(d("1.0850") + Decimal::new(i64::from(n), 2))
                }
                _ => None,
            }
        };
        let quantities = [d("3"), d("0.5"), d("12.25"), d("1"), d("2")];
        let mut cursor = PriceCursor::new(&market, &usd);
        for n in 1..=10 {
            // A position is added on the 4th, before the others in their order.
            let held: Vec<(Uuid, Decimal)> = ids
                .iter()
                .copied()
                .zip(quantities)
                .filter(|(id, _)| n >= 4 || *id != ids[0])
                .collect();
            for (i, (id, quantity)) in held.into_iter().enumerate() {
                let slot = cursor.position_slot(i, id);
                let got = match cursor.value(Uuid::nil(), slot, quantity, day(n), &rates) {
                    Priced::Value(v) => Some(v),
                    Priced::Missing(_) => None,
                };
                let want = by_definition(&market, id, quantity, day(n), &usd, &rates);
                assert_eq!(
                    got.map(|v| v.serialize()),
                    want.map(|v| v.serialize()),
                    "security {id} on day {n}: {got:?}, {want:?}"
                );
            }
        }
    }
}
