//! What every handler shares, and the server's settings.

use std::sync::Arc;
use std::time::Duration;

use crate::limits::{Decision, RateLimiter};
use crate::service::auth::AuthService;
use crate::service::{ServiceError, Services};

use super::error::ApiError;
use super::memo::ResponseMemo;

/// Settings of the HTTP server; the composition root fills them from the configuration.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Origins allowed by CORS; empty allows none, `*` allows any.
    pub cors_origins: Vec<String>,
    /// Largest request body accepted (413 above).
    pub body_limit_bytes: usize,
    /// Requests per minute per client address to each of register, login, login/tokens and
    /// forgot-password; 0 turns the limit off.
    pub auth_per_minute: u32,
    /// Syncs (security prices, exchange rates) per minute per user; 0 turns the limit off.
    pub sync_per_minute: u32,
    /// The length of a rate-limit window.
    pub rate_window: Duration,
    /// Largest total size of remembered list bodies (see [`super::memo`]); 0 keeps none.
    pub response_cache_bytes: u64,
    /// Shown by the startup line: which store and which cache.
    pub store_description: String,
    pub cache_description: String,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            cors_origins: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            auth_per_minute: 5,
            sync_per_minute: 10,
            rate_window: Duration::from_secs(60),
            response_cache_bytes: 64 * 1024 * 1024,
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
    pub memo: Arc<ResponseMemo>,
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
            memo: Arc::new(ResponseMemo::new(settings.response_cache_bytes)),
            settings: Arc::new(settings),
        }
    }

    /// Counts a request of `who` to `bucket` against `per_minute`; 429 when over.
    pub async fn limit(&self, bucket: &str, who: &str, per_minute: u32) -> Result<(), ApiError> {
        if per_minute == 0 {
            return Ok(());
        }
        let key = format!("{bucket}:{who}");
        match self
            .limiter
            .hit(&key, per_minute, self.settings.rate_window)
            .await
        {
            Decision::Allowed => Ok(()),
            Decision::Limited { retry_after } => {
                tracing::info!(bucket, who, "rate limited");
                Err(ApiError::Service(ServiceError::RateLimited {
                    message: format!(
                        "Rate limit exceeded: {per_minute} requests per {} seconds. Try again later.",
                        self.settings.rate_window.as_secs()
                    ),
                    retry_after_secs: Some(retry_after.as_secs()),
                }))
            }
        }
    }
}
