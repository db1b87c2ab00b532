use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::codec::{ts, uid};
use super::SqliteStore;
use crate::store::rows::Columns;
use crate::store::rows::{mapping_from_json as decode, mapping_json as encode};
use crate::store::{sql, ImportMappingStore, StoreResult};

#[async_trait]
impl ImportMappingStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn save_import_mapping(
        &self,
        user_id: Uuid,
        name: &str,
        columns: &BTreeMap<String, String>,
        at: DateTime<Utc>,
    ) -> StoreResult<()> {
        let query = sqlx::query(sql::import_mappings::SAVE)
            .bind(uid(&user_id))
            .bind(name.to_string())
            .bind(encode(columns)?)
            .bind(ts(&at));
        self.execute(query).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn import_mappings(
        &self,
        user_id: Uuid,
    ) -> StoreResult<Vec<(String, BTreeMap<String, String>)>> {
        let query = sqlx::query(sql::import_mappings::OF_USER).bind(uid(&user_id));
        self.list(query, |r| {
            Ok((r.text("name")?, decode(&r.text("columns")?)?))
        })
        .await
    }
}
