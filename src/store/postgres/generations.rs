use uuid::Uuid;

use super::rows::db_err;
use super::PgStore;
use crate::domain::DataVersion;
use crate::store::{rows, StoreResult};

impl PgStore {
    pub(crate) async fn data_version(&self, user_id: Uuid) -> StoreResult<DataVersion> {
        let found = sqlx::query("SELECT scope, version FROM data_versions WHERE scope IN ($1, $2)")
            .bind(user_id)
            .bind(DataVersion::MARKET_SCOPE)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows::data_version(&found)
    }
}
