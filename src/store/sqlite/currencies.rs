use async_trait::async_trait;
use chrono::NaiveDate;

use super::codec::{date, dec};
use super::errors::Probe;
use super::SqliteStore;
use crate::domain::{Currency, CurrencyCode, ExchangeRate};
use crate::store::rows::{self, affected_one, distinct_codes};
use crate::store::sql::currencies::{self as sql, rate_columns};
use crate::store::{CurrencyStore, StoreResult};

#[async_trait]
impl CurrencyStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn currencies(&self) -> StoreResult<Vec<Currency>> {
        self.list(sqlx::query(sql::ALL), rows::currency).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(code = %code))]
    async fn currency(&self, code: &CurrencyCode) -> StoreResult<Option<Currency>> {
        let query = sqlx::query(sql::BY_CODE).bind(code.as_str());
        self.optional(query, rows::currency).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_currency(&self, c: &Currency) -> StoreResult<()> {
        let insert = sqlx::query(sql::INSERT)
            .bind(c.code.as_str())
            .bind(&c.name)
            .bind(&c.symbol)
            .bind(i64::from(c.decimals));
        self.execute(insert).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_currency(&self, c: &Currency) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(c.code.as_str())
            .bind(&c.name)
            .bind(&c.symbol)
            .bind(i64::from(c.decimals));
        affected_one(self.execute(update).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(code = %code))]
    async fn delete_currency(&self, code: &CurrencyCode) -> StoreResult<()> {
        let in_use = |constraint, table, column| Probe::Child {
            constraint,
            table,
            column,
            value: code.to_string(),
        };
        let delete = sqlx::query(sql::DELETE).bind(code.as_str());
        let deleted = self
            .execute_probed(delete, || {
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

    #[tracing::instrument(level = "debug", skip_all)]
    async fn upsert_rate(&self, rate: &ExchangeRate) -> StoreResult<()> {
        let currency = |constraint, code: &CurrencyCode| Probe::Parent {
            constraint,
            table: "currencies",
            column: "code",
            value: Some(code.to_string()),
        };
        let upsert = sqlx::query(sql::UPSERT_RATE)
            .bind(rate.from.as_str())
            .bind(rate.to.as_str())
            .bind(date(&rate.date))
            .bind(dec(&rate.rate));
        self.execute_probed(upsert, || {
            [
                currency("fk_exchange_rates_from", &rate.from),
                currency("fk_exchange_rates_to", &rate.to),
            ]
        })
        .await?;
        Ok(())
    }

    /// One statement for any count, so all or nothing.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn upsert_rates(&self, rates: &[ExchangeRate]) -> StoreResult<()> {
        if rates.is_empty() {
            return Ok(());
        }
        let rows: Vec<serde_json::Value> = rates
            .iter()
            .map(|r| {
                serde_json::json!([r.from.as_str(), r.to.as_str(), date(&r.date), dec(&r.rate)])
            })
            .collect();
        // `WHERE true` tells the parser that ON CONFLICT is not a join constraint.
        let done = sqlx::query(
            "INSERT INTO exchange_rates (from_currency, to_currency, rate_date, rate) \
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), \
                    json_extract(value, '$[2]'), json_extract(value, '$[3]') \
             FROM json_each($1) WHERE true \
             ON CONFLICT (from_currency, to_currency, rate_date) DO UPDATE SET rate = excluded.rate",
        )
        .bind(serde_json::Value::from(rows).to_string())
        .execute(&self.pool)
        .await;
        let Err(e) = done else {
            return Ok(());
        };
        let mut codes: Vec<(&'static str, &CurrencyCode)> = rates
            .iter()
            .flat_map(|r| {
                [
                    ("fk_exchange_rates_from", &r.from),
                    ("fk_exchange_rates_to", &r.to),
                ]
            })
            .collect();
        codes.sort();
        codes.dedup();
        let probes: Vec<Probe> = codes
            .into_iter()
            .map(|(constraint, code)| Probe::Parent {
                constraint,
                table: "currencies",
                column: "code",
                value: Some(code.to_string()),
            })
            .collect();
        Err(self.conflict(e, &probes).await)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(from = %from, to = %to, on = %on))]
    async fn rate_on_or_before(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        on: NaiveDate,
    ) -> StoreResult<Option<ExchangeRate>> {
        let query = sqlx::query(sql::RATE_ON_OR_BEFORE)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(date(&on));
        self.optional(query, rows::rate).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(from = %from, on = %on))]
    async fn rates_from(
        &self,
        from: &CurrencyCode,
        on: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>> {
        let query = sqlx::query(concat!(
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
        .bind(date(&on));
        self.list(query, rows::rate).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(on = %on))]
    async fn rates_among(
        &self,
        codes: &[CurrencyCode],
        on: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>> {
        let codes = distinct_codes(codes);
        if codes.len() < 2 {
            return Ok(Vec::new());
        }
        let query = sqlx::query(concat!(
            "SELECT ",
            rate_columns!(),
            " FROM exchange_rates r \
             WHERE from_currency IN (SELECT value FROM json_each($1)) \
             AND to_currency IN (SELECT value FROM json_each($1)) \
             AND rate_date = (SELECT max(rate_date) FROM exchange_rates n \
                 WHERE n.from_currency = r.from_currency AND n.to_currency = r.to_currency \
                 AND n.rate_date <= $2) \
             ORDER BY from_currency, to_currency"
        ))
        .bind(serde_json::Value::from(codes).to_string())
        .bind(date(&on));
        self.list(query, rows::rate).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(until = %until))]
    async fn rate_history_among(
        &self,
        codes: &[CurrencyCode],
        until: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>> {
        let codes = distinct_codes(codes);
        if codes.len() < 2 {
            return Ok(Vec::new());
        }
        let query = sqlx::query(sql::RATE_HISTORY_AMONG_SQLITE)
            .bind(serde_json::Value::from(codes).to_string())
            .bind(date(&until));
        self.list(query, rows::rate).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(from = %from, to = %to))]
    async fn rate_history(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
    ) -> StoreResult<Vec<ExchangeRate>> {
        let query = sqlx::query(sql::RATE_HISTORY)
            .bind(from.as_str())
            .bind(to.as_str());
        self.list(query, rows::rate).await
    }
}
