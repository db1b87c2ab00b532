//! Institutions, accounts and account values.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::rows::{affected_one, db_err, distinct_ids, window_total};
use super::PgStore;
use crate::domain::{Account, AccountValue, Institution, Page, PageRequest};
use crate::store::rows::{self, count, sql_i64};
use crate::store::StoreResult;

macro_rules! select_accounts {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, user_id, institution_id, name, account_type, currency, \
             is_investment_account, interest_rate, created_at, updated_at",
            $($tail),*
        )
    };
}

macro_rules! select_values {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, account_id, \"timestamp\", balance, cash_balance, created_at, updated_at",
            $($tail),*
        )
    };
}

impl PgStore {
    /// A count for a page whose offset lies past the end, where the window count is absent.
    async fn count_by_id(&self, sql: &'static str, id: Uuid) -> StoreResult<u64> {
        let n: i64 = sqlx::query(sql)
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(db_err)?;
        count(n)
    }

    pub(crate) async fn insert_institution(&self, inst: &Institution) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO financial_institutions (id, user_id, name, url, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
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

    pub(crate) async fn institution(&self, id: Uuid) -> StoreResult<Option<Institution>> {
        sqlx::query(
            "SELECT id, user_id, name, url, created_at, updated_at FROM financial_institutions \
             WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .map(|r| rows::institution(&r))
        .transpose()
    }

    pub(crate) async fn institutions(
        &self,
        user_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Institution>> {
        let found = sqlx::query(
            "SELECT id, user_id, name, url, created_at, updated_at, count(*) OVER () AS total \
             FROM financial_institutions WHERE user_id = $1 \
             ORDER BY name, id LIMIT $2 OFFSET $3",
        )
        .bind(user_id)
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let total = match window_total(&found)? {
            Some(n) => n,
            None if page.skip == 0 => 0,
            None => {
                self.count_by_id(
                    "SELECT count(*) FROM financial_institutions WHERE user_id = $1",
                    user_id,
                )
                .await?
            }
        };
        let items = found
            .iter()
            .map(rows::institution)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn update_institution(&self, inst: &Institution) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE financial_institutions SET name = $2, url = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(inst.id)
        .bind(&inst.name)
        .bind(&inst.url)
        .bind(inst.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn delete_institution(&self, id: Uuid) -> StoreResult<()> {
        // Its accounts stay: the foreign key sets their institution_id to NULL.
        let done = sqlx::query("DELETE FROM financial_institutions WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn insert_account(&self, a: &Account) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO accounts (id, user_id, institution_id, name, account_type, currency, \
             is_investment_account, interest_rate, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(a.id)
        .bind(a.user_id)
        .bind(a.institution_id)
        .bind(&a.name)
        .bind(a.account_type.as_str())
        .bind(a.currency.as_str())
        .bind(a.is_investment_account)
        .bind(a.interest_rate)
        .bind(a.created_at)
        .bind(a.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn account(&self, id: Uuid) -> StoreResult<Option<Account>> {
        sqlx::query(select_accounts!(" FROM accounts WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::account(&r))
            .transpose()
    }

    pub(crate) async fn accounts(
        &self,
        user_id: Uuid,
        page: PageRequest,
    ) -> StoreResult<Page<Account>> {
        // One round trip on the hot path: the index (user_id, name, id) gives the order.
        let found = sqlx::query(select_accounts!(
            ", count(*) OVER () AS total FROM accounts WHERE user_id = $1 "
            "ORDER BY name, id LIMIT $2 OFFSET $3"
        ))
        .bind(user_id)
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let total = match window_total(&found)? {
            Some(n) => n,
            None if page.skip == 0 => 0,
            None => {
                self.count_by_id("SELECT count(*) FROM accounts WHERE user_id = $1", user_id)
                    .await?
            }
        };
        let items = found
            .iter()
            .map(rows::account)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn update_account(&self, a: &Account) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE accounts SET institution_id = $2, name = $3, account_type = $4, \
             currency = $5, is_investment_account = $6, interest_rate = $7, updated_at = $8 \
             WHERE id = $1",
        )
        .bind(a.id)
        .bind(a.institution_id)
        .bind(&a.name)
        .bind(a.account_type.as_str())
        .bind(a.currency.as_str())
        .bind(a.is_investment_account)
        .bind(a.interest_rate)
        .bind(a.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn delete_account(&self, id: Uuid) -> StoreResult<()> {
        // Values and holdings go by cascade.
        let done = sqlx::query("DELETE FROM accounts WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn insert_account_value(&self, v: &AccountValue) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO account_values (id, account_id, \"timestamp\", balance, cash_balance, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(v.id)
        .bind(v.account_id)
        .bind(v.timestamp)
        .bind(v.balance)
        .bind(v.cash_balance)
        .bind(v.created_at)
        .bind(v.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    /// One statement for any count, so all or nothing.
    pub(crate) async fn insert_account_values(&self, values: &[AccountValue]) -> StoreResult<()> {
        if values.is_empty() {
            return Ok(());
        }
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
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn account_value(&self, id: Uuid) -> StoreResult<Option<AccountValue>> {
        sqlx::query(select_values!(" FROM account_values WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::account_value(&r))
            .transpose()
    }

    pub(crate) async fn account_values(
        &self,
        account_id: Uuid,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
        page: PageRequest,
    ) -> StoreResult<Page<AccountValue>> {
        // Open bounds become infinities, so the range stays one index scan.
        let found = sqlx::query(select_values!(
            ", count(*) OVER () AS total FROM account_values WHERE account_id = $1 "
            "AND \"timestamp\" >= coalesce($2, '-infinity') "
            "AND \"timestamp\" <= coalesce($3, 'infinity') "
            "ORDER BY \"timestamp\" DESC, id LIMIT $4 OFFSET $5"
        ))
        .bind(account_id)
        .bind(start)
        .bind(end)
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let total = match window_total(&found)? {
            Some(n) => n,
            None if page.skip == 0 => 0,
            None => {
                let n: i64 = sqlx::query(
                    "SELECT count(*) FROM account_values WHERE account_id = $1 \
                     AND \"timestamp\" >= coalesce($2, '-infinity') \
                     AND \"timestamp\" <= coalesce($3, 'infinity')",
                )
                .bind(account_id)
                .bind(start)
                .bind(end)
                .fetch_one(&self.pool)
                .await
                .and_then(|r| r.try_get(0))
                .map_err(db_err)?;
                count(n)?
            }
        };
        let items = found
            .iter()
            .map(rows::account_value)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn latest_account_values(
        &self,
        account_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, AccountValue>> {
        if account_ids.is_empty() {
            return Ok(HashMap::new());
        }
        // One index probe per account on (account_id, timestamp), newest end.
        sqlx::query(
            "SELECT v.id, v.account_id, v.\"timestamp\", v.balance, v.cash_balance, \
             v.created_at, v.updated_at \
             FROM unnest($1::uuid[]) AS ids(id) \
             CROSS JOIN LATERAL (SELECT * FROM account_values \
                 WHERE account_id = ids.id ORDER BY \"timestamp\" DESC LIMIT 1) AS v",
        )
        .bind(distinct_ids(account_ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(|r| rows::account_value(r).map(|v| (v.account_id, v)))
        .collect()
    }

    pub(crate) async fn update_account_value(&self, v: &AccountValue) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE account_values SET \"timestamp\" = $2, balance = $3, cash_balance = $4, \
             updated_at = $5 WHERE id = $1",
        )
        .bind(v.id)
        .bind(v.timestamp)
        .bind(v.balance)
        .bind(v.cash_balance)
        .bind(v.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn delete_account_value(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM account_values WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }
}
