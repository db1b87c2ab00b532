//! "How did I do?": the value of the owner's ledger accounts on every day of a range, and the
//! returns read from it (TWR, annualized TWR, MWR, gain, income, fees, taxes), for the
//! portfolio in the base currency or for one account in its own. The figures are computed
//! here once, by `domain::performance`; the HTTP route, the TUI and the CLI only show them.

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::{AccountLedger, Activity, ActivityType, PositionStatement};
use crate::domain::performance::{
    account_history, portfolio_history, returns, Days, FlowEntry, History, Market, MissingSpan,
    Returns, SecurityMarket,
};
use crate::domain::{Account, CurrencyCode, QuoteUnit, User};

use super::ledger::{LedgerService, MarketRows, UserRows};
use super::portfolio::ACCOUNT_NOT_FOUND;
use super::{Entity, ServiceError, ServiceResult};

/// The days asked for; open ends are the first activity or statement, and today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PerformanceQuery {
    pub account_id: Option<Uuid>,
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

/// An account left out of the figures: it has neither activities nor position statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Excluded {
    pub account_id: Uuid,
    pub name: String,
}

/// One account's returns over the same range, in its own currency, beside the portfolio's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountReturns {
    pub account_id: Uuid,
    pub name: String,
    pub currency: CurrencyCode,
    /// Its series is left empty: the account's own answer has it.
    pub returns: Returns,
    pub complete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Performance {
    /// The base currency for the portfolio, the account's for one account.
    pub currency: CurrencyCode,
    pub returns: Returns,
    pub income: Decimal,
    pub fees: Decimal,
    pub taxes: Decimal,
    /// Every flow of the days after the first, valued in `currency`.
    pub flows: Vec<FlowEntry>,
    pub excluded: Vec<Excluded>,
    /// What is left out, and on which days.
    pub missing: Vec<MissingSpan>,
    /// Each account counted, by name: for the portfolio, every account with a ledger; for
    /// one account, that one.
    pub accounts: Vec<AccountReturns>,
}

impl Performance {
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

#[derive(Clone)]
pub struct PerformanceService {
    /// The owner's ledger rows, held per data version and shared with the ledger's views.
    ledger: LedgerService,
}

/// One account with what its ledger is replayed from, borrowed from the owner's rows.
struct Ledger<'a> {
    account: &'a Account,
    activities: &'a [Activity],
    statements: Vec<PositionStatement>,
}

impl Ledger<'_> {
    fn first_date(&self) -> Option<NaiveDate> {
        let activities = self.activities.iter().map(|a| a.date);
        let statements = self.statements.iter().map(|s| s.date);
        activities.chain(statements).min()
    }
}

impl PerformanceService {
    pub fn new(ledger: LedgerService) -> Self {
        Self { ledger }
    }

    /// The performance of the owner's portfolio (or of the one account) over the range.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = ?query.account_id))]
    pub async fn performance(
        &self,
        user: &User,
        query: PerformanceQuery,
    ) -> ServiceResult<Performance> {
        let today = Utc::now().date_naive();
        let end = query.end.unwrap_or(today);
        if end > today {
            return Err(ServiceError::bad_request(
                "end",
                format!("end {end} is after today ({today})"),
            ));
        }
        if let Some(start) = query.start.filter(|s| *s > end) {
            return Err(ServiceError::bad_request(
                "start",
                format!("start {start} is after end {end}"),
            ));
        }
        let held = self.ledger.rows(user).await?;
        let rows = held.rows.as_ref();
        let (accounts, excluded) = select(rows, query.account_id)?;
        // Every security the accounts' activities and holdings name.
        let ids = accounts
            .iter()
            .flat_map(|a| rows.of(a.id).securities.iter().copied());
        let stored = self.ledger.market(ids, held.version.market).await?;
        let ledgers = accounts
            .into_iter()
            .map(|account| {
                let statements = rows
                    .of(account.id)
                    .holdings
                    .iter()
                    .map(|h| {
                        let unit = stored.securities.get(&h.security_id).ok_or_else(|| {
                            ServiceError::not_found(Entity::Security, "Security not found")
                        })?;
                        Ok(PositionStatement::from_holding(h, &unit.security.currency))
                    })
                    .collect::<ServiceResult<Vec<_>>>()?;
                Ok(Ledger {
                    account,
                    activities: rows.activities(account.id),
                    statements,
                })
            })
            .collect::<ServiceResult<Vec<_>>>()?;
        let first = ledgers.iter().filter_map(Ledger::first_date).min();
        let start = query.start.or(first).unwrap_or(end).min(end);
        let days = Days { start, end };
        // One account is read in its own currency, the portfolio in the base currency.
        let currency = match query.account_id {
            Some(_) => ledgers
                .iter()
                .map(|l| l.account)
                .chain(excluded.iter().copied())
                .next()
                .map_or_else(|| user.base_currency.clone(), |a| a.currency.clone()),
            None => user.base_currency.clone(),
        };
        let market = market(&ledgers, &stored, start, end);
        let currencies = ledgers
            .iter()
            .flat_map(|l| {
                rows.of(l.account.id)
                    .units
                    .iter()
                    .map(String::as_str)
                    .chain(l.statements.iter().map(|s| s.currency.as_str()))
                    .chain(std::iter::once(l.account.currency.as_str()))
            })
            .filter_map(|c| QuoteUnit::parse(c).ok().map(|u| u.currency))
            .chain(
                market
                    .values()
                    .filter_map(|s| s.unit.as_ref().map(|u| u.currency.clone())),
            )
            .chain(std::iter::once(currency.clone()))
            .collect::<Vec<_>>();
        let rates = self
            .ledger
            .rates(currencies, end, held.version.market)
            .await?;
        let rates = rates.as_ref();
        let mut histories = Vec::with_capacity(ledgers.len());
        for l in &ledgers {
            let ledger = AccountLedger {
                currency: &l.account.currency,
                method: l.account.cost_basis_method,
                activities: l.activities,
                statements: &l.statements,
            };
            histories.push((
                l.account.id,
                account_history(l.account.id, ledger, rates, &market, days)?,
            ));
        }
        let mut accounts: Vec<AccountReturns> = ledgers
            .iter()
            .zip(&histories)
            .filter_map(|(l, (_, h))| {
                let mut returns = returns(&h.days)?;
                returns.series = Vec::new();
                Some(AccountReturns {
                    account_id: l.account.id,
                    name: l.account.name.clone(),
                    currency: l.account.currency.clone(),
                    returns,
                    complete: h.complete(),
                })
            })
            .collect();
        accounts.sort_by(|a, b| a.name.cmp(&b.name));
        let history: History = match (query.account_id, histories.len()) {
            (Some(_), 1) => histories.pop().map(|(_, h)| h).expect("one history"),
            _ => portfolio_history(&currency, &histories, rates, days),
        };
        let returns = returns(&history.days).expect("a range has at least one day");
        Ok(Performance {
            currency,
            income: history.income(),
            fees: history.fees(),
            taxes: history.taxes(),
            returns,
            flows: history.flows,
            excluded: excluded
                .into_iter()
                .map(|a| Excluded {
                    account_id: a.id,
                    name: a.name.clone(),
                })
                .collect(),
            missing: history.missing,
            accounts,
        })
    }
}

/// The daily closes of every security the ledgers touch, from the newest on or before `start`
/// to `end`, with their splits: those the market data reported (stored by every sync), and
/// those recorded as activities in the owner's ledgers on other days.
fn market(ledgers: &[Ledger<'_>], stored: &MarketRows, start: NaiveDate, end: NaiveDate) -> Market {
    let mut market = Market::new();
    for (id, s) in &stored.securities {
        market.insert(
            *id,
            SecurityMarket {
                unit: QuoteUnit::parse(&s.security.currency).ok(),
                symbol: s.security.symbol.clone(),
                closes: s.closes(start, end).to_vec(),
                splits: s.splits.clone(),
            },
        );
    }
    // A split recorded in a ledger stands in for one the market data has not reported.
    for l in ledgers {
        for a in l.activities {
            if let (ActivityType::Split, Some(id), Some(ratio)) =
                (a.activity_type, a.security_id, a.split_ratio)
            {
                if let Some(s) = market.get_mut(&id) {
                    let factor = ratio.new_shares() / ratio.old_shares();
                    if !s.splits.iter().any(|(d, _)| *d == a.date) {
                        s.splits.push((a.date, factor));
                    }
                }
            }
        }
    }
    for s in market.values_mut() {
        s.splits.sort_by_key(|(d, _)| *d);
    }
    market
}

/// The accounts asked for, with a ledger (activities or holdings), and those left out for
/// having neither; one account not the owner's is not found.
fn select(
    rows: &UserRows,
    account_id: Option<Uuid>,
) -> ServiceResult<(Vec<&Account>, Vec<&Account>)> {
    let asked: Vec<&Account> = match account_id {
        Some(id) => vec![rows
            .account(id)
            .ok_or_else(|| ServiceError::not_found(Entity::Account, ACCOUNT_NOT_FOUND))?],
        None => rows.accounts.iter().collect(),
    };
    Ok(asked.into_iter().partition(|a| {
        let r = rows.of(a.id);
        rows.has_activities(a.id) || !r.holdings.is_empty()
    }))
}
