use chrono::NaiveDate;

use super::rows::{affected_one, db_err};
use super::PgStore;
use crate::domain::{Currency, CurrencyCode, ExchangeRate};
use crate::store::rows;
use crate::store::StoreResult;

impl PgStore {
    pub(crate) async fn currencies(&self) -> StoreResult<Vec<Currency>> {
        sqlx::query("SELECT code, name, symbol, decimals FROM currencies ORDER BY code")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(rows::currency)
            .collect()
    }

    pub(crate) async fn currency(&self, code: &CurrencyCode) -> StoreResult<Option<Currency>> {
        sqlx::query("SELECT code, name, symbol, decimals FROM currencies WHERE code = $1")
            .bind(code.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::currency(&r))
            .transpose()
    }

    pub(crate) async fn insert_currency(&self, c: &Currency) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO currencies (code, name, symbol, decimals) VALUES ($1, $2, $3, $4)",
        )
        .bind(c.code.as_str())
        .bind(&c.name)
        .bind(&c.symbol)
        .bind(i16::from(c.decimals))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn update_currency(&self, c: &Currency) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE currencies SET name = $2, symbol = $3, decimals = $4 WHERE code = $1",
        )
        .bind(c.code.as_str())
        .bind(&c.name)
        .bind(&c.symbol)
        .bind(i16::from(c.decimals))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn delete_currency(&self, code: &CurrencyCode) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM currencies WHERE code = $1")
            .bind(code.as_str())
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn upsert_rate(&self, rate: &ExchangeRate) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO exchange_rates (from_currency, to_currency, rate_date, rate) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (from_currency, to_currency, rate_date) DO UPDATE SET rate = EXCLUDED.rate",
        )
        .bind(rate.from.as_str())
        .bind(rate.to.as_str())
        .bind(rate.date)
        .bind(rate.rate)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    /// One statement for any count, so all or nothing.
    pub(crate) async fn upsert_rates(&self, rates: &[ExchangeRate]) -> StoreResult<()> {
        if rates.is_empty() {
            return Ok(());
        }
        // One row may be written once per statement: the later rate of a day wins.
        let mut latest = std::collections::BTreeMap::new();
        for r in rates {
            latest.insert((r.from.as_str(), r.to.as_str(), r.date), r);
        }
        let rates: Vec<&ExchangeRate> = latest.into_values().collect();
        sqlx::query(
            "INSERT INTO exchange_rates (from_currency, to_currency, rate_date, rate) \
             SELECT * FROM unnest($1::text[], $2::text[], $3::date[], $4::numeric[]) \
             ON CONFLICT (from_currency, to_currency, rate_date) DO UPDATE SET rate = EXCLUDED.rate",
        )
        .bind(rates.iter().map(|r| r.from.as_str()).collect::<Vec<_>>())
        .bind(rates.iter().map(|r| r.to.as_str()).collect::<Vec<_>>())
        .bind(rates.iter().map(|r| r.date).collect::<Vec<_>>())
        .bind(rates.iter().map(|r| r.rate).collect::<Vec<_>>())
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn rate_on_or_before(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        on: NaiveDate,
    ) -> StoreResult<Option<ExchangeRate>> {
        sqlx::query(
            "SELECT from_currency, to_currency, rate_date, rate FROM exchange_rates \
             WHERE from_currency = $1 AND to_currency = $2 AND rate_date <= $3 \
             ORDER BY rate_date DESC LIMIT 1",
        )
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(on)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .map(|r| rows::rate(&r))
        .transpose()
    }

    pub(crate) async fn rates_from(
        &self,
        from: &CurrencyCode,
        on: NaiveDate,
    ) -> StoreResult<Vec<ExchangeRate>> {
        sqlx::query(
            "SELECT DISTINCT ON (to_currency) from_currency, to_currency, rate_date, rate \
             FROM exchange_rates WHERE from_currency = $1 AND rate_date <= $2 \
             ORDER BY to_currency, rate_date DESC",
        )
        .bind(from.as_str())
        .bind(on)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::rate)
        .collect()
    }

    pub(crate) async fn rate_history(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
    ) -> StoreResult<Vec<ExchangeRate>> {
        sqlx::query(
            "SELECT from_currency, to_currency, rate_date, rate FROM exchange_rates \
             WHERE from_currency = $1 AND to_currency = $2 ORDER BY rate_date",
        )
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
