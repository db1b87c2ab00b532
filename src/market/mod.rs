//! Market data: the Yahoo Finance client and the response cache (Redis or in-process).

/// A source of quotes, charts and search results, cached.
#[async_trait::async_trait]
pub trait MarketData: Send + Sync + 'static {}
