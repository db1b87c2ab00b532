//! Accounts and their values.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{PgQuery, PgStore};
use crate::domain::{Account, AccountValue, Page, PageRequest};
use crate::store::rows::{self, affected_one, distinct_ids, sql_i64};
use crate::store::sql::accounts::{self as sql, account_columns, value_columns};
use crate::store::{AccountStore, StoreResult};

/// `sql::INSERT` with the account's columns bound.
pub(super) fn bind_insert(a: &Account) -> PgQuery<'_> {
    sqlx::query(sql::INSERT)
        .bind(a.id)
        .bind(a.user_id)
        .bind(a.institution_id)
        .bind(&a.name)
        .bind(a.account_type.as_str())
        .bind(a.currency.as_str())
        .bind(a.is_investment_account)
        .bind(a.interest_rate)
        .bind(a.cost_basis_method.as_str())
        .bind(a.created_at)
        .bind(a.updated_at)
}

/// One statement inserting all of `values`, each column bound as an array.
pub(super) fn bind_insert_values(values: &[AccountValue]) -> PgQuery<'static> {
    sqlx::query(
        "INSERT INTO account_values (id, account_id, \"timestamp\", balance, cash_balance, \
         created_at, updated_at) \
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::numeric[], \
             $5::numeric[], $6::timestamptz[], $7::timestamptz[])",
    )
    .bind(values.iter().map(|v| v.id).collect::<Vec<_>>())
    .bind(values.iter().map(|v| v.account_id).collect::<Vec<_>>())
    .bind(values.iter().map(|v| v.timestamp).collect::<Vec<_>>())
    .bind(values.iter().map(|v| v.balance).collect::<Vec<_>>())
    .bind(values.iter().map(|v| v.cash_balance).collect::<Vec<_>>())
    .bind(values.iter().map(|v| v.created_at).collect::<Vec<_>>())
    .bind(values.iter().map(|v| v.updated_at).collect::<Vec<_>>())
}

/// Open bounds of a time range become infinities, so the range stays one index scan.
macro_rules! values_in_range {
    () => {
        "FROM account_values WHERE account_id = $1 \
         AND \"timestamp\" >= coalesce($2, '-infinity') \
         AND \"timestamp\" <= coalesce($3, 'infinity')"
    };
}

#[async_trait]
impl AccountStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_account(&self, a: &Account) -> StoreResult<()> {
        self.execute(bind_insert(a)).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn account(&self, id: Uuid) -> StoreResult<Option<Account>> {
        self.optional(sqlx::query(sql::BY_ID).bind(id), rows::account)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn accounts(&self, user_id: Uuid, page: PageRequest) -> StoreResult<Page<Account>> {
        // One round trip on the hot path: the index (user_id, name, id) gives the order.
        let query = sqlx::query(concat!(
            "SELECT ",
            account_columns!(),
            ", count(*) OVER () AS total FROM accounts WHERE user_id = $1 \
             ORDER BY name, id LIMIT $2 OFFSET $3"
        ))
        .bind(user_id)
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip));
        let count = sqlx::query(sql::COUNT_OF_USER).bind(user_id);
        self.page(query, count, page, rows::account).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_account(&self, a: &Account) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(a.id)
            .bind(a.institution_id)
            .bind(&a.name)
            .bind(a.account_type.as_str())
            .bind(a.currency.as_str())
            .bind(a.is_investment_account)
            .bind(a.interest_rate)
            .bind(a.updated_at)
            .bind(a.cost_basis_method.as_str());
        affected_one(self.execute(update).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_account(&self, id: Uuid) -> StoreResult<()> {
        affected_one(self.execute(sqlx::query(sql::DELETE).bind(id)).await?)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_account_value(&self, v: &AccountValue) -> StoreResult<()> {
        let insert = sqlx::query(sql::INSERT_VALUE)
            .bind(v.id)
            .bind(v.account_id)
            .bind(v.timestamp)
            .bind(v.balance)
            .bind(v.cash_balance)
            .bind(v.created_at)
            .bind(v.updated_at);
        self.execute(insert).await?;
        Ok(())
    }

    /// One statement for any count, so all or nothing.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_account_values(&self, values: &[AccountValue]) -> StoreResult<()> {
        if values.is_empty() {
            return Ok(());
        }
        self.execute(bind_insert_values(values)).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn account_value(&self, id: Uuid) -> StoreResult<Option<AccountValue>> {
        let query = sqlx::query(sql::VALUE_BY_ID).bind(id);
        self.optional(query, rows::account_value).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(account_id = %account_id))]
    async fn account_values(
        &self,
        account_id: Uuid,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<AccountValue>> {
        let query = sqlx::query(concat!(
            "SELECT ",
            value_columns!(),
            ", count(*) OVER () AS total ",
            values_in_range!(),
            " ORDER BY \"timestamp\" DESC, id LIMIT $4 OFFSET $5"
        ))
        .bind(account_id)
        .bind(start)
        .bind(end)
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip));
        let count = sqlx::query(concat!("SELECT count(*) ", values_in_range!()))
            .bind(account_id)
            .bind(start)
            .bind(end);
        self.page(query, count, page, rows::account_value).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn latest_account_values(
        &self,
        account_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, AccountValue>> {
        if account_ids.is_empty() {
            return Ok(HashMap::new());
        }
        // One index probe per account on (account_id, timestamp), newest end.
        let query = sqlx::query(
            "SELECT v.id, v.account_id, v.\"timestamp\", v.balance, v.cash_balance, \
             v.created_at, v.updated_at \
             FROM unnest($1::uuid[]) AS ids(id) \
             CROSS JOIN LATERAL (SELECT * FROM account_values \
                 WHERE account_id = ids.id ORDER BY \"timestamp\" DESC LIMIT 1) AS v",
        )
        .bind(distinct_ids(account_ids));
        self.list(query, |r| rows::account_value(r).map(|v| (v.account_id, v)))
            .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(on = %on))]
    async fn account_values_on_or_before(
        &self,
        account_ids: &[Uuid],
        on: NaiveDate,
    ) -> StoreResult<HashMap<Uuid, AccountValue>> {
        if account_ids.is_empty() {
            return Ok(HashMap::new());
        }
        // One index probe per account on (account_id, timestamp), from the end of the day.
        let query = sqlx::query(
            "SELECT v.id, v.account_id, v.\"timestamp\", v.balance, v.cash_balance, \
             v.created_at, v.updated_at \
             FROM unnest($1::uuid[]) AS ids(id) \
             CROSS JOIN LATERAL (SELECT * FROM account_values WHERE account_id = ids.id \
                 AND \"timestamp\" < ($2::date + 1)::timestamp AT TIME ZONE 'UTC' \
                 ORDER BY \"timestamp\" DESC LIMIT 1) AS v",
        )
        .bind(distinct_ids(account_ids))
        .bind(on);
        self.list(query, |r| rows::account_value(r).map(|v| (v.account_id, v)))
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_account_value(&self, v: &AccountValue) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE_VALUE)
            .bind(v.id)
            .bind(v.timestamp)
            .bind(v.balance)
            .bind(v.cash_balance)
            .bind(v.updated_at);
        affected_one(self.execute(update).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_account_value(&self, id: Uuid) -> StoreResult<()> {
        affected_one(
            self.execute(sqlx::query(sql::DELETE_VALUE).bind(id))
                .await?,
        )
    }
}
