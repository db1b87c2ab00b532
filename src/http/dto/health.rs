use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthOut {
    /// `healthy` or `unhealthy`.
    pub status: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DatabaseHealthOut {
    pub status: &'static str,
    /// `connected`, or why not.
    pub database: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CacheHealthOut {
    pub status: &'static str,
    /// `connected`, `disabled` (in-process cache), or why Redis does not answer.
    pub redis: String,
}
