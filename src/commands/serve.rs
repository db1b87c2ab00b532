//! `finances serve`: builds the HTTP state from the configuration and serves until SIGINT or
//! SIGTERM.

use std::net::SocketAddr;

use std::time::Duration;

use crate::config::Config;
use crate::context::{jwt_secret, limiter, mailer, Context, ContextError};
use crate::http::{self, AppState, HttpSettings};
use crate::service::auth::AuthSettings;

use super::{OutputError, Printer};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Context(#[from] ContextError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Output(#[from] OutputError),
}

/// The server's settings from the configuration.
pub fn http_settings(config: &Config) -> HttpSettings {
    let s = &config.server;
    HttpSettings {
        cors_origins: s.cors_origins.clone(),
        body_limit_bytes: s.body_limit_bytes,
        import_limit_bytes: s.import_limit_mb.saturating_mul(1024 * 1024),
        auth_per_minute: s.rate_limit_auth_per_minute,
        sync_per_minute: s.rate_limit_sync_per_minute,
        lookups_per_minute: s.rate_limit_lookups_per_minute,
        shutdown_grace: Duration::from_secs(s.shutdown_grace_secs),
        response_cache_bytes: s.response_cache_mb.saturating_mul(1024 * 1024),
        ..HttpSettings::default()
    }
}

/// Token lifetimes and the signing secret from the configuration (the secret generated once
/// in the data directory when none is configured).
pub fn auth_settings(config: &Config) -> Result<AuthSettings, ContextError> {
    let a = &config.auth;
    Ok(AuthSettings {
        jwt_secret: jwt_secret(config)?,
        access_ttl: chrono::Duration::minutes(a.access_token_minutes as i64),
        refresh_ttl: chrono::Duration::days(a.refresh_token_days as i64),
        reset_ttl: chrono::Duration::minutes(a.reset_token_minutes as i64),
        reset_url: config.mail.reset_url.clone(),
    })
}

/// Everything the router needs, from a built context.
pub fn state(ctx: &Context) -> Result<AppState, ServeError> {
    let config = &ctx.config;
    let auth = ctx.services.auth(mailer(config)?, auth_settings(config)?);
    let mut settings = http_settings(config);
    settings.store_description = ctx.store_description();
    settings.cache_description = ctx.cache_description.clone();
    Ok(AppState::new(
        ctx.services.clone(),
        auth,
        limiter(config)?,
        settings,
    ))
}

/// Binds `config.server.bind` (or `--bind`), prints where it listens and what it uses, and
/// serves until SIGINT or SIGTERM, letting requests in flight finish within the shutdown
/// grace.
pub async fn run(out: &mut Printer<'_>, ctx: &Context) -> Result<(), ServeError> {
    let state = state(ctx)?;
    let addr = ctx.config.server.bind;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let local = listener.local_addr()?;
    out.line(format_args!(
        "finances API listening on http://{local} (store: {}; cache: {}; rate limits: {}; docs: http://{local}/docs)",
        state.settings.store_description,
        state.settings.cache_description,
        state.limiter.describe(),
    ))?;
    out.flush()?;
    tracing::info!(%local, "listening");
    http::serve(listener, state, http::shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}
