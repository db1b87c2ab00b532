//! Institutions, accounts and account values.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

use super::codec::{dec, id_list, opt_dec, opt_ts, opt_uid, ts, uid};
use super::errors::{db_err, Probe};
use super::SqliteStore;
use crate::domain::{Account, AccountValue, Institution, Page, PageRequest};
use crate::store::rows::{self, count, sql_i64};
use crate::store::{StoreError, StoreResult};

macro_rules! select_institutions {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, user_id, name, url, created_at, updated_at FROM financial_institutions ",
            $($tail),*
        )
    };
}

macro_rules! select_accounts {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, user_id, institution_id, name, account_type, currency, \
             is_investment_account, interest_rate, created_at, updated_at FROM accounts ",
            $($tail),*
        )
    };
}

macro_rules! select_values {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, account_id, \"timestamp\", balance, cash_balance, created_at, updated_at \
             FROM account_values ",
            $($tail),*
        )
    };
}

fn parent(constraint: &'static str, table: &'static str, id: Option<Uuid>) -> Probe {
    Probe::Parent {
        constraint,
        table,
        column: "id",
        value: id.as_ref().map(uid),
    }
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

fn affected_one(done: sqlx::sqlite::SqliteQueryResult) -> StoreResult<()> {
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

impl SqliteStore {
    async fn count_where(&self, sql: &'static str, key: String) -> StoreResult<u64> {
        let n: i64 = sqlx::query(sql)
            .bind(key)
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(db_err)?;
        count(n)
    }

    pub(crate) async fn insert_institution(&self, inst: &Institution) -> StoreResult<()> {
        let done = sqlx::query(
            "INSERT INTO financial_institutions (id, user_id, name, url, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(uid(&inst.id))
        .bind(uid(&inst.user_id))
        .bind(&inst.name)
        .bind(&inst.url)
        .bind(ts(&inst.created_at))
        .bind(ts(&inst.updated_at))
        .execute(&self.pool)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(e) => {
                let probes = [parent(
                    "fk_financial_institutions_user",
                    "users",
                    Some(inst.user_id),
                )];
                Err(self.conflict(e, &probes).await)
            }
        }
    }

    pub(crate) async fn institution(&self, id: Uuid) -> StoreResult<Option<Institution>> {
        sqlx::query(select_institutions!("WHERE id = $1"))
            .bind(uid(&id))
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
        let total = self
            .count_where(
                "SELECT count(*) FROM financial_institutions WHERE user_id = $1",
                uid(&user_id),
            )
            .await?;
        let items = sqlx::query(select_institutions!(
            "WHERE user_id = $1 ORDER BY name, id LIMIT $2 OFFSET $3"
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

    pub(crate) async fn update_institution(&self, inst: &Institution) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE financial_institutions SET name = $2, url = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(uid(&inst.id))
        .bind(&inst.name)
        .bind(&inst.url)
        .bind(ts(&inst.updated_at))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn delete_institution(&self, id: Uuid) -> StoreResult<()> {
        // Its accounts stay: the foreign key sets their institution_id to NULL.
        let done = sqlx::query("DELETE FROM financial_institutions WHERE id = $1")
            .bind(uid(&id))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn insert_account(&self, a: &Account) -> StoreResult<()> {
        let done = sqlx::query(
            "INSERT INTO accounts (id, user_id, institution_id, name, account_type, currency, \
             is_investment_account, interest_rate, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(uid(&a.id))
        .bind(uid(&a.user_id))
        .bind(opt_uid(&a.institution_id))
        .bind(&a.name)
        .bind(a.account_type.as_str())
        .bind(a.currency.as_str())
        .bind(a.is_investment_account)
        .bind(opt_dec(&a.interest_rate))
        .bind(ts(&a.created_at))
        .bind(ts(&a.updated_at))
        .execute(&self.pool)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(e) => Err(self.conflict(e, &account_probes(a)).await),
        }
    }

    pub(crate) async fn account(&self, id: Uuid) -> StoreResult<Option<Account>> {
        sqlx::query(select_accounts!("WHERE id = $1"))
            .bind(uid(&id))
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
        let total = self
            .count_where(
                "SELECT count(*) FROM accounts WHERE user_id = $1",
                uid(&user_id),
            )
            .await?;
        let items = sqlx::query(select_accounts!(
            "WHERE user_id = $1 ORDER BY name, id LIMIT $2 OFFSET $3"
        ))
        .bind(uid(&user_id))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
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
        .bind(uid(&a.id))
        .bind(opt_uid(&a.institution_id))
        .bind(&a.name)
        .bind(a.account_type.as_str())
        .bind(a.currency.as_str())
        .bind(a.is_investment_account)
        .bind(opt_dec(&a.interest_rate))
        .bind(ts(&a.updated_at))
        .execute(&self.pool)
        .await;
        match done {
            Ok(r) => affected_one(r),
            Err(e) => Err(self.conflict(e, &account_probes(a)).await),
        }
    }

    pub(crate) async fn delete_account(&self, id: Uuid) -> StoreResult<()> {
        // Values and holdings go by cascade.
        let done = sqlx::query("DELETE FROM accounts WHERE id = $1")
            .bind(uid(&id))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn insert_account_value(&self, v: &AccountValue) -> StoreResult<()> {
        let done = sqlx::query(
            "INSERT INTO account_values (id, account_id, \"timestamp\", balance, cash_balance, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uid(&v.id))
        .bind(uid(&v.account_id))
        .bind(ts(&v.timestamp))
        .bind(dec(&v.balance))
        .bind(opt_dec(&v.cash_balance))
        .bind(ts(&v.created_at))
        .bind(ts(&v.updated_at))
        .execute(&self.pool)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(e) => {
                let probes = [parent(
                    "fk_account_values_account",
                    "accounts",
                    Some(v.account_id),
                )];
                Err(self.conflict(e, &probes).await)
            }
        }
    }

    /// One statement for any count, so all or nothing.
    pub(crate) async fn insert_account_values(&self, values: &[AccountValue]) -> StoreResult<()> {
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

    pub(crate) async fn account_value(&self, id: Uuid) -> StoreResult<Option<AccountValue>> {
        sqlx::query(select_values!("WHERE id = $1"))
            .bind(uid(&id))
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
        // Open bounds as the extreme strings: '' sorts before and '~' after every timestamp.
        let start = opt_ts(&start).unwrap_or_default();
        let end = opt_ts(&end).unwrap_or_else(|| "~".into());
        let total: i64 = sqlx::query(
            "SELECT count(*) FROM account_values \
             WHERE account_id = $1 AND \"timestamp\" >= $2 AND \"timestamp\" <= $3",
        )
        .bind(uid(&account_id))
        .bind(&start)
        .bind(&end)
        .fetch_one(&self.pool)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(db_err)?;
        let items = sqlx::query(select_values!(
            "WHERE account_id = $1 AND \"timestamp\" >= $2 AND \"timestamp\" <= $3 "
            "ORDER BY \"timestamp\" DESC, id LIMIT $4 OFFSET $5"
        ))
        .bind(uid(&account_id))
        .bind(&start)
        .bind(&end)
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::account_value)
        .collect::<StoreResult<_>>()?;
        Ok(Page {
            items,
            total: count(total)?,
        })
    }

    pub(crate) async fn latest_account_values(
        &self,
        account_ids: &[Uuid],
    ) -> StoreResult<HashMap<Uuid, AccountValue>> {
        if account_ids.is_empty() {
            return Ok(HashMap::new());
        }
        sqlx::query(select_values!(
            "AS v WHERE account_id IN (SELECT value FROM json_each($1)) "
            "AND \"timestamp\" = (SELECT max(\"timestamp\") FROM account_values n "
            "WHERE n.account_id = v.account_id)"
        ))
        .bind(id_list(account_ids))
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
        .bind(uid(&v.id))
        .bind(ts(&v.timestamp))
        .bind(dec(&v.balance))
        .bind(opt_dec(&v.cash_balance))
        .bind(ts(&v.updated_at))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn delete_account_value(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM account_values WHERE id = $1")
            .bind(uid(&id))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }
}
