//! The ledger of one account from its inputs: as of one date, checked whole, or stepped
//! through dates for a daily series.

use chrono::NaiveDate;

use super::convert::RateSource;
use super::replay::{LedgerEvent, Replay};
use super::views::LedgerSnapshot;
use super::{Activity, CostBasisMethod, LedgerError, PositionStatement};
use crate::domain::CurrencyCode;

/// What one account's ledger is computed from.
#[derive(Debug, Clone, Copy)]
pub struct AccountLedger<'a> {
    pub currency: &'a CurrencyCode,
    pub method: CostBasisMethod,
    /// In any order.
    pub activities: &'a [Activity],
    /// In any order.
    pub statements: &'a [PositionStatement],
}

/// A replay that advances through dates: events are sorted once and each is fed once, however
/// many dates are read.
pub struct Timeline<'a, R: RateSource> {
    events: Vec<LedgerEvent<'a>>,
    next: usize,
    replay: Replay,
    rates: &'a R,
}

impl<'a, R: RateSource> Timeline<'a, R> {
    pub fn new(account: AccountLedger<'a>, rates: &'a R) -> Self {
        let events = LedgerEvent::ordered(account.activities, account.statements);
        let mut replay = Replay::new(account.currency.clone(), account.method);
        replay.reserve_for(&events);
        Self {
            events,
            next: 0,
            replay,
            rates,
        }
    }

    /// The date of the first event, where a performance range starts by default.
    pub fn first_date(&self) -> Option<NaiveDate> {
        self.events.first().map(LedgerEvent::date)
    }

    /// Feeds every event dated on or before `date` not fed yet. Dates read in turn must not go
    /// backwards; an earlier date changes nothing.
    pub fn advance_to(&mut self, date: NaiveDate) -> Result<&Replay, LedgerError> {
        while let Some(event) = self.events.get(self.next) {
            if event.date() > date {
                break;
            }
            self.replay.apply(*event, self.rates)?;
            self.next += 1;
        }
        Ok(&self.replay)
    }

    /// Feeds every remaining event.
    pub fn finish(mut self) -> Result<Replay, LedgerError> {
        for event in &self.events[self.next..] {
            self.replay.apply(*event, self.rates)?;
        }
        self.next = self.events.len();
        Ok(self.replay)
    }

    /// The state after the events fed so far.
    pub fn replay(&self) -> &Replay {
        &self.replay
    }

    /// The state after the events fed so far, for a caller done advancing.
    pub fn into_replay(self) -> Replay {
        self.replay
    }
}

/// The ledger as of the end of `as_of`: events after it are not read.
pub fn ledger_as_of(
    account: AccountLedger<'_>,
    rates: &impl RateSource,
    as_of: NaiveDate,
) -> Result<LedgerSnapshot, LedgerError> {
    let mut timeline = Timeline::new(account, rates);
    timeline.advance_to(as_of)?;
    Ok(timeline.into_replay().into_snapshot(as_of))
}

/// Whether every event of the account can be replayed: the service calls it on the ledger a
/// change would leave, and refuses the change on an error (a sale of more than is then held).
pub fn check_ledger(
    account: AccountLedger<'_>,
    rates: &impl RateSource,
) -> Result<(), LedgerError> {
    Timeline::new(account, rates).finish().map(|_| ())
}
