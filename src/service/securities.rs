//! Securities and their prices: lookup from Yahoo, price sync, price queries, search.

use std::sync::Arc;

use crate::market::MarketData;
use crate::store::Store;

pub struct SecurityService {
    #[allow(dead_code)]
    store: Arc<dyn Store>,
    #[allow(dead_code)]
    market: Arc<dyn MarketData>,
}

impl SecurityService {
    pub fn new(store: Arc<dyn Store>, market: Arc<dyn MarketData>) -> Self {
        Self { store, market }
    }
}

impl SecurityService {
    /// The stored security with this symbol.
    pub async fn get_or_fetch(
        &self,
        symbol: &crate::domain::Symbol,
    ) -> super::ServiceResult<crate::domain::Security> {
        self.store.security_by_symbol(symbol).await?.ok_or_else(|| {
            super::ServiceError::not_found(format!("Security with symbol '{symbol}' not found"))
        })
    }
}
