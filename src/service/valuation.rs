//! The portfolio in its owner's base currency on a date: the one valuation that
//! `GET /api/v1/portfolio`, the TUI's accounts screen and the net worth in its header show.
//!
//! It reads today's accounts and holdings with the balances, closes and rates in force on the
//! date, with a fixed number of queries however many accounts and positions there are, and
//! leaves the arithmetic to [`domain::valuation::value_portfolio`].

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::LedgerSnapshot;
use crate::domain::valuation::{
    self, AccountFacts, Close, Held, Missing, PositionFacts, Unvalued, Valuation,
};
use crate::domain::{self, CurrencyCode, Holding, PageRequest, QuoteUnit, User};
use crate::store::LatestClose;

use super::ledger::{newest_closes, position_lines, PositionLine, Replayed};
use super::portfolio::{AccountSummary, InstitutionGroup, Overview, PortfolioService};
use super::{ServiceError, ServiceResult};

/// The closes read per security: the price, and the one before it for the day's change.
const CLOSES_PER_SECURITY: i64 = 2;

/// The portfolio's valuation and the positions of each of its accounts on one date, from one
/// replay of each account: what the TUI's accounts and holdings screens show together.
#[derive(Debug, Clone, PartialEq)]
pub struct PortfolioLedgers {
    pub valuation: Valuation,
    /// By account, as [`super::ledger::LedgerService::positions`] answers each on the same
    /// date; an account with neither activities nor holdings has none.
    pub positions: HashMap<Uuid, Vec<PositionLine>>,
    /// The accounts kept by activities (their holdings are statements in the ledger).
    pub kept_by_activities: Vec<Uuid>,
}

impl PortfolioLedgers {
    pub fn positions_of(&self, account_id: Uuid) -> &[PositionLine] {
        self.positions.get(&account_id).map_or(&[], Vec::as_slice)
    }

    pub fn is_kept_by_activities(&self, account_id: Uuid) -> bool {
        self.kept_by_activities.contains(&account_id)
    }
}

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
        Ok(self.valuation_and_positions(user, as_of).await?.valuation)
    }

    /// [`PortfolioService::valuation`] with the positions of every account, each account
    /// replayed once for both: its stored rows as of the user's data version, then the
    /// securities, closes and rates they need, each read in one statement whatever the number
    /// of accounts and positions, and the arithmetic left to
    /// [`domain::valuation::value_portfolio`].
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn valuation_and_positions(
        &self,
        user: &User,
        as_of: Option<NaiveDate>,
    ) -> ServiceResult<PortfolioLedgers> {
        let today = Utc::now().date_naive();
        let as_of = match as_of {
            Some(date) => checked_as_of(date, today)?,
            None => today,
        };
        let store = self.store.as_ref();
        let ledger = self.ledger.rows(user).await?;
        let rows = ledger.rows.as_ref();
        let ids: Vec<Uuid> = rows.accounts.iter().map(|a| a.id).collect();
        // Every account's currency and the base currency, so that the rates read for the
        // replay also value every account.
        let also: Vec<CurrencyCode> = rows
            .accounts
            .iter()
            .map(|a| a.currency.clone())
            .chain(std::iter::once(user.base_currency.clone()))
            .collect();
        let (mut balances, replayed) = tokio::try_join!(
            async { Ok::<_, ServiceError>(store.account_values_on_or_before(&ids, as_of).await?) },
            self.ledger
                .replay_rows(&ledger, &rows.accounts, as_of, &also, CLOSES_PER_SECURITY),
        )?;
        let Replayed {
            ledgers: replayed,
            securities,
            rates,
            closes,
        } = replayed;
        let book = rates.book_on(as_of);
        let newest = newest_closes(&closes);
        // An account with activities is valued from its ledger (its holdings read as
        // statements in it); the others from their current holdings and balances.
        let mut ledgers: HashMap<Uuid, LedgerFacts> = HashMap::new();
        let mut lines = HashMap::new();
        let mut kept_by_activities = Vec::new();
        for (account, snapshot) in replayed {
            let id = account.id;
            if rows.has_activities(id) {
                kept_by_activities.push(id);
                ledgers.insert(id, LedgerFacts::of(id, &snapshot, as_of));
            }
            let replayed = position_lines(account, snapshot, &securities, &newest, &rates, as_of)?;
            lines.insert(id, replayed);
        }
        let holdings: Vec<Holding> = rows
            .accounts
            .iter()
            .filter(|a| !ledgers.contains_key(&a.id))
            .flat_map(|a| rows.current_holdings(a.id))
            .cloned()
            .collect();
        let closes = newest_two(closes);

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
        for (&account_id, ledger) in &mut ledgers {
            for held in std::mem::take(&mut ledger.held) {
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
        let facts = rows
            .accounts
            .iter()
            .cloned()
            .map(|account| {
                let ledger = ledgers.remove(&account.id);
                AccountFacts {
                    balance: balances.remove(&account.id),
                    positions: positions.remove(&account.id).unwrap_or_default(),
                    ledger_cash: ledger.as_ref().map(|l| l.cash),
                    unconverted: ledger.map(|l| l.unconverted).unwrap_or_default(),
                    account,
                }
            })
            .collect();
        Ok(PortfolioLedgers {
            valuation: valuation::value_portfolio(&user.base_currency, as_of, facts, &book),
            positions: lines,
            kept_by_activities,
        })
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

/// What the valuation reads of an account's replayed ledger.
struct LedgerFacts {
    held: Vec<Held>,
    cash: Decimal,
    unconverted: Vec<Unvalued>,
}

impl LedgerFacts {
    fn of(account_id: Uuid, ledger: &LedgerSnapshot, as_of: NaiveDate) -> Self {
        let held = ledger
            .positions
            .iter()
            .filter(|p| p.is_open())
            .map(|p| Held::Ledger {
                account_id,
                security_id: p.security_id,
                quantity: p.quantity,
                cost: p.average_cost.map(|_| p.cost_basis),
                since: p.lots.first().map_or(as_of, |l| l.opened),
            })
            .collect();
        Self {
            held,
            cash: ledger.cash.balance,
            unconverted: unconverted(account_id, ledger),
        }
    }
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
