use std::time::Duration;

use async_trait::async_trait;
use sqlx::Row;
use uuid::Uuid;

use super::codec::{ts, uid};
use super::errors::db_err;
use super::SqliteStore;
use crate::store::{sql, LeaseStore, StoreResult};

#[async_trait]
impl LeaseStore for SqliteStore {
    /// Processes sharing a SQLite file share a machine, and so its clock.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn acquire_lease(&self, name: &str, holder: Uuid, ttl: Duration) -> StoreResult<bool> {
        let now = chrono::Utc::now();
        let until = chrono::Duration::from_std(ttl)
            .ok()
            .and_then(|ttl| now.checked_add_signed(ttl))
            .unwrap_or(chrono::DateTime::<chrono::Utc>::MAX_UTC);
        let taken = sqlx::query(
            "INSERT INTO leases (name, holder, expires_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (name) DO UPDATE \
             SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4 \
             RETURNING holder",
        )
        .bind(name)
        .bind(uid(&holder))
        .bind(ts(&until))
        .bind(ts(&now))
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(taken.is_some_and(|r| r.try_get::<String, _>(0).is_ok_and(|h| h == uid(&holder))))
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn release_lease(&self, name: &str, holder: Uuid) -> StoreResult<()> {
        let release = sqlx::query(sql::leases::RELEASE)
            .bind(name)
            .bind(uid(&holder));
        self.execute(release).await?;
        Ok(())
    }
}
