use sqlx::Row;
use uuid::Uuid;

use super::rows::db_err;
use super::PgStore;
use crate::domain::DataVersion;
use crate::store::StoreResult;

impl PgStore {
    pub(crate) async fn data_version(&self, user_id: Uuid) -> StoreResult<DataVersion> {
        let found =
            sqlx::query("SELECT scope, generation FROM data_generations WHERE scope IN ($1, $2)")
                .bind(user_id)
                .bind(DataVersion::MARKET_SCOPE)
                .fetch_all(&self.pool)
                .await
                .map_err(db_err)?;
        let mut version = DataVersion::default();
        for row in &found {
            let scope: Uuid = row.try_get(0).map_err(db_err)?;
            let generation: i64 = row.try_get(1).map_err(db_err)?;
            if scope == DataVersion::MARKET_SCOPE {
                version.market = generation;
            } else {
                version.user = generation;
            }
        }
        Ok(version)
    }
}
