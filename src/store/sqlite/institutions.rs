use async_trait::async_trait;
use uuid::Uuid;

use super::codec::{ts, uid};
use super::errors::parent;
use super::{SqliteQuery, SqliteStore};
use crate::domain::{Institution, Page, PageRequest};
use crate::store::rows::{self, affected_one, sql_i64};
use crate::store::sql::institutions::{self as sql, institution_columns};
use crate::store::{InstitutionStore, StoreResult};

/// `sql::INSERT` with the institution's columns bound.
pub(super) fn bind_insert(inst: &Institution) -> SqliteQuery<'_> {
    sqlx::query(sql::INSERT)
        .bind(uid(&inst.id))
        .bind(uid(&inst.user_id))
        .bind(&inst.name)
        .bind(&inst.url)
        .bind(ts(&inst.created_at))
        .bind(ts(&inst.updated_at))
}

#[async_trait]
impl InstitutionStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_institution(&self, inst: &Institution) -> StoreResult<()> {
        let insert = bind_insert(inst);
        self.execute_probed(insert, || {
            [parent(
                "fk_financial_institutions_user",
                "users",
                Some(inst.user_id),
            )]
        })
        .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn institution(&self, id: Uuid) -> StoreResult<Option<Institution>> {
        let query = sqlx::query(sql::BY_ID).bind(uid(&id));
        self.optional(query, rows::institution).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn institutions(
        &self,
        user_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Institution>> {
        let query = sqlx::query(concat!(
            "SELECT ",
            institution_columns!(),
            " FROM financial_institutions WHERE user_id = $1 ORDER BY name, id LIMIT $2 OFFSET $3"
        ))
        .bind(uid(&user_id))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip));
        let count = sqlx::query(sql::COUNT_OF_USER).bind(uid(&user_id));
        self.page(query, count, rows::institution).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_institution(&self, inst: &Institution) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(uid(&inst.id))
            .bind(&inst.name)
            .bind(&inst.url)
            .bind(ts(&inst.updated_at));
        affected_one(self.execute(update).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_institution(&self, id: Uuid) -> StoreResult<()> {
        affected_one(
            self.execute(sqlx::query(sql::DELETE).bind(uid(&id)))
                .await?,
        )
    }
}
