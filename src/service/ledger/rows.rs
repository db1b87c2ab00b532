//! The stored rows a user's ledgers are replayed from (their accounts, each account's
//! activities and holdings), read once per data version of the user and kept in process, and
//! the exchange-rate history they are converted with, read once per version of the market
//! data.
//!
//! What is kept is the rows as the store mapped them, never a figure computed from them:
//! every view still replays. Before answering from what it holds, each read asks the store
//! for the user's data version (one cheap statement: the user's counter and the market's).
//! Every write to accounts, activities or holdings raises the user's counter, and every write
//! to rates the market's, in its own transaction, whichever process makes it; so a changed
//! counter means the rows are read again. Each account has a counter of its own too, raised
//! by every write to its activities, holdings and values: after a write, the accounts are read
//! again with those counters, and only the rows of the accounts whose counter moved (one
//! account, after an activity is added). The counters are read before the rows: rows read
//! after them are at least as new as they say, never older.
//!
//! An account read again gets a list of its own; its earlier rows stay in the list read for
//! all the user's accounts at once until none of them is held, so a user's rows weigh at most
//! twice their size until their next full read.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use chrono::NaiveDate;

use crate::domain::ledger::Activity;
use crate::domain::{Account, AccountValue, CurrencyCode, DataVersion, Holding, PageRequest};
use crate::store::{SecurityQuote, Store};

use crate::service::ServiceResult;

use super::market_rows::{HeldMarket, MarketRows};
use super::RateHistory;

/// Roughly how many bytes of rows are kept across users; a user whose rows weigh more is
/// read on every call instead.
const CAPACITY_BYTES: u64 = 128 * 1024 * 1024;
/// Rate histories kept, each of one set of currencies.
const RATE_HISTORIES: u64 = 16;
/// Securities' closes kept, counted one per security across the sets asked for.
const QUOTES: u64 = 100_000;
/// Rows of a user who has not asked for a while are let go.
const IDLE: Duration = Duration::from_secs(10 * 60);

/// A user's accounts with the activities and holdings of each, as stored at `version`.
#[derive(Debug, Default)]
pub(crate) struct UserRows {
    /// The user's data version the rows were read at (or after).
    pub version: i64,
    /// As the store lists them.
    pub accounts: Vec<Account>,
    /// By account; accounts with neither activities nor holdings are absent. Shared with
    /// the rows read before and after these, while the account's own counter is unchanged.
    ledgers: HashMap<Uuid, Arc<AccountRows>>,
    /// Each account's own data version its rows were read at (or after).
    account_versions: HashMap<Uuid, i64>,
    /// Each account's newest value; accounts with none are absent.
    latest_values: HashMap<Uuid, AccountValue>,
}

/// One account's rows, with what a replay asks of them before it starts.
#[derive(Debug, Default)]
pub(crate) struct AccountRows {
    /// Its activities, in the store's order: its part of a list read for several accounts
    /// at once (shared with them, so that reading them copies none), or a list of its own.
    activities: Arc<Vec<Activity>>,
    part: Range<usize>,
    /// Every holding, each a position statement in the ledger.
    pub holdings: Vec<Holding>,
    /// Every security the activities and holdings name, sorted, once each.
    pub securities: Vec<Uuid>,
    /// Every unit the activities are written in, once each.
    pub units: Vec<String>,
}

impl AccountRows {
    fn new(all: Arc<Vec<Activity>>, part: Range<usize>, holdings: Vec<Holding>) -> Self {
        let activities = &all[part.clone()];
        let mut securities: Vec<Uuid> = activities
            .iter()
            .filter_map(|a| a.security_id)
            .chain(holdings.iter().map(|h| h.security_id))
            .collect();
        securities.sort_unstable();
        securities.dedup();
        let mut units: Vec<String> = Vec::new();
        for a in activities {
            if !units.contains(&a.currency) {
                units.push(a.currency.clone());
            }
        }
        Self {
            activities: all,
            part,
            holdings,
            securities,
            units,
        }
    }

    fn activities(&self) -> &[Activity] {
        &self.activities[self.part.clone()]
    }

    fn is_empty(&self) -> bool {
        self.part.is_empty() && self.holdings.is_empty()
    }

    /// Approximate bytes held, for the bound on memory.
    fn weight(&self) -> u64 {
        let activity = std::mem::size_of::<Activity>() as u64;
        let text = |s: &Option<String>| s.as_ref().map_or(0, |s| s.len() as u64);
        let activities: u64 = self
            .activities()
            .iter()
            .map(|a| activity + a.currency.len() as u64 + text(&a.notes) + text(&a.external_id))
            .sum();
        activities + self.holdings.len() as u64 * std::mem::size_of::<Holding>() as u64
    }
}

static NO_ROWS: std::sync::LazyLock<AccountRows> = std::sync::LazyLock::new(AccountRows::default);

impl UserRows {
    pub fn account(&self, id: Uuid) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The account's newest value, if it has any.
    pub fn latest_value(&self, account_id: Uuid) -> Option<&AccountValue> {
        self.latest_values.get(&account_id)
    }

    /// The account's rows; none for an account without activities or holdings.
    pub fn of(&self, account_id: Uuid) -> &AccountRows {
        self.ledgers
            .get(&account_id)
            .map_or(&*NO_ROWS, |l| l.as_ref())
    }

    /// The account's newest holding of each security (every one of the newest timestamp), as
    /// [`crate::store::HoldingStore::current_holdings_of_user`] lists them.
    pub fn current_holdings(&self, account_id: Uuid) -> impl Iterator<Item = &Holding> {
        let holdings = &self.of(account_id).holdings;
        let mut newest: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
        for h in holdings {
            let at = newest.entry(h.security_id).or_insert(h.timestamp);
            *at = (*at).max(h.timestamp);
        }
        holdings
            .iter()
            .filter(move |h| newest.get(&h.security_id) == Some(&h.timestamp))
    }

    /// The account's activities, in the store's order.
    pub fn activities(&self, account_id: Uuid) -> &[Activity] {
        self.of(account_id).activities()
    }

    /// Whether the account is kept by activities (its holdings are then statements in it).
    pub fn has_activities(&self, account_id: Uuid) -> bool {
        !self.of(account_id).part.is_empty()
    }

    /// Approximate bytes held, for the bound on memory.
    fn weight(&self) -> u32 {
        let ledgers: u64 = self.ledgers.values().map(|l| l.weight()).sum();
        let accounts = self.accounts.len() as u64 * std::mem::size_of::<Account>() as u64 * 2;
        u32::try_from(ledgers + accounts).unwrap_or(u32::MAX)
    }
}

/// A user's rows with the data version read just before they were asked for: what the rates
/// read alongside them are checked against.
#[derive(Debug, Clone)]
pub(crate) struct UserLedger {
    pub rows: Arc<UserRows>,
    pub version: DataVersion,
}

/// The rate history among some currencies, as stored at a market data version, with every
/// rate dated on or before `until`.
#[derive(Debug)]
struct HeldRates {
    market: i64,
    until: NaiveDate,
    history: Arc<RateHistory>,
}

/// The in-process copy of users' ledger rows and of rate histories, checked against the data
/// version on every read. Shared by the services of one process; each process keeps its own.
#[derive(Clone)]
pub(crate) struct LedgerRows {
    store: Arc<dyn Store>,
    held: moka::sync::Cache<Uuid, Arc<UserRows>>,
    /// By the sorted currencies asked for.
    rates: moka::sync::Cache<Vec<CurrencyCode>, Arc<HeldRates>>,
    /// By the sorted securities asked for.
    quotes: moka::sync::Cache<Vec<Uuid>, Arc<HeldQuotes>>,
    /// Securities with their closes and splits, by the sorted securities asked for.
    market: HeldMarket,
}

/// Securities with their newest closes, as stored at a market data version.
#[derive(Debug)]
struct HeldQuotes {
    market: i64,
    by_id: Arc<HashMap<Uuid, SecurityQuote>>,
}

impl LedgerRows {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self::with_capacity(store, CAPACITY_BYTES)
    }

    fn with_capacity(store: Arc<dyn Store>, bytes: u64) -> Self {
        let held = moka::sync::Cache::builder()
            .max_capacity(bytes)
            .weigher(|_: &Uuid, rows: &Arc<UserRows>| rows.weight())
            .time_to_idle(IDLE)
            .build();
        let rates = moka::sync::Cache::builder()
            .max_capacity(RATE_HISTORIES)
            .time_to_idle(IDLE)
            .build();
        let quotes = moka::sync::Cache::builder()
            .max_capacity(QUOTES)
            .weigher(|ids: &Vec<Uuid>, _: &Arc<HeldQuotes>| {
                u32::try_from(ids.len()).unwrap_or(u32::MAX)
            })
            .time_to_idle(IDLE)
            .build();
        Self {
            market: HeldMarket::new(store.clone()),
            store,
            held,
            rates,
            quotes,
        }
    }

    /// Each of `ids` with its newest close as of the market data version `market`: those held
    /// when it is unchanged, else read again. A security not stored is absent.
    pub async fn quotes(
        &self,
        mut ids: Vec<Uuid>,
        market: i64,
    ) -> ServiceResult<Arc<HashMap<Uuid, SecurityQuote>>> {
        ids.sort_unstable();
        ids.dedup();
        if let Some(held) = self.quotes.get(&ids) {
            if held.market == market {
                return Ok(held.by_id.clone());
            }
        }
        let by_id: Arc<HashMap<Uuid, SecurityQuote>> = Arc::new(
            self.store
                .security_quotes(&ids)
                .await?
                .into_iter()
                .map(|q| (q.security_id, q))
                .collect(),
        );
        let held = HeldQuotes {
            market,
            by_id: by_id.clone(),
        };
        self.quotes.insert(ids, Arc::new(held));
        Ok(by_id)
    }

    /// The securities among `securities` with every stored daily close and split of each, as
    /// of the market data version `market`: those held when it is unchanged, else read again.
    pub async fn market(
        &self,
        securities: impl IntoIterator<Item = Uuid>,
        market: i64,
    ) -> ServiceResult<Arc<MarketRows>> {
        self.market.of(securities, market).await
    }

    /// Every stored rate among `currencies` (and USD, for crosses) dated on or before `until`
    /// at least, as of the market data version `market`: those held when it is unchanged and
    /// they reach `until`, else read again. A replay asks only for rates dated on or before
    /// the days it converts, so later rates held beside them change no answer.
    pub async fn rates(
        &self,
        currencies: impl IntoIterator<Item = CurrencyCode>,
        until: NaiveDate,
        market: i64,
    ) -> ServiceResult<Arc<RateHistory>> {
        let mut codes: Vec<CurrencyCode> = currencies.into_iter().collect();
        codes.push(CurrencyCode::usd());
        codes.sort_unstable();
        codes.dedup();
        if let Some(held) = self.rates.get(&codes) {
            if held.market == market && held.until >= until {
                return Ok(held.history.clone());
            }
        }
        // Through today, so that the next days' reads find them too.
        let until = until.max(chrono::Utc::now().date_naive());
        let history = Arc::new(RateHistory::read(self.store.as_ref(), codes.clone(), until).await?);
        let held = HeldRates {
            market,
            until,
            history: history.clone(),
        };
        self.rates.insert(codes, Arc::new(held));
        Ok(history)
    }

    /// The user's rows as of their current data version: those held when the version is
    /// unchanged; else the accounts, and the rows of each account whose own counter moved,
    /// read again, the other accounts' rows kept.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn of_user(&self, user_id: Uuid) -> ServiceResult<UserLedger> {
        let versions = self.store.data_version(user_id).await?;
        self.of_user_at(user_id, versions).await
    }

    /// [`LedgerRows::of_user`] with the data version already read by the caller (as a request
    /// is authenticated): no statement runs when the rows held are of that version.
    pub async fn of_user_at(
        &self,
        user_id: Uuid,
        versions: DataVersion,
    ) -> ServiceResult<UserLedger> {
        let version = versions.user;
        let held = self.held.get(&user_id);
        if let Some(held) = &held {
            if held.version == version {
                return Ok(UserLedger {
                    rows: held.clone(),
                    version: versions,
                });
            }
        }
        let rows = Arc::new(self.read(user_id, version, held.as_deref()).await?);
        drop(held);
        self.held.insert(user_id, rows.clone());
        self.held.run_pending_tasks();
        Ok(UserLedger {
            rows,
            version: versions,
        })
    }

    /// The user's rows at `version`, reusing those of `before` for every account whose own
    /// counter has not moved since. The accounts' counters are read before their rows, so
    /// rows kept under a counter are at least as new as it says.
    async fn read(
        &self,
        user_id: Uuid,
        version: i64,
        before: Option<&UserRows>,
    ) -> ServiceResult<UserRows> {
        let store = self.store.as_ref();
        let account_versions: HashMap<Uuid, i64> =
            store.account_versions(user_id).await?.into_iter().collect();
        let Some(before) = before else {
            return self.read_all(user_id, version, account_versions).await;
        };
        let accounts = store.accounts(user_id, PageRequest::all()).await?.items;
        let latest_values = self.latest_values(&accounts).await?;
        let mut ledgers = HashMap::new();
        for account in &accounts {
            let now = account_versions.get(&account.id).copied().unwrap_or(0);
            let kept = before.account_versions.get(&account.id) == Some(&now);
            let rows = match before.ledgers.get(&account.id) {
                Some(rows) if kept => rows.clone(),
                _ if kept => continue,
                _ => {
                    let (activities, holdings) = tokio::try_join!(
                        store.account_activities(account.id),
                        store.holdings(account.id, false, PageRequest::all()),
                    )?;
                    let part = 0..activities.len();
                    Arc::new(AccountRows::new(Arc::new(activities), part, holdings.items))
                }
            };
            if !rows.is_empty() {
                ledgers.insert(account.id, rows);
            }
        }
        Ok(UserRows {
            version,
            accounts,
            ledgers,
            account_versions,
            latest_values,
        })
    }

    async fn latest_values(
        &self,
        accounts: &[Account],
    ) -> ServiceResult<HashMap<Uuid, AccountValue>> {
        let ids: Vec<Uuid> = accounts.iter().map(|a| a.id).collect();
        Ok(self.store.latest_account_values(&ids).await?)
    }

    /// Every row of the user, the activities of all accounts in one read.
    async fn read_all(
        &self,
        user_id: Uuid,
        version: i64,
        account_versions: HashMap<Uuid, i64>,
    ) -> ServiceResult<UserRows> {
        let store = self.store.as_ref();
        let (accounts, activities) = tokio::try_join!(
            store.accounts(user_id, PageRequest::all()),
            store.user_activities(user_id),
        )?;
        let accounts = accounts.items;
        let latest_values = self.latest_values(&accounts).await?;
        let mut activities = activities;
        // The store lists them by account; a stable sort keeps each account's order.
        if !activities.is_sorted_by_key(|a| a.account_id) {
            activities.sort_by_key(|a| a.account_id);
        }
        activities.shrink_to_fit();
        let mut parts: HashMap<Uuid, Range<usize>> = HashMap::new();
        let mut start = 0;
        for same in activities.chunk_by(|a, b| a.account_id == b.account_id) {
            parts.insert(same[0].account_id, start..start + same.len());
            start += same.len();
        }
        let activities = Arc::new(activities);
        let mut ledgers = HashMap::new();
        for account in &accounts {
            let holdings = store
                .holdings(account.id, false, PageRequest::all())
                .await?
                .items;
            let part = parts.remove(&account.id).unwrap_or(0..0);
            let rows = AccountRows::new(activities.clone(), part, holdings);
            if !rows.is_empty() {
                ledgers.insert(account.id, Arc::new(rows));
            }
        }
        Ok(UserRows {
            version,
            accounts,
            ledgers,
            account_versions,
            latest_values,
        })
    }
}
