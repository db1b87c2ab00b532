//! The store's contract, one trait per aggregate, each implemented in the entity file of the
//! same name in both backends (`postgres/users.rs` and `sqlite/users.rs` implement
//! [`UserStore`], ...). [`Store`] is all of them at once; services hold an `Arc<dyn Store>` and
//! call any of the methods on it.
//!
//! Rows are domain types; whoever calls a mutating method has validated its input already.
//! Owner checks live in the services: reads by id return the row whoever owns it, collection
//! reads filter by owner.
//!
//! Errors: a unique or foreign-key violation is [`StoreError::Conflict`]; an update or delete
//! of a missing row is [`StoreError::NotFound`].
//!
//! [`StoreError::Conflict`]: super::StoreError::Conflict
//! [`StoreError::NotFound`]: super::StoreError::NotFound

use std::collections::{BTreeMap, HashMap};

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{
    Backend, LatestClose, PricedHolding, SecurityQuote, StoreResult, UpsertCount, UserRows,
};
use crate::domain::ledger::Activity;
use crate::domain::security_event::SecurityEvent;
use crate::domain::{
    Account, AccountValue, ActivityFilter, Currency, CurrencyCode, DataVersion, ExchangeRate,
    Holding, Institution, Interval, Page, PageRequest, PasswordResetToken, PriceBar,
    RefreshTokenRecord, Security, Symbol, User,
};

/// Every read and write the services need: a store implements each aggregate's trait, and
/// is then a `Store` without further code.
pub trait Store:
    DatabaseStore
    + DataVersionStore
    + UserStore
    + CurrencyStore
    + InstitutionStore
    + AccountStore
    + SecurityStore
    + PriceStore
    + HoldingStore
    + ActivityStore
    + ProposalStore
    + ImportMappingStore
    + TokenStore
    + LeaseStore
    + BackupStore
{
}

impl<T> Store for T where
    T: DatabaseStore
        + DataVersionStore
        + UserStore
        + CurrencyStore
        + InstitutionStore
        + AccountStore
        + SecurityStore
        + PriceStore
        + HoldingStore
        + ActivityStore
        + ProposalStore
        + ImportMappingStore
        + TokenStore
        + LeaseStore
        + BackupStore
{
}

/// The database under the store.
#[async_trait]
pub trait DatabaseStore: Send + Sync + 'static {
    fn backend(&self) -> Backend;
    /// A cheap round trip, for health checks.
    async fn ping(&self) -> StoreResult<()>;
    /// Brings the schema up to date; running it again when it is changes nothing.
    async fn migrate(&self) -> StoreResult<()>;
}

/// Counters of writes, so that readers can tell cheaply whether what they hold is stale.
#[async_trait]
pub trait DataVersionStore: Send + Sync + 'static {
    /// The data versions of `user_id`'s data and of market data, in one cheap round trip
    /// (0 for a scope nothing was ever written to).
    async fn data_version(&self, user_id: Uuid) -> StoreResult<DataVersion>;
    /// The data version of each of `user_id`'s accounts: raised by every write to the rows
    /// that belong to the account (activities, holdings, values), so that a reader holding a
    /// user's rows reads again only the accounts whose counter moved.
    async fn account_versions(&self, user_id: Uuid) -> StoreResult<Vec<(Uuid, i64)>>;
}

#[async_trait]
pub trait UserStore: Send + Sync + 'static {
    async fn insert_user(&self, user: &User) -> StoreResult<()>;
    async fn user(&self, id: Uuid) -> StoreResult<Option<User>>;
    /// The user with their data version (see [`DataVersionStore::data_version`]), read in one
    /// round trip: what every authenticated request starts with.
    async fn user_with_version(&self, id: Uuid) -> StoreResult<Option<(User, DataVersion)>>;
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>>;
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>>;
    /// Ordered by creation time, oldest first.
    async fn users(&self, page: PageRequest) -> StoreResult<Page<User>>;
    async fn update_user(&self, user: &User) -> StoreResult<()>;
    /// Removes the user and everything they own.
    async fn delete_user(&self, id: Uuid) -> StoreResult<()>;
}

/// Currencies and exchange rates.
#[async_trait]
pub trait CurrencyStore: Send + Sync + 'static {
    /// Ordered by code.
    async fn currencies(&self) -> StoreResult<Vec<Currency>>;
    async fn currency(&self, code: &CurrencyCode) -> StoreResult<Option<Currency>>;
    async fn insert_currency(&self, currency: &Currency) -> StoreResult<()>;
    async fn update_currency(&self, currency: &Currency) -> StoreResult<()>;
    /// Conflict when an account or rate still uses it.
    async fn delete_currency(&self, code: &CurrencyCode) -> StoreResult<()>;
    /// Inserts or replaces the rate of `(from, to, date)`.
    async fn upsert_rate(&self, rate: &ExchangeRate) -> StoreResult<()>;
    /// [`CurrencyStore::upsert_rate`] for many rates in one statement: all stored or none.
    async fn upsert_rates(&self, rates: &[ExchangeRate]) -> StoreResult<()>;
    /// The newest rate `from -> to` dated on or before `date`.
    async fn rate_on_or_before(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        date: NaiveDate,
    ) -> StoreResult<Option<ExchangeRate>>;
    /// For each target currency, the newest rate from `from` dated on or before `date`.
    async fn rates_from(
        &self,
        from: &CurrencyCode,
        date: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>>;
    /// For each ordered pair of two different currencies among `codes`, the newest rate dated
    /// on or before `date`; pairs with none are absent. One round trip for any count, so that
    /// a whole portfolio is converted with one read (see `domain::RateBook`).
    async fn rates_among(
        &self,
        codes: &[CurrencyCode],
        date: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>>;
    /// Every rate between two different currencies among `codes` dated on or before `until`,
    /// by pair then oldest first: what converting amounts of many dates (a ledger's replay)
    /// reads, in one round trip for any count of currencies and dates.
    async fn rate_history_among(
        &self,
        codes: &[CurrencyCode],
        until: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>>;
    /// Every stored rate `from -> to`, oldest first (valuation histories, charts).
    async fn rate_history(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
    ) -> StoreResult<Vec<ExchangeRate>>;
}

/// Financial institutions.
#[async_trait]
pub trait InstitutionStore: Send + Sync + 'static {
    async fn insert_institution(&self, inst: &Institution) -> StoreResult<()>;
    async fn institution(&self, id: Uuid) -> StoreResult<Option<Institution>>;
    /// The user's institutions ordered by name.
    async fn institutions(
        &self,
        user_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Institution>>;
    async fn update_institution(&self, inst: &Institution) -> StoreResult<()>;
    /// Its accounts stay, unlinked.
    async fn delete_institution(&self, id: Uuid) -> StoreResult<()>;
}

/// Accounts and their values over time.
#[async_trait]
pub trait AccountStore: Send + Sync + 'static {
    async fn insert_account(&self, account: &Account) -> StoreResult<()>;
    async fn account(&self, id: Uuid) -> StoreResult<Option<Account>>;
    /// The user's accounts ordered by name.
    async fn accounts(&self, user_id: Uuid, page: PageRequest) -> StoreResult<Page<Account>>;
    async fn update_account(&self, account: &Account) -> StoreResult<()>;
    /// Its values and holdings go with it.
    async fn delete_account(&self, id: Uuid) -> StoreResult<()>;

    async fn insert_account_value(&self, value: &AccountValue) -> StoreResult<()>;
    /// [`AccountStore::insert_account_value`] for many values in one statement: all stored or
    /// none.
    async fn insert_account_values(&self, values: &[AccountValue]) -> StoreResult<()>;
    async fn account_value(&self, id: Uuid) -> StoreResult<Option<AccountValue>>;
    /// Newest first, optionally within `[start, end]`.
    async fn account_values(
        &self,
        account_id: Uuid,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<AccountValue>>;
    /// The newest value of each of the given accounts.
    async fn latest_account_values(
        &self,
        account_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, AccountValue>>;
    /// The newest value of each of the given accounts among those dated on or before `date`
    /// (a UTC day: any time of that day counts); accounts with none are absent.
    async fn account_values_on_or_before(
        &self,
        account_ids: &[Uuid],
        date: NaiveDate,
    ) -> StoreResult<HashMap<Uuid, AccountValue>>;
    async fn update_account_value(&self, value: &AccountValue) -> StoreResult<()>;
    async fn delete_account_value(&self, id: Uuid) -> StoreResult<()>;
}

#[async_trait]
pub trait SecurityStore: Send + Sync + 'static {
    /// Conflict when the symbol exists.
    async fn insert_security(&self, security: &Security) -> StoreResult<()>;
    async fn security(&self, id: Uuid) -> StoreResult<Option<Security>>;
    async fn security_by_symbol(&self, symbol: &Symbol) -> StoreResult<Option<Security>>;
    async fn securities_by_ids(&self, ids: &[Uuid]) -> StoreResult<Vec<Security>>;
    /// Each of the securities with its newest daily close, as the holdings are valued.
    async fn security_quotes(&self, ids: &[Uuid]) -> StoreResult<Vec<SecurityQuote>>;
    /// Ordered by symbol.
    async fn securities(&self, page: PageRequest) -> StoreResult<Page<Security>>;
    /// Symbol or name containing `query`, case-insensitively; exact symbol first, then by symbol.
    async fn search_securities(&self, query: &str, limit: u64) -> StoreResult<Vec<Security>>;
    async fn update_security(&self, security: &Security) -> StoreResult<()>;
}

/// Price bars of securities.
#[async_trait]
pub trait PriceStore: Send + Sync + 'static {
    /// Writes the security's metadata and upserts its bars in one transaction: either all of
    /// it is stored or none. Bars are unique on (security, interval, timestamp).
    async fn save_sync(&self, security: &Security, bars: &[PriceBar]) -> StoreResult<UpsertCount>;
    /// Upserts splits and dividends as the market data reports them, in one transaction;
    /// unique on (security, kind, date).
    async fn save_events(&self, events: &[SecurityEvent]) -> StoreResult<()>;
    /// The stored splits and dividends of the given securities, by security, then date.
    async fn security_events(&self, security_ids: &[Uuid]) -> StoreResult<Vec<SecurityEvent>>;
    /// Bars within `[start, end]` (either open), oldest first.
    async fn prices(
        &self,
        security_id: Uuid,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<PriceBar>>;
    async fn count_prices(&self, security_id: Uuid, interval: Interval) -> StoreResult<u64>;
    /// The newest bar of a security at an interval.
    async fn latest_price(
        &self,
        security_id: Uuid,
        interval: Interval,
    ) -> StoreResult<Option<PriceBar>>;
    /// The `n` newest daily closes of each of the given securities, grouped by security and
    /// newest first within each.
    async fn newest_closes(&self, security_ids: &[Uuid], n: i64) -> StoreResult<Vec<LatestClose>>;
    /// [`PriceStore::newest_closes`] among the closes dated on or before `date` (a UTC day:
    /// any time of that day counts): what a valuation as of that date reads.
    async fn closes_on_or_before(
        &self,
        security_ids: &[Uuid],
        date: NaiveDate,
        n: i64,
    ) -> StoreResult<Vec<LatestClose>>;
    /// Every daily close of the given securities dated within `[start, end]` (UTC days, both
    /// included), by security, then oldest first: what a daily series reads, without the rest
    /// of each bar.
    async fn daily_closes(
        &self,
        security_ids: &[Uuid],
        start: NaiveDate,
        end: NaiveDate,
    ) -> StoreResult<Vec<LatestClose>>;
    /// The newest daily close of each of the given securities (those with none are absent).
    async fn latest_closes(
        &self,
        security_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, LatestClose>> {
        Ok(self
            .newest_closes(security_ids, 1)
            .await?
            .into_iter()
            .map(|c| (c.security_id, c))
            .collect())
    }
    /// The two newest daily closes of each security, newest first: last price and day change.
    async fn last_two_closes(
        &self,
        security_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, Vec<LatestClose>>> {
        let mut out: HashMap<Uuid, Vec<LatestClose>> = HashMap::new();
        for c in self.newest_closes(security_ids, 2).await? {
            out.entry(c.security_id).or_default().push(c);
        }
        Ok(out)
    }
}

/// Snapshots of the shares an account holds of a security.
#[async_trait]
pub trait HoldingStore: Send + Sync + 'static {
    async fn insert_holding(&self, holding: &Holding) -> StoreResult<()>;
    async fn holding(&self, id: Uuid) -> StoreResult<Option<Holding>>;
    /// Newest first; `current_only` keeps only the newest snapshot per security.
    async fn holdings(
        &self,
        account_id: Uuid,
        current_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<Holding>>;
    /// [`HoldingStore::holdings`] of the account `account_id` when `owner` owns it (none
    /// otherwise), each with its security and closes, in one round trip.
    async fn priced_holdings(
        &self,
        owner: Uuid,
        account_id: Uuid,
        current_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<PricedHolding>>;
    /// The newest snapshot per (account, security) across all the user's accounts.
    async fn current_holdings_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Holding>>;
    /// [`HoldingStore::current_holdings_of_user`], each with its security and closes, in one
    /// round trip; each security's closes are looked up once however many accounts hold it.
    async fn priced_positions(&self, user_id: Uuid) -> StoreResult<Vec<PricedHolding>>;
    /// Every security held by anyone, through a holding or an activity (what a full sync
    /// refreshes).
    async fn held_security_ids(&self) -> StoreResult<Vec<Uuid>>;
    async fn update_holding(&self, holding: &Holding) -> StoreResult<()>;
    async fn delete_holding(&self, id: Uuid) -> StoreResult<()>;
}

/// The proposed activities an owner said no to. Owner checks live in the services.
#[async_trait]
pub trait ProposalStore: Send + Sync + 'static {
    /// Dismissing twice keeps the first.
    async fn dismiss_proposal(
        &self,
        account_id: Uuid,
        proposal_id: Uuid,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// `(account, proposal)` of every dismissal in the given accounts.
    async fn dismissed_proposals(&self, account_ids: &[Uuid]) -> StoreResult<Vec<(Uuid, Uuid)>>;
}

/// The column mappings a user saved for the generic CSV import, each under a name.
#[async_trait]
pub trait ImportMappingStore: Send + Sync + 'static {
    /// Saving under a name already used replaces what it held.
    async fn save_import_mapping(
        &self,
        user_id: Uuid,
        name: &str,
        columns: &BTreeMap<String, String>,
        at: DateTime<Utc>,
    ) -> StoreResult<()>;
    /// Every mapping of the user, by name.
    async fn import_mappings(
        &self,
        user_id: Uuid,
    ) -> StoreResult<Vec<(String, BTreeMap<String, String>)>>;
}

/// The ledger's activities. Owner checks live in the services, as for holdings.
#[async_trait]
pub trait ActivityStore: Send + Sync + 'static {
    /// All or none, in one transaction.
    async fn insert_activities(&self, activities: &[Activity]) -> StoreResult<()>;
    async fn activity(&self, id: Uuid) -> StoreResult<Option<Activity>>;
    async fn activity_by_external_id(
        &self,
        account_id: Uuid,
        external_id: &str,
    ) -> StoreResult<Option<Activity>>;
    /// Oldest first (date, then creation), filtered.
    async fn activities(
        &self,
        account_id: Uuid,
        filter: &ActivityFilter,
        page: PageRequest,
    ) -> StoreResult<Page<Activity>>;
    /// Every activity of the account, by date then creation: what a replay reads.
    async fn account_activities(&self, account_id: Uuid) -> StoreResult<Vec<Activity>>;
    /// Every activity of the user's accounts, by account, then as `account_activities`.
    async fn user_activities(&self, user_id: Uuid) -> StoreResult<Vec<Activity>>;
    /// The user's accounts with at least one activity.
    async fn accounts_with_activities(&self, user_id: Uuid) -> StoreResult<Vec<Uuid>>;
    async fn update_activity(&self, activity: &Activity) -> StoreResult<()>;
    async fn delete_activity(&self, id: Uuid) -> StoreResult<()>;
}

/// Refresh and password-reset tokens.
#[async_trait]
pub trait TokenStore: Send + Sync + 'static {
    async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> StoreResult<()>;
    async fn refresh_token(&self, jti: Uuid) -> StoreResult<Option<RefreshTokenRecord>>;
    /// Marks the token spent if it is neither spent nor revoked; false when it already was.
    /// Atomic, so two concurrent refreshes cannot both spend one token.
    async fn spend_refresh_token(&self, jti: Uuid, at: DateTime<Utc>) -> StoreResult<bool>;
    async fn revoke_token_family(&self, family_id: Uuid) -> StoreResult<u64>;
    async fn revoke_user_tokens(&self, user_id: Uuid) -> StoreResult<u64>;

    async fn insert_reset_token(&self, token: &PasswordResetToken) -> StoreResult<()>;
    /// Marks an unused, unexpired token with this hash used and returns it; `None` otherwise.
    /// Atomic, so a token works once.
    async fn take_reset_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<PasswordResetToken>>;
}

/// Work that one holder among every process sharing the store does at a time.
#[async_trait]
pub trait LeaseStore: Send + Sync + 'static {
    /// Takes the lease `name` for `holder` for `ttl` when nobody holds it, its holder's time
    /// has run out, or `holder` holds it already (which extends it). True when `holder` holds
    /// it now. Atomic: of holders asking at once, one gets it.
    async fn acquire_lease(
        &self,
        name: &str,
        holder: Uuid,
        ttl: std::time::Duration,
    ) -> StoreResult<bool>;
    /// Ends `holder`'s lease `name`; a lease that another holder has taken since stays.
    async fn release_lease(&self, name: &str, holder: Uuid) -> StoreResult<()>;
}

/// A user's whole data at once: what moving them to another store takes.
#[async_trait]
pub trait BackupStore: Send + Sync + 'static {
    /// Everything `user_id` owns and the market data it uses (see [`UserRows`]), read as of
    /// one moment however many writes run meanwhile; `None` when there is no such user.
    async fn user_rows(&self, user_id: Uuid) -> StoreResult<Option<UserRows>>;
    /// Writes `rows` in one transaction: all of them or, on any failure, none. The user's own
    /// rows are inserted as they are (a user, email or username already stored is a
    /// [`StoreError::Conflict`] naming its rule); market data and currencies already stored
    /// are kept as they are. The user's and the market's data versions then start at
    /// `restored_at`, counted in microseconds, so that no version a reader saw before (in
    /// this store or in the one the rows came from) can come back.
    ///
    /// [`StoreError::Conflict`]: super::StoreError::Conflict
    async fn restore_user_rows(
        &self,
        rows: &UserRows,
        restored_at: DateTime<Utc>,
    ) -> StoreResult<()>;
}
