//! A market-data source for working without a network: every request answers
//! [`MarketError::Unavailable`]. The demo runs on it, so everything it shows comes from the
//! store, and the TUI reports "offline" exactly as it would with Yahoo unreachable.

use async_trait::async_trait;

use super::{CacheHealth, Chart, ChartRequest, MarketData, MarketError, MarketResult};
use super::{Profile, Quote, SearchHit};
use crate::domain::Symbol;

/// Answers every request with "unavailable (offline)".
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineMarket;

fn offline<T>() -> MarketResult<T> {
    Err(MarketError::Unavailable("offline".into()))
}

#[async_trait]
impl MarketData for OfflineMarket {
    async fn chart(&self, _request: &ChartRequest) -> MarketResult<Chart> {
        offline()
    }
    async fn quote(&self, _symbol: &Symbol) -> MarketResult<Quote> {
        offline()
    }
    async fn profile(&self, _symbol: &Symbol) -> MarketResult<Profile> {
        offline()
    }
    async fn search(&self, _query: &str, _limit: usize) -> MarketResult<Vec<SearchHit>> {
        offline()
    }
    async fn invalidate(&self, _symbol: &Symbol) {}
    async fn cache_health(&self) -> CacheHealth {
        CacheHealth::Disabled
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn everything_is_unavailable() {
        let m = OfflineMarket;
        let err = m.search("apple", 5).await.unwrap_err();
        assert!(matches!(err, MarketError::Unavailable(ref r) if r == "offline"));
        assert!(err.is_transient());
        assert!(m.quote(&Symbol::parse("AAPL").unwrap()).await.is_err());
    }
}
