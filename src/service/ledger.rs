//! The ledger's derived views of an owner's accounts: positions with their lots and market
//! figures, cash, realized gains and income. Each view replays the account's activities and
//! position statements with [`ledger_as_of`], converting at the stored rates of each date; the
//! figures are made here once, and the HTTP routes, the TUI and the CLI only show them.
//!
//! What cannot be priced or converted stays `None` and out of every total: never 0, never at
//! cost, never 1:1.

mod market_rows;
mod rates;
mod rows;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::ledger::convert::to_kept_places;
use crate::domain::ledger::{
    check_ledger, ledger_as_of, AccountLedger, Activity, CashBalance, LedgerError, LedgerSnapshot,
    NoRates, Position, PositionStatement, RateSource, RealizedGain,
};
use crate::domain::{
    money, Account, CurrencyCode, DataVersion, Holding, PageRequest, QuoteUnit, Security, User,
};
use crate::store::{LatestClose, SecurityQuote, Store};

use super::valuation::checked_as_of;
use super::{Entity, ServiceError, ServiceResult};

pub(crate) use market_rows::MarketRows;
pub(crate) use rates::RateHistory;
pub(crate) use rows::{LedgerRows, UserLedger, UserRows};

/// An open position on a date with its market figures, all in the account's currency.
#[derive(Debug, Clone, PartialEq)]
pub struct PositionLine {
    pub security: Security,
    pub position: Position,
    /// The security's newest close on or before the date, converted: a minor unit by its
    /// factor, another currency at the rate in force on the date. `None` without a close or a
    /// rate.
    pub market_price: Option<Decimal>,
    /// The UTC date of that close.
    pub price_date: Option<NaiveDate>,
    /// `quantity x market_price`.
    pub market_value: Option<Decimal>,
    /// `market_value - cost_basis`, when the price and every open lot's cost are known.
    pub unrealized_gain: Option<Decimal>,
    /// Percent of the cost basis, to two places: `12.50` is 12.5 %.
    pub unrealized_gain_pct: Option<Decimal>,
}

impl PositionLine {
    /// Whether every figure of the line is known.
    pub fn complete(&self) -> bool {
        self.position.complete && self.unrealized_gain.is_some()
    }
}

/// An account's cash at the end of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CashView {
    pub as_of: NaiveDate,
    pub cash: CashBalance,
    /// False when an amount that could not be converted is left out of the balance.
    pub complete: bool,
}

/// One sale of a realized-gains report, in its account's currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GainLine {
    pub account_id: Uuid,
    pub account_name: String,
    pub currency: CurrencyCode,
    pub security: Security,
    pub sale: RealizedGain,
}

/// The sales of a range with their total in the owner's base currency, each gain converted
/// at the rate of its sale date. A gain that is unknown or cannot be converted is left out of
/// the total, which then says it is incomplete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealizedGains {
    /// By date, then account and replay order.
    pub rows: Vec<GainLine>,
    pub total: Decimal,
    pub total_currency: CurrencyCode,
    pub total_complete: bool,
}

/// How income is grouped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum IncomeGrouping {
    #[default]
    Month,
    Year,
    Security,
}

/// Income of one group in one currency: accounts in different currencies are not added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeGroup {
    /// `2024-03` by month, `2024` by year, the symbol by security; `None` for income of no
    /// security (interest on cash) grouped by security.
    pub key: Option<String>,
    pub security_id: Option<Uuid>,
    pub currency: CurrencyCode,
    pub gross: Decimal,
    /// Tax withheld at source.
    pub withheld: Decimal,
    pub net: Decimal,
    /// The dividends and interest payments counted.
    pub count: usize,
    /// False when an amount that could not be converted is left out.
    pub complete: bool,
}

/// Dates of a report, both included; open ends read from the first activity and to today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl DateRange {
    /// The range's last day: `end`, else today. A start after the end is refused.
    fn checked_end(&self) -> ServiceResult<NaiveDate> {
        let end = self.end.unwrap_or_else(today);
        if let Some(start) = self.start {
            if start > end {
                return Err(ServiceError::bad_request(
                    "start",
                    format!("start {start} is after end {end}"),
                ));
            }
        }
        Ok(end)
    }

    fn contains(&self, date: NaiveDate) -> bool {
        self.start.is_none_or(|s| date >= s) && self.end.is_none_or(|e| date <= e)
    }
}

#[derive(Clone)]
pub struct LedgerService {
    store: Arc<dyn Store>,
    rows: LedgerRows,
}

impl LedgerService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            rows: LedgerRows::new(store.clone()),
            store,
        }
    }

    /// The owner's ledger rows as of their current data version.
    pub(crate) async fn rows(&self, user: &User) -> ServiceResult<UserLedger> {
        self.rows.of_user(user.id).await
    }

    /// The owner's ledger rows as of `version`, the data version the caller has just read.
    pub(crate) async fn rows_at(
        &self,
        user: &User,
        version: DataVersion,
    ) -> ServiceResult<UserLedger> {
        self.rows.of_user_at(user.id, version).await
    }

    /// Each of the securities with its newest close, as of the market data version `market`.
    pub(crate) async fn quotes(
        &self,
        ids: Vec<Uuid>,
        market: i64,
    ) -> ServiceResult<Arc<HashMap<Uuid, SecurityQuote>>> {
        self.rows.quotes(ids, market).await
    }

    /// The rate history among `currencies` through `until` at least, as of the market data
    /// version `market` (held while it is unchanged).
    pub(crate) async fn rates(
        &self,
        currencies: impl IntoIterator<Item = CurrencyCode>,
        until: NaiveDate,
        market: i64,
    ) -> ServiceResult<Arc<RateHistory>> {
        self.rows.rates(currencies, until, market).await
    }

    /// The securities with their daily closes and splits, as of the market data version
    /// `market` (held while it is unchanged).
    pub(crate) async fn market(
        &self,
        securities: impl IntoIterator<Item = Uuid>,
        market: i64,
    ) -> ServiceResult<Arc<MarketRows>> {
        self.rows.market(securities, market).await
    }

    /// The securities the account holds at the end of `as_of` (default today; a later day is
    /// refused), by symbol, each with its lots and its newest close on or before the date.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn positions(
        &self,
        user: &User,
        account_id: Uuid,
        as_of: Option<NaiveDate>,
    ) -> ServiceResult<Vec<PositionLine>> {
        let as_of = as_of_or_today(as_of)?;
        let ledger = self.rows(user).await?;
        let account = owned(&ledger.rows, account_id)?;
        let replayed = self.replay_rows(&ledger, [account], as_of, &[], 1).await?;
        let closes = newest_closes(&replayed.closes);
        let mut ledgers = replayed.ledgers;
        match ledgers.pop() {
            Some((account, snapshot)) => position_lines(
                account,
                snapshot,
                &replayed.securities,
                &closes,
                &replayed.rates,
                as_of,
            ),
            None => Ok(Vec::new()),
        }
    }

    /// The account's cash at the end of `as_of` (default today; a later day is refused), with
    /// the outflows its own cash did not cover counted as implicit deposits.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn cash(
        &self,
        user: &User,
        account_id: Uuid,
        as_of: Option<NaiveDate>,
    ) -> ServiceResult<CashView> {
        let as_of = as_of_or_today(as_of)?;
        let ledger = self.rows(user).await?;
        let account = owned(&ledger.rows, account_id)?;
        let replayed = self.replay_rows(&ledger, [account], as_of, &[], 0).await?;
        let snapshot = match replayed.ledgers.into_iter().next() {
            Some((_, snapshot)) => snapshot,
            None => empty_ledger(account, &replayed.rates, as_of)?,
        };
        Ok(CashView {
            as_of,
            complete: snapshot.complete(),
            cash: snapshot.cash,
        })
    }

    /// Every sale dated in `range` across the owner's accounts (or the one `account_id`),
    /// with the lots each closed.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = ?account_id))]
    pub async fn realized_gains(
        &self,
        user: &User,
        range: DateRange,
        account_id: Option<Uuid>,
    ) -> ServiceResult<RealizedGains> {
        let end = range.checked_end()?;
        let snapshots = self
            .snapshots(
                user,
                account_id,
                end,
                std::slice::from_ref(&user.base_currency),
            )
            .await?;
        let Replayed {
            ledgers,
            securities,
            rates,
            ..
        } = snapshots;
        let mut rows = Vec::new();
        let mut total = Decimal::ZERO;
        let mut total_complete = true;
        for (account, snapshot) in ledgers {
            for sale in snapshot.realized_gains {
                if !range.contains(sale.date) {
                    continue;
                }
                let in_base = sale.gain.and_then(|g| {
                    let rate = rates.rate(&account.currency, &user.base_currency, sale.date)?;
                    Some(to_kept_places(g.checked_mul(rate)?))
                });
                match in_base {
                    Some(g) => total += g,
                    None => total_complete = false,
                }
                rows.push(GainLine {
                    account_id: account.id,
                    account_name: account.name.clone(),
                    currency: account.currency.clone(),
                    security: security_of(&securities, sale.security_id)?,
                    sale,
                });
            }
        }
        // Stable: within one date the accounts' order and each replay's order are kept.
        rows.sort_by_key(|r| r.sale.date);
        Ok(RealizedGains {
            rows,
            total,
            total_currency: user.base_currency.clone(),
            total_complete,
        })
    }

    /// Dividends and interest dated in `range` across the owner's accounts (or the one
    /// `account_id`), grouped, with the tax withheld at source.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = ?account_id))]
    pub async fn income(
        &self,
        user: &User,
        range: DateRange,
        account_id: Option<Uuid>,
        grouping: IncomeGrouping,
    ) -> ServiceResult<Vec<IncomeGroup>> {
        let end = range.checked_end()?;
        let snapshots = self.snapshots(user, account_id, end, &[]).await?;
        let securities = snapshots.securities;
        let rows: Vec<_> = snapshots
            .ledgers
            .into_iter()
            .flat_map(|(_, s)| s.income)
            .filter(|r| range.contains(r.date))
            .collect();
        // Ordered by key, income of no security last, then by currency.
        let mut groups: BTreeMap<(bool, Option<String>, String), IncomeGroup> = BTreeMap::new();
        for row in rows {
            let (key, security_id) = match grouping {
                IncomeGrouping::Month => (
                    Some(format!("{:04}-{:02}", row.date.year(), row.date.month())),
                    None,
                ),
                IncomeGrouping::Year => (Some(format!("{:04}", row.date.year())), None),
                IncomeGrouping::Security => match row.security_id {
                    Some(id) => (
                        Some(security_of(&securities, id)?.symbol.to_string()),
                        Some(id),
                    ),
                    None => (None, None),
                },
            };
            let sort_key = (key.is_none(), key.clone(), row.currency.to_string());
            let group = groups.entry(sort_key).or_insert_with(|| IncomeGroup {
                key,
                security_id,
                currency: row.currency.clone(),
                gross: Decimal::ZERO,
                withheld: Decimal::ZERO,
                net: Decimal::ZERO,
                count: 0,
                complete: true,
            });
            group.count += 1;
            match (row.gross, row.withheld, row.net) {
                (Some(gross), withheld, Some(net)) => {
                    group.gross += gross;
                    group.withheld += withheld.unwrap_or_default();
                    group.net += net;
                }
                _ => group.complete = false,
            }
        }
        Ok(groups.into_values().collect())
    }

    /// The ledger of each of the owner's accounts (or of the one `account_id`) with
    /// activities, as of `end`, with the rates it was converted at; `also` names currencies
    /// the caller converts into afterwards. Accounts without activities are left out: sales
    /// and income come from activities.
    async fn snapshots(
        &self,
        user: &User,
        account_id: Option<Uuid>,
        end: NaiveDate,
        also: &[CurrencyCode],
    ) -> ServiceResult<Replayed> {
        let ledger = self.rows(user).await?;
        let rows = &ledger.rows;
        let accounts: Vec<&Account> = match account_id {
            Some(id) => vec![owned(rows, id)?],
            None => rows.accounts.iter().collect(),
        };
        let kept = accounts.into_iter().filter(|a| rows.has_activities(a.id));
        self.replay_rows(&ledger, kept, end, also, 0).await
    }

    /// Replays each of `accounts` that has activities or holdings once, as of `as_of`: the
    /// securities they name and `closes` closes per security are each read in one statement,
    /// and the stored rates of every currency they are written, kept or quoted in (with
    /// `also`) are read once per market data version.
    pub(crate) async fn replay_rows<'a>(
        &self,
        ledger: &'a UserLedger,
        accounts: impl IntoIterator<Item = &'a Account>,
        as_of: NaiveDate,
        also: &[CurrencyCode],
        closes: i64,
    ) -> ServiceResult<Replayed> {
        replay_rows(
            self.store.as_ref(),
            &self.rows,
            ledger,
            accounts,
            as_of,
            also,
            closes,
        )
        .await
    }
}

const ACCOUNT_NOT_FOUND: &str = "Account not found";

/// Accounts replayed from their stored rows as of one date.
pub(crate) struct Replayed {
    /// Each account asked for that has activities or holdings, in the order asked.
    pub ledgers: Vec<(Account, LedgerSnapshot)>,
    /// Every security their rows name.
    pub securities: HashMap<Uuid, Security>,
    /// Every stored rate among the currencies they are written, kept and quoted in.
    pub rates: Arc<RateHistory>,
    /// The newest closes on or before the date of every security their rows name, as many
    /// per security as asked, grouped by security and newest first.
    pub closes: Vec<LatestClose>,
}

/// [`LedgerService::replay_rows`].
async fn replay_rows<'a>(
    store: &dyn Store,
    held: &LedgerRows,
    ledger: &'a UserLedger,
    accounts: impl IntoIterator<Item = &'a Account>,
    as_of: NaiveDate,
    also: &[CurrencyCode],
    closes: i64,
) -> ServiceResult<Replayed> {
    let rows = ledger.rows.as_ref();
    let accounts: Vec<&Account> = accounts
        .into_iter()
        .filter(|a| {
            let r = rows.of(a.id);
            rows.has_activities(a.id) || !r.holdings.is_empty()
        })
        .collect();
    let mut ids: Vec<Uuid> = accounts
        .iter()
        .flat_map(|a| rows.of(a.id).securities.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let securities: HashMap<Uuid, Security> = if ids.is_empty() {
        HashMap::new()
    } else {
        store
            .securities_by_ids(&ids)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    };
    let mut inputs = Vec::with_capacity(accounts.len());
    for account in accounts {
        let r = rows.of(account.id);
        let statements = r
            .holdings
            .iter()
            .map(|h| {
                let unit = securities
                    .get(&h.security_id)
                    .map(|s| s.currency.as_str())
                    .ok_or_else(|| {
                        ServiceError::not_found(Entity::Security, "Security not found")
                    })?;
                Ok(PositionStatement::from_holding(h, unit))
            })
            .collect::<ServiceResult<Vec<_>>>()?;
        inputs.push((account, rows.activities(account.id), statements));
    }
    let currencies: Vec<CurrencyCode> = inputs
        .iter()
        .flat_map(|(account, _, statements)| {
            let r = rows.of(account.id);
            r.units
                .iter()
                .map(String::as_str)
                .chain(statements.iter().map(|s| s.currency.as_str()))
                .filter_map(|c| QuoteUnit::parse(c).ok().map(|u| u.currency))
                .chain(std::iter::once(account.currency.clone()))
        })
        .chain(
            securities
                .values()
                .filter_map(|s| QuoteUnit::parse(&s.currency).ok())
                .map(|u| u.currency),
        )
        .chain(also.iter().cloned())
        .collect();
    let (rates, closes) = tokio::try_join!(
        held.rates(currencies, as_of, ledger.version.market),
        async {
            if closes > 0 && !ids.is_empty() {
                Ok(store.closes_on_or_before(&ids, as_of, closes).await?)
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    let ledgers = inputs
        .into_iter()
        .map(|(account, activities, statements)| {
            let snapshot = replay(account, activities, &statements, rates.as_ref(), as_of)?;
            Ok((account.clone(), snapshot))
        })
        .collect::<ServiceResult<_>>()?;
    Ok(Replayed {
        ledgers,
        securities,
        rates,
        closes,
    })
}

/// The ledger of an account with nothing recorded: no positions, no cash.
fn empty_ledger(
    account: &Account,
    rates: &RateHistory,
    as_of: NaiveDate,
) -> ServiceResult<LedgerSnapshot> {
    replay(account, &[], &[], rates, as_of)
}

/// Each security's newest close, from closes grouped by security and newest first.
pub(crate) fn newest_closes(closes: &[LatestClose]) -> HashMap<Uuid, &LatestClose> {
    let mut newest = HashMap::new();
    for c in closes {
        newest.entry(c.security_id).or_insert(c);
    }
    newest
}

/// The open positions of a replayed account with their market figures, by symbol: each at
/// its security's newest close on or before `as_of`, converted at the rate in force on it.
pub(crate) fn position_lines(
    account: Account,
    snapshot: LedgerSnapshot,
    securities: &HashMap<Uuid, Security>,
    closes: &HashMap<Uuid, &LatestClose>,
    rates: &RateHistory,
    as_of: NaiveDate,
) -> ServiceResult<Vec<PositionLine>> {
    let mut lines = Vec::new();
    for position in snapshot.positions.into_iter().filter(Position::is_open) {
        let security = security_of(securities, position.security_id)?;
        let close = closes.get(&position.security_id);
        let market_price = close.and_then(|c| {
            let unit = QuoteUnit::parse(&security.currency).ok()?;
            let rate = rates.rate(&unit.currency, &account.currency, as_of)?;
            Some(to_kept_places(
                c.close.checked_div(unit.per_major)?.checked_mul(rate)?,
            ))
        });
        lines.push(priced(
            security,
            position,
            market_price,
            market_price.and(close.map(|c| c.timestamp.date_naive())),
        ));
    }
    lines.sort_by(|a, b| a.security.symbol.cmp(&b.security.symbol));
    Ok(lines)
}

/// The account `id` among the owner's, or not found.
fn owned(rows: &UserRows, id: Uuid) -> ServiceResult<&Account> {
    rows.account(id)
        .ok_or_else(|| ServiceError::not_found(Entity::Account, ACCOUNT_NOT_FOUND))
}

/// The ledger of `account` from its activities and statements as of `as_of`.
fn replay(
    account: &Account,
    activities: &[Activity],
    statements: &[PositionStatement],
    rates: &impl RateSource,
    as_of: NaiveDate,
) -> ServiceResult<LedgerSnapshot> {
    ledger_as_of(
        AccountLedger {
            currency: &account.currency,
            method: account.cost_basis_method,
            activities,
            statements,
        },
        rates,
        as_of,
    )
    .map_err(|e| {
        // Stored activities were checked when written; only a later change of the
        // account's holdings can leave a ledger that no longer replays.
        ServiceError::Conflict(format!(
            "The account's activities and holdings cannot be replayed: {e}"
        ))
    })
}

/// What one account's ledger is replayed from.
struct Inputs {
    activities: Vec<Activity>,
    statements: Vec<PositionStatement>,
}

impl Inputs {
    /// The currencies its amounts are written in, with the account's own: those whose rates
    /// the replay may read.
    fn currencies<'a>(&'a self, account: &'a Account) -> impl Iterator<Item = CurrencyCode> + 'a {
        self.activities
            .iter()
            .map(|a| a.currency.as_str())
            .chain(self.statements.iter().map(|s| s.currency.as_str()))
            .filter_map(|c| QuoteUnit::parse(c).ok().map(|u| u.currency))
            .chain(std::iter::once(account.currency.clone()))
    }

    fn replay(
        &self,
        account: &Account,
        rates: &impl RateSource,
        as_of: NaiveDate,
    ) -> ServiceResult<LedgerSnapshot> {
        replay(account, &self.activities, &self.statements, rates, as_of)
    }
}

/// The ledger of each of `accounts` that has activities, as of `end`, with the rates it was
/// converted at; `also` names currencies the caller converts into afterwards. Accounts
/// without activities are left out: sales and income come from activities.
pub(super) async fn replay_accounts(
    store: &dyn Store,
    accounts: Vec<Account>,
    activities: Vec<Activity>,
    end: NaiveDate,
    also: &[CurrencyCode],
) -> ServiceResult<Vec<(Account, LedgerSnapshot, Arc<RateHistory>)>> {
    let mut by_account: HashMap<Uuid, Vec<Activity>> = HashMap::new();
    for a in activities {
        by_account.entry(a.account_id).or_default().push(a);
    }
    let mut inputs = Vec::new();
    for account in accounts {
        if let Some(activities) = by_account.remove(&account.id) {
            let statements = position_statements(store, account.id).await?;
            inputs.push((
                account,
                Inputs {
                    activities,
                    statements,
                },
            ));
        }
    }
    let currencies: Vec<CurrencyCode> = inputs
        .iter()
        .flat_map(|(account, i)| i.currencies(account))
        .chain(also.iter().cloned())
        .collect();
    let rates = Arc::new(RateHistory::read(store, currencies, end).await?);
    inputs
        .into_iter()
        .map(|(account, i)| {
            let snapshot = i.replay(&account, rates.as_ref(), end)?;
            Ok((account, snapshot, rates.clone()))
        })
        .collect()
}

/// Every holding of the account, read as a position statement in its security's unit.
pub(super) async fn position_statements(
    store: &dyn Store,
    account_id: Uuid,
) -> ServiceResult<Vec<PositionStatement>> {
    let holdings = store
        .holdings(account_id, false, PageRequest::all())
        .await?
        .items;
    statements_of(store, &holdings).await
}

/// Refuses a change to the account's holdings after which its activities no longer replay
/// (a statement that leaves a later sale uncovered). An account without activities has no
/// ledger to break, and nothing more is read for it.
pub(super) async fn check_statements(
    store: &dyn Store,
    account: &Account,
    change: impl FnOnce(&mut Vec<Holding>),
) -> ServiceResult<()> {
    let activities = store.account_activities(account.id).await?;
    if activities.is_empty() {
        return Ok(());
    }
    let mut holdings = store
        .holdings(account.id, false, PageRequest::all())
        .await?
        .items;
    change(&mut holdings);
    let statements = statements_of(store, &holdings).await?;
    check_replays(store, account, &activities, &statements).await
}

/// Refuses a ledger the engine cannot replay (a sale of more than is then held), naming the
/// security by its symbol. Quantities do not depend on exchange rates, so none are read.
pub(super) async fn check_replays(
    store: &dyn Store,
    account: &Account,
    activities: &[Activity],
    statements: &[PositionStatement],
) -> ServiceResult<()> {
    let checked = check_ledger(
        AccountLedger {
            currency: &account.currency,
            method: account.cost_basis_method,
            activities,
            statements,
        },
        &NoRates,
    );
    let Err(source) = checked else {
        return Ok(());
    };
    let symbol = match &source {
        LedgerError::Oversold { security_id, .. } => store
            .securities_by_ids(&[*security_id])
            .await?
            .into_iter()
            .next()
            .map(|s| s.symbol),
        _ => None,
    };
    Err(ServiceError::Ledger { source, symbol })
}

async fn statements_of(
    store: &dyn Store,
    holdings: &[Holding],
) -> ServiceResult<Vec<PositionStatement>> {
    if holdings.is_empty() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<Uuid> = holdings.iter().map(|h| h.security_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let units: HashMap<Uuid, String> = store
        .securities_by_ids(&ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s.currency))
        .collect();
    holdings
        .iter()
        .map(|holding| {
            let unit = units
                .get(&holding.security_id)
                .ok_or_else(|| ServiceError::not_found(Entity::Security, "Security not found"))?;
            Ok(PositionStatement::from_holding(holding, unit))
        })
        .collect()
}

/// A position with its market figures from a price in the account's currency.
fn priced(
    security: Security,
    position: Position,
    market_price: Option<Decimal>,
    price_date: Option<NaiveDate>,
) -> PositionLine {
    let market_value = market_price
        .and_then(|p| p.checked_mul(position.quantity))
        .map(to_kept_places);
    // A lot of unknown cost would make the gain look larger than it is.
    let unrealized_gain = market_value
        .filter(|_| position.average_cost.is_some())
        .map(|v| v - position.cost_basis);
    let unrealized_gain_pct = unrealized_gain
        .filter(|_| !position.cost_basis.is_zero())
        .map(|g| money::percent_of(g, position.cost_basis).round_dp(2));
    PositionLine {
        security,
        position,
        market_price,
        price_date,
        market_value,
        unrealized_gain,
        unrealized_gain_pct,
    }
}

fn security_of(securities: &HashMap<Uuid, Security>, id: Uuid) -> ServiceResult<Security> {
    securities
        .get(&id)
        .cloned()
        .ok_or_else(|| ServiceError::not_found(Entity::Security, "Security not found"))
}

fn as_of_or_today(as_of: Option<NaiveDate>) -> ServiceResult<NaiveDate> {
    let today = today();
    match as_of {
        Some(date) => checked_as_of(date, today),
        None => Ok(today),
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}
