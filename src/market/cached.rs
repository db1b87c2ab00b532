//! Market data through the response cache: answers are served from the cache while fresh,
//! concurrent identical requests make one upstream call (in this process through a per-key
//! gate, across processes through the cache's fill lock), and a cache failure is a miss.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use async_trait::async_trait;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::cache::{CacheHealth, CacheTtls, FillLock, ResponseCache};
use super::{Chart, ChartRequest, ChartSpan, MarketData, MarketResult, Profile, Quote, SearchHit};
use crate::domain::Symbol;

/// Version of the cached shapes: bump when a cached type changes.
const KEY_VERSION: &str = "v2";
/// How long one process may hold the fill lock of a key.
const FILL_LOCK_TTL: Duration = Duration::from_secs(15);
/// How often a process waiting on another's fill looks for the value.
const FILL_POLL: Duration = Duration::from_millis(25);

/// One gate per key being fetched; entries vanish when nobody waits on them.
#[derive(Default)]
struct Gates(Mutex<HashMap<String, Weak<tokio::sync::Mutex<()>>>>);

impl Gates {
    fn get(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut map = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(gate) = map.get(key).and_then(Weak::upgrade) {
            return gate;
        }
        if map.len() > 256 {
            map.retain(|_, g| g.strong_count() > 0);
        }
        let gate = Arc::new(tokio::sync::Mutex::new(()));
        map.insert(key.to_string(), Arc::downgrade(&gate));
        gate
    }
}

/// A market data source wrapped in a response cache.
pub struct CachedMarket {
    source: Arc<dyn MarketData>,
    cache: Arc<dyn ResponseCache>,
    ttl: CacheTtls,
    namespace: String,
    gates: Gates,
}

impl CachedMarket {
    pub fn new(
        source: Arc<dyn MarketData>,
        cache: Arc<dyn ResponseCache>,
        ttl: CacheTtls,
        namespace: impl Into<String>,
    ) -> Self {
        Self {
            source,
            cache,
            ttl,
            namespace: namespace.into(),
            gates: Gates::default(),
        }
    }

    fn key(&self, kind: &str, rest: &str) -> String {
        format!("{}:{KEY_VERSION}:{kind}:{rest}", self.namespace)
    }

    fn tag(&self, symbol: &Symbol) -> String {
        self.key("symbol", symbol.as_str())
    }

    async fn lookup<T: DeserializeOwned>(&self, key: &str) -> Option<T> {
        let raw = self.cache.get(key).await?;
        match serde_json::from_str(&raw) {
            Ok(value) => Some(value),
            Err(e) => {
                tracing::debug!(%key, error = %e, "ignoring an unreadable cache entry");
                None
            }
        }
    }

    async fn cached<T, F>(
        &self,
        key: String,
        symbol: Option<&Symbol>,
        ttl: Duration,
        fetch: F,
    ) -> MarketResult<T>
    where
        T: Serialize + DeserializeOwned,
        F: Future<Output = MarketResult<T>>,
    {
        if let Some(hit) = self.lookup(&key).await {
            return Ok(hit);
        }
        let gate = self.gates.get(&key);
        let _turn = gate.lock().await;
        if let Some(hit) = self.lookup(&key).await {
            return Ok(hit);
        }
        let token = match self.wait_for_fill(&key).await {
            Ok(hit) => return Ok(hit),
            Err(token) => token,
        };
        let result = fetch.await;
        if let Ok(value) = &result {
            match serde_json::to_string(value) {
                Ok(raw) => {
                    let tag = symbol.map(|s| self.tag(s));
                    self.cache.put(&key, tag.as_deref(), &raw, ttl).await;
                }
                Err(e) => tracing::warn!(%key, error = %e, "cannot cache an answer"),
            }
        }
        if let Some(token) = token {
            self.cache.unlock(&key, &token).await;
        }
        result
    }

    /// Takes the cross-process fill lock of `key`, or waits while another process holds it.
    /// `Ok` is the value another process stored; `Err` means fetch now (holding the lock when
    /// it carries a token).
    async fn wait_for_fill<T: DeserializeOwned>(&self, key: &str) -> Result<T, Option<String>> {
        let deadline = tokio::time::Instant::now() + FILL_LOCK_TTL;
        loop {
            match self.cache.lock(key, FILL_LOCK_TTL).await {
                FillLock::Acquired(token) => return Err(Some(token)),
                FillLock::Local => return Err(None),
                FillLock::Busy => {}
            }
            tokio::time::sleep(FILL_POLL).await;
            if let Some(hit) = self.lookup(key).await {
                return Ok(hit);
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(None);
            }
        }
    }
}

fn chart_rest(request: &ChartRequest) -> String {
    let span = match request.span {
        ChartSpan::Range(range) => range.as_str().to_string(),
        ChartSpan::Period { start, end } => format!("{}-{}", start.timestamp(), end.timestamp()),
    };
    format!("{}:{}:{span}", request.symbol, request.interval)
}

#[async_trait]
impl MarketData for CachedMarket {
    async fn chart(&self, request: &ChartRequest) -> MarketResult<Chart> {
        let ttl = if request.interval.is_intraday() {
            self.ttl.intraday_chart
        } else {
            self.ttl.daily_chart
        };
        let key = self.key("chart", &chart_rest(request));
        self.cached(key, Some(&request.symbol), ttl, self.source.chart(request))
            .await
    }

    async fn quote(&self, symbol: &Symbol) -> MarketResult<Quote> {
        let key = self.key("quote", symbol.as_str());
        self.cached(key, Some(symbol), self.ttl.quote, self.source.quote(symbol))
            .await
    }

    async fn profile(&self, symbol: &Symbol) -> MarketResult<Profile> {
        let key = self.key("profile", symbol.as_str());
        self.cached(
            key,
            Some(symbol),
            self.ttl.quote,
            self.source.profile(symbol),
        )
        .await
    }

    async fn search(&self, query: &str, limit: usize) -> MarketResult<Vec<SearchHit>> {
        let normalized = query.trim().to_lowercase();
        let key = self.key("search", &format!("{limit}:{normalized}"));
        self.cached(key, None, self.ttl.search, self.source.search(query, limit))
            .await
    }

    async fn invalidate(&self, symbol: &Symbol) {
        self.cache.invalidate_tag(&self.tag(symbol)).await;
    }

    async fn cache_health(&self) -> CacheHealth {
        self.cache.health().await
    }
}
