//! Securities and their prices: lookup from Yahoo, price sync, price queries, search.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::upstream::{bounded, Deadlines, LookupBudget};
use super::{Entity, ServiceError, ServiceResult, Upstream};
use crate::domain::security_event::{CorporateAction, SecurityEvent};
use crate::domain::{self, Interval, NewSecurity, PriceBar, Security, SecurityType, Symbol};
use crate::market::deadline::with_half_the_time_left;
use crate::market::{
    Bar, CacheHealth, Chart, ChartRange, ChartRequest, Deadline, MarketData, MarketError, Profile,
    Quote, QuoteRefusal, QuoteSource,
};
use crate::store::Store;

/// Bars re-fetched before the newest stored one on an incremental sync, so that late
/// corrections (adjusted closes, a day's final bar) replace what was stored.
const SYNC_OVERLAP: Duration = Duration::days(7);

/// A lookup that has a chart to fall back on, given half the time left so that the fallback
/// still has the other half; running out of it counts as the lookup being unavailable.
async fn with_fallback_time<T>(
    lookup: impl std::future::Future<Output = Result<T, MarketError>>,
) -> Result<T, MarketError> {
    with_half_the_time_left(lookup)
        .await
        .unwrap_or_else(|e| Err(MarketError::Unavailable(e.to_string())))
}

impl From<MarketError> for ServiceError {
    fn from(e: MarketError) -> Self {
        match e {
            MarketError::NotFound(m) => Self::not_found(Entity::Security, m),
            MarketError::BadRequest(m) => Self::BadRequest {
                field: None,
                message: m,
            },
            MarketError::RateLimited { retry_after } => Self::UpstreamRateLimited {
                message: "Yahoo Finance is rate limiting requests; try again later".into(),
                retry_after,
            },
            e @ (MarketError::Offline(_)
            | MarketError::Unavailable(_)
            | MarketError::SessionRefused(_)
            | MarketError::InvalidResponse(_)) => Self::unavailable(Upstream::MarketData, e),
        }
    }
}

/// One search result: a stored security, or a Yahoo instrument not stored yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchResult {
    pub symbol: Symbol,
    pub name: String,
    pub exchange: Option<String>,
    pub security_type: SecurityType,
    pub sector: Option<String>,
    pub industry: Option<String>,
    /// Set when stored.
    pub currency: Option<String>,
    pub in_database: bool,
    /// The stored security, when there is one.
    #[serde(skip)]
    pub security: Option<Security>,
}

/// A stored security as a search result shows it.
impl From<Security> for SearchResult {
    fn from(s: Security) -> Self {
        Self {
            symbol: s.symbol.clone(),
            name: s.name.clone(),
            exchange: s.exchange.clone(),
            security_type: s.security_type,
            sector: s.sector.clone(),
            industry: s.industry.clone(),
            currency: Some(s.currency.clone()),
            in_database: true,
            security: Some(s),
        }
    }
}

impl SearchResult {
    /// The stored security's id, or the id the security will be stored under, which
    /// [`SecurityService::by_id`] accepts before it is stored.
    pub fn id(&self) -> Uuid {
        self.security
            .as_ref()
            .map_or_else(|| self.symbol.derived_id(), |s| s.id)
    }
}

/// When a newly stored security's daily history is fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstUse {
    /// Before answering: the caller shows market figures at once (a holding being added).
    SyncNow,
    /// In a task of its own: the caller only describes the security.
    SyncInBackground,
}

/// The steps of storing a security on first use, for progress displays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstUseStep {
    /// Asking Yahoo what the symbol is (its profile, or its chart).
    Describing,
    /// Fetching its daily history, now that it is stored.
    FetchingHistory,
}

/// Stored matches first, then Yahoo's, no symbol twice.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub results: Vec<SearchResult>,
    /// Why Yahoo's results are missing, when they are.
    pub yahoo_error: Option<String>,
}

/// What a sync did.
#[derive(Debug, Clone)]
pub struct SyncReport {
    pub security: Security,
    /// Bars written (new and updated).
    pub prices_synced: u64,
    /// Bars that were not stored before.
    pub prices_added: u64,
    /// True when the whole history was fetched (no bar was stored before).
    pub full_history: bool,
    pub message: String,
}

/// Progress of a multi-symbol sync, for progress bars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncProgress {
    Started { total: usize },
    Finished { symbol: Symbol, ok: bool },
}

/// How much of the requested window the stored bars cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DataCompleteness {
    /// At least 90% of the expected bars.
    Complete,
    /// 50% to 90%.
    Partial,
    /// Fewer than half.
    Sparse,
    /// None at all.
    Empty,
}

impl DataCompleteness {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Complete => "complete",
            Self::Partial => "partial",
            Self::Sparse => "sparse",
            Self::Empty => "empty",
        }
    }

    /// From the number of bars stored and the number a trading calendar expects.
    pub fn rate(actual: usize, expected: usize) -> Self {
        if actual == 0 {
            return Self::Empty;
        }
        if expected == 0 {
            return Self::Complete;
        }
        let ratio = actual as f64 / expected as f64;
        if ratio >= 0.9 {
            Self::Complete
        } else if ratio >= 0.5 {
            Self::Partial
        } else {
            Self::Sparse
        }
    }
}

/// Stored bars of a security over a window.
#[derive(Debug, Clone)]
pub struct PriceSeries {
    pub security: Security,
    pub interval: Interval,
    pub bars: Vec<PriceBar>,
    pub requested_start: Option<DateTime<Utc>>,
    pub requested_end: Option<DateTime<Utc>>,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    pub completeness: DataCompleteness,
}

/// Figures for a security screen: the latest quote from Yahoo, or the chart's summary when
/// quotes are refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyFigures {
    pub symbol: Symbol,
    /// The quote service, or the chart with why the quote service refused (partial figures).
    pub source: QuoteSource,
    pub name: Option<String>,
    /// The quote unit (`GBp` for London).
    pub currency: Option<String>,
    pub price: Option<Decimal>,
    pub previous_close: Option<Decimal>,
    pub day_change: Option<Decimal>,
    /// In percent.
    pub day_change_percent: Option<Decimal>,
    pub day_high: Option<Decimal>,
    pub day_low: Option<Decimal>,
    pub fifty_two_week_high: Option<Decimal>,
    pub fifty_two_week_low: Option<Decimal>,
    pub market_cap: Option<Decimal>,
    pub volume: Option<i64>,
    pub as_of: Option<DateTime<Utc>>,
}

impl From<Quote> for KeyFigures {
    fn from(q: Quote) -> Self {
        let day_change = q.change.or_else(|| Some(q.price? - q.previous_close?));
        let day_change_percent = q
            .change_percent
            .or_else(|| percent(day_change, q.previous_close));
        Self {
            symbol: q.symbol,
            source: q.source,
            name: q.name,
            currency: q.currency,
            price: q.price,
            previous_close: q.previous_close,
            day_change,
            day_change_percent,
            day_high: q.day_high,
            day_low: q.day_low,
            fifty_two_week_high: q.fifty_two_week_high,
            fifty_two_week_low: q.fifty_two_week_low,
            market_cap: q.market_cap,
            volume: q.volume,
            as_of: q.market_time,
        }
    }
}

impl KeyFigures {
    /// The figures the stored daily bars give, newest last: the newest bar's close, the day's
    /// change against the bar before, its range and volume, and the 52-week range.
    ///
    /// Bars closing 100, 98 (low 97, high 101) then 102 (low 99, high 104), with a year range
    /// of 80 to 120: price 102, previous close 98, day +4 (+4.0816%), day range 99 to 104.
    fn from_stored(security: &Security, bars: &[PriceBar], year: Option<YearRange>) -> Self {
        let last = bars.last();
        let previous_close = bars.len().checked_sub(2).map(|i| bars[i].close);
        let price = last.map(|b| b.close);
        let day_change = price.zip(previous_close).map(|(p, c)| p - c);
        Self {
            symbol: security.symbol.clone(),
            source: QuoteSource::Stored,
            name: Some(security.name.clone()),
            currency: Some(security.currency.clone()),
            price,
            previous_close,
            day_change,
            day_change_percent: percent(day_change, previous_close),
            day_high: last.map(|b| b.high),
            day_low: last.map(|b| b.low),
            fifty_two_week_high: year.map(|y| y.high),
            fifty_two_week_low: year.map(|y| y.low),
            market_cap: security.market_cap,
            volume: last.map(|b| b.volume),
            as_of: last.map(|b| b.timestamp),
        }
    }

    /// The 52-week range from `year` where Yahoo left it out.
    fn or_year(mut self, year: Option<YearRange>) -> Self {
        if let Some(y) =
            year.filter(|_| self.fifty_two_week_low.is_none() || self.fifty_two_week_high.is_none())
        {
            self.fifty_two_week_low = Some(y.low);
            self.fifty_two_week_high = Some(y.high);
        }
        self
    }
}

/// The lowest low and highest high over 52 weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearRange {
    pub low: Decimal,
    pub high: Decimal,
}

impl YearRange {
    /// Over the daily bars of the 52 weeks up to the newest of `bars` (oldest first), whatever
    /// else `bars` holds: bars of 2024-06-27 (low 40), 2024-06-28 (low 42) and 2025-06-27
    /// (high 180) give 42 to 180, the first being more than 52 weeks before the newest.
    pub fn of_daily_bars(bars: &[PriceBar]) -> Option<Self> {
        let newest = bars.last()?.timestamp;
        let from = newest - YEAR;
        let year = bars.iter().filter(|b| b.timestamp >= from);
        Some(Self {
            low: year.clone().map(|b| b.low).min()?,
            high: year.map(|b| b.high).max()?,
        })
    }
}

/// What "52 weeks" covers, counted back from the newest bar.
const YEAR: Duration = Duration::weeks(52);

fn percent(change: Option<Decimal>, base: Option<Decimal>) -> Option<Decimal> {
    let base = base.filter(|b| !b.is_zero())?;
    Some((change? / base * Decimal::ONE_HUNDRED).round_dp(4))
}

/// How syncs of one symbol take turns across every process sharing the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SyncTiming {
    /// How long a sync's lease lasts unrenewed: a process that dies mid-sync holds the symbol
    /// at most this long. A running sync renews it every third of this.
    pub lease: std::time::Duration,
    /// Longest wait for another sync of the same symbol to end, before "in progress".
    pub wait: std::time::Duration,
    /// How often a waiting sync asks for the lease again.
    pub poll: std::time::Duration,
}

impl Default for SyncTiming {
    fn default() -> Self {
        Self {
            lease: std::time::Duration::from_secs(60),
            wait: std::time::Duration::from_secs(30),
            poll: std::time::Duration::from_millis(100),
        }
    }
}

/// Counts this process's syncs of a symbol (running or waiting) while they last.
struct SyncGuard {
    running: Arc<Mutex<HashMap<Symbol, usize>>>,
    symbol: Symbol,
}

impl Drop for SyncGuard {
    fn drop(&mut self) {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = running.get_mut(&self.symbol) {
            *n -= 1;
            if *n == 0 {
                running.remove(&self.symbol);
            }
        }
    }
}

/// The store's lease on a symbol's sync, renewed in the background while held; released when
/// the sync ends, or when it is dropped (an error, a cancelled request).
struct SyncLease {
    store: Arc<dyn Store>,
    name: String,
    holder: Uuid,
    renewal: tokio::task::JoinHandle<()>,
    released: bool,
}

impl SyncLease {
    fn start(store: Arc<dyn Store>, name: String, holder: Uuid, ttl: std::time::Duration) -> Self {
        let renewal = {
            let (store, name) = (store.clone(), name.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(ttl / 3).await;
                    match store.acquire_lease(&name, holder, ttl).await {
                        Ok(true) => {}
                        Ok(false) => {
                            tracing::warn!(lease = %name, "a sync outlived its lease");
                            return;
                        }
                        Err(e) => tracing::warn!(lease = %name, error = %e, "lease not renewed"),
                    }
                }
            })
        };
        Self {
            store,
            name,
            holder,
            renewal,
            released: false,
        }
    }

    #[tracing::instrument(skip_all)]
    async fn release(mut self) {
        self.renewal.abort();
        self.released = true;
        if let Err(e) = self.store.release_lease(&self.name, self.holder).await {
            // It runs out by itself.
            tracing::warn!(lease = %self.name, error = %e, "lease not released");
        }
    }
}

impl Drop for SyncLease {
    fn drop(&mut self) {
        self.renewal.abort();
        if self.released {
            return;
        }
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            let (store, name, holder) = (self.store.clone(), self.name.clone(), self.holder);
            runtime.spawn(async move {
                let _ = store.release_lease(&name, holder).await;
            });
        }
    }
}

/// A sync's turn: the lease to fetch under, or the security another sync has just stored.
enum Turn {
    Ours(SyncLease),
    SyncedMeanwhile(Security),
}

/// Securities, their prices and search; shared by the TUI and the HTTP API. Clones share
/// state (the syncs running in this process).
///
/// Every operation that needs Yahoo runs under a deadline (see [`Deadlines`]); a clone made
/// by [`SecurityService::metered`] also charges a caller's budget for each lookup that goes
/// to Yahoo.
#[derive(Clone)]
pub struct SecurityService {
    store: Arc<dyn Store>,
    market: Arc<dyn MarketData>,
    syncing: Arc<Mutex<HashMap<Symbol, usize>>>,
    timing: SyncTiming,
    /// Symbols of search results not stored yet, by the id they were shown with; a client
    /// may pick one by id (the original web client does) within a day of searching.
    shown: moka::sync::Cache<Uuid, Symbol>,
    deadlines: Deadlines,
    budget: Option<Arc<dyn LookupBudget>>,
}

impl SecurityService {
    pub fn new(store: Arc<dyn Store>, market: Arc<dyn MarketData>) -> Self {
        Self {
            store,
            market,
            syncing: Arc::default(),
            timing: SyncTiming::default(),
            shown: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(std::time::Duration::from_secs(24 * 60 * 60))
                .build(),
            deadlines: Deadlines::default(),
            budget: None,
        }
    }

    pub fn with_deadlines(mut self, deadlines: Deadlines) -> Self {
        self.deadlines = deadlines;
        self
    }

    /// This service (sharing its state) charging `budget` for each lookup that goes to Yahoo:
    /// a symbol not stored yet, a search that needs Yahoo's results, a quote, a sync, bars
    /// not stored yet. Lookups answered from the store are free.
    pub fn metered(&self, budget: Arc<dyn LookupBudget>) -> Self {
        Self {
            budget: Some(budget),
            ..self.clone()
        }
    }

    /// This service (sharing its state) charging no one.
    fn unmetered(&self) -> Self {
        Self {
            budget: None,
            ..self.clone()
        }
    }

    #[tracing::instrument(skip_all)]
    async fn charge(&self) -> ServiceResult<()> {
        match &self.budget {
            Some(budget) => budget.charge().await,
            None => Ok(()),
        }
    }

    /// The same service with other sync timings.
    pub fn with_sync_timing(mut self, timing: SyncTiming) -> Self {
        self.timing = timing;
        self
    }

    /// The state of the market data cache, for health checks.
    #[tracing::instrument(skip_all)]
    pub async fn cache_health(&self) -> CacheHealth {
        self.market.cache_health().await
    }

    /// The stored security, if any; never asks Yahoo.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    pub async fn stored(&self, symbol: &Symbol) -> ServiceResult<Option<Security>> {
        Ok(self.store.security_by_symbol(symbol).await?)
    }

    /// The stored security, or one looked up on Yahoo and stored first. Not found when Yahoo
    /// does not know the symbol; unavailable when Yahoo cannot be reached; a timeout when it
    /// does not answer within the request deadline.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    pub async fn get_or_fetch(&self, symbol: &Symbol) -> ServiceResult<Security> {
        Ok(self.get_or_store(symbol).await?.0)
    }

    /// As [`Self::get_or_fetch`]; a security stored by this call then has its daily history
    /// fetched, now or in the background. A failed history fetch leaves the security stored
    /// without prices (logged), as a later sync would fill them.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    pub async fn obtain(&self, symbol: &Symbol, history: FirstUse) -> ServiceResult<Security> {
        self.obtain_reporting(symbol, history, &|_| {}).await
    }

    /// As [`Self::obtain`], telling `progress` each step a security not stored yet goes
    /// through; a stored one goes through none.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    pub async fn obtain_reporting(
        &self,
        symbol: &Symbol,
        history: FirstUse,
        progress: &(dyn Fn(FirstUseStep) + Send + Sync),
    ) -> ServiceResult<Security> {
        let (security, new) = match self.store.security_by_symbol(symbol).await? {
            Some(found) => (found, false),
            None => {
                progress(FirstUseStep::Describing);
                self.get_or_store(symbol).await?
            }
        };
        if !new {
            return Ok(security);
        }
        match history {
            // The history completes the lookup the caller paid for: no second charge.
            FirstUse::SyncNow => {
                progress(FirstUseStep::FetchingHistory);
                match self.unmetered().sync(symbol).await {
                    Ok(report) => Ok(report.security),
                    Err(e) => {
                        tracing::warn!(%symbol, error = %e, "first sync failed; stored without prices");
                        Ok(security)
                    }
                }
            }
            FirstUse::SyncInBackground => {
                // Marked as syncing before answering, so the answer says so.
                let marked = self.mark_syncing(symbol);
                let this = self.unmetered();
                let symbol = symbol.clone();
                tokio::spawn(async move {
                    let _marked = marked;
                    if let Err(e) = this.sync(&symbol).await {
                        tracing::warn!(%symbol, error = %e, "first sync failed");
                    }
                });
                Ok(security)
            }
        }
    }

    /// A stored security by id, or the one a search result not stored yet was shown with
    /// (stored now, its history fetched as `history` says). `None` for an unknown id.
    #[tracing::instrument(skip_all, fields(id = %id))]
    pub async fn by_id(&self, id: Uuid, history: FirstUse) -> ServiceResult<Option<Security>> {
        if let Some(found) = self.store.security(id).await? {
            return Ok(Some(found));
        }
        match self.shown.get(&id) {
            Some(symbol) => self.obtain(&symbol, history).await.map(Some),
            None => Ok(None),
        }
    }

    /// The security and whether this call stored it. A new security is stored under its
    /// symbol's derived id, the id its search result was shown with.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    async fn get_or_store(&self, symbol: &Symbol) -> ServiceResult<(Security, bool)> {
        if let Some(found) = self.store.security_by_symbol(symbol).await? {
            return Ok((found, false));
        }
        self.charge().await?;
        bounded(self.deadlines.request, self.describe_and_store(symbol)).await
    }

    /// Looks a symbol not stored yet up on Yahoo and stores it; whether this call stored it.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    async fn describe_and_store(&self, symbol: &Symbol) -> ServiceResult<(Security, bool)> {
        let new = self.describe(symbol).await?;
        let security = new.into_security(symbol.derived_id(), domain::now());
        match self.store.insert_security(&security).await {
            Ok(()) => Ok((security, true)),
            // Stored meanwhile by a concurrent request.
            Err(crate::store::StoreError::Conflict(_)) => self
                .store
                .security_by_symbol(symbol)
                .await?
                .map(|s| (s, false))
                .ok_or_else(|| ServiceError::internal(format!("security '{symbol}' vanished"))),
            Err(e) => Err(e.into()),
        }
    }

    /// What Yahoo says about a symbol: the quoteSummary profile, or the chart's metadata when
    /// there is no profile. quoteSummary refuses for reasons of its own: it needs the crumb
    /// session, and it answers 404 "No fundamentals data found" for instruments without
    /// fundamentals (currencies, some indices). The chart decides whether the symbol exists.
    async fn describe(&self, symbol: &Symbol) -> ServiceResult<NewSecurity> {
        match with_fallback_time(self.market.profile(symbol)).await {
            Ok(profile) => Ok(new_security_from_profile(symbol, profile)),
            Err(e) => {
                tracing::info!(%symbol, error = %e, "no profile; describing from the chart");
                let chart = self.last_five_days(symbol).await.map_err(|e| match e {
                    MarketError::NotFound(_) => ServiceError::not_found(
                        Entity::Security,
                        format!("Security with symbol '{symbol}' not found"),
                    ),
                    other => other.into(),
                })?;
                Ok(new_security_from_chart(symbol, &chart))
            }
        }
    }

    /// The daily bars of the last five trading days: what describes a security, or gives its
    /// key figures, when the profile or the quote is refused.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    async fn last_five_days(&self, symbol: &Symbol) -> Result<Chart, MarketError> {
        self.market
            .chart(&ChartRequest::range(
                symbol.clone(),
                Interval::D1,
                ChartRange::D5,
            ))
            .await
    }

    /// Stored securities whose symbol or name contains `query`.
    #[tracing::instrument(skip_all)]
    pub async fn stored_matches(&self, query: &str, limit: u64) -> ServiceResult<Vec<Security>> {
        let query = query.trim();
        if query.is_empty() {
            return Err(ServiceError::bad_request(
                "query",
                "the search query is empty",
            ));
        }
        Ok(self.store.search_securities(query, limit).await?)
    }

    /// Stored matches first, then Yahoo's results not stored yet, at most `limit`, no symbol
    /// twice. When Yahoo fails, does not answer within the request deadline, or the caller's
    /// lookup budget is spent, the stored matches still come back (with `yahoo_error`).
    #[tracing::instrument(skip_all)]
    pub async fn search(&self, query: &str, limit: usize) -> ServiceResult<SearchResults> {
        let limit = limit.clamp(1, 50);
        let stored = self.stored_matches(query, limit as u64).await?;
        let mut results: Vec<SearchResult> = stored.into_iter().map(SearchResult::from).collect();
        let mut yahoo_error = None;
        if results.len() < limit {
            let hits = match self.charge().await {
                Ok(()) => Deadline::after(self.deadlines.request)
                    .run(self.market.search(query.trim(), limit))
                    .await
                    .map_err(ServiceError::from)
                    .and_then(|hits| hits.map_err(ServiceError::from)),
                Err(over_budget) => Err(over_budget),
            };
            match hits {
                Ok(hits) => {
                    let fresh: Vec<_> = hits
                        .into_iter()
                        .filter(|h| !results.iter().any(|r| r.symbol == h.symbol))
                        .collect();
                    // A Yahoo hit may be stored under a symbol the text search missed.
                    let known = self
                        .stored_by_symbols(fresh.iter().map(|h| &h.symbol))
                        .await?;
                    for hit in fresh {
                        if results.len() >= limit {
                            break;
                        }
                        let stored = known.get(&hit.symbol).cloned();
                        if stored.is_none() {
                            self.shown
                                .insert(hit.symbol.derived_id(), hit.symbol.clone());
                        }
                        results.push(SearchResult {
                            name: hit
                                .name
                                .clone()
                                .unwrap_or_else(|| hit.symbol.as_str().to_string()),
                            symbol: hit.symbol,
                            exchange: hit.exchange_display.or(hit.exchange),
                            security_type: hit.security_type,
                            sector: hit.sector,
                            industry: hit.industry,
                            currency: stored.as_ref().map(|s| s.currency.clone()),
                            in_database: stored.is_some(),
                            security: stored,
                        });
                    }
                }
                Err(e) => {
                    tracing::warn!(%query, error = %e, "Yahoo search failed; stored matches only");
                    yahoo_error = Some(e.to_string());
                }
            }
        }
        Ok(SearchResults {
            results,
            yahoo_error,
        })
    }

    #[tracing::instrument(skip_all)]
    async fn stored_by_symbols(
        &self,
        symbols: impl Iterator<Item = &Symbol>,
    ) -> ServiceResult<HashMap<Symbol, Security>> {
        let mut found = HashMap::new();
        for symbol in symbols {
            if let Some(s) = self.store.security_by_symbol(symbol).await? {
                found.insert(symbol.clone(), s);
            }
        }
        Ok(found)
    }

    /// Whether a sync of the symbol is running (or waiting for its turn) in this process.
    pub fn is_syncing(&self, symbol: &Symbol) -> bool {
        self.syncing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(symbol)
    }

    fn mark_syncing(&self, symbol: &Symbol) -> SyncGuard {
        *self
            .syncing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(symbol.clone())
            .or_default() += 1;
        SyncGuard {
            running: self.syncing.clone(),
            symbol: symbol.clone(),
        }
    }

    /// Waits (at most `SyncTiming::wait`) for the store's lease on the symbol's sync, which
    /// one sync among every process sharing the store holds at a time. When the security's
    /// `last_synced_at` is no longer `synced_before` once the lease is ours, another sync has
    /// just stored its prices: that result is the answer, and nothing is fetched again.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    async fn take_turn(
        &self,
        symbol: &Symbol,
        synced_before: Option<DateTime<Utc>>,
    ) -> ServiceResult<Turn> {
        let name = format!("sync:{symbol}");
        let holder = Uuid::new_v4();
        let deadline = tokio::time::Instant::now() + self.timing.wait;
        loop {
            if self
                .store
                .acquire_lease(&name, holder, self.timing.lease)
                .await?
            {
                let lease = SyncLease::start(self.store.clone(), name, holder, self.timing.lease);
                let now = match self.store.security_by_symbol(symbol).await {
                    Ok(found) => found,
                    Err(e) => {
                        lease.release().await;
                        return Err(e.into());
                    }
                };
                return Ok(match now {
                    Some(s) if s.last_synced_at.is_some() && s.last_synced_at != synced_before => {
                        lease.release().await;
                        Turn::SyncedMeanwhile(s)
                    }
                    _ => Turn::Ours(lease),
                });
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ServiceError::Conflict(format!(
                    "Sync already in progress for '{symbol}'"
                )));
            }
            tokio::time::sleep(self.timing.poll).await;
        }
    }

    /// Fetches the security's daily bars (the whole history the first time, then from the
    /// newest stored bar with a week of overlap) and stores them with the refreshed metadata
    /// in one transaction: a failure leaves what was stored as it was.
    ///
    /// One sync per symbol at a time across every process sharing the store (a lease in the
    /// store): a sync that finds another running waits for it, then answers with what that
    /// one stored instead of fetching again; still running after `SyncTiming::wait`, it is a
    /// conflict. A sync that finds the other failed does the work itself. The wait and the
    /// work run under the request deadline.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    pub async fn sync(&self, symbol: &Symbol) -> ServiceResult<SyncReport> {
        // A sync costs a lookup whether it fetches or finds another's result.
        self.charge().await?;
        let _running = self.mark_syncing(symbol);
        bounded(self.deadlines.request, self.sync_in_turn(symbol)).await
    }

    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    async fn sync_in_turn(&self, symbol: &Symbol) -> ServiceResult<SyncReport> {
        let synced_before = self
            .store
            .security_by_symbol(symbol)
            .await?
            .and_then(|s| s.last_synced_at);
        match self.take_turn(symbol, synced_before).await? {
            Turn::SyncedMeanwhile(security) => Ok(SyncReport {
                message: format!("Prices of {symbol} were synced just now by another request"),
                security,
                prices_synced: 0,
                prices_added: 0,
                full_history: false,
            }),
            Turn::Ours(lease) => {
                let report = self.fetch_prices(symbol).await;
                lease.release().await;
                report
            }
        }
    }

    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    async fn fetch_prices(&self, symbol: &Symbol) -> ServiceResult<SyncReport> {
        let mut security = match self.store.security_by_symbol(symbol).await? {
            Some(found) => found,
            None => self.describe_and_store(symbol).await?.0,
        };
        self.market.invalidate(symbol).await;

        let latest = self.store.latest_price(security.id, Interval::D1).await?;
        let now = Utc::now();
        let request = match &latest {
            None => ChartRequest::range(symbol.clone(), Interval::D1, ChartRange::Max),
            Some(bar) => ChartRequest::period(
                symbol.clone(),
                Interval::D1,
                bar.timestamp - SYNC_OVERLAP,
                now + Duration::days(1),
            ),
        };
        let chart = self.market.chart(&request).await?;

        // The profile only refreshes metadata: it must leave time to store the bars.
        if let Ok(Ok(profile)) = with_half_the_time_left(self.market.profile(symbol)).await {
            refresh_from_profile(&mut security, &profile);
        }
        if let Some(currency) = &chart.meta.currency {
            security.currency = currency.clone();
        }
        security.last_synced_at = Some(domain::now());
        security.updated_at = domain::now();

        let bars = to_price_bars(security.id, Interval::D1, &chart.bars);
        let count = self.store.save_sync(&security, &bars).await?;
        self.store
            .save_events(&events_of(&security, &chart))
            .await?;
        let synced = count.inserted + count.updated;
        Ok(SyncReport {
            message: format!(
                "Synced {synced} prices for {symbol} ({} new)",
                count.inserted
            ),
            security,
            prices_synced: synced,
            prices_added: count.inserted,
            full_history: latest.is_none(),
        })
    }

    /// Syncs every held security, one after the other, reporting progress. Each outcome is
    /// returned; one failure does not stop the others.
    #[tracing::instrument(skip_all)]
    pub async fn sync_held(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> ServiceResult<Vec<(Symbol, ServiceResult<SyncReport>)>> {
        let ids = self.store.held_security_ids().await?;
        let mut securities = self.store.securities_by_ids(&ids).await?;
        securities.sort_by(|a, b| a.symbol.cmp(&b.symbol));
        let symbols: Vec<Symbol> = securities.into_iter().map(|s| s.symbol).collect();
        Ok(self.sync_many(&symbols, progress).await)
    }

    /// Syncs the given symbols one after the other, reporting progress, each under the sync
    /// deadline. Once Yahoo has not answered in time or is rate limiting, the symbols left are
    /// not tried: they would wait for the same outcome.
    #[tracing::instrument(skip_all)]
    pub async fn sync_many(
        &self,
        symbols: &[Symbol],
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Vec<(Symbol, ServiceResult<SyncReport>)> {
        progress(SyncProgress::Started {
            total: symbols.len(),
        });
        let mut outcomes = Vec::with_capacity(symbols.len());
        let mut given_up: Option<ServiceError> = None;
        for symbol in symbols {
            let outcome = match &given_up {
                Some(reason) => Err(not_tried(reason)),
                None => bounded(self.deadlines.sync, self.sync(symbol)).await,
            };
            if let Err(e) = &outcome {
                if given_up.is_none() {
                    given_up = upstream_gone(e);
                }
            }
            progress(SyncProgress::Finished {
                symbol: symbol.clone(),
                ok: outcome.is_ok(),
            });
            outcomes.push((symbol.clone(), outcome));
        }
        outcomes
    }

    /// Stored bars of a stored security within `[start, end]` (either open), with how
    /// complete they are. Bars other than daily ones that are missing for the window are
    /// fetched from Yahoo first, within how far back Yahoo serves them.
    #[tracing::instrument(skip_all, fields(symbol = %symbol, interval = ?interval))]
    pub async fn prices(
        &self,
        symbol: &Symbol,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> ServiceResult<PriceSeries> {
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                return Err(ServiceError::bad_request(
                    "start",
                    "start must not be after end",
                ));
            }
        }
        let security = self
            .store
            .security_by_symbol(symbol)
            .await?
            .ok_or_else(|| {
                ServiceError::not_found(
                    Entity::Security,
                    format!("Security with symbol '{symbol}' not found"),
                )
            })?;
        let mut bars = self.store.prices(security.id, interval, start, end).await?;
        if bars.is_empty() && interval != Interval::D1 {
            self.fill(&security, interval, start, end).await?;
            bars = self.store.prices(security.id, interval, start, end).await?;
        }
        let expected = expected_bars(interval, start, end, &bars);
        let completeness = DataCompleteness::rate(bars.len(), expected);
        Ok(PriceSeries {
            actual_start: bars.first().map(|b| b.timestamp),
            actual_end: bars.last().map(|b| b.timestamp),
            security,
            interval,
            bars,
            requested_start: start,
            requested_end: end,
            completeness,
        })
    }

    /// Fetches and stores bars of a non-daily interval for a window, clamped to what Yahoo
    /// serves; charged and under the request deadline.
    #[tracing::instrument(skip_all, fields(interval = ?interval))]
    async fn fill(
        &self,
        security: &Security,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> ServiceResult<()> {
        self.charge().await?;
        bounded(
            self.deadlines.request,
            self.fill_now(security, interval, start, end),
        )
        .await
    }

    #[tracing::instrument(skip_all, fields(interval = ?interval))]
    async fn fill_now(
        &self,
        security: &Security,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> ServiceResult<()> {
        let now = Utc::now();
        let end = end.unwrap_or(now).min(now);
        let request = match interval.max_history() {
            Some(limit) => {
                // Keep inside both the per-request span and how far back Yahoo keeps bars.
                let kept = match interval {
                    Interval::M1 => Duration::days(29),
                    _ => (limit - Duration::days(1)).max(Duration::days(1)),
                };
                let span = kept.min(limit);
                let earliest = now - kept;
                let start = start.unwrap_or(end - span).max(earliest).max(end - span);
                if start >= end {
                    return Ok(());
                }
                ChartRequest::period(security.symbol.clone(), interval, start, end)
            }
            None => match start {
                Some(start) if start < end => {
                    ChartRequest::period(security.symbol.clone(), interval, start, end)
                }
                Some(_) => return Ok(()),
                None => ChartRequest::range(security.symbol.clone(), interval, ChartRange::Max),
            },
        };
        let chart = self.market.chart(&request).await?;
        let bars = to_price_bars(security.id, interval, &chart.bars);
        if !bars.is_empty() {
            self.store.save_sync(security, &bars).await?;
        }
        self.store.save_events(&events_of(security, &chart)).await?;
        Ok(())
    }

    /// The latest quote for a security screen; when the quote service refuses, the figures a
    /// daily chart gives, marked partial with the reason (`KeyFigures::source`); when Yahoo
    /// cannot be reached at all, the figures of a stored security's daily bars. The 52-week
    /// range is Yahoo's, else that of the stored daily bars of the 52 weeks up to the newest.
    /// Runs under the request deadline.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    pub async fn key_figures(&self, symbol: &Symbol) -> ServiceResult<KeyFigures> {
        self.charge().await?;
        bounded(self.deadlines.request, self.key_figures_now(symbol)).await
    }

    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    async fn key_figures_now(&self, symbol: &Symbol) -> ServiceResult<KeyFigures> {
        let stored = self.store.security_by_symbol(symbol).await?;
        match self.live_figures(symbol, stored.is_some()).await {
            Ok(figures) => {
                let partial =
                    figures.fifty_two_week_low.is_none() || figures.fifty_two_week_high.is_none();
                let year = match &stored {
                    Some(security) if partial => self.stored_year(security).await?.1,
                    _ => None,
                };
                Ok(figures.or_year(year))
            }
            // Yahoo knows nothing of the symbol: stored bars would not make it known.
            Err(e @ (MarketError::NotFound(_) | MarketError::BadRequest(_))) => Err(e.into()),
            Err(error) => {
                let Some(security) = stored else {
                    return Err(error.into());
                };
                let (bars, year) = self.stored_year(&security).await?;
                if bars.is_empty() {
                    return Err(error.into());
                }
                tracing::info!(%symbol, %error, "Yahoo unreachable; key figures from the store");
                Ok(KeyFigures::from_stored(&security, &bars, year))
            }
        }
    }

    /// The quote, or the daily chart's figures when the quote service refuses. With stored
    /// prices to fall back on, the chart gets half the time left, keeping the other half.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    async fn live_figures(&self, symbol: &Symbol, stored: bool) -> Result<KeyFigures, MarketError> {
        let error = match with_fallback_time(self.market.quote(symbol)).await {
            Ok(quote) => return Ok(quote.into()),
            Err(e) => e,
        };
        let Some(why) = QuoteRefusal::of(&error) else {
            return Err(error);
        };
        tracing::info!(%symbol, error = %error, "no quote; key figures from the chart");
        // Five trading days hold the price's day and the one before.
        let chart = if stored {
            with_fallback_time(self.last_five_days(symbol)).await?
        } else {
            self.last_five_days(symbol).await?
        };
        Ok(Quote::from_chart(&chart, why).into())
    }

    /// The stored daily bars of the 52 weeks up to the newest one, and their range. Counted
    /// back from the newest bar rather than from today, so that the figure does not depend
    /// on the range a chart shows, nor shrink while prices are not synced.
    #[tracing::instrument(skip_all)]
    async fn stored_year(
        &self,
        security: &Security,
    ) -> ServiceResult<(Vec<PriceBar>, Option<YearRange>)> {
        let Some(newest) = self.store.latest_price(security.id, Interval::D1).await? else {
            return Ok((Vec::new(), None));
        };
        let bars = self
            .store
            .prices(
                security.id,
                Interval::D1,
                Some(newest.timestamp - YEAR),
                None,
            )
            .await?;
        let year = YearRange::of_daily_bars(&bars);
        Ok((bars, year))
    }

    /// The newest stored daily close of each security (those without one are absent).
    #[tracing::instrument(skip_all)]
    pub async fn last_prices(&self, ids: &[Uuid]) -> ServiceResult<HashMap<Uuid, Decimal>> {
        Ok(self
            .store
            .latest_closes(ids)
            .await?
            .into_iter()
            .map(|(id, c)| (id, c.close))
            .collect())
    }
}

/// A failure that every further request to Yahoo would meet now: it did not answer in time,
/// or it is rate limiting. Offline failures are not among them: they are immediate anyway.
fn upstream_gone(e: &ServiceError) -> Option<ServiceError> {
    match e {
        ServiceError::UpstreamTimeout { upstream, message } => {
            Some(ServiceError::UpstreamTimeout {
                upstream: *upstream,
                message: message.clone(),
            })
        }
        ServiceError::UpstreamRateLimited {
            message,
            retry_after,
        } => Some(ServiceError::UpstreamRateLimited {
            message: message.clone(),
            retry_after: *retry_after,
        }),
        _ => None,
    }
}

/// The outcome of a symbol left untried after `reason` stopped a batch.
fn not_tried(reason: &ServiceError) -> ServiceError {
    let message = format!("not tried: {reason}");
    match reason {
        ServiceError::UpstreamRateLimited { retry_after, .. } => {
            ServiceError::UpstreamRateLimited {
                message,
                retry_after: *retry_after,
            }
        }
        _ => ServiceError::UpstreamTimeout {
            upstream: Upstream::MarketData,
            message,
        },
    }
}

fn new_security_from_profile(symbol: &Symbol, p: Profile) -> NewSecurity {
    NewSecurity {
        symbol: symbol.clone(),
        name: p.name.unwrap_or_else(|| symbol.as_str().to_string()),
        exchange: p.exchange,
        currency: p.currency.unwrap_or_else(|| "USD".to_string()),
        security_type: p.security_type.unwrap_or(SecurityType::Other),
        sector: p.sector,
        industry: p.industry,
        market_cap: p.market_cap,
    }
}

fn new_security_from_chart(symbol: &Symbol, chart: &Chart) -> NewSecurity {
    let m = &chart.meta;
    NewSecurity {
        symbol: symbol.clone(),
        name: m
            .name
            .clone()
            .unwrap_or_else(|| symbol.as_str().to_string()),
        exchange: m.exchange.clone(),
        currency: m.currency.clone().unwrap_or_else(|| "USD".to_string()),
        security_type: m.security_type,
        sector: None,
        industry: None,
        market_cap: None,
    }
}

fn refresh_from_profile(security: &mut Security, p: &Profile) {
    if let Some(name) = &p.name {
        security.name = name.clone();
    }
    if p.exchange.is_some() {
        security.exchange = p.exchange.clone();
    }
    if let Some(t) = p.security_type {
        security.security_type = t;
    }
    if p.sector.is_some() {
        security.sector = p.sector.clone();
    }
    if p.industry.is_some() {
        security.industry = p.industry.clone();
    }
    if p.market_cap.is_some() {
        security.market_cap = p.market_cap;
    }
}

fn to_price_bars(security_id: Uuid, interval: Interval, bars: &[Bar]) -> Vec<PriceBar> {
    bars.iter()
        .map(|b| PriceBar {
            security_id,
            interval,
            timestamp: b.timestamp,
            open: b.open,
            high: b.high,
            low: b.low,
            close: b.close,
            adj_close: b.adj_close,
            volume: b.volume,
        })
        .collect()
}

/// The splits and dividends a chart reports, as stored: each on its UTC day, a dividend in
/// the security's quote unit.
fn events_of(security: &Security, chart: &Chart) -> Vec<SecurityEvent> {
    let splits = chart.splits.iter().map(|s| SecurityEvent {
        security_id: security.id,
        date: s.date.date_naive(),
        action: CorporateAction::Split {
            new: s.numerator,
            old: s.denominator,
        },
    });
    let dividends = chart.dividends.iter().map(|d| SecurityEvent {
        security_id: security.id,
        date: d.date.date_naive(),
        action: CorporateAction::Dividend {
            amount: d.amount,
            currency: chart.meta.currency.clone(),
        },
    });
    splits
        .filter(|e| e.split_factor().is_some())
        .chain(dividends)
        .collect()
}

fn weekdays_between(start: DateTime<Utc>, end: DateTime<Utc>) -> usize {
    let (mut day, last) = (start.date_naive(), end.date_naive());
    let mut n = 0;
    while day <= last {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1;
        }
        day = match day.succ_opt() {
            Some(d) => d,
            None => break,
        };
    }
    n
}

/// How many bars a weekday trading calendar expects in the window; an open end is taken from
/// the stored bars. Intraday bars count a 6.5-hour session per weekday.
fn expected_bars(
    interval: Interval,
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    bars: &[PriceBar],
) -> usize {
    let (Some(first), Some(last)) = (
        start.or(bars.first().map(|b| b.timestamp)),
        end.or(bars.last().map(|b| b.timestamp)),
    ) else {
        return 0;
    };
    if first > last {
        return 0;
    }
    let last = last.min(Utc::now());
    let days = weekdays_between(first, last);
    match interval {
        Interval::D1 => days,
        Interval::W1 => ((last - first).num_days() / 7 + 1) as usize,
        Interval::Mo1 => {
            let months =
                (last.year() - first.year()) * 12 + last.month() as i32 - first.month() as i32;
            months.max(0) as usize + 1
        }
        intraday => {
            let per_day = (390 / intraday.duration().num_minutes().max(1)) as usize;
            days * per_day.max(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completeness_rules() {
        assert_eq!(DataCompleteness::rate(0, 20), DataCompleteness::Empty);
        assert_eq!(DataCompleteness::rate(19, 20), DataCompleteness::Complete);
        assert_eq!(DataCompleteness::rate(12, 20), DataCompleteness::Partial);
        assert_eq!(DataCompleteness::rate(3, 20), DataCompleteness::Sparse);
        assert_eq!(DataCompleteness::rate(30, 20), DataCompleteness::Complete);
    }

    fn bar(day: &str, low: i64, high: i64, close: i64) -> PriceBar {
        PriceBar {
            security_id: Uuid::nil(),
            interval: Interval::D1,
            timestamp: DateTime::parse_from_rfc3339(&format!("{day}T21:00:00Z"))
                .unwrap()
                .to_utc(),
            open: Decimal::from(close),
            high: Decimal::from(high),
            low: Decimal::from(low),
            close: Decimal::from(close),
            adj_close: None,
            volume: 7,
        }
    }

    #[test]
    fn the_year_counts_back_from_the_newest_bar() {
        let bars = [
            bar("2024-06-27", 40, 50, 45),
            bar("2024-06-28", 42, 60, 50),
            bar("2025-06-27", 170, 180, 175),
        ];
        assert_eq!(
            YearRange::of_daily_bars(&bars),
            Some(YearRange {
                low: Decimal::from(42),
                high: Decimal::from(180)
            })
        );
        assert_eq!(YearRange::of_daily_bars(&[]), None);
    }

    #[test]
    fn figures_from_stored_bars() {
        let security = NewSecurity {
            symbol: Symbol::parse("X").unwrap(),
            name: "X Corp".into(),
            exchange: None,
            currency: "USD".into(),
            security_type: SecurityType::Equity,
            sector: None,
            industry: None,
            market_cap: None,
        }
        .into_security(Uuid::nil(), Utc::now());
        let bars = [
            bar("2025-06-25", 99, 101, 100),
            bar("2025-06-26", 97, 101, 98),
            bar("2025-06-27", 99, 104, 102),
        ];
        let year = Some(YearRange {
            low: Decimal::from(80),
            high: Decimal::from(120),
        });
        let k = KeyFigures::from_stored(&security, &bars, year);
        assert_eq!(k.source, QuoteSource::Stored);
        assert_eq!(k.price, Some(Decimal::from(102)));
        assert_eq!(k.previous_close, Some(Decimal::from(98)));
        assert_eq!(k.day_change, Some(Decimal::from(4)));
        assert_eq!(k.day_change_percent, Some(Decimal::new(40816, 4)));
        assert_eq!(
            (k.day_low, k.day_high),
            (Some(Decimal::from(99)), Some(Decimal::from(104)))
        );
        assert_eq!(
            (k.fifty_two_week_low, k.fifty_two_week_high),
            (Some(Decimal::from(80)), Some(Decimal::from(120)))
        );
        assert_eq!(k.volume, Some(7));
    }

    #[test]
    fn weekday_calendar() {
        let mon = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z")
            .unwrap()
            .to_utc();
        let sun = DateTime::parse_from_rfc3339("2024-01-14T00:00:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(weekdays_between(mon, sun), 10);
        assert_eq!(expected_bars(Interval::D1, Some(mon), Some(sun), &[]), 10);
        assert_eq!(expected_bars(Interval::H1, Some(mon), Some(sun), &[]), 60);
        assert_eq!(expected_bars(Interval::W1, Some(mon), Some(sun), &[]), 2);
    }
}
