//! Counters in this process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;

use super::{decide, Decision, RateLimiter};

/// Windows past this many keys trigger a sweep of expired ones.
const SWEEP_AT: usize = 10_000;

#[derive(Default)]
pub struct MemoryLimiter {
    windows: Mutex<HashMap<String, (Instant, u64)>>,
}

impl MemoryLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts a hit in process; shared with the Redis limiter's fallback.
    pub(crate) fn count(&self, key: &str, window: Duration) -> (u64, Duration) {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(|p| p.into_inner());
        if windows.len() > SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = windows.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(entry.0) >= window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        (entry.1, window.saturating_sub(now.duration_since(entry.0)))
    }
}

#[async_trait]
impl RateLimiter for MemoryLimiter {
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision {
        let (count, remaining) = self.count(key, window);
        decide(count, limit, remaining)
    }

    fn describe(&self) -> String {
        "in-process".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_per_key_and_window() {
        let l = MemoryLimiter::new();
        let w = Duration::from_millis(200);
        for _ in 0..3 {
            assert_eq!(l.hit("a", 3, w).await, Decision::Allowed);
        }
        assert!(matches!(l.hit("a", 3, w).await, Decision::Limited { .. }));
        assert_eq!(l.hit("b", 3, w).await, Decision::Allowed);
        tokio::time::sleep(w).await;
        assert_eq!(l.hit("a", 3, w).await, Decision::Allowed);
    }
}
