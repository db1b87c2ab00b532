use async_trait::async_trait;
use chrono::NaiveDate;

use super::codec::{date, dec};
use super::errors::{db_err, Probe};
use super::SqliteStore;
use crate::domain::{Currency, CurrencyCode, ExchangeRate};
use crate::store::rows::{self, affected_one};
use crate::store::sql::currencies::{self as sql, rate_columns};
use crate::store::{CurrencyStore, StoreResult};

#[async_trait]
impl CurrencyStore for SqliteStore {
    async fn currencies(&self) -> StoreResult<Vec<Currency>> {
        sqlx::query(sql::ALL)
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(rows::currency)
            .collect()
    }

    async fn currency(&self, code: &CurrencyCode) -> StoreResult<Option<Currency>> {
        sqlx::query(sql::BY_CODE)
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::currency(&r))
            .transpose()
    }

    async fn insert_currency(&self, c: &Currency) -> StoreResult<()> {
        sqlx::query(sql::INSERT)
            .bind(c.code.as_str())
            .bind(&c.name)
            .bind(&c.symbol)
            .bind(i64::from(c.decimals))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn update_currency(&self, c: &Currency) -> StoreResult<()> {
        let done = sqlx::query(sql::UPDATE)
            .bind(c.code.as_str())
            .bind(&c.name)
            .bind(&c.symbol)
            .bind(i64::from(c.decimals))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }

    async fn delete_currency(&self, code: &CurrencyCode) -> StoreResult<()> {
        let done = sqlx::query(sql::DELETE)
            .bind(code.as_str())
            .execute(&self.pool)
            .await;
        let in_use = |constraint, table, column| Probe::Child {
            constraint,
            table,
            column,
            value: code.to_string(),
        };
        let deleted = self
            .written(done, || {
                [
                    in_use("fk_accounts_currency", "accounts", "currency"),
                    in_use("fk_users_base_currency", "users", "base_currency"),
                    in_use("fk_exchange_rates_from", "exchange_rates", "from_currency"),
                    in_use("fk_exchange_rates_to", "exchange_rates", "to_currency"),
                ]
            })
            .await?;
        affected_one(deleted)
    }

    async fn upsert_rate(&self, rate: &ExchangeRate) -> StoreResult<()> {
        let done = sqlx::query(sql::UPSERT_RATE)
            .bind(rate.from.as_str())
            .bind(rate.to.as_str())
            .bind(date(&rate.date))
            .bind(dec(&rate.rate))
            .execute(&self.pool)
            .await;
        let currency = |constraint, code: &CurrencyCode| Probe::Parent {
            constraint,
            table: "currencies",
            column: "code",
            value: Some(code.to_string()),
        };
        self.written(done, || {
            [
                currency("fk_exchange_rates_from", &rate.from),
                currency("fk_exchange_rates_to", &rate.to),
            ]
        })
        .await?;
        Ok(())
    }

    async fn rate_on_or_before(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        on: NaiveDate,
    ) -> StoreResult<Option<ExchangeRate>> {
        sqlx::query(sql::RATE_ON_OR_BEFORE)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(date(&on))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::rate(&r))
            .transpose()
    }

    async fn rates_from(
        &self,
        from: &CurrencyCode,
        on: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>> {
        sqlx::query(concat!(
            "SELECT ",
            rate_columns!(),
            " FROM exchange_rates r ",
            "WHERE from_currency = $1 AND rate_date = (",
            "  SELECT max(rate_date) FROM exchange_rates n",
            "  WHERE n.from_currency = r.from_currency AND n.to_currency = r.to_currency",
            "    AND n.rate_date <= $2) ",
            "ORDER BY to_currency"
        ))
        .bind(from.as_str())
        .bind(date(&on))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::rate)
        .collect()
    }

    async fn rate_history(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
    ) -> StoreResult<Vec<ExchangeRate>> {
        sqlx::query(sql::RATE_HISTORY)
            .bind(from.as_str())
            .bind(to.as_str())
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(rows::rate)
            .collect()
    }
}
