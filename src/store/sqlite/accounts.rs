//! Accounts and their values.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::codec::{dec, end_of_day, id_list, opt_dec, opt_ts, opt_uid, ts, uid};
use super::errors::{parent, Probe};
use super::{SqliteQuery, SqliteStore};
use crate::domain::{Account, AccountValue, Page, PageRequest};
use crate::store::rows::{self, affected_one, sql_i64};
use crate::store::sql::accounts::{self as sql, account_columns, value_columns};
use crate::store::{AccountStore, StoreResult};

/// Bound by the texts of the range's ends, open ends as '' and '~' (see `account_values`).
macro_rules! values_in_range {
    () => {
        "FROM account_values \
         WHERE account_id = $1 AND \"timestamp\" >= $2 AND \"timestamp\" <= $3"
    };
}

fn account_probes(a: &Account) -> [Probe; 3] {
    [
        parent("fk_accounts_user", "users", Some(a.user_id)),
        parent(
            "fk_accounts_institution",
            "financial_institutions",
            a.institution_id,
        ),
        Probe::Parent {
            constraint: "fk_accounts_currency",
            table: "currencies",
            column: "code",
            value: Some(a.currency.to_string()),
        },
    ]
}

/// `sql::INSERT` with the account's columns bound.
pub(super) fn bind_insert(a: &Account) -> SqliteQuery<'_> {
    sqlx::query(sql::INSERT)
        .bind(uid(&a.id))
        .bind(uid(&a.user_id))
        .bind(opt_uid(&a.institution_id))
        .bind(&a.name)
        .bind(a.account_type.as_str())
        .bind(a.currency.as_str())
        .bind(a.is_investment_account)
        .bind(opt_dec(&a.interest_rate))
        .bind(a.cost_basis_method.as_str())
        .bind(ts(&a.created_at))
        .bind(ts(&a.updated_at))
}

/// `sql::INSERT_VALUE` with the value's columns bound.
fn bind_insert_value(v: &AccountValue) -> SqliteQuery<'_> {
    sqlx::query(sql::INSERT_VALUE)
        .bind(uid(&v.id))
        .bind(uid(&v.account_id))
        .bind(ts(&v.timestamp))
        .bind(dec(&v.balance))
        .bind(opt_dec(&v.cash_balance))
        .bind(ts(&v.created_at))
        .bind(ts(&v.updated_at))
}

#[async_trait]
impl AccountStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_account(&self, a: &Account) -> StoreResult<()> {
        let insert = bind_insert(a);
        self.execute_probed(insert, || account_probes(a)).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn account(&self, id: Uuid) -> StoreResult<Option<Account>> {
        let query = sqlx::query(sql::BY_ID).bind(uid(&id));
        self.optional(query, rows::account).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn accounts(&self, user_id: Uuid, page: PageRequest) -> StoreResult<Page<Account>> {
        let query = sqlx::query(concat!(
            "SELECT ",
            account_columns!(),
            " FROM accounts WHERE user_id = $1 ORDER BY name, id LIMIT $2 OFFSET $3"
        ))
        .bind(uid(&user_id))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip));
        let count = sqlx::query(sql::COUNT_OF_USER).bind(uid(&user_id));
        self.page(query, count, rows::account).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_account(&self, a: &Account) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(uid(&a.id))
            .bind(opt_uid(&a.institution_id))
            .bind(&a.name)
            .bind(a.account_type.as_str())
            .bind(a.currency.as_str())
            .bind(a.is_investment_account)
            .bind(opt_dec(&a.interest_rate))
            .bind(ts(&a.updated_at))
            .bind(a.cost_basis_method.as_str());
        affected_one(self.execute_probed(update, || account_probes(a)).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_account(&self, id: Uuid) -> StoreResult<()> {
        affected_one(
            self.execute(sqlx::query(sql::DELETE).bind(uid(&id)))
                .await?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_account_value(&self, v: &AccountValue) -> StoreResult<()> {
        let insert = bind_insert_value(v);
        self.execute_probed(insert, || {
            [parent(
                "fk_account_values_account",
                "accounts",
                Some(v.account_id),
            )]
        })
        .await?;
        Ok(())
    }

    /// One statement for any count, so all or nothing.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_account_values(&self, values: &[AccountValue]) -> StoreResult<()> {
        if values.is_empty() {
            return Ok(());
        }
        let rows: Vec<serde_json::Value> = values
            .iter()
            .map(|v| {
                serde_json::json!([
                    uid(&v.id),
                    uid(&v.account_id),
                    ts(&v.timestamp),
                    dec(&v.balance),
                    opt_dec(&v.cash_balance),
                    ts(&v.created_at),
                    ts(&v.updated_at)
                ])
            })
            .collect();
        let done = sqlx::query(
            "INSERT INTO account_values (id, account_id, \"timestamp\", balance, cash_balance, \
             created_at, updated_at) \
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), \
                    json_extract(value, '$[2]'), json_extract(value, '$[3]'), \
                    json_extract(value, '$[4]'), json_extract(value, '$[5]'), \
                    json_extract(value, '$[6]') \
             FROM json_each($1)",
        )
        .bind(serde_json::Value::from(rows).to_string())
        .execute(&self.pool)
        .await;
        let Err(e) = done else {
            return Ok(());
        };
        let mut accounts: Vec<Uuid> = values.iter().map(|v| v.account_id).collect();
        accounts.sort_unstable();
        accounts.dedup();
        let probes: Vec<Probe> = accounts
            .into_iter()
            .map(|id| parent("fk_account_values_account", "accounts", Some(id)))
            .collect();
        Err(self.conflict(e, &probes).await)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn account_value(&self, id: Uuid) -> StoreResult<Option<AccountValue>> {
        let query = sqlx::query(sql::VALUE_BY_ID).bind(uid(&id));
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
        // Open bounds as the extreme strings: '' sorts before and '~' after every timestamp.
        let start = opt_ts(&start).unwrap_or_default();
        let end = opt_ts(&end).unwrap_or_else(|| "~".into());
        let query = sqlx::query(concat!(
            "SELECT ",
            value_columns!(),
            " ",
            values_in_range!(),
            " ORDER BY \"timestamp\" DESC, id LIMIT $4 OFFSET $5"
        ))
        .bind(uid(&account_id))
        .bind(&start)
        .bind(&end)
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip));
        let count = sqlx::query(concat!("SELECT count(*) ", values_in_range!()))
            .bind(uid(&account_id))
            .bind(&start)
            .bind(&end);
        self.page(query, count, rows::account_value).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn latest_account_values(
        &self,
        account_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, AccountValue>> {
        if account_ids.is_empty() {
            return Ok(HashMap::new());
        }
        let query = sqlx::query(concat!(
            "SELECT ",
            value_columns!(),
            " FROM account_values AS v WHERE account_id IN (SELECT value FROM json_each($1)) \
             AND \"timestamp\" = (SELECT max(\"timestamp\") FROM account_values n \
             WHERE n.account_id = v.account_id)"
        ))
        .bind(id_list(account_ids));
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
        let query = sqlx::query(concat!(
            "SELECT ",
            value_columns!(),
            " FROM account_values AS v WHERE account_id IN (SELECT value FROM json_each($1)) \
             AND \"timestamp\" = (SELECT max(\"timestamp\") FROM account_values n \
             WHERE n.account_id = v.account_id AND n.\"timestamp\" < $2)"
        ))
        .bind(id_list(account_ids))
        .bind(end_of_day(&on));
        self.list(query, |r| rows::account_value(r).map(|v| (v.account_id, v)))
            .await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_account_value(&self, v: &AccountValue) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE_VALUE)
            .bind(uid(&v.id))
            .bind(ts(&v.timestamp))
            .bind(dec(&v.balance))
            .bind(opt_dec(&v.cash_balance))
            .bind(ts(&v.updated_at));
        affected_one(self.execute(update).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_account_value(&self, id: Uuid) -> StoreResult<()> {
        let delete = sqlx::query(sql::DELETE_VALUE).bind(uid(&id));
        affected_one(self.execute(delete).await?)
    }
}
