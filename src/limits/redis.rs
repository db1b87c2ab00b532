//! Counters in Redis, shared by every process using the same server. When Redis does not
//! answer, counting falls back to this process (a warning is logged) so that limits still
//! hold per process and requests are not refused for an outage of the limiter.

use std::time::Duration;

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::memory::MemoryLimiter;
use super::{decide, Decision, RateLimiter};

/// Counts a hit and starts the window's clock on the first one; answers the count and the
/// milliseconds left in the window.
const HIT_SCRIPT: &str = "local n = redis.call('INCR', KEYS[1]) \
     if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end \
     local ttl = redis.call('PTTL', KEYS[1]) \
     if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end \
     return {n, ttl}";

pub struct RedisLimiter {
    conn: ConnectionManager,
    namespace: String,
    target: String,
    timeout: Duration,
    fallback: MemoryLimiter,
}

impl RedisLimiter {
    /// Prepares a connection; nothing is sent until the first hit, so a Redis that is down at
    /// start-up is no error. Fails only on a malformed URL. Keys start with `namespace`.
    pub fn new(url: &str, namespace: &str, timeout: Duration) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let target = client.get_connection_info().addr().to_string();
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config)?;
        Ok(Self {
            conn,
            namespace: namespace.to_string(),
            target,
            timeout,
            fallback: MemoryLimiter::new(),
        })
    }

    async fn count(&self, key: &str, window: Duration) -> Result<(u64, Duration), String> {
        let mut conn = self.conn.clone();
        let mut cmd = redis::cmd("EVAL");
        cmd.arg(HIT_SCRIPT)
            .arg(1)
            .arg(format!("{}:ratelimit:{key}", self.namespace))
            .arg(window.as_millis() as u64);
        match tokio::time::timeout(self.timeout, cmd.query_async::<(u64, i64)>(&mut conn)).await {
            Ok(Ok((n, ttl))) => Ok((n, Duration::from_millis(ttl.max(0) as u64))),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }
}

#[async_trait]
impl RateLimiter for RedisLimiter {
    async fn hit(&self, key: &str, limit: u32, window: Duration) -> Decision {
        match self.count(key, window).await {
            Ok((count, remaining)) => decide(count, limit, remaining),
            Err(reason) => {
                tracing::warn!(redis = %self.target, %reason, "rate limit counters fall back to this process");
                let (count, remaining) = self.fallback.count(key, window);
                decide(count, limit, remaining)
            }
        }
    }

    fn describe(&self) -> String {
        format!("Redis at {}", self.target)
    }
}
