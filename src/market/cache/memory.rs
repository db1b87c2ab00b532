//! The in-process cache (moka), the default when no Redis is configured.

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use moka::future::Cache;
use moka::Expiry;

use super::{CacheHealth, FillLock, ResponseCache};

#[derive(Clone)]
struct Entry {
    value: Arc<str>,
    tag: Option<Arc<str>>,
    ttl: Duration,
}

/// Each entry lives for its own TTL.
struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _: &String, entry: &Entry, _: Instant) -> Option<Duration> {
        Some(entry.ttl)
    }

    fn expire_after_update(
        &self,
        _: &String,
        entry: &Entry,
        _: Instant,
        _: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.ttl)
    }
}

/// Answers kept in this process, bounded by entry count.
#[derive(Clone)]
pub struct MemoryCache {
    entries: Cache<String, Entry>,
}

impl MemoryCache {
    pub fn new(capacity: u64) -> Self {
        Self {
            entries: Cache::builder()
                .max_capacity(capacity)
                .expire_after(PerEntryTtl)
                .support_invalidation_closures()
                .build(),
        }
    }
}

#[async_trait]
impl ResponseCache for MemoryCache {
    async fn get(&self, key: &str) -> Option<String> {
        self.entries.get(key).await.map(|e| e.value.to_string())
    }

    async fn put(&self, key: &str, tag: Option<&str>, value: &str, ttl: Duration) {
        let entry = Entry {
            value: value.into(),
            tag: tag.map(Into::into),
            ttl,
        };
        self.entries.insert(key.to_string(), entry).await;
    }

    async fn invalidate_tag(&self, tag: &str) {
        let tag: Arc<str> = tag.into();
        let outcome = self
            .entries
            .invalidate_entries_if(move |_, e| e.tag.as_deref() == Some(&*tag));
        if let Err(e) = outcome {
            tracing::warn!(error = %e, "could not invalidate cached entries");
        }
    }

    async fn lock(&self, _key: &str, _ttl: Duration) -> FillLock {
        FillLock::Local
    }

    async fn unlock(&self, _key: &str, _token: &str) {}

    async fn health(&self) -> CacheHealth {
        CacheHealth::Disabled
    }
}
