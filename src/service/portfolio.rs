//! Institutions, accounts, account values and holdings, each visible only to its owner, and
//! the market figures computed from them.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::domain::valuation::{HoldingValuation, Missing, NetWorth};
use crate::domain::{
    self, Account, AccountPatch, AccountValue, AccountValuePatch, CurrencyCode, DataVersion,
    Holding, HoldingPatch, Institution, InstitutionPatch, NewAccount, NewAccountValue, NewHolding,
    NewInstitution, Page, PageRequest, QuoteUnit, Security, Symbol, User,
};
use crate::store::{ConflictKind, LatestClose, PricedHolding, Store, StoreError};

use super::account_locks::AccountLocks;
use super::fx::FxService;
use super::ledger::{check_statements, LedgerService, UserLedger};
use super::securities::{FirstUse, SecurityService};
pub use super::valuation::PortfolioLedgers;
use super::{Entity, ServiceError, ServiceResult};

const INSTITUTION_NOT_FOUND: &str = "Financial institution not found";
pub(super) const ACCOUNT_NOT_FOUND: &str = "Account not found";
const VALUE_NOT_FOUND: &str = "Account value not found";
const HOLDING_NOT_FOUND: &str = "Holding not found";

/// A security named by its id or by its ticker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityRef {
    Id(Uuid),
    Symbol(Symbol),
}

impl SecurityRef {
    /// A UUID string is an id; anything else must be a ticker symbol.
    pub fn parse(raw: &str) -> Result<Self, domain::ValidationError> {
        match Uuid::parse_str(raw.trim()) {
            Ok(id) => Ok(Self::Id(id)),
            Err(_) => Symbol::parse(raw).map(Self::Symbol),
        }
    }
}

/// An account with its newest balance and the market value of its current holdings.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountSummary {
    pub account: Account,
    pub current_balance: Option<Decimal>,
    pub current_cash_balance: Option<Decimal>,
    pub balance_as_of: Option<DateTime<Utc>>,
    /// In the account's currency, of the positions that could be priced and converted; zero
    /// with no holdings.
    pub market_value: Decimal,
    /// Positions left out of `market_value`.
    pub missing: Vec<Missing>,
    /// How many current holdings the account has.
    pub positions: usize,
}

impl AccountSummary {
    /// The market value when no position is left out of it.
    pub fn complete_market_value(&self) -> Option<Decimal> {
        self.missing.is_empty().then_some(self.market_value)
    }

    /// What the account contributes to net worth, in its currency (see [`account_worth`]).
    pub fn worth(&self) -> Decimal {
        account_worth(self)
    }
}

/// A holding with its security and market figures (in the security's quote unit).
#[derive(Debug, Clone, PartialEq)]
pub struct HoldingView {
    pub holding: Holding,
    pub security: Security,
    pub valuation: HoldingValuation,
    /// The close before the newest one, for the day change.
    pub previous_close: Option<Decimal>,
    pub price_as_of: Option<DateTime<Utc>>,
}

impl HoldingView {
    pub fn day_change(&self) -> Option<Decimal> {
        Some(self.valuation.market_price? - self.previous_close?)
    }
}

/// One institution (or none, for unlinked accounts) and its accounts.
#[derive(Debug, Clone, PartialEq)]
pub struct InstitutionGroup {
    pub institution: Option<Institution>,
    pub accounts: Vec<AccountSummary>,
    /// The accounts' worth in the base currency (liabilities negative), of those that could
    /// be converted.
    pub total_base: Decimal,
}

/// Everything the accounts screen shows: accounts grouped by institution, totals converted to
/// the base currency, net worth.
#[derive(Debug, Clone, PartialEq)]
pub struct Overview {
    pub base_currency: CurrencyCode,
    pub groups: Vec<InstitutionGroup>,
    pub net_worth: NetWorth,
    /// Each account's worth in the base currency, liabilities negative; an account whose
    /// currency has no rate to the base currency is absent.
    pub worth_base: HashMap<Uuid, Decimal>,
    /// What the totals leave out: unpriced positions, positions and accounts that could not
    /// be converted.
    pub missing: Vec<Missing>,
}

impl Overview {
    /// Whether every account and position is in the totals.
    pub fn complete(&self) -> bool {
        self.missing.is_empty()
    }
}

#[derive(Clone)]
pub struct PortfolioService {
    /// Also read by the valuation (`super::valuation`).
    pub(super) store: Arc<dyn Store>,
    securities: Arc<SecurityService>,
    fx: Arc<FxService>,
    /// Shared with the activity service: a holding is a statement in its account's ledger.
    locks: AccountLocks,
    /// Its ledger rows, shared with the ledger service: the valuation replays the accounts.
    pub(super) ledger: LedgerService,
}

impl PortfolioService {
    pub(super) fn new(
        store: Arc<dyn Store>,
        securities: Arc<SecurityService>,
        fx: Arc<FxService>,
        locks: AccountLocks,
        ledger: LedgerService,
    ) -> Self {
        Self {
            store,
            securities,
            fx,
            locks,
            ledger,
        }
    }

    /// The rate in force on `date`, or `None` when none is stored (never 1:1).
    #[tracing::instrument(skip_all, fields(from = %from, to = %to))]
    async fn rate(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        date: chrono::NaiveDate,
    ) -> ServiceResult<Option<Decimal>> {
        match self.fx.rate(from, to, date).await {
            Ok(rate) => Ok(Some(rate)),
            Err(ServiceError::NotFound { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    // Institutions

    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn institutions(
        &self,
        user: &User,
        page: PageRequest,
    ) -> ServiceResult<Page<Institution>> {
        Ok(self.store.institutions(user.id, page).await?)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, id = %id))]
    pub async fn institution(&self, user: &User, id: Uuid) -> ServiceResult<Institution> {
        self.store
            .institution(id)
            .await?
            .filter(|i| i.user_id == user.id)
            .ok_or_else(|| ServiceError::not_found(Entity::Institution, INSTITUTION_NOT_FOUND))
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn create_institution(
        &self,
        user: &User,
        new: NewInstitution,
    ) -> ServiceResult<Institution> {
        let inst = new.into_institution(Uuid::new_v4(), user.id, domain::now());
        self.store.insert_institution(&inst).await?;
        Ok(inst)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, id = %id))]
    pub async fn update_institution(
        &self,
        user: &User,
        id: Uuid,
        patch: InstitutionPatch,
    ) -> ServiceResult<Institution> {
        let mut inst = self.institution(user, id).await?;
        patch.apply(&mut inst);
        inst.updated_at = domain::now();
        self.store.update_institution(&inst).await?;
        Ok(inst)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, id = %id))]
    pub async fn delete_institution(&self, user: &User, id: Uuid) -> ServiceResult<()> {
        self.institution(user, id).await?;
        self.store
            .delete_institution(id)
            .await
            .map_err(|e| missing(e, Entity::Institution, INSTITUTION_NOT_FOUND))
    }

    /// How current the user's portfolio is: unchanged between two calls exactly when
    /// nothing the portfolio reads (own data, securities, prices, rates) was written, by this
    /// process or any other sharing the store.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn data_version(&self, user: &User) -> ServiceResult<DataVersion> {
        Ok(self.store.data_version(user.id).await?)
    }

    // Accounts

    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn accounts(&self, user: &User, page: PageRequest) -> ServiceResult<Page<Account>> {
        Ok(self.store.accounts(user.id, page).await?)
    }

    /// [`PortfolioService::accounts`] with the user's data version already read (as a request
    /// is authenticated): cut from the accounts held at that version, in the store's order.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn accounts_at(
        &self,
        user: &User,
        page: PageRequest,
        version: DataVersion,
    ) -> ServiceResult<Page<Account>> {
        let ledger = self.ledger.rows_at(user, version).await?;
        Ok(paged(&ledger.rows.accounts, page))
    }

    /// The user's account named `name` (any case), or whose id it is: what a command line
    /// names an account by. 404 when none is, 400 when several share the name.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn account_named(&self, user: &User, name: &str) -> ServiceResult<Account> {
        if let Ok(id) = Uuid::parse_str(name.trim()) {
            return self.account(user, id).await;
        }
        let wanted = name.trim().to_lowercase();
        let mut found: Vec<Account> = self
            .store
            .accounts(user.id, PageRequest::all())
            .await?
            .items
            .into_iter()
            .filter(|a| a.name.to_lowercase() == wanted)
            .collect();
        match found.len() {
            0 => Err(ServiceError::not_found(
                Entity::Account,
                format!("No account is named '{}'", name.trim()),
            )),
            1 => Ok(found.remove(0)),
            n => Err(ServiceError::bad_request(
                "account",
                format!(
                    "{n} accounts are named '{}': name one by its id",
                    name.trim()
                ),
            )),
        }
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, id = %id))]
    pub async fn account(&self, user: &User, id: Uuid) -> ServiceResult<Account> {
        owned_account(self.store.as_ref(), user, id).await
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn create_account(&self, user: &User, new: NewAccount) -> ServiceResult<Account> {
        if let Some(inst) = new.institution_id {
            self.institution(user, inst).await?;
        }
        self.require_currency(&new.currency).await?;
        let account = new.into_account(Uuid::new_v4(), user.id, domain::now());
        self.store.insert_account(&account).await?;
        Ok(account)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, id = %id))]
    pub async fn update_account(
        &self,
        user: &User,
        id: Uuid,
        patch: AccountPatch,
    ) -> ServiceResult<Account> {
        let patch = patch.validated()?;
        let mut account = self.account(user, id).await?;
        if let Some(Some(inst)) = patch.institution_id {
            self.institution(user, inst).await?;
        }
        if let Some(code) = &patch.currency {
            self.require_currency(code).await?;
        }
        patch.apply(&mut account);
        account.updated_at = domain::now();
        self.store.update_account(&account).await?;
        Ok(account)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, id = %id))]
    pub async fn delete_account(&self, user: &User, id: Uuid) -> ServiceResult<()> {
        self.account(user, id).await?;
        self.store
            .delete_account(id)
            .await
            .map_err(|e| missing(e, Entity::Account, ACCOUNT_NOT_FOUND))
    }

    /// One account's figures: its row, its newest value and its current positions valued.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, id = %id))]
    pub async fn account_summary(&self, user: &User, id: Uuid) -> ServiceResult<AccountSummary> {
        let version = self.store.data_version(user.id).await?;
        self.account_summary_at(user, id, version).await
    }

    /// [`PortfolioService::account_summary`] with the user's data version already read (as a
    /// request is authenticated): from the rows held at that version, with no statement run
    /// when they are held and the account's positions are holdings.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, id = %id))]
    pub async fn account_summary_at(
        &self,
        user: &User,
        id: Uuid,
        version: DataVersion,
    ) -> ServiceResult<AccountSummary> {
        let ledger = self.ledger.rows_at(user, version).await?;
        let account = ledger
            .rows
            .account(id)
            .ok_or_else(|| ServiceError::not_found(Entity::Account, ACCOUNT_NOT_FOUND))?;
        let mut one = self.summarize(&ledger, vec![account.clone()]).await?;
        Ok(one.remove(0))
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn account_summaries(
        &self,
        user: &User,
        page: PageRequest,
    ) -> ServiceResult<Page<AccountSummary>> {
        let ledger = self.ledger.rows(user).await?;
        let accounts = paged(&ledger.rows.accounts, page);
        Ok(Page {
            items: self.summarize(&ledger, accounts.items).await?,
            total: accounts.total,
        })
    }

    /// Balances and market values of the user's `accounts`, from their rows held in `ledger`.
    /// An investment account kept by activities holds what its ledger replays; another
    /// investment account its current holdings, each at the newest close kept with its
    /// security; an account that is not an investment account holds nothing.
    async fn summarize(
        &self,
        ledger: &UserLedger,
        accounts: Vec<Account>,
    ) -> ServiceResult<Vec<AccountSummary>> {
        let rows = ledger.rows.as_ref();
        let investing = |a: &&Account| a.is_investment_account;
        let (kept, snapshots): (Vec<&Account>, Vec<&Account>) = accounts
            .iter()
            .filter(investing)
            .partition(|a| rows.has_activities(a.id));
        let mut replayed: HashMap<Uuid, Vec<HoldingView>> = HashMap::new();
        if !kept.is_empty() {
            let activities = kept
                .iter()
                .flat_map(|a| rows.activities(a.id).iter().cloned())
                .collect();
            let kept = kept.into_iter().cloned().collect();
            for view in self.replayed_holdings(kept, activities).await? {
                replayed
                    .entry(view.holding.account_id)
                    .or_default()
                    .push(view);
            }
        }
        let held: HashMap<Uuid, Vec<&Holding>> = snapshots
            .iter()
            .map(|a| (a.id, rows.current_holdings(a.id).collect()))
            .collect();
        let ids: Vec<Uuid> = held.values().flatten().map(|h| h.security_id).collect();
        let quotes = if ids.is_empty() {
            Arc::default()
        } else {
            self.ledger.quotes(ids, ledger.version.market).await?
        };
        let today = Utc::now().date_naive();
        let mut out = Vec::with_capacity(accounts.len());
        for account in accounts {
            let value = rows.latest_value(account.id);
            let views = replayed.remove(&account.id).unwrap_or_default();
            let holdings = held.get(&account.id).map(Vec::as_slice).unwrap_or_default();
            let mut positions: Vec<PositionValue> = views.iter().map(PositionValue::of).collect();
            for h in holdings {
                let Some(quote) = quotes.get(&h.security_id) else {
                    return Err(ServiceError::not_found(
                        Entity::Security,
                        "Security not found",
                    ));
                };
                positions.push(PositionValue {
                    symbol: &quote.symbol,
                    quote: &quote.quote_currency,
                    market_value: HoldingValuation::market_value(h.shares, quote.close),
                });
            }
            positions.sort_by(|a, b| a.symbol.cmp(b.symbol));
            let (market_value, missing) = self
                .value_in(account.id, &positions, &account.currency, today)
                .await?;
            out.push(AccountSummary {
                current_balance: value.map(|v| v.balance),
                current_cash_balance: value.and_then(|v| v.cash_balance),
                balance_as_of: value.map(|v| v.timestamp),
                market_value,
                missing,
                positions: positions.len(),
                account,
            });
        }
        Ok(out)
    }

    /// The total market value of positions in `currency`, of those that could be priced and
    /// converted, and the positions left out.
    #[tracing::instrument(skip_all, fields(account_id = %account_id))]
    async fn value_in(
        &self,
        account_id: Uuid,
        positions: &[PositionValue<'_>],
        currency: &CurrencyCode,
        date: chrono::NaiveDate,
    ) -> ServiceResult<(Decimal, Vec<Missing>)> {
        // Summed per currency first, so that each rate is looked up once however many
        // positions there are.
        let mut by_currency: HashMap<CurrencyCode, (Decimal, Vec<Symbol>)> = HashMap::new();
        let mut missing = Vec::new();
        for position in positions {
            let symbol = position.symbol.clone();
            let Some(value) = position.market_value else {
                missing.push(Missing::price(account_id, symbol));
                continue;
            };
            let Ok(unit) = QuoteUnit::parse(position.quote) else {
                missing.push(Missing::price(account_id, symbol));
                continue;
            };
            let slot = by_currency.entry(unit.currency.clone()).or_default();
            slot.0 += unit.to_major(value);
            slot.1.push(symbol);
        }
        let mut total = Decimal::ZERO;
        let mut currencies: Vec<_> = by_currency.into_iter().collect();
        currencies.sort_by(|a, b| a.0.cmp(&b.0));
        for (from, (amount, symbols)) in currencies {
            match self.rate(&from, currency, date).await? {
                Some(rate) => total += amount * rate,
                None => missing.extend(
                    symbols
                        .into_iter()
                        .map(|s| Missing::fx(account_id, from.clone(), Some(s))),
                ),
            }
        }
        Ok((total.round_dp(domain::money::MAX_SCALE), missing))
    }

    // Account values

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn values(
        &self,
        user: &User,
        account_id: Uuid,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> ServiceResult<Page<AccountValue>> {
        self.account(user, account_id).await?;
        Ok(self
            .store
            .account_values(account_id, start, end, page)
            .await?)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn value(
        &self,
        user: &User,
        account_id: Uuid,
        id: Uuid,
    ) -> ServiceResult<AccountValue> {
        self.account(user, account_id).await?;
        self.store
            .account_value(id)
            .await?
            .filter(|v| v.account_id == account_id)
            .ok_or_else(|| ServiceError::not_found(Entity::AccountValue, VALUE_NOT_FOUND))
    }

    /// `cash_balance` is required for investment accounts: the check needs the account, so
    /// it happens here rather than in the caller.
    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn create_value(
        &self,
        user: &User,
        account_id: Uuid,
        balance: Decimal,
        cash_balance: Option<Decimal>,
        timestamp: Option<DateTime<Utc>>,
    ) -> ServiceResult<AccountValue> {
        let account = self.account(user, account_id).await?;
        let new = NewAccountValue::new(
            balance,
            cash_balance,
            timestamp.unwrap_or_else(domain::now),
            account.is_investment_account,
        )
        .map_err(|e| match e.field {
            "cash_balance" if cash_balance.is_none() => ServiceError::bad_request(
                "cash_balance",
                "cash_balance is required for investment accounts",
            ),
            _ => ServiceError::Invalid(e),
        })?;
        let value = new.into_value(Uuid::new_v4(), account_id, domain::now());
        self.store.insert_account_value(&value).await.map_err(|e| {
            conflict(
                e,
                "A value with this timestamp already exists for this account",
            )
        })?;
        Ok(value)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn update_value(
        &self,
        user: &User,
        account_id: Uuid,
        id: Uuid,
        patch: AccountValuePatch,
    ) -> ServiceResult<AccountValue> {
        let patch = patch.validated()?;
        let mut value = self.value(user, account_id, id).await?;
        patch.apply(&mut value);
        value.updated_at = domain::now();
        self.store.update_account_value(&value).await.map_err(|e| {
            conflict(
                e,
                "A value with this timestamp already exists for this account",
            )
        })?;
        Ok(value)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn delete_value(&self, user: &User, account_id: Uuid, id: Uuid) -> ServiceResult<()> {
        self.value(user, account_id, id).await?;
        self.store
            .delete_account_value(id)
            .await
            .map_err(|e| missing(e, Entity::AccountValue, VALUE_NOT_FOUND))
    }

    // Holdings

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn holdings(
        &self,
        user: &User,
        account_id: Uuid,
        current_only: bool,
        page: PageRequest,
    ) -> ServiceResult<Page<HoldingView>> {
        if current_only {
            // An account kept by activities holds what its ledger replays.
            let activities = self.store.account_activities(account_id).await?;
            if !activities.is_empty() {
                let account = self.account(user, account_id).await?;
                let all = self.replayed_holdings(vec![account], activities).await?;
                let total = all.len() as u64;
                let items = all
                    .into_iter()
                    .skip(usize::try_from(page.skip).unwrap_or(usize::MAX))
                    .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
                    .collect();
                return Ok(Page { items, total });
            }
        }
        // One query, which finds nothing unless the caller owns the account: only an empty
        // page asks whether the account is missing or merely empty.
        let page = self
            .store
            .priced_holdings(user.id, account_id, current_only, page)
            .await?;
        if page.items.is_empty() {
            self.account(user, account_id).await?;
        }
        Ok(Page {
            items: page.items.into_iter().map(priced_view).collect(),
            total: page.total,
        })
    }

    /// The user's current positions across all accounts.
    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    pub async fn positions(&self, user: &User) -> ServiceResult<Vec<HoldingView>> {
        self.positions_of(user.id).await
    }

    #[tracing::instrument(skip_all, fields(user_id = %user_id))]
    async fn positions_of(&self, user_id: Uuid) -> ServiceResult<Vec<HoldingView>> {
        let (priced, kept) = tokio::try_join!(
            self.store.priced_positions(user_id),
            self.store.accounts_with_activities(user_id),
        )?;
        let mut views: Vec<HoldingView> = priced
            .into_iter()
            .filter(|p| !kept.contains(&p.holding.account_id))
            .map(priced_view)
            .collect();
        if !kept.is_empty() {
            views.extend(self.ledger_positions(user_id, &kept).await?);
        }
        Ok(views)
    }

    /// The replayed positions of the user's accounts kept by activities (`kept`).
    async fn ledger_positions(
        &self,
        user_id: Uuid,
        kept: &[Uuid],
    ) -> ServiceResult<Vec<HoldingView>> {
        let (accounts, activities) = tokio::try_join!(
            self.store.accounts(user_id, PageRequest::all()),
            self.store.user_activities(user_id),
        )?;
        let accounts = accounts
            .items
            .into_iter()
            .filter(|a| kept.contains(&a.id))
            .collect();
        self.replayed_holdings(accounts, activities).await
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn holding(
        &self,
        user: &User,
        account_id: Uuid,
        id: Uuid,
    ) -> ServiceResult<HoldingView> {
        let holding = self.owned_holding(user, account_id, id).await?;
        Ok(self.views(vec![holding]).await?.remove(0))
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    async fn owned_holding(
        &self,
        user: &User,
        account_id: Uuid,
        id: Uuid,
    ) -> ServiceResult<Holding> {
        self.account(user, account_id).await?;
        self.store
            .holding(id)
            .await?
            .filter(|h| h.account_id == account_id)
            .ok_or_else(|| ServiceError::not_found(Entity::Holding, HOLDING_NOT_FOUND))
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id))]
    pub async fn create_holding(
        &self,
        user: &User,
        account_id: Uuid,
        security: SecurityRef,
        shares: Decimal,
        average_price: Decimal,
        timestamp: Option<DateTime<Utc>>,
    ) -> ServiceResult<HoldingView> {
        let account = self.account(user, account_id).await?;
        if !account.is_investment_account {
            return Err(ServiceError::bad_request(
                "account_id",
                "Holdings can only be added to investment accounts",
            ));
        }
        let new = NewHolding::new(
            Uuid::nil(),
            shares,
            average_price,
            timestamp.unwrap_or_else(domain::now),
        )?;
        let security = self.resolve(&security).await?;
        let holding = NewHolding {
            security_id: security.id,
            ..new
        }
        .into_holding(Uuid::new_v4(), account_id, domain::now());
        let _writing = self.locks.lock(account_id).await;
        check_statements(self.store.as_ref(), &account, |held| {
            held.push(holding.clone())
        })
        .await?;
        self.store.insert_holding(&holding).await.map_err(|e| {
            conflict(
                e,
                "A holding of this security with this timestamp already exists",
            )
        })?;
        Ok(self.views(vec![holding]).await?.remove(0))
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn update_holding(
        &self,
        user: &User,
        account_id: Uuid,
        id: Uuid,
        security: Option<SecurityRef>,
        mut patch: HoldingPatch,
    ) -> ServiceResult<HoldingView> {
        let account = self.account(user, account_id).await?;
        if let Some(r) = security {
            patch.security_id = Some(self.resolve(&r).await?.id);
        }
        let patch = patch.validated()?;
        let _writing = self.locks.lock(account_id).await;
        let mut holding = self.owned_holding(user, account_id, id).await?;
        patch.apply(&mut holding);
        holding.updated_at = domain::now();
        check_statements(self.store.as_ref(), &account, |held| {
            for h in held.iter_mut().filter(|h| h.id == id) {
                *h = holding.clone();
            }
        })
        .await?;
        self.store.update_holding(&holding).await.map_err(|e| {
            conflict(
                e,
                "A holding of this security with this timestamp already exists",
            )
        })?;
        Ok(self.views(vec![holding]).await?.remove(0))
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id, account_id = %account_id, id = %id))]
    pub async fn delete_holding(
        &self,
        user: &User,
        account_id: Uuid,
        id: Uuid,
    ) -> ServiceResult<()> {
        let account = self.account(user, account_id).await?;
        let _writing = self.locks.lock(account_id).await;
        self.owned_holding(user, account_id, id).await?;
        check_statements(self.store.as_ref(), &account, |held| {
            held.retain(|h| h.id != id)
        })
        .await?;
        self.store
            .delete_holding(id)
            .await
            .map_err(|e| missing(e, Entity::Holding, HOLDING_NOT_FOUND))
    }

    /// A stored security by id, or by symbol — looked up on Yahoo and stored when unknown.
    #[tracing::instrument(skip_all)]
    async fn resolve(&self, security: &SecurityRef) -> ServiceResult<Security> {
        resolve_security(&self.securities, security).await
    }

    /// Attaches securities and latest closes to holdings with two queries in all.
    #[tracing::instrument(skip_all)]
    async fn views(&self, holdings: Vec<Holding>) -> ServiceResult<Vec<HoldingView>> {
        let mut ids: Vec<Uuid> = holdings.iter().map(|h| h.security_id).collect();
        ids.sort_unstable();
        ids.dedup();
        // Independent reads: one round trip of waiting instead of two.
        let (securities, closes) = tokio::try_join!(
            self.store.securities_by_ids(&ids),
            self.store.last_two_closes(&ids)
        )?;
        let securities: HashMap<Uuid, Security> =
            securities.into_iter().map(|s| (s.id, s)).collect();
        holdings
            .into_iter()
            .map(|holding| {
                let security = securities
                    .get(&holding.security_id)
                    .cloned()
                    .ok_or_else(|| {
                        ServiceError::internal(format!("holding {} has no security", holding.id))
                    })?;
                let two: &[LatestClose] = closes.get(&holding.security_id).map_or(&[], |v| v);
                let valuation = HoldingValuation::of(&holding, two.first().map(|c| c.close));
                Ok(HoldingView {
                    previous_close: two.get(1).map(|c| c.close),
                    price_as_of: two.first().map(|c| c.timestamp),
                    holding,
                    security,
                    valuation,
                })
            })
            .collect()
    }

    #[tracing::instrument(skip_all, fields(code = %code))]
    async fn require_currency(&self, code: &CurrencyCode) -> ServiceResult<()> {
        match self.store.currency(code).await? {
            Some(_) => Ok(()),
            None => Err(ServiceError::not_found(
                Entity::Currency,
                format!("Currency {code} not found"),
            )),
        }
    }
}

/// A position as a total counts it: its security, and its market value in the security's
/// quote unit when it could be priced.
struct PositionValue<'a> {
    symbol: &'a Symbol,
    quote: &'a str,
    market_value: Option<Decimal>,
}

impl<'a> PositionValue<'a> {
    fn of(view: &'a HoldingView) -> Self {
        Self {
            symbol: &view.security.symbol,
            quote: &view.security.currency,
            market_value: view.valuation.market_value,
        }
    }
}

/// One page of `all`, as the store would have cut it.
fn paged(all: &[Account], page: PageRequest) -> Page<Account> {
    let skip = usize::try_from(page.skip).unwrap_or(usize::MAX);
    let limit = usize::try_from(page.limit).unwrap_or(usize::MAX);
    Page {
        items: all.iter().skip(skip).take(limit).cloned().collect(),
        total: all.len() as u64,
    }
}

/// A holding as a list shows it, from what the store read with it.
fn priced_view(p: PricedHolding) -> HoldingView {
    let valuation = HoldingValuation::of(&p.holding, p.close.map(|(_, close)| close));
    HoldingView {
        previous_close: p.previous_close,
        price_as_of: p.close.map(|(at, _)| at),
        holding: p.holding,
        security: p.security,
        valuation,
    }
}

/// What an account contributes to net worth: for an investment account with holdings, the
/// market value of those that could be priced plus cash (what could not be priced is listed in
/// `missing`, never counted at cost or as 0); otherwise the newest balance.
pub fn account_worth(s: &AccountSummary) -> Decimal {
    if s.account.is_investment_account && s.positions > 0 {
        s.market_value + s.current_cash_balance.unwrap_or_default()
    } else {
        s.current_balance.unwrap_or_default()
    }
}

/// The account `id` when `user` owns it; 404 otherwise, whether it exists or not.
pub(super) async fn owned_account(
    store: &dyn Store,
    user: &User,
    id: Uuid,
) -> ServiceResult<Account> {
    store
        .account(id)
        .await?
        .filter(|a| a.user_id == user.id)
        .ok_or_else(|| ServiceError::not_found(Entity::Account, ACCOUNT_NOT_FOUND))
}

/// A stored security by id, or by symbol — looked up on Yahoo and stored when unknown.
pub(super) async fn resolve_security(
    securities: &SecurityService,
    security: &SecurityRef,
) -> ServiceResult<Security> {
    match security {
        SecurityRef::Id(id) => securities
            .by_id(*id, FirstUse::SyncNow)
            .await?
            .ok_or_else(|| ServiceError::not_found(Entity::Security, "Security not found")),
        SecurityRef::Symbol(symbol) => securities.obtain(symbol, FirstUse::SyncNow).await,
    }
}

pub(super) fn missing(e: StoreError, entity: Entity, what: &str) -> ServiceError {
    match e {
        StoreError::NotFound => ServiceError::not_found(entity, what),
        other => other.into(),
    }
}

/// A uniqueness rule said as `what`; a vanished owner or parent as the store error says.
pub(super) fn conflict(e: StoreError, what: &str) -> ServiceError {
    match e.conflict_kind() {
        Some(ConflictKind::Rule) => ServiceError::Conflict(what.into()),
        _ => e.into(),
    }
}
