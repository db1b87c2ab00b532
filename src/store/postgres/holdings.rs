use async_trait::async_trait;
use uuid::Uuid;

use super::PgStore;
use crate::domain::{Holding, Page, PageRequest};
use crate::store::rows::{self, affected_one, sql_i64, Columns};
use crate::store::sql::holdings::{
    self as sql, holding_columns, newest_only, of_owned_account, priced_from_held,
};
use crate::store::{HoldingStore, PricedHolding, StoreResult};

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

/// A page of the owner's account with the page's total in each row, priced: binds the
/// account, its owner, limit and offset.
macro_rules! priced_page {
    ($($filter:expr)?) => {
        concat!(
            "WITH held AS (SELECT ",
            holding_columns!(),
            ", count(*) OVER () AS total FROM holdings AS h WHERE ",
            of_owned_account!(),
            " ",
            $("AND ", $filter, " ",)?
            "ORDER BY h.\"timestamp\" DESC, h.id LIMIT $3 OFFSET $4)",
            priced_from_held!(),
            "ORDER BY held.\"timestamp\" DESC, held.id"
        )
    };
}

#[async_trait]
impl HoldingStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all)]
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

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn holding(&self, id: Uuid) -> StoreResult<Option<Holding>> {
        self.optional(sqlx::query(sql::BY_ID).bind(id), rows::holding)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
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

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn priced_holdings(
        &self,
        owner: Uuid,
        account_id: Uuid,
        current_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<PricedHolding>> {
        let (items_sql, count_sql) = if current_only {
            (
                priced_page!(newest_only!()),
                sql::COUNT_CURRENT_OF_OWNED_ACCOUNT,
            )
        } else {
            (priced_page!(), sql::COUNT_OF_OWNED_ACCOUNT)
        };
        let query = sqlx::query(items_sql)
            .bind(account_id)
            .bind(owner)
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip));
        let count = sqlx::query(count_sql).bind(account_id).bind(owner);
        self.page(query, count, page, rows::priced_holding).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn current_holdings_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Holding>> {
        let query = sqlx::query(sql::CURRENT_OF_USER).bind(user_id);
        self.list(query, rows::holding).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn priced_positions(&self, user_id: Uuid) -> StoreResult<Vec<PricedHolding>> {
        let query = sqlx::query(sql::PRICED_CURRENT_OF_USER).bind(user_id);
        self.list(query, rows::priced_holding).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn held_security_ids(&self) -> StoreResult<Vec<Uuid>> {
        let query = sqlx::query(sql::HELD_SECURITY_IDS);
        self.list(query, |r| r.uuid("security_id")).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
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

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_holding(&self, id: Uuid) -> StoreResult<()> {
        affected_one(self.execute(sqlx::query(sql::DELETE).bind(id)).await?)
    }
}
