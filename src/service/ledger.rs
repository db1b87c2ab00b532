//! The ledger's derived views of an owner's accounts: positions with their lots and market
//! figures, cash, realized gains and income. Each view replays the account's activities and
//! position statements with [`ledger_as_of`], converting at the stored rates of each date; the
//! figures are made here once, and the HTTP routes, the TUI and the CLI only show them.
//!
//! What cannot be priced or converted stays `None` and out of every total: never 0, never at
//! cost, never 1:1.

mod rates;

use std::collections::{BTreeMap, HashMap, HashSet};
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
    money, Account, CurrencyCode, Holding, PageRequest, QuoteUnit, Security, User,
};
use crate::store::Store;

use super::portfolio::owned_account;
use super::valuation::checked_as_of;
use super::{Entity, ServiceError, ServiceResult};

pub(crate) use rates::RateHistory;

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
}

impl LedgerService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self { store }
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
        let account = owned_account(self.store.as_ref(), user, account_id).await?;
        let inputs = self.inputs(&account).await?;
        // Every security the account ever touched, so that securities, closes and rates
        // are each read once before the one replay.
        let touched = inputs.security_ids();
        let (securities, closes) = tokio::try_join!(
            self.store.securities_by_ids(&touched),
            self.store.closes_on_or_before(&touched, as_of, 1),
        )?;
        let securities: HashMap<Uuid, Security> =
            securities.into_iter().map(|s| (s.id, s)).collect();
        let quotes = securities
            .values()
            .filter_map(|s| QuoteUnit::parse(&s.currency).ok())
            .map(|u| u.currency);
        let rates = RateHistory::read(
            self.store.as_ref(),
            inputs.currencies(&account).chain(quotes),
            as_of,
        )
        .await?;
        let snapshot = inputs.replay(&account, &rates, as_of)?;
        let closes: HashMap<Uuid, _> = closes.into_iter().map(|c| (c.security_id, c)).collect();
        let mut lines = Vec::new();
        for position in snapshot.positions.into_iter().filter(Position::is_open) {
            let security = securities
                .get(&position.security_id)
                .cloned()
                .ok_or_else(|| ServiceError::not_found(Entity::Security, "Security not found"))?;
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
        let account = owned_account(self.store.as_ref(), user, account_id).await?;
        let inputs = self.inputs(&account).await?;
        let rates =
            RateHistory::read(self.store.as_ref(), inputs.currencies(&account), as_of).await?;
        let snapshot = inputs.replay(&account, &rates, as_of)?;
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
        let sold: Vec<Uuid> = snapshots
            .iter()
            .flat_map(|(_, s, _)| s.realized_gains.iter().map(|g| g.security_id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let securities = self.securities(&sold).await?;
        let mut rows = Vec::new();
        let mut total = Decimal::ZERO;
        let mut total_complete = true;
        for (account, snapshot, rates) in snapshots {
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
        let rows: Vec<_> = snapshots
            .into_iter()
            .flat_map(|(_, s, _)| s.income)
            .filter(|r| range.contains(r.date))
            .collect();
        let ids: Vec<Uuid> = rows
            .iter()
            .filter_map(|r| r.security_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let securities = self.securities(&ids).await?;
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
    /// the caller converts into afterwards.
    async fn snapshots(
        &self,
        user: &User,
        account_id: Option<Uuid>,
        end: NaiveDate,
        also: &[CurrencyCode],
    ) -> ServiceResult<Vec<(Account, LedgerSnapshot, Arc<RateHistory>)>> {
        let store = self.store.as_ref();
        let (accounts, activities) = match account_id {
            Some(id) => {
                let account = owned_account(store, user, id).await?;
                let activities = store.account_activities(id).await?;
                (vec![account], activities)
            }
            None => {
                let (accounts, activities) = tokio::try_join!(
                    store.accounts(user.id, PageRequest::all()),
                    store.user_activities(user.id),
                )?;
                (accounts.items, activities)
            }
        };
        replay_accounts(store, accounts, activities, end, also).await
    }

    async fn inputs(&self, account: &Account) -> ServiceResult<Inputs> {
        let (activities, statements) = tokio::try_join!(
            async { Ok::<_, ServiceError>(self.store.account_activities(account.id).await?) },
            position_statements(self.store.as_ref(), account.id),
        )?;
        Ok(Inputs {
            activities,
            statements,
        })
    }

    async fn securities(&self, ids: &[Uuid]) -> ServiceResult<HashMap<Uuid, Security>> {
        Ok(self
            .store
            .securities_by_ids(ids)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect())
    }
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

    fn security_ids(&self) -> Vec<Uuid> {
        let mut ids: Vec<Uuid> = self
            .activities
            .iter()
            .filter_map(|a| a.security_id)
            .chain(self.statements.iter().map(|s| s.security_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn replay(
        &self,
        account: &Account,
        rates: &impl RateSource,
        as_of: NaiveDate,
    ) -> ServiceResult<LedgerSnapshot> {
        ledger_as_of(
            AccountLedger {
                currency: &account.currency,
                method: account.cost_basis_method,
                activities: &self.activities,
                statements: &self.statements,
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
