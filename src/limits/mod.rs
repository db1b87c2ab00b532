//! Rate limiting: fixed one-minute windows counted per key (a route and a client address, or
//! a route and a user). Counters live in Redis when one is configured, so that limits hold
//! across every process sharing it; in process otherwise.

use std::time::Duration;

use async_trait::async_trait;

mod memory;
mod redis;

pub use self::memory::MemoryLimiter;
pub use self::redis::RedisLimiter;

/// The answer to one request against a budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// Over budget: try again after this long.
    Limited {
        retry_after: Duration,
    },
}

/// Counts requests per key within fixed windows.
#[async_trait]
pub trait RateLimiter: Send + Sync + 'static {
    /// Counts one request under `key` and says whether it fits in `limit` per `window`.
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision;
    /// Where the counters live, for messages.
    fn describe(&self) -> String;
}

/// The budget of one window: whether the `count`-th request is allowed, and when the window
/// (`elapsed` into a window of `window`) ends.
pub(crate) fn decide(count: u64, limit: u32, remaining: Duration) -> Decision {
    if count <= u64::from(limit) {
        Decision::Allowed
    } else {
        // Round up to whole seconds so that a client waiting `Retry-After` is let in.
        let secs = remaining.as_millis().div_ceil(1000).max(1) as u64;
        Decision::Limited {
            retry_after: Duration::from_secs(secs),
        }
    }
}
