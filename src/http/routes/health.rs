//! Health checks, served at the root and under `/api/v1`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};

use crate::service::CacheHealth;

use super::super::dto::health::{CacheHealthOut, DatabaseHealthOut, HealthOut};
use super::super::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health))
        .route("/health/db", get(database))
        .route("/health/redis", get(redis))
        .route("/health/cache", get(cache))
}

/// The server answers.
#[utoipa::path(get, path = "/health", tag = "health",
    responses((status = 200, body = HealthOut)))]
pub async fn health() -> Json<HealthOut> {
    Json(HealthOut { status: "healthy" })
}

/// The database answers.
#[utoipa::path(get, path = "/health/db", tag = "health",
    responses((status = 200, body = DatabaseHealthOut), (status = 503, body = DatabaseHealthOut)))]
pub async fn database(State(state): State<AppState>) -> (StatusCode, Json<DatabaseHealthOut>) {
    match state.services.database_health().await {
        Ok(()) => (
            StatusCode::OK,
            Json(DatabaseHealthOut {
                status: "healthy",
                database: "connected".into(),
            }),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "database health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(DatabaseHealthOut {
                    status: "unhealthy",
                    database: e.to_string(),
                }),
            )
        }
    }
}

async fn cache_state(state: &AppState) -> (StatusCode, Json<CacheHealthOut>) {
    match state.services.securities.cache_health().await {
        CacheHealth::Unreachable(reason) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(CacheHealthOut {
                status: "unhealthy",
                redis: reason,
            }),
        ),
        ok => (
            StatusCode::OK,
            Json(CacheHealthOut {
                status: "healthy",
                redis: ok.to_string(),
            }),
        ),
    }
}

/// Redis: `connected`, `disabled` when the cache is in process, 503 when configured and down.
#[utoipa::path(get, path = "/health/redis", tag = "health",
    responses((status = 200, body = CacheHealthOut), (status = 503, body = CacheHealthOut)))]
pub async fn redis(State(state): State<AppState>) -> (StatusCode, Json<CacheHealthOut>) {
    cache_state(&state).await
}

/// The same as `/health/redis`.
#[utoipa::path(get, path = "/health/cache", tag = "health",
    responses((status = 200, body = CacheHealthOut), (status = 503, body = CacheHealthOut)))]
pub async fn cache(State(state): State<AppState>) -> (StatusCode, Json<CacheHealthOut>) {
    cache_state(&state).await
}
