//! The Redis cache, shared by every process that uses the same server. When Redis stops
//! answering, each call behaves as a miss (requests go to Yahoo), a warning is logged once per
//! outage, and Redis is tried again after a short pause.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::{FromRedisValue, Pipeline};

use super::{CacheHealth, FillLock, ResponseCache};

/// How long to leave Redis alone after a failure.
const PAUSE_AFTER_FAILURE: Duration = Duration::from_secs(5);
/// How long the index of a symbol's keys lives: longer than any entry it lists.
const INDEX_TTL: Duration = Duration::from_secs(2 * 24 * 60 * 60);

/// Deletes a lock only when it still holds the caller's token.
const UNLOCK_SCRIPT: &str =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// Deletes every key listed in a tag's set, and the set.
const INVALIDATE_SCRIPT: &str = "local keys = redis.call('SMEMBERS', KEYS[1]) \
     for _, k in ipairs(keys) do redis.call('DEL', k) end \
     redis.call('DEL', KEYS[1]) return #keys";

#[derive(Debug, Default)]
struct Outage {
    reason: Option<String>,
    retry_at: Option<Instant>,
    warned: bool,
}

pub struct RedisCache {
    conn: ConnectionManager,
    /// The server, without credentials, for messages.
    target: String,
    timeout: Duration,
    outage: Mutex<Outage>,
}

impl RedisCache {
    /// Prepares a connection; nothing is sent until the first call, so a Redis that is down at
    /// start-up is no error. Fails only on a malformed URL.
    pub fn new(url: &str, timeout: Duration) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        let info = client.get_connection_info();
        let target = info.addr().to_string();
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config)?;
        Ok(Self {
            conn,
            target,
            timeout,
            outage: Mutex::new(Outage::default()),
        })
    }

    fn paused(&self) -> bool {
        let outage = self.outage.lock().unwrap_or_else(|p| p.into_inner());
        outage.retry_at.is_some_and(|at| Instant::now() < at)
    }

    fn failed(&self, reason: String) {
        let mut outage = self.outage.lock().unwrap_or_else(|p| p.into_inner());
        if !outage.warned {
            tracing::warn!(
                redis = %self.target,
                %reason,
                "Redis is unreachable; market data is fetched without the cache until it is back"
            );
            outage.warned = true;
        }
        outage.reason = Some(reason);
        outage.retry_at = Some(Instant::now() + PAUSE_AFTER_FAILURE);
    }

    fn succeeded(&self) {
        let mut outage = self.outage.lock().unwrap_or_else(|p| p.into_inner());
        if outage.warned {
            tracing::info!(redis = %self.target, "Redis is reachable again");
        }
        *outage = Outage::default();
    }

    async fn run<T: FromRedisValue>(&self, pipe: &Pipeline) -> Option<T> {
        if self.paused() {
            return None;
        }
        let mut conn = self.conn.clone();
        match tokio::time::timeout(self.timeout, pipe.query_async::<T>(&mut conn)).await {
            Ok(Ok(value)) => {
                self.succeeded();
                Some(value)
            }
            Ok(Err(e)) => {
                self.failed(e.to_string());
                None
            }
            Err(_) => {
                self.failed(format!("no answer within {:?}", self.timeout));
                None
            }
        }
    }
}

#[async_trait]
impl ResponseCache for RedisCache {
    async fn get(&self, key: &str) -> Option<String> {
        let mut pipe = redis::pipe();
        pipe.get(key);
        self.run::<(Option<String>,)>(&pipe)
            .await
            .and_then(|(v,)| v)
    }

    async fn put(&self, key: &str, tag: Option<&str>, value: &str, ttl: Duration) {
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(key)
            .arg(value)
            .arg("PX")
            .arg(ttl.as_millis() as u64)
            .ignore();
        if let Some(tag) = tag {
            pipe.sadd(tag, key)
                .ignore()
                .pexpire(tag, INDEX_TTL.as_millis() as i64)
                .ignore();
        }
        let _: Option<()> = self.run(&pipe).await;
    }

    async fn invalidate_tag(&self, tag: &str) {
        let mut pipe = redis::pipe();
        pipe.cmd("EVAL")
            .arg(INVALIDATE_SCRIPT)
            .arg(1)
            .arg(tag)
            .ignore();
        let _: Option<()> = self.run(&pipe).await;
    }

    async fn lock(&self, key: &str, ttl: Duration) -> FillLock {
        let token = uuid::Uuid::new_v4().to_string();
        let mut pipe = redis::pipe();
        pipe.cmd("SET")
            .arg(format!("{key}:lock"))
            .arg(&token)
            .arg("NX")
            .arg("PX")
            .arg(ttl.as_millis() as u64);
        match self.run::<(Option<String>,)>(&pipe).await {
            Some((Some(_),)) => FillLock::Acquired(token),
            Some((None,)) => FillLock::Busy,
            None => FillLock::Local,
        }
    }

    async fn unlock(&self, key: &str, token: &str) {
        let mut pipe = redis::pipe();
        pipe.cmd("EVAL")
            .arg(UNLOCK_SCRIPT)
            .arg(1)
            .arg(format!("{key}:lock"))
            .arg(token)
            .ignore();
        let _: Option<()> = self.run(&pipe).await;
    }

    async fn health(&self) -> CacheHealth {
        let mut pipe = redis::pipe();
        pipe.cmd("PING");
        // A health check always asks, even during the pause after a failure.
        let mut conn = self.conn.clone();
        match tokio::time::timeout(self.timeout, pipe.query_async::<(String,)>(&mut conn)).await {
            Ok(Ok(_)) => {
                self.succeeded();
                CacheHealth::Connected
            }
            Ok(Err(e)) => {
                self.failed(e.to_string());
                CacheHealth::Unreachable(e.to_string())
            }
            Err(_) => {
                let reason = format!("no answer within {:?}", self.timeout);
                self.failed(reason.clone());
                CacheHealth::Unreachable(reason)
            }
        }
    }
}
