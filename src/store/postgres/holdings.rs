use async_trait::async_trait;
use uuid::Uuid;

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
        let insert = sqlx::query(sql::INSERT)
            .bind(h.id)
            .bind(h.account_id)
            .bind(h.security_id)
            .bind(h.shares)
            .bind(h.average_price)
            .bind(h.timestamp)
            .bind(h.created_at)
            .bind(h.updated_at);
        self.execute(insert).await?;
        Ok(())
    }

    async fn holding(&self, id: Uuid) -> StoreResult<Option<Holding>> {
        self.optional(sqlx::query(sql::BY_ID).bind(id), rows::holding)
            .await
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
        let query = sqlx::query(items_sql)
            .bind(account_id)
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip));
        let count = sqlx::query(count_sql).bind(account_id);
        self.page(query, count, page, rows::holding).await
    }

    async fn current_holdings_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Holding>> {
        let query = sqlx::query(sql::CURRENT_OF_USER).bind(user_id);
        self.list(query, rows::holding).await
    }

    async fn held_security_ids(&self) -> StoreResult<Vec<Uuid>> {
        let query = sqlx::query(sql::HELD_SECURITY_IDS);
        self.list(query, |r| r.uuid("security_id")).await
    }

    async fn update_holding(&self, h: &Holding) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(h.id)
            .bind(h.security_id)
            .bind(h.shares)
            .bind(h.average_price)
            .bind(h.timestamp)
            .bind(h.updated_at);
        affected_one(self.execute(update).await?)
    }

    async fn delete_holding(&self, id: Uuid) -> StoreResult<()> {
        affected_one(self.execute(sqlx::query(sql::DELETE).bind(id)).await?)
    }
}
