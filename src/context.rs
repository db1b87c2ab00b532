//! The composition root: the one place that names concrete stores, caches and clients, and
//! wires them into the services both front ends use.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use std::time::Duration;

use crate::config::{Config, ConfigError};
use crate::limits::{MemoryLimiter, RateLimiter, RedisLimiter};
use crate::mail::{Mailer, OutboxMailer};
use crate::market::{self, CacheSettings, CacheTtls, MarketData, YahooSettings};
use crate::secret::{redact_url, Secret};
use crate::service::{Deadlines, Services};
use crate::store::{self, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum ContextError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("database {url}: {source}")]
    Store { url: String, source: StoreError },
    #[error("market data: {0}")]
    Market(#[from] market::ConnectError),
    #[error("rate limiter: {0}")]
    Limiter(#[source] redis::RedisError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Everything a command needs, built from the configuration.
pub struct Context {
    pub config: Config,
    pub services: Services,
    /// A one-line description of the cache, e.g. "Redis at redis://host:6379" or "in-process".
    pub cache_description: String,
    pub market: Arc<dyn MarketData>,
}

impl Context {
    /// Opens (and migrates) the configured store and builds the services.
    pub async fn build(config: Config) -> Result<Self, ContextError> {
        let store = open_store(&config.database_url()?, config.database.max_connections).await?;
        Self::with_store(config, store).await
    }

    /// Builds the services over an already opened store (the demo, tests).
    pub async fn with_store(config: Config, store: Arc<dyn Store>) -> Result<Self, ContextError> {
        let (market, cache_description) = build_market(&config).await?;
        let services = Services::with_deadlines(store, market.clone(), deadlines(&config));
        Ok(Self {
            config,
            services,
            cache_description,
            market,
        })
    }

    pub fn store_description(&self) -> String {
        match self.config.database_url() {
            Ok(url) => format!("{} at {}", self.services.backend(), redact_url(&url)),
            Err(_) => self.services.backend().to_string(),
        }
    }
}

/// Opens and migrates the store a URL names; errors name the URL with its password hidden.
pub async fn open_store(url: &str, max_connections: u32) -> Result<Arc<dyn Store>, ContextError> {
    let wrap = |source| ContextError::Store {
        url: redact_url(url),
        source,
    };
    let store = store::open_with(url, max_connections).await.map_err(wrap)?;
    store.migrate().await.map_err(wrap)?;
    Ok(store)
}

/// The Yahoo client behind the configured cache, and a description of that cache.
async fn build_market(config: &Config) -> Result<(Arc<dyn MarketData>, String), ContextError> {
    let market = market::connect(yahoo_settings(config)?, &cache_settings(config))?;
    let description = match &config.cache.redis_url {
        Some(url) => format!("Redis at {}", url.redacted()),
        None => "in-process cache".to_string(),
    };
    Ok((market, description))
}

pub fn yahoo_settings(config: &Config) -> Result<YahooSettings, ContextError> {
    let base_url = match &config.yahoo.base_url {
        Some(raw) => Some(url::Url::parse(raw).map_err(|e| {
            ContextError::Config(ConfigError::Invalid(format!(
                "yahoo.base_url '{raw}' is not a URL: {e}"
            )))
        })?),
        None => None,
    };
    Ok(YahooSettings {
        base_url,
        timeout: Duration::from_secs(config.yahoo.timeout_secs),
        user_agent: config.yahoo.user_agent.clone(),
        retries: config.yahoo.max_retries as usize,
        ..YahooSettings::default()
    })
}

/// How long operations that need Yahoo may take.
pub fn deadlines(config: &Config) -> Deadlines {
    Deadlines {
        request: Duration::from_secs(config.yahoo.request_deadline_secs),
        sync: Duration::from_secs(config.yahoo.sync_deadline_secs),
    }
}

pub fn cache_settings(config: &Config) -> CacheSettings {
    let c = &config.cache;
    CacheSettings {
        redis_url: c.redis_url.as_ref().map(|u| u.expose().to_string()),
        ttl: CacheTtls {
            intraday_chart: Duration::from_secs(c.intraday_ttl_secs),
            daily_chart: Duration::from_secs(c.daily_ttl_secs),
            quote: Duration::from_secs(c.quote_ttl_secs),
            search: Duration::from_secs(c.search_ttl_secs),
        },
        ..CacheSettings::default()
    }
}

/// The JWT signing secret: configured, or generated once and kept in the data directory with
/// The configured mailer: the data directory's `outbox/` folder.
pub fn mailer(config: &Config) -> Result<Arc<dyn Mailer>, ContextError> {
    if config.mail.smtp_url.is_some() {
        tracing::warn!(
            "mail.smtp_url is set, but this build delivers mail to the outbox folder only"
        );
    }
    let dir = config.data_dir()?.join("outbox");
    Ok(Arc::new(OutboxMailer::new(dir, config.mail.from.clone())))
}

/// Redis counters when Redis is configured, so that limits hold across processes.
pub fn limiter(config: &Config) -> Result<Arc<dyn RateLimiter>, ContextError> {
    match &config.cache.redis_url {
        Some(url) => Ok(Arc::new(
            RedisLimiter::new(url.expose(), "finances", Duration::from_millis(500))
                .map_err(ContextError::Limiter)?,
        )),
        None => Ok(Arc::new(MemoryLimiter::new())),
    }
}

/// mode 0600 so only the owner can read it.
pub fn jwt_secret(config: &Config) -> Result<Secret, ContextError> {
    if let Some(secret) = &config.auth.jwt_secret {
        return Ok(secret.clone());
    }
    let dir = config.data_dir()?;
    load_or_create_secret(&dir.join("jwt_secret"))
}

fn load_or_create_secret(path: &Path) -> Result<Secret, ContextError> {
    let io = |source| ContextError::Io {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) if text.trim().len() >= 32 => return Ok(Secret::new(text.trim())),
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(io)?;
    }
    let secret: String = {
        use rand::Rng;
        let mut bytes = [0u8; 32];
        rand::thread_rng().fill(&mut bytes);
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(io)?;
    file.write_all(secret.as_bytes()).map_err(io)?;
    Ok(Secret::new(secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_secret_is_private_and_stable() {
        let dir = std::env::temp_dir().join(format!("finances-secret-{}", uuid::Uuid::new_v4()));
        let path = dir.join("jwt_secret");
        let first = load_or_create_secret(&path).unwrap();
        let second = load_or_create_secret(&path).unwrap();
        assert_eq!(first, second);
        assert!(first.expose().len() >= 64);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
