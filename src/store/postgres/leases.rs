use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row;
use uuid::Uuid;

use super::rows::db_err;
use super::PgStore;
use crate::store::{sql, LeaseStore, StoreResult};

#[async_trait]
impl LeaseStore for PgStore {
    /// The database's clock decides expiry, so that servers on several machines agree.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn acquire_lease(&self, name: &str, holder: Uuid, ttl: Duration) -> StoreResult<bool> {
        let acquire = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) \
             VALUES ($1, $2, clock_timestamp() + make_interval(secs => $3)) \
             ON CONFLICT (name) DO UPDATE \
             SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at \
             WHERE leases.holder = EXCLUDED.holder OR leases.expires_at <= clock_timestamp() \
             RETURNING holder",
        )
        .bind(name)
        .bind(holder)
        .bind(ttl.as_secs_f64());
        let taken = self
            .optional(acquire, |r| r.try_get::<Uuid, _>(0).map_err(db_err))
            .await?;
        Ok(taken == Some(holder))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn release_lease(&self, name: &str, holder: Uuid) -> StoreResult<()> {
        let release = sqlx::query(sql::leases::RELEASE).bind(name).bind(holder);
        self.execute(release).await?;
        Ok(())
    }
}
