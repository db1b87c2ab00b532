use async_trait::async_trait;
use uuid::Uuid;

use super::rows::db_err;
use super::PgStore;
use crate::domain::{Holding, Page, PageRequest};
use crate::store::rows::{self, affected_one, sql_i64, Columns};
use crate::store::sql::holdings::{self as sql, holding_columns, newest_only};
use crate::store::{HoldingStore, StoreResult};

macro_rules! page_of_account {
    ($($filter:expr)?) => {
        concat!(
            "SELECT ",
            holding_columns!(),
            ", count(*) OVER () AS total FROM holdings AS h WHERE h.account_id = $1 ",
            $("AND ", $filter, " ",)?
            "ORDER BY h.\"timestamp\" DESC, h.id LIMIT $2 OFFSET $3"
        )
    };
}

#[async_trait]
impl HoldingStore for PgStore {
    async fn insert_holding(&self, h: &Holding) -> StoreResult<()> {
        sqlx::query(sql::INSERT)
            .bind(h.id)
            .bind(h.account_id)
            .bind(h.security_id)
            .bind(h.shares)
            .bind(h.average_price)
            .bind(h.timestamp)
            .bind(h.created_at)
            .bind(h.updated_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn holding(&self, id: Uuid) -> StoreResult<Option<Holding>> {
        sqlx::query(sql::BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::holding(&r))
            .transpose()
    }

    async fn holdings(
        &self,
        account_id: Uuid,
        current_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<Holding>> {
        let (items_sql, count_sql) = if current_only {
            (
                page_of_account!(newest_only!()),
                sql::COUNT_CURRENT_OF_ACCOUNT,
            )
        } else {
            (page_of_account!(), sql::COUNT_OF_ACCOUNT)
        };
        let found = sqlx::query(items_sql)
            .bind(account_id)
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let count = sqlx::query(count_sql).bind(account_id);
        let total = self.page_total(&found, page, count).await?;
        let items = found
            .iter()
            .map(rows::holding)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    async fn current_holdings_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Holding>> {
        sqlx::query(sql::CURRENT_OF_USER)
            .bind(user_id)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(rows::holding)
            .collect()
    }

    async fn held_security_ids(&self) -> StoreResult<Vec<Uuid>> {
        sqlx::query(sql::HELD_SECURITY_IDS)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| r.uuid("security_id"))
            .collect()
    }

    async fn update_holding(&self, h: &Holding) -> StoreResult<()> {
        let done = sqlx::query(sql::UPDATE)
            .bind(h.id)
            .bind(h.security_id)
            .bind(h.shares)
            .bind(h.average_price)
            .bind(h.timestamp)
            .bind(h.updated_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }

    async fn delete_holding(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query(sql::DELETE)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }
}
