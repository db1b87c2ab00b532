//! The value of an account at the end of every day of a range, and its external flows, from
//! its ledger replayed day by day; then of a portfolio in the base currency. Positions are
//! valued at their latest close on or before each day, times the splits after it (closes are
//! split-adjusted), converted at the latest rate on or before it. What cannot be priced or
//! converted is left out and listed for the days it is missing, never counted as 0.

use std::collections::{BTreeMap, HashMap};

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
/// order: each security's closes are walked once over the whole range.
struct PriceCursor<'a> {
    market: &'a Market,
    next_close: HashMap<Uuid, usize>,
}

/// A position's or flow's shares valued on a day, in the account's currency.
enum Priced {
    Value(Decimal),
    Missing(Missing),
}

impl<'a> PriceCursor<'a> {
    fn new(market: &'a Market) -> Self {
        Self {
            market,
            next_close: HashMap::new(),
        }
    }

    fn value(
        &mut self,
        account_id: Uuid,
        security_id: Uuid,
        quantity: Decimal,
        day: NaiveDate,
        currency: &CurrencyCode,
        rates: &impl RateSource,
    ) -> Priced {
        let Some(security) = self.market.get(&security_id) else {
            // A security the market data does not know cannot be named by symbol either.
            return Priced::Missing(Missing {
                kind: MissingKind::Price,
                account_id,
                symbol: None,
                currency: None,
            });
        };
        let next = self.next_close.entry(security_id).or_insert(0);
        while security
            .closes
            .get(*next)
            .is_some_and(|(date, _)| *date <= day)
        {
            *next += 1;
        }
        let close = (*next > 0).then(|| security.closes[*next - 1].1);
        let (Some(unit), Some(close)) = (&security.unit, close) else {
            return Priced::Missing(Missing::price(account_id, security.symbol.clone()));
        };
        let factor: Decimal = security
            .splits
            .iter()
            .filter(|(date, _)| *date > day)
            .map(|(_, f)| *f)
            .product();
        let in_unit = unit.to_major(quantity * close * factor);
        if unit.currency == *currency {
            return Priced::Value(in_unit);
        }
        match rates.rate(&unit.currency, currency, day) {
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
    open: BTreeMap<MissingKey, (Missing, NaiveDate, NaiveDate)>,
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

impl SpanBook {
    fn day(&mut self, day: NaiveDate, missing: Vec<Missing>) {
        let mut seen = Vec::with_capacity(missing.len());
        for m in missing {
            let key = key_of(&m);
            match self.open.get_mut(&key) {
                Some(span) => span.2 = day,
                None => {
                    self.open.insert(key.clone(), (m, day, day));
                }
            }
            seen.push(key);
        }
        let gone: Vec<MissingKey> = self
            .open
            .keys()
            .filter(|k| !seen.contains(k))
            .cloned()
            .collect();
        for key in gone {
            if let Some((missing, from, to)) = self.open.remove(&key) {
                self.closed.push(MissingSpan { missing, from, to });
            }
        }
    }

    fn finish(mut self) -> Vec<MissingSpan> {
        self.closed.extend(
            self.open
                .into_values()
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
    let mut prices = PriceCursor::new(market);
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
                        match prices.value(account_id, security_id, quantity, day, &currency, rates)
                        {
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
        let held: Vec<(Uuid, Decimal)> = replay.quantities().collect();
        for (security_id, quantity) in held {
            match prices.value(account_id, security_id, quantity, day, &currency, rates) {
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
