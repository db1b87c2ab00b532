//! Exchange rates: sync from Yahoo, conversion on a date.

use std::sync::Arc;

use crate::market::MarketData;
use crate::store::Store;

pub struct FxService {
    #[allow(dead_code)]
    store: Arc<dyn Store>,
    #[allow(dead_code)]
    market: Arc<dyn MarketData>,
}

impl FxService {
    pub fn new(store: Arc<dyn Store>, market: Arc<dyn MarketData>) -> Self {
        Self { store, market }
    }
}
