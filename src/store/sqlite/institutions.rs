use async_trait::async_trait;
use uuid::Uuid;

use super::codec::{ts, uid};
use super::errors::{db_err, parent};
use super::SqliteStore;
use crate::domain::{Institution, Page, PageRequest};
use crate::store::rows::{self, affected_one, sql_i64};
use crate::store::sql::institutions::{self as sql, institution_columns};
use crate::store::{InstitutionStore, StoreResult};

#[async_trait]
impl InstitutionStore for SqliteStore {
    async fn insert_institution(&self, inst: &Institution) -> StoreResult<()> {
        let done = sqlx::query(sql::INSERT)
            .bind(uid(&inst.id))
            .bind(uid(&inst.user_id))
            .bind(&inst.name)
            .bind(&inst.url)
            .bind(ts(&inst.created_at))
            .bind(ts(&inst.updated_at))
            .execute(&self.pool)
            .await;
        self.written(done, || {
            [parent(
                "fk_financial_institutions_user",
                "users",
                Some(inst.user_id),
            )]
        })
        .await?;
        Ok(())
    }

    async fn institution(&self, id: Uuid) -> StoreResult<Option<Institution>> {
        sqlx::query(sql::BY_ID)
            .bind(uid(&id))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::institution(&r))
            .transpose()
    }

    async fn institutions(
        &self,
        user_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Institution>> {
        let total = self
            .fetch_count(sqlx::query(sql::COUNT_OF_USER).bind(uid(&user_id)))
            .await?;
        let items = sqlx::query(concat!(
            "SELECT ",
            institution_columns!(),
            " FROM financial_institutions WHERE user_id = $1 ORDER BY name, id LIMIT $2 OFFSET $3"
        ))
        .bind(uid(&user_id))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::institution)
        .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    async fn update_institution(&self, inst: &Institution) -> StoreResult<()> {
        let done = sqlx::query(sql::UPDATE)
            .bind(uid(&inst.id))
            .bind(&inst.name)
            .bind(&inst.url)
            .bind(ts(&inst.updated_at))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }

    async fn delete_institution(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query(sql::DELETE)
            .bind(uid(&id))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }
}
