use chrono::NaiveDate;

use super::codec::{date, dec};
use super::errors::{db_err, Probe};
use super::SqliteStore;
use crate::domain::{Currency, CurrencyCode, ExchangeRate};
use crate::store::rows;
use crate::store::{StoreError, StoreResult};

impl SqliteStore {
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
        .bind(i64::from(c.decimals))
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
        .bind(i64::from(c.decimals))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub(crate) async fn delete_currency(&self, code: &CurrencyCode) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM currencies WHERE code = $1")
            .bind(code.as_str())
            .execute(&self.pool)
            .await;
        let in_use = |constraint, table, column| Probe::Child {
            constraint,
            table,
            column,
            value: code.to_string(),
        };
        match done {
            Ok(r) if r.rows_affected() == 0 => Err(StoreError::NotFound),
            Ok(_) => Ok(()),
            Err(e) => Err(self
                .conflict(
                    e,
                    &[
                        in_use("fk_accounts_currency", "accounts", "currency"),
                        in_use("fk_users_base_currency", "users", "base_currency"),
                        in_use("fk_exchange_rates_from", "exchange_rates", "from_currency"),
                        in_use("fk_exchange_rates_to", "exchange_rates", "to_currency"),
                    ],
                )
                .await),
        }
    }

    pub(crate) async fn upsert_rate(&self, rate: &ExchangeRate) -> StoreResult<()> {
        let done = sqlx::query(
            "INSERT INTO exchange_rates (from_currency, to_currency, rate_date, rate) \
             VALUES ($1, $2, $3, $4) \
             ON CONFLICT (from_currency, to_currency, rate_date) DO UPDATE SET rate = excluded.rate",
        )
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
        match done {
            Ok(_) => Ok(()),
            Err(e) => Err(self
                .conflict(
                    e,
                    &[
                        currency("fk_exchange_rates_from", &rate.from),
                        currency("fk_exchange_rates_to", &rate.to),
                    ],
                )
                .await),
        }
    }

    /// One statement for any count, so all or nothing.
    pub(crate) async fn upsert_rates(&self, rates: &[ExchangeRate]) -> StoreResult<()> {
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

    pub(crate) async fn rate_on_or_before(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
        on: NaiveDate,
    ) -> StoreResult<Option<ExchangeRate>> {
        sqlx::query(concat!(
            "SELECT from_currency, to_currency, rate_date, rate FROM exchange_rates ",
            "WHERE from_currency = $1 AND to_currency = $2 AND rate_date <= $3 ",
            "ORDER BY rate_date DESC LIMIT 1"
        ))
        .bind(from.as_str())
        .bind(to.as_str())
        .bind(date(&on))
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
        sqlx::query(concat!(
            "SELECT from_currency, to_currency, rate_date, rate FROM exchange_rates r ",
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

    pub(crate) async fn rate_history(
        &self,
        from: &CurrencyCode,
        to: &CurrencyCode,
    ) -> StoreResult<Vec<ExchangeRate>> {
        sqlx::query(concat!(
            "SELECT from_currency, to_currency, rate_date, rate FROM exchange_rates ",
            "WHERE from_currency = $1 AND to_currency = $2 ORDER BY rate_date"
        ))
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
