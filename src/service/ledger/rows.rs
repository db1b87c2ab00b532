//! The stored rows a user's ledgers are replayed from (their accounts, each account's
//! activities and holdings), read once per data version of the user and kept in process.
//!
//! What is kept is the rows as the store mapped them, never a figure computed from them:
//! every view still replays. Before answering from what it holds, each read asks the store
//! for the user's data version (one cheap statement). Every write to accounts, activities or
//! holdings raises that counter in its own transaction, whichever process makes it, so a
//! changed counter means the rows are read again. The counter is read before the rows: rows
//! read after it are at least as new as it says, never older.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::domain::ledger::Activity;
use crate::domain::{Account, Holding, PageRequest};
use crate::store::Store;

use crate::service::ServiceResult;

/// Roughly how many bytes of rows are kept across users; a user whose rows weigh more is
/// read on every call instead.
const CAPACITY_BYTES: u64 = 128 * 1024 * 1024;
/// Rows of a user who has not asked for a while are let go.
const IDLE: Duration = Duration::from_secs(10 * 60);

/// A user's accounts with the activities and holdings of each, as stored at `version`.
#[derive(Debug, Default)]
pub(crate) struct UserRows {
    /// The user's data version the rows were read at (or after).
    pub version: i64,
    /// As the store lists them.
    pub accounts: Vec<Account>,
    /// By account; accounts with neither activities nor holdings are absent.
    ledgers: HashMap<Uuid, AccountRows>,
}

/// One account's rows, with what a replay asks of them before it starts.
#[derive(Debug, Default)]
pub(crate) struct AccountRows {
    /// In the store's order.
    pub activities: Vec<Activity>,
    /// Every holding, each a position statement in the ledger.
    pub holdings: Vec<Holding>,
    /// Every security the activities and holdings name, sorted, once each.
    pub securities: Vec<Uuid>,
    /// Every unit the activities are written in, once each.
    pub units: Vec<String>,
}

impl AccountRows {
    fn new(activities: Vec<Activity>, holdings: Vec<Holding>) -> Self {
        let mut securities: Vec<Uuid> = activities
            .iter()
            .filter_map(|a| a.security_id)
            .chain(holdings.iter().map(|h| h.security_id))
            .collect();
        securities.sort_unstable();
        securities.dedup();
        let mut units: Vec<String> = Vec::new();
        for a in &activities {
            if !units.contains(&a.currency) {
                units.push(a.currency.clone());
            }
        }
        Self {
            activities,
            holdings,
            securities,
            units,
        }
    }
}

static NO_ROWS: AccountRows = AccountRows {
    activities: Vec::new(),
    holdings: Vec::new(),
    securities: Vec::new(),
    units: Vec::new(),
};

impl UserRows {
    pub fn account(&self, id: Uuid) -> Option<&Account> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The account's rows; none for an account without activities or holdings.
    pub fn of(&self, account_id: Uuid) -> &AccountRows {
        self.ledgers.get(&account_id).unwrap_or(&NO_ROWS)
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

    /// Whether the account is kept by activities (its holdings are then statements in it).
    pub fn has_activities(&self, account_id: Uuid) -> bool {
        !self.of(account_id).activities.is_empty()
    }

    /// Approximate bytes held, for the bound on memory.
    fn weight(&self) -> u32 {
        let activity = std::mem::size_of::<Activity>() as u64;
        let text = |s: &Option<String>| s.as_ref().map_or(0, |s| s.len() as u64);
        let activities: u64 = self
            .ledgers
            .values()
            .flat_map(|l| &l.activities)
            .map(|a| activity + a.currency.len() as u64 + text(&a.notes) + text(&a.external_id))
            .sum();
        let holdings = self
            .ledgers
            .values()
            .map(|l| l.holdings.len())
            .sum::<usize>() as u64
            * std::mem::size_of::<Holding>() as u64;
        let accounts = self.accounts.len() as u64 * std::mem::size_of::<Account>() as u64 * 2;
        u32::try_from(activities + holdings + accounts).unwrap_or(u32::MAX)
    }
}

/// The in-process copy of users' ledger rows, checked against their data version on every
/// read. Shared by the services of one process; each process keeps its own.
#[derive(Clone)]
pub(crate) struct LedgerRows {
    store: Arc<dyn Store>,
    held: moka::sync::Cache<Uuid, Arc<UserRows>>,
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
        Self { store, held }
    }

    /// The user's rows as of their current data version: those held when the version is
    /// unchanged, else read again.
    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    pub async fn of_user(&self, user_id: Uuid) -> ServiceResult<Arc<UserRows>> {
        let version = self.store.data_version(user_id).await?.user;
        if let Some(held) = self.held.get(&user_id) {
            if held.version == version {
                return Ok(held);
            }
            // Let the stale rows go before the new ones arrive, so both are not held at once.
            self.held.invalidate(&user_id);
        }
        let rows = Arc::new(self.read(user_id, version).await?);
        self.held.insert(user_id, rows.clone());
        Ok(rows)
    }

    async fn read(&self, user_id: Uuid, version: i64) -> ServiceResult<UserRows> {
        let store = self.store.as_ref();
        let (accounts, activities) = tokio::try_join!(
            store.accounts(user_id, PageRequest::all()),
            store.user_activities(user_id),
        )?;
        let accounts = accounts.items;
        let mut by_account: HashMap<Uuid, Vec<Activity>> = HashMap::new();
        for a in activities {
            by_account.entry(a.account_id).or_default().push(a);
        }
        let mut ledgers = HashMap::new();
        for account in &accounts {
            let holdings = store
                .holdings(account.id, false, PageRequest::all())
                .await?
                .items;
            let activities = by_account.remove(&account.id).unwrap_or_default();
            if !activities.is_empty() || !holdings.is_empty() {
                ledgers.insert(account.id, AccountRows::new(activities, holdings));
            }
        }
        Ok(UserRows {
            version,
            accounts,
            ledgers,
        })
    }
}
