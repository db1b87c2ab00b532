use sqlx::Row;
use uuid::Uuid;

use super::codec::uid;
use super::errors::db_err;
use super::SqliteStore;
use crate::domain::DataVersion;
use crate::store::StoreResult;

impl SqliteStore {
    pub(crate) async fn data_version(&self, user_id: Uuid) -> StoreResult<DataVersion> {
        let market = uid(&DataVersion::MARKET_SCOPE);
        let found =
            sqlx::query("SELECT scope, generation FROM data_generations WHERE scope IN (?1, ?2)")
                .bind(uid(&user_id))
                .bind(&market)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        let mut version = DataVersion::default();
        for row in &found {
            let scope: String = row.try_get(0).map_err(db_err)?;
            let generation: i64 = row.try_get(1).map_err(db_err)?;
            if scope == market {
                version.market = generation;
            } else {
                version.user = generation;
            }
        }
        Ok(version)
    }
}
