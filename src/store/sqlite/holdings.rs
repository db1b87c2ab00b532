use async_trait::async_trait;
use uuid::Uuid;

use super::codec::{dec, ts, uid};
use super::errors::{parent, Probe};
use super::{SqliteQuery, SqliteStore};
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
            " FROM holdings AS h WHERE h.account_id = $1 ",
            $("AND ", $filter, " ",)?
            "ORDER BY h.\"timestamp\" DESC, h.id LIMIT $2 OFFSET $3"
        )
    };
}

/// A page of the owner's account, priced: binds the account, its owner, limit and offset.
macro_rules! priced_page {
    ($($filter:expr)?) => {
        concat!(
            "WITH held AS (SELECT ",
            holding_columns!(),
            " FROM holdings AS h WHERE ",
            of_owned_account!(),
            " ",
            $("AND ", $filter, " ",)?
            "ORDER BY h.\"timestamp\" DESC, h.id LIMIT $3 OFFSET $4)",
            priced_from_held!(),
            "ORDER BY held.\"timestamp\" DESC, held.id"
        )
    };
}

fn holding_probes(h: &Holding) -> [Probe; 2] {
    [
        parent("fk_holdings_account", "accounts", Some(h.account_id)),
        parent("fk_holdings_security", "securities", Some(h.security_id)),
    ]
}

/// `sql::INSERT` with the holding's columns bound.
fn bind_insert(h: &Holding) -> SqliteQuery<'_> {
    sqlx::query(sql::INSERT)
        .bind(uid(&h.id))
        .bind(uid(&h.account_id))
        .bind(uid(&h.security_id))
        .bind(dec(&h.shares))
        .bind(dec(&h.average_price))
        .bind(ts(&h.timestamp))
        .bind(ts(&h.created_at))
        .bind(ts(&h.updated_at))
}

#[async_trait]
impl HoldingStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_holding(&self, h: &Holding) -> StoreResult<()> {
        self.execute_probed(bind_insert(h), || holding_probes(h))
            .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn holding(&self, id: Uuid) -> StoreResult<Option<Holding>> {
        let query = sqlx::query(sql::BY_ID).bind(uid(&id));
        self.optional(query, rows::holding).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn holdings(
        &self,
        account_id: Uuid,
        current_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<Holding>> {
        let (count_sql, items_sql) = if current_only {
            (
                sql::COUNT_CURRENT_OF_ACCOUNT,
                page_of_account!(newest_only!()),
            )
        } else {
            (sql::COUNT_OF_ACCOUNT, page_of_account!())
        };
        let query = sqlx::query(items_sql)
            .bind(uid(&account_id))
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip));
        let count = sqlx::query(count_sql).bind(uid(&account_id));
        self.page(query, count, rows::holding).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn priced_holdings(
        &self,
        owner: Uuid,
        account_id: Uuid,
        current_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<PricedHolding>> {
        let (count_sql, items_sql) = if current_only {
            (
                sql::COUNT_CURRENT_OF_OWNED_ACCOUNT,
                priced_page!(newest_only!()),
            )
        } else {
            (sql::COUNT_OF_OWNED_ACCOUNT, priced_page!())
        };
        let query = sqlx::query(items_sql)
            .bind(uid(&account_id))
            .bind(uid(&owner))
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip));
        let count = sqlx::query(count_sql)
            .bind(uid(&account_id))
            .bind(uid(&owner));
        self.page(query, count, rows::priced_holding).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn current_holdings_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Holding>> {
        let query = sqlx::query(sql::CURRENT_OF_USER).bind(uid(&user_id));
        self.list(query, rows::holding).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn priced_positions(&self, user_id: Uuid) -> StoreResult<Vec<PricedHolding>> {
        let query = sqlx::query(sql::PRICED_CURRENT_OF_USER).bind(uid(&user_id));
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
            .bind(uid(&h.id))
            .bind(uid(&h.security_id))
            .bind(dec(&h.shares))
            .bind(dec(&h.average_price))
            .bind(ts(&h.timestamp))
            .bind(ts(&h.updated_at));
        affected_one(self.execute_probed(update, || holding_probes(h)).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_holding(&self, id: Uuid) -> StoreResult<()> {
        affected_one(
            self.execute(sqlx::query(sql::DELETE).bind(uid(&id)))
                .await?,
        )
    }
}
