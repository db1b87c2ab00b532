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
