use async_trait::async_trait;
use uuid::Uuid;

use super::codec::uid;
use super::errors::db_err;
use super::SqliteStore;
use crate::domain::DataVersion;
use crate::store::{rows, sql, DataVersionStore, StoreResult};

#[async_trait]
impl DataVersionStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn data_version(&self, user_id: Uuid) -> StoreResult<DataVersion> {
        let found = sqlx::query(sql::data_versions::DATA_VERSION)
            .bind(uid(&user_id))
            .bind(uid(&DataVersion::MARKET_SCOPE))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        rows::data_version(&found)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn account_versions(&self, user_id: Uuid) -> StoreResult<Vec<(Uuid, i64)>> {
        let query = sqlx::query(sql::data_versions::ACCOUNT_VERSIONS).bind(uid(&user_id));
        self.list(query, rows::account_version).await
    }
}
