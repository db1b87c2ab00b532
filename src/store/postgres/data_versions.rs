use async_trait::async_trait;
use uuid::Uuid;

use super::PgStore;
use crate::domain::DataVersion;
use crate::store::{rows, sql, DataVersionStore, StoreResult};

#[async_trait]
impl DataVersionStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn data_version(&self, user_id: Uuid) -> StoreResult<DataVersion> {
        let query = sqlx::query(sql::data_versions::DATA_VERSION)
            .bind(user_id)
            .bind(DataVersion::MARKET_SCOPE);
        rows::data_version(&self.rows(query).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn account_versions(&self, user_id: Uuid) -> StoreResult<Vec<(Uuid, i64)>> {
        let query = sqlx::query(sql::data_versions::ACCOUNT_VERSIONS).bind(user_id);
        self.list(query, rows::account_version).await
    }
}
