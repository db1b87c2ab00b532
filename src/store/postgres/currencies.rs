use async_trait::async_trait;
use chrono::NaiveDate;

use super::PgStore;
use crate::domain::{Currency, CurrencyCode, ExchangeRate};
use crate::store::rows::{self, affected_one, distinct_codes};
use crate::store::sql::currencies::{self as sql, rate_columns};
use crate::store::{CurrencyStore, StoreResult};

#[async_trait]
impl CurrencyStore for PgStore {
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
            .bind(i16::from(c.decimals));
        self.execute(insert).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn update_currency(&self, c: &Currency) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(c.code.as_str())
            .bind(&c.name)
            .bind(&c.symbol)
            .bind(i16::from(c.decimals));
        affected_one(self.execute(update).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(code = %code))]
    async fn delete_currency(&self, code: &CurrencyCode) -> StoreResult<()> {
        affected_one(
            self.execute(sqlx::query(sql::DELETE).bind(code.as_str()))
                .await?,
        )
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn upsert_rate(&self, rate: &ExchangeRate) -> StoreResult<()> {
        let upsert = sqlx::query(sql::UPSERT_RATE)
            .bind(rate.from.as_str())
            .bind(rate.to.as_str())
            .bind(rate.date)
            .bind(rate.rate);
        self.execute(upsert).await?;
        Ok(())
    }

    /// One statement for any count, so all or nothing.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn upsert_rates(&self, rates: &[ExchangeRate]) -> StoreResult<()> {
        if rates.is_empty() {
            return Ok(());
        }
        // One row may be written once per statement: the later rate of a day wins.
        let mut latest = std::collections::BTreeMap::new();
        for r in rates {
            latest.insert((r.from.as_str(), r.to.as_str(), r.date), r);
        }
        let rates: Vec<&ExchangeRate> = latest.into_values().collect();
        let upsert = sqlx::query(
            "INSERT INTO exchange_rates (from_currency, to_currency, rate_date, rate) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::numeric[]) \
             ON CONFLICT (from_currency, to_currency, rate_date) DO UPDATE SET rate = EXCLUDED.rate",
        )
        .bind(rates.iter().map(|r| r.from.as_str()).collect::<Vec<_>>())
        .bind(rates.iter().map(|r| r.to.as_str()).collect::<Vec<_>>())
        .bind(rates.iter().map(|r| r.date).collect::<Vec<_>>())
        .bind(rates.iter().map(|r| r.rate).collect::<Vec<_>>());
        self.execute(upsert).await?;
        Ok(())
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
            .bind(on);
        self.optional(query, rows::rate).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(from = %from, on = %on))]
    async fn rates_from(
        &self,
        from: &CurrencyCode,
        on: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>> {
        let query = sqlx::query(concat!(
            "SELECT DISTINCT ON (to_currency) ",
            rate_columns!(),
            " FROM exchange_rates WHERE from_currency = $1 AND rate_date <= $2 \
             ORDER BY to_currency, rate_date DESC"
        ))
        .bind(from.as_str())
        .bind(on);
        self.list(query, rows::rate).await
    }

    /// One backward primary-key probe per pair, however long each history.
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
            "SELECT r.* FROM unnest($1::text[]) AS f(code) CROSS JOIN unnest($1::text[]) AS t(code) \
             CROSS JOIN LATERAL (SELECT ",
            rate_columns!(),
            " FROM exchange_rates WHERE from_currency = f.code AND to_currency = t.code \
                 AND rate_date <= $2 ORDER BY rate_date DESC LIMIT 1) AS r \
             WHERE f.code <> t.code ORDER BY r.from_currency, r.to_currency"
        ))
        .bind(codes)
        .bind(on);
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
        let query = sqlx::query(sql::RATE_HISTORY_AMONG_PG)
            .bind(codes)
            .bind(until);
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
