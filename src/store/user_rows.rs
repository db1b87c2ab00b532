//! Everything one user owns, with the shared market data their figures are computed from:
//! what [`super::BackupStore`] reads in one snapshot and writes back in one transaction.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::ledger::Activity;
use crate::domain::security_event::{CorporateAction, SecurityEvent};
use crate::domain::{
    Account, AccountValue, Currency, CurrencyCode, ExchangeRate, Holding, Institution, PriceBar,
    QuoteUnit, Security, User,
};

/// A user's "no" to a proposed activity, with when it was said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalDismissal {
    pub account_id: Uuid,
    pub proposal_id: Uuid,
    pub dismissed_at: DateTime<Utc>,
}

/// One user's rows and the market data they use, in no particular order.
///
/// Market data is shared by every user of a store; what belongs here is what this user's
/// figures read: the securities held or traded in their accounts, those securities' daily
/// bars and splits and dividends, the currencies any of their rows is in, and the exchange
/// rates between those currencies. Intraday, weekly and monthly bars only feed charts and are
/// fetched again when one is drawn; sessions and password-reset tokens are credentials of the
/// server that issued them and stay behind.
#[derive(Debug, Clone, PartialEq)]
pub struct UserRows {
    pub user: User,
    pub institutions: Vec<Institution>,
    pub accounts: Vec<Account>,
    pub account_values: Vec<AccountValue>,
    pub holdings: Vec<Holding>,
    pub activities: Vec<Activity>,
    pub proposal_dismissals: Vec<ProposalDismissal>,
    pub currencies: Vec<Currency>,
    pub exchange_rates: Vec<ExchangeRate>,
    pub securities: Vec<Security>,
    /// Daily bars only.
    pub prices: Vec<PriceBar>,
    pub security_events: Vec<SecurityEvent>,
}

/// The currencies the user's rows are kept or quoted in, by code: the base currency, each
/// account's, and the major currency of each activity's, security's and dividend's unit (a
/// price in pence needs the pound's rates). A unit that names no currency is left out.
pub(crate) fn currencies_used(
    user: &User,
    accounts: &[Account],
    activities: &[Activity],
    securities: &[Security],
    events: &[SecurityEvent],
) -> Vec<CurrencyCode> {
    let mut codes = BTreeSet::new();
    codes.insert(user.base_currency.clone());
    codes.extend(accounts.iter().map(|a| a.currency.clone()));
    let units = activities
        .iter()
        .map(|a| a.currency.as_str())
        .chain(securities.iter().map(|s| s.currency.as_str()))
        .chain(events.iter().filter_map(|e| match &e.action {
            CorporateAction::Dividend {
                currency: Some(c), ..
            } => Some(c.as_str()),
            _ => None,
        }));
    // Many activities share few units: each distinct text is parsed once.
    let distinct: BTreeSet<&str> = units.collect();
    codes.extend(
        distinct
            .into_iter()
            .filter_map(|u| QuoteUnit::parse(u).ok().map(|q| q.currency)),
    );
    codes.into_iter().collect()
}
