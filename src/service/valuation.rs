//! The portfolio in its owner's base currency on a date: the one valuation that
//! `GET /api/v1/portfolio`, the TUI's accounts screen and the net worth in its header show.
//!
//! It reads today's accounts and holdings with the balances, closes and rates in force on the
//! date, with a fixed number of queries however many accounts and positions there are, and
//! leaves the arithmetic to [`domain::valuation::value_portfolio`].

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::LedgerSnapshot;
use crate::domain::valuation::{
    self, AccountFacts, Close, Held, Missing, PositionFacts, Unvalued, Valuation,
};
use crate::domain::{self, CurrencyCode, Holding, PageRequest, QuoteUnit, Security, User};
use crate::store::LatestClose;

use super::ledger::replay_accounts;
use super::portfolio::{AccountSummary, InstitutionGroup, Overview, PortfolioService};
use super::{rates, ServiceError, ServiceResult};

/// The closes read per security: the price, and the one before it for the day's change.
const CLOSES_PER_SECURITY: i64 = 2;

impl PortfolioService {
    /// The user's accounts and positions valued in their base currency as of `as_of` (today,
    /// in UTC, when `None`): each position at its newest close on or before the date, each
    /// account at its newest balance on or before it, each conversion at the rate in force on
    /// it. What cannot be priced or converted is left out of every total and listed.
    ///
    /// A date after today is refused (there is nothing to value yet), as is one outside the
    /// range the stores keep.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn valuation(
        &self,
        user: &User,
        as_of: Option<NaiveDate>,
    ) -> ServiceResult<Valuation> {
        let today = Utc::now().date_naive();
        let as_of = match as_of {
            Some(date) => checked_as_of(date, today)?,
            None => today,
        };
        let store = &self.store;
        let accounts = store.accounts(user.id, PageRequest::all()).await?.items;
        let ids: Vec<Uuid> = accounts.iter().map(|a| a.id).collect();
        let (mut balances, holdings, activities) = tokio::try_join!(
            store.account_values_on_or_before(&ids, as_of),
            store.current_holdings_of_user(user.id),
            store.user_activities(user.id),
        )?;
        // An account with activities is valued from its ledger (its holdings read as
        // statements in it); the others from their current holdings and balances.
        let base = [user.base_currency.clone()];
        let ledgers =
            replay_accounts(store.as_ref(), accounts.clone(), activities, as_of, &base).await?;
        let mut ledgers: HashMap<Uuid, LedgerSnapshot> = ledgers
            .into_iter()
            .map(|(account, snapshot, _)| (account.id, snapshot))
            .collect();
        let holdings: Vec<Holding> = holdings
            .into_iter()
            .filter(|h| !ledgers.contains_key(&h.account_id))
            .collect();
        let mut security_ids: Vec<Uuid> = holdings
            .iter()
            .map(|h| h.security_id)
            .chain(
                ledgers
                    .values()
                    .flat_map(|l| l.positions.iter().filter(|p| p.is_open()))
                    .map(|p| p.security_id),
            )
            .collect();
        security_ids.sort_unstable();
        security_ids.dedup();
        let (securities, closes) = tokio::try_join!(
            store.securities_by_ids(&security_ids),
            store.closes_on_or_before(&security_ids, as_of, CLOSES_PER_SECURITY),
        )?;
        let securities: HashMap<Uuid, Security> =
            securities.into_iter().map(|s| (s.id, s)).collect();
        let closes = newest_two(closes);

        let mut currencies: HashSet<CurrencyCode> =
            accounts.iter().map(|a| a.currency.clone()).collect();
        currencies.insert(user.base_currency.clone());
        currencies.extend(
            securities
                .values()
                .filter_map(|s| QuoteUnit::parse(&s.currency).ok())
                .map(|u| u.currency),
        );
        let currencies: Vec<CurrencyCode> = currencies.into_iter().collect();
        let book = rates::rate_book(store.as_ref(), &currencies, as_of).await?;

        let facts_of = |held: Held| -> ServiceResult<PositionFacts> {
            let security = securities.get(&held.security_id()).ok_or_else(|| {
                ServiceError::internal(format!(
                    "position of {} has no security",
                    held.security_id()
                ))
            })?;
            let (close, previous_close) =
                closes.get(&held.security_id()).copied().unwrap_or_default();
            Ok(PositionFacts {
                symbol: security.symbol.clone(),
                quote: security.currency.clone(),
                close,
                previous_close,
                held,
            })
        };
        let mut positions: HashMap<Uuid, Vec<PositionFacts>> = HashMap::new();
        for holding in holdings {
            let account_id = holding.account_id;
            let facts = facts_of(Held::Snapshot(holding))?;
            positions.entry(account_id).or_default().push(facts);
        }
        for (&account_id, ledger) in &ledgers {
            for p in ledger.positions.iter().filter(|p| p.is_open()) {
                let held = Held::Ledger {
                    account_id,
                    security_id: p.security_id,
                    quantity: p.quantity,
                    cost: p.average_cost.map(|_| p.cost_basis),
                    since: p.lots.first().map_or(as_of, |l| l.opened),
                };
                positions
                    .entry(account_id)
                    .or_default()
                    .push(facts_of(held)?);
            }
        }
        // By symbol, so that what is left out is listed in the same order every time.
        for held in positions.values_mut() {
            held.sort_by(|a, b| a.symbol.cmp(&b.symbol));
        }
        let facts = accounts
            .into_iter()
            .map(|account| {
                let ledger = ledgers.remove(&account.id);
                AccountFacts {
                    balance: balances.remove(&account.id),
                    positions: positions.remove(&account.id).unwrap_or_default(),
                    ledger_cash: ledger.as_ref().map(|l| l.cash.balance),
                    unconverted: ledger
                        .map(|l| unconverted(account.id, &l))
                        .unwrap_or_default(),
                    account,
                }
            })
            .collect();
        Ok(valuation::value_portfolio(
            &user.base_currency,
            as_of,
            facts,
            &book,
        ))
    }

    /// Accounts grouped by institution with their figures and totals in the user's base
    /// currency, as of today.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn overview(&self, user: &User) -> ServiceResult<Overview> {
        let valuation = self.valuation(user, None).await?;
        self.overview_of(user, &valuation).await
    }

    /// `valuation`'s accounts grouped by institution: every figure is the valuation's.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn overview_of(&self, user: &User, valuation: &Valuation) -> ServiceResult<Overview> {
        let institutions = self
            .store
            .institutions(user.id, PageRequest::all())
            .await?
            .items;
        let mut groups: Vec<InstitutionGroup> = institutions
            .into_iter()
            .map(|i| InstitutionGroup {
                institution: Some(i),
                accounts: Vec::new(),
                total_base: Decimal::ZERO,
            })
            .collect();
        let mut unlinked = InstitutionGroup {
            institution: None,
            accounts: Vec::new(),
            total_base: Decimal::ZERO,
        };
        let mut worth_base = HashMap::new();
        for a in &valuation.accounts {
            let id = a.account.id;
            if let Some(v) = a.value_base {
                worth_base.insert(id, v);
            }
            let balance = a.balance.as_ref();
            let summary = AccountSummary {
                account: a.account.clone(),
                current_balance: balance.map(|b| b.balance),
                current_cash_balance: balance.and_then(|b| b.cash_balance),
                balance_as_of: balance.map(|b| b.timestamp),
                market_value: a.market_value.unwrap_or_default(),
                // Its own positions left out; the account's own conversion is the total's.
                missing: valuation
                    .missing()
                    .filter(|m| m.account_id == id && m.symbol.is_some())
                    .cloned()
                    .collect(),
                positions: a.positions,
            };
            let group = a
                .account
                .institution_id
                .and_then(|inst| {
                    groups
                        .iter_mut()
                        .find(|g| g.institution.as_ref().map(|i| i.id) == Some(inst))
                })
                .unwrap_or(&mut unlinked);
            group.total_base += a.value_base.unwrap_or_default();
            group.accounts.push(summary);
        }
        if !unlinked.accounts.is_empty() {
            groups.push(unlinked);
        }
        Ok(Overview {
            base_currency: valuation.base_currency.clone(),
            groups,
            net_worth: valuation.net_worth,
            worth_base,
            missing: valuation.missing().cloned().collect(),
        })
    }
}

/// A valuation date the stores keep and that has happened.
pub(super) fn checked_as_of(date: NaiveDate, today: NaiveDate) -> ServiceResult<NaiveDate> {
    let date = domain::time::check_date("as_of", date)?;
    if date > today {
        return Err(ServiceError::bad_request(
            "as_of",
            format!("as_of {date} is after today ({today} UTC): nothing can be valued yet"),
        ));
    }
    Ok(date)
}

/// What a replayed ledger could not convert into its account's currency, each currency listed
/// once from the first day it was met.
fn unconverted(account_id: Uuid, ledger: &LedgerSnapshot) -> Vec<Unvalued> {
    let mut first: BTreeMap<CurrencyCode, NaiveDate> = BTreeMap::new();
    for u in &ledger.unconverted {
        if let Ok(unit) = QuoteUnit::parse(&u.currency) {
            let since = first.entry(unit.currency).or_insert(u.date);
            *since = (*since).min(u.date);
        }
    }
    first
        .into_iter()
        .map(|(currency, since)| Unvalued {
            missing: Missing::fx(account_id, currency, None),
            since: Some(since),
        })
        .collect()
}

/// Each security's newest close and the one before it, from closes grouped by security and
/// newest first within each.
fn newest_two(closes: Vec<LatestClose>) -> HashMap<Uuid, (Option<Close>, Option<Close>)> {
    let mut out: HashMap<Uuid, (Option<Close>, Option<Close>)> = HashMap::new();
    for c in closes {
        let close = Close {
            at: c.timestamp,
            price: c.close,
        };
        let slot = out.entry(c.security_id).or_default();
        match slot {
            (None, _) => slot.0 = Some(close),
            (Some(_), None) => slot.1 = Some(close),
            _ => {}
        }
    }
    out
}
