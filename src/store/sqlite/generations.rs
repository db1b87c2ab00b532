use uuid::Uuid;

use super::codec::uid;
use super::errors::db_err;
use super::SqliteStore;
use crate::domain::DataVersion;
use crate::store::{rows, StoreResult};

impl SqliteStore {
    pub(crate) async fn data_version(&self, user_id: Uuid) -> StoreResult<DataVersion> {
        let found = sqlx::query("SELECT scope, version FROM data_versions WHERE scope IN (?1, ?2)")
            .bind(uid(&user_id))
            .bind(uid(&DataVersion::MARKET_SCOPE))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows::data_version(&found)
    }
}
