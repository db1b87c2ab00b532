use async_trait::async_trait;
use uuid::Uuid;

use super::rows::db_err;
use super::PgStore;
use crate::domain::{Institution, Page, PageRequest};
use crate::store::rows::{self, affected_one, sql_i64};
use crate::store::sql::institutions::{self as sql, institution_columns};
use crate::store::{InstitutionStore, StoreResult};

#[async_trait]
impl InstitutionStore for PgStore {
    async fn insert_institution(&self, inst: &Institution) -> StoreResult<()> {
        sqlx::query(sql::INSERT)
            .bind(inst.id)
            .bind(inst.user_id)
            .bind(&inst.name)
            .bind(&inst.url)
            .bind(inst.created_at)
            .bind(inst.updated_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn institution(&self, id: Uuid) -> StoreResult<Option<Institution>> {
        sqlx::query(sql::BY_ID)
            .bind(id)
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
        let found = sqlx::query(concat!(
            "SELECT ",
            institution_columns!(),
            ", count(*) OVER () AS total FROM financial_institutions WHERE user_id = $1 \
             ORDER BY name, id LIMIT $2 OFFSET $3"
        ))
        .bind(user_id)
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let count = sqlx::query(sql::COUNT_OF_USER).bind(user_id);
        let total = self.page_total(&found, page, count).await?;
        let items = found
            .iter()
            .map(rows::institution)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    async fn update_institution(&self, inst: &Institution) -> StoreResult<()> {
        let done = sqlx::query(sql::UPDATE)
            .bind(inst.id)
            .bind(&inst.name)
            .bind(&inst.url)
            .bind(inst.updated_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }

    async fn delete_institution(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query(sql::DELETE)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }
}
