//! Market data: the Yahoo Finance client and the response cache (Redis or in-process).
//!
//! Build one with [`connect`] from [`YahooSettings`] and [`CacheSettings`]; services take it as
//! `Arc<dyn MarketData>`. Prices leave this module as `Decimal`, never as floats.

use std::sync::Arc;

use async_trait::async_trait;

pub mod cache;
mod cached;
pub mod deadline;
mod error;
pub mod offline;
mod types;
pub mod yahoo;

pub use cache::{CacheHealth, CacheSettings, CacheTtls};
pub use cached::CachedMarket;
pub use deadline::{Deadline, DeadlineExceeded};
pub use error::{MarketError, MarketResult};
pub use offline::OfflineMarket;
pub use types::{
    Bar, Chart, ChartMeta, ChartRange, ChartRequest, ChartSpan, Dividend, Profile, Quote,
    QuoteRefusal, QuoteSource, SearchHit, Split,
};
pub use yahoo::{YahooClient, YahooSettings};

use crate::domain::Symbol;

/// A source of quotes, charts and search results, cached.
#[async_trait]
pub trait MarketData: Send + Sync + 'static {
    /// Bars and corporate actions. Not found for an unknown symbol; bad request for a range or
    /// interval Yahoo refuses.
    async fn chart(&self, request: &ChartRequest) -> MarketResult<Chart>;
    /// The latest quote. Not found for an unknown symbol.
    async fn quote(&self, symbol: &Symbol) -> MarketResult<Quote>;
    /// Name, exchange, currency, type, sector, industry, market cap, key figures.
    async fn profile(&self, symbol: &Symbol) -> MarketResult<Profile>;
    /// Instruments matching a name or ticker, best first, at most `limit`.
    async fn search(&self, query: &str, limit: usize) -> MarketResult<Vec<SearchHit>>;
    /// Forgets every cached answer about `symbol` (after a sync).
    async fn invalidate(&self, symbol: &Symbol);
    async fn cache_health(&self) -> CacheHealth;
}

/// Why the market data client could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("cannot build the HTTP client: {0}")]
    Client(#[source] reqwest::Error),
    #[error("Redis cache: {0}")]
    Cache(#[source] redis::RedisError),
}

/// The Yahoo client behind the configured cache: Redis when `cache.redis_url` is set, in
/// process otherwise. A Redis that is down is no error here (it is reported by
/// `cache_health`); a malformed Redis URL is.
pub fn connect(
    yahoo: YahooSettings,
    cache: &CacheSettings,
) -> Result<Arc<CachedMarket>, ConnectError> {
    let client: Arc<dyn MarketData> = Arc::new(YahooClient::new(yahoo)?);
    let store: Arc<dyn cache::ResponseCache> = match &cache.redis_url {
        Some(url) => {
            Arc::new(cache::RedisCache::new(url, cache.redis_timeout).map_err(ConnectError::Cache)?)
        }
        None => Arc::new(cache::MemoryCache::new(cache.memory_capacity)),
    };
    Ok(Arc::new(CachedMarket::new(
        client,
        store,
        cache.ttl,
        cache.namespace.clone(),
    )))
}
