//! Securities and their prices: lookup from Yahoo, price sync, price queries, search.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Datelike, Duration, Utc, Weekday};
use rust_decimal::Decimal;
use serde::Serialize;
use uuid::Uuid;

use super::{ServiceError, ServiceResult};
use crate::domain::{self, Interval, NewSecurity, PriceBar, Security, SecurityType, Symbol};
use crate::market::{
    Bar, CacheHealth, Chart, ChartRange, ChartRequest, MarketData, MarketError, Profile, Quote,
};
use crate::store::Store;

/// Bars re-fetched before the newest stored one on an incremental sync, so that late
/// corrections (adjusted closes, a day's final bar) replace what was stored.
const SYNC_OVERLAP: Duration = Duration::days(7);

impl From<MarketError> for ServiceError {
    fn from(e: MarketError) -> Self {
        match e {
            MarketError::NotFound(m) => Self::NotFound(m),
            MarketError::BadRequest(m) => Self::BadRequest(m),
            MarketError::RateLimited { retry_after } => Self::RateLimited {
                message: "Yahoo Finance is rate limiting requests; try again later".into(),
                retry_after_secs: retry_after.map(|d| d.as_secs()),
            },
            e @ (MarketError::Unavailable(_) | MarketError::InvalidResponse(_)) => {
                Self::Unavailable(e.to_string())
            }
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
#[derive(Debug, Clone)]
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

fn percent(change: Option<Decimal>, base: Option<Decimal>) -> Option<Decimal> {
    let base = base.filter(|b| !b.is_zero())?;
    Some((change? / base * Decimal::ONE_HUNDRED).round_dp(4))
}

/// Removes a symbol from the set of running syncs when the sync ends, however it ends.
struct SyncGuard {
    running: Arc<Mutex<HashSet<Symbol>>>,
    symbol: Symbol,
}

impl Drop for SyncGuard {
    fn drop(&mut self) {
        self.running
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.symbol);
    }
}

/// Securities, their prices and search; shared by the TUI and the HTTP API. Clones share
/// state (the set of running syncs).
#[derive(Clone)]
pub struct SecurityService {
    store: Arc<dyn Store>,
    market: Arc<dyn MarketData>,
    syncing: Arc<Mutex<HashSet<Symbol>>>,
}

impl SecurityService {
    pub fn new(store: Arc<dyn Store>, market: Arc<dyn MarketData>) -> Self {
        Self {
            store,
            market,
            syncing: Arc::default(),
        }
    }

    /// The state of the market data cache, for health checks.
    pub async fn cache_health(&self) -> CacheHealth {
        self.market.cache_health().await
    }

    /// The stored security, if any; never asks Yahoo.
    pub async fn stored(&self, symbol: &Symbol) -> ServiceResult<Option<Security>> {
        Ok(self.store.security_by_symbol(symbol).await?)
    }

    /// The stored security, or one looked up on Yahoo and stored first. Not found when Yahoo
    /// does not know the symbol; unavailable when Yahoo cannot be reached.
    pub async fn get_or_fetch(&self, symbol: &Symbol) -> ServiceResult<Security> {
        if let Some(found) = self.store.security_by_symbol(symbol).await? {
            return Ok(found);
        }
        let new = self.describe(symbol).await?;
        let security = new.into_security(Uuid::new_v4(), domain::now());
        match self.store.insert_security(&security).await {
            Ok(()) => Ok(security),
            // Stored meanwhile by a concurrent request.
            Err(crate::store::StoreError::Conflict(_)) => self
                .store
                .security_by_symbol(symbol)
                .await?
                .ok_or_else(|| ServiceError::Internal(format!("security '{symbol}' vanished"))),
            Err(e) => Err(e.into()),
        }
    }

    /// What Yahoo says about a symbol: the quoteSummary profile, or the chart's metadata when
    /// the profile is refused (it needs the crumb session, the chart does not).
    async fn describe(&self, symbol: &Symbol) -> ServiceResult<NewSecurity> {
        match self.market.profile(symbol).await {
            Ok(profile) => Ok(new_security_from_profile(symbol, profile)),
            Err(MarketError::NotFound(_)) => Err(ServiceError::NotFound(format!(
                "Security with symbol '{symbol}' not found"
            ))),
            Err(e) => {
                tracing::info!(%symbol, error = %e, "no profile; describing from the chart");
                let chart = self
                    .market
                    .chart(&ChartRequest::range(
                        symbol.clone(),
                        Interval::D1,
                        ChartRange::D5,
                    ))
                    .await
                    .map_err(|e| match e {
                        MarketError::NotFound(_) => ServiceError::NotFound(format!(
                            "Security with symbol '{symbol}' not found"
                        )),
                        other => other.into(),
                    })?;
                Ok(new_security_from_chart(symbol, &chart))
            }
        }
    }

    /// Stored securities whose symbol or name contains `query`.
    pub async fn stored_matches(&self, query: &str, limit: u64) -> ServiceResult<Vec<Security>> {
        let query = query.trim();
        if query.is_empty() {
            return Err(ServiceError::BadRequest("the search query is empty".into()));
        }
        Ok(self.store.search_securities(query, limit).await?)
    }

    /// Stored matches first, then Yahoo's results not stored yet, at most `limit`, no symbol
    /// twice. When Yahoo fails, the stored matches still come back (with `yahoo_error`).
    pub async fn search(&self, query: &str, limit: usize) -> ServiceResult<SearchResults> {
        let limit = limit.clamp(1, 50);
        let stored = self.stored_matches(query, limit as u64).await?;
        let mut results: Vec<SearchResult> = stored
            .into_iter()
            .map(|s| SearchResult {
                symbol: s.symbol.clone(),
                name: s.name.clone(),
                exchange: s.exchange.clone(),
                security_type: s.security_type,
                sector: s.sector.clone(),
                industry: s.industry.clone(),
                currency: Some(s.currency.clone()),
                in_database: true,
                security: Some(s),
            })
            .collect();
        let mut yahoo_error = None;
        if results.len() < limit {
            match self.market.search(query.trim(), limit).await {
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

    /// Whether a sync of the symbol is running now.
    pub fn is_syncing(&self, symbol: &Symbol) -> bool {
        self.syncing
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(symbol)
    }

    fn start_sync(&self, symbol: &Symbol) -> ServiceResult<SyncGuard> {
        let mut running = self.syncing.lock().unwrap_or_else(|p| p.into_inner());
        if !running.insert(symbol.clone()) {
            return Err(ServiceError::Conflict(format!(
                "Sync already in progress for '{symbol}'"
            )));
        }
        Ok(SyncGuard {
            running: self.syncing.clone(),
            symbol: symbol.clone(),
        })
    }

    /// Fetches the security's daily bars (the whole history the first time, then from the
    /// newest stored bar with a week of overlap) and stores them with the refreshed metadata
    /// in one transaction: a failure leaves what was stored as it was. One sync per symbol at
    /// a time: a second one is a conflict.
    pub async fn sync(&self, symbol: &Symbol) -> ServiceResult<SyncReport> {
        let _guard = self.start_sync(symbol)?;
        let mut security = self.get_or_fetch(symbol).await?;
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

        if let Ok(profile) = self.market.profile(symbol).await {
            refresh_from_profile(&mut security, &profile);
        }
        if let Some(currency) = &chart.meta.currency {
            security.currency = currency.clone();
        }
        security.last_synced_at = Some(domain::now());
        security.updated_at = domain::now();

        let bars = to_price_bars(security.id, Interval::D1, &chart.bars);
        let count = self.store.save_sync(&security, &bars).await?;
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
    pub async fn sync_all(
        &self,
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> ServiceResult<Vec<(Symbol, ServiceResult<SyncReport>)>> {
        let ids = self.store.held_security_ids().await?;
        let mut securities = self.store.securities_by_ids(&ids).await?;
        securities.sort_by(|a, b| a.symbol.cmp(&b.symbol));
        let symbols: Vec<Symbol> = securities.into_iter().map(|s| s.symbol).collect();
        Ok(self.sync_many(&symbols, progress).await)
    }

    /// Syncs the given symbols one after the other, reporting progress.
    pub async fn sync_many(
        &self,
        symbols: &[Symbol],
        progress: &(dyn Fn(SyncProgress) + Send + Sync),
    ) -> Vec<(Symbol, ServiceResult<SyncReport>)> {
        progress(SyncProgress::Started {
            total: symbols.len(),
        });
        let mut outcomes = Vec::with_capacity(symbols.len());
        for symbol in symbols {
            let outcome = self.sync(symbol).await;
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
    pub async fn prices(
        &self,
        symbol: &Symbol,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> ServiceResult<PriceSeries> {
        if let (Some(s), Some(e)) = (start, end) {
            if s > e {
                return Err(ServiceError::BadRequest(
                    "start must not be after end".into(),
                ));
            }
        }
        let security = self
            .store
            .security_by_symbol(symbol)
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!("Security with symbol '{symbol}' not found"))
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
    /// serves.
    async fn fill(
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
        Ok(())
    }

    /// The latest quote for a security screen; the chart's summary when quotes are refused.
    pub async fn key_figures(&self, symbol: &Symbol) -> ServiceResult<KeyFigures> {
        match self.market.quote(symbol).await {
            Ok(quote) => Ok(quote.into()),
            Err(MarketError::NotFound(m)) => Err(ServiceError::NotFound(m)),
            Err(e) => {
                tracing::info!(%symbol, error = %e, "no quote; key figures from the chart");
                let chart = self
                    .market
                    .chart(&ChartRequest::range(
                        symbol.clone(),
                        Interval::D1,
                        ChartRange::D5,
                    ))
                    .await?;
                let m = chart.meta;
                let day_change = m
                    .regular_market_price
                    .zip(m.previous_close)
                    .map(|(p, c)| p - c);
                Ok(KeyFigures {
                    symbol: m.symbol,
                    name: m.name,
                    currency: m.currency,
                    price: m.regular_market_price,
                    day_change_percent: percent(day_change, m.previous_close),
                    previous_close: m.previous_close,
                    day_change,
                    day_high: m.day_high,
                    day_low: m.day_low,
                    fifty_two_week_high: m.fifty_two_week_high,
                    fifty_two_week_low: m.fifty_two_week_low,
                    market_cap: None,
                    volume: m.volume,
                    as_of: m.regular_market_time,
                })
            }
        }
    }

    /// The newest stored daily close of each security (those without one are absent).
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
