//! What every handler shares, and the server's settings.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::watch;

use crate::domain::User;
use crate::limits::{Decision, RateLimiter};
use crate::service::auth::AuthService;
use crate::service::securities::SecurityService;
use crate::service::{LookupBudget, ServiceError, ServiceResult, Services};

use super::error::ApiError;

/// Settings of the HTTP server; the composition root fills them from the configuration.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Origins allowed by CORS; empty allows none, `*` allows any.
    pub cors_origins: Vec<String>,
    /// Largest request body accepted (413 above).
    pub body_limit_bytes: usize,
    /// Largest file an import takes (413 above).
    pub import_limit_bytes: usize,
    /// Requests per minute per client address to each of register, login, login/tokens and
    /// forgot-password; 0 turns the limit off.
    pub auth_per_minute: u32,
    /// Syncs (security prices, exchange rates) per minute per user; 0 turns the limit off.
    pub sync_per_minute: u32,
    /// Lookups that reach Yahoo (an unknown symbol, a search needing Yahoo's results, a sync,
    /// bars not stored yet) per minute per user; 0 turns the limit off.
    pub lookups_per_minute: u32,
    /// The length of a rate-limit window.
    pub rate_window: Duration,
    /// Largest total size of remembered list bodies (see [`super::memo`]); 0, the default,
    /// keeps none and leaves the layer out.
    pub response_cache_bytes: u64,
    /// After a shutdown signal, how long requests in flight may still run; those left are
    /// then answered 503 and the server stops.
    pub shutdown_grace: Duration,
    /// Shown by the startup line: which store and which cache.
    pub store_description: String,
    pub cache_description: String,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            import_limit_bytes: 32 * 1024 * 1024,
            auth_per_minute: 5,
            sync_per_minute: 10,
            lookups_per_minute: 30,
            rate_window: Duration::from_secs(60),
            response_cache_bytes: 0,
            shutdown_grace: Duration::from_secs(5),
            store_description: String::new(),
            cache_description: String::new(),
        }
    }
}

/// The shared state of the router.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub auth: AuthService,
    pub limiter: Arc<dyn RateLimiter>,
    pub settings: Arc<HttpSettings>,
    /// Set when the shutdown grace is over: requests still running are answered 503.
    pub cut_off: Arc<watch::Sender<bool>>,
}

impl AppState {
    pub fn new(
        services: Services,
        auth: AuthService,
        limiter: Arc<dyn RateLimiter>,
        settings: HttpSettings,
    ) -> Self {
        Self {
            services,
            auth,
            limiter,
            settings: Arc::new(settings),
            cut_off: Arc::new(watch::channel(false).0),
        }
    }

    /// Counts a request of `who` to `bucket` against `per_minute`; 429 when over.
    pub async fn limit(&self, bucket: &str, who: &str, per_minute: u32) -> Result<(), ApiError> {
        count(&*self.limiter, &self.settings, bucket, who, per_minute)
            .await
            .map_err(ApiError::Service)
    }

    /// The security service charging `user`'s budget of Yahoo lookups.
    pub fn securities_for(&self, user: &User) -> SecurityService {
        if self.settings.lookups_per_minute == 0 {
            return (*self.services.securities).clone();
        }
        self.services.securities.metered(Arc::new(UserLookups {
            limiter: self.limiter.clone(),
            settings: self.settings.clone(),
            who: user.id.to_string(),
        }))
    }
}

async fn count(
    limiter: &dyn RateLimiter,
    settings: &HttpSettings,
    bucket: &str,
    who: &str,
    per_minute: u32,
) -> Result<(), ServiceError> {
    if per_minute == 0 {
        return Ok(());
    }
    let key = format!("{bucket}:{who}");
    match limiter.hit(&key, per_minute, settings.rate_window).await {
        Decision::Allowed => Ok(()),
        Decision::Limited { retry_after } => {
            tracing::info!(bucket, who, "rate limited");
            Err(ServiceError::RateLimited {
                message: format!(
                    "Rate limit exceeded: {per_minute} requests per {} seconds. Try again later.",
                    settings.rate_window.as_secs()
                ),
                retry_after_secs: Some(retry_after.as_secs()),
            })
        }
    }
}

/// One user's lookups at Yahoo, counted with the other rate limits (in Redis when configured).
struct UserLookups {
    limiter: Arc<dyn RateLimiter>,
    settings: Arc<HttpSettings>,
    who: String,
}

#[async_trait]
impl LookupBudget for UserLookups {
    async fn charge(&self) -> ServiceResult<()> {
        let per_minute = self.settings.lookups_per_minute;
        count(
            &*self.limiter,
            &self.settings,
            "lookup",
            &self.who,
            per_minute,
        )
        .await
    }
}
