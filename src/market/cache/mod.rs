//! The response cache: one interface, an in-process implementation (the default) and a Redis
//! one shared by every process that points at the same server.

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;

mod memory;
mod redis;

pub use memory::MemoryCache;
pub use redis::RedisCache;

/// How long each kind of answer stays fresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheTtls {
    pub intraday_chart: Duration,
    /// Daily, weekly and monthly bars.
    pub daily_chart: Duration,
    /// Quotes and quoteSummary profiles.
    pub quote: Duration,
    pub search: Duration,
}

impl Default for CacheTtls {
    fn default() -> Self {
        Self {
            intraday_chart: Duration::from_secs(15 * 60),
            daily_chart: Duration::from_secs(24 * 60 * 60),
            quote: Duration::from_secs(6 * 60 * 60),
            search: Duration::from_secs(60 * 60),
        }
    }
}

/// Which cache to use and how.
#[derive(Debug, Clone)]
pub struct CacheSettings {
    /// `redis://...`; `None` keeps the cache in process.
    pub redis_url: Option<String>,
    /// First part of every key, so that several deployments (or tests) can share one Redis.
    pub namespace: String,
    pub ttl: CacheTtls,
    /// Most entries the in-process cache holds.
    pub memory_capacity: u64,
    /// Longest wait for a Redis answer before going to Yahoo directly.
    pub redis_timeout: Duration,
}

impl Default for CacheSettings {
    fn default() -> Self {
        Self {
            redis_url: None,
            namespace: "finances".to_string(),
            ttl: CacheTtls::default(),
            memory_capacity: 10_000,
            redis_timeout: Duration::from_millis(500),
        }
    }
}

/// The cache's state, for health checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheHealth {
    /// Redis configured and answering.
    Connected,
    /// No Redis configured: the in-process cache is used.
    Disabled,
    /// Redis configured but not answering; requests go to Yahoo directly.
    Unreachable(String),
}

impl CacheHealth {
    /// False only when a configured Redis is down.
    pub fn is_healthy(&self) -> bool {
        !matches!(self, Self::Unreachable(_))
    }
}

impl fmt::Display for CacheHealth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connected => f.write_str("connected"),
            Self::Disabled => f.write_str("disabled"),
            Self::Unreachable(reason) => write!(f, "unreachable: {reason}"),
        }
    }
}

/// The outcome of asking for the fill lock of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FillLock {
    /// This caller fills the key and releases the lock with the token.
    Acquired(String),
    /// Another process is filling it: wait for the value.
    Busy,
    /// No cross-process locking (in-process cache, or Redis down): go ahead.
    Local,
}

/// Stores serialized answers under string keys. Never fails: a broken backend behaves as an
/// empty cache.
#[async_trait]
pub trait ResponseCache: Send + Sync + 'static {
    async fn get(&self, key: &str) -> Option<String>;
    /// Stores `value` for `ttl`, remembered under `tag` (a key naming a group, such as every
    /// entry of one symbol) so that `invalidate_tag` finds it.
    async fn put(&self, key: &str, tag: Option<&str>, value: &str, ttl: Duration);
    /// Drops every entry stored under `tag`.
    async fn invalidate_tag(&self, tag: &str);
    /// A short lock so that processes sharing the cache make one upstream call per key.
    async fn lock(&self, key: &str, ttl: Duration) -> FillLock;
    async fn unlock(&self, key: &str, token: &str);
    async fn health(&self) -> CacheHealth;
}
