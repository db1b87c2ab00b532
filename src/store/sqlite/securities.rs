//! Securities and their price bars.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteConnection;
use sqlx::Row;
use uuid::Uuid;

use super::codec::{dec, id_list, opt_dec, opt_ts, ts, uid};
use super::errors::{db_err, Probe};
use super::SqliteStore;
use crate::domain::{Interval, Page, PageRequest, PriceBar, Security, Symbol};
use crate::store::rows::{self, contains_pattern, count, dedup_bars, sql_i64};
use crate::store::{LatestClose, StoreError, StoreResult, UpsertCount};

macro_rules! select_securities {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, symbol, name, exchange, currency, security_type, sector, industry, \
             market_cap, last_synced_at, created_at, updated_at FROM securities ",
            $($tail),*
        )
    };
}

macro_rules! select_bars {
    ($($tail:literal)*) => {
        concat!(
            "SELECT security_id, \"interval\", \"timestamp\", open, high, low, close, adj_close, \
             volume FROM security_prices ",
            $($tail),*
        )
    };
}

const WRITE_SECURITY: &str = "INSERT INTO securities (id, symbol, name, exchange, currency, \
     security_type, sector, industry, market_cap, last_synced_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const UPSERT_SECURITY: &str = "INSERT INTO securities (id, symbol, name, exchange, currency, \
     security_type, sector, industry, market_cap, last_synced_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
     ON CONFLICT (id) DO UPDATE SET symbol = excluded.symbol, name = excluded.name, \
     exchange = excluded.exchange, currency = excluded.currency, \
     security_type = excluded.security_type, sector = excluded.sector, \
     industry = excluded.industry, market_cap = excluded.market_cap, \
     last_synced_at = excluded.last_synced_at, updated_at = excluded.updated_at";

fn bind_security<'q>(
    sql: &'q str,
    s: &'q Security,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>> {
    sqlx::query(sql)
        .bind(uid(&s.id))
        .bind(s.symbol.as_str())
        .bind(&s.name)
        .bind(&s.exchange)
        .bind(&s.currency)
        .bind(s.security_type.as_str())
        .bind(&s.sector)
        .bind(&s.industry)
        .bind(opt_dec(&s.market_cap))
        .bind(opt_ts(&s.last_synced_at))
        .bind(ts(&s.created_at))
        .bind(ts(&s.updated_at))
}

/// Bars written by one statement: a whole history of daily bars of most securities.
const BARS_PER_STATEMENT: usize = 5_000;

/// Bars as one JSON array of rows, for `json_each`: one bind for any count.
fn bar_rows(bars: &[&PriceBar]) -> String {
    let rows: Vec<serde_json::Value> = bars
        .iter()
        .map(|b| {
            serde_json::json!([
                uid(&b.security_id),
                b.interval.as_str(),
                ts(&b.timestamp),
                dec(&b.open),
                dec(&b.high),
                dec(&b.low),
                dec(&b.close),
                opt_dec(&b.adj_close),
                b.volume
            ])
        })
        .collect();
    serde_json::Value::from(rows).to_string()
}

/// The rows of `bar_rows` as a table.
macro_rules! bars_table {
    () => {
        "SELECT json_extract(value, '$[0]') AS security_id, \
             json_extract(value, '$[1]') AS \"interval\", \
             json_extract(value, '$[2]') AS \"timestamp\", json_extract(value, '$[3]') AS open, \
             json_extract(value, '$[4]') AS high, json_extract(value, '$[5]') AS low, \
             json_extract(value, '$[6]') AS close, json_extract(value, '$[7]') AS adj_close, \
             json_extract(value, '$[8]') AS volume FROM json_each($1)"
    };
}

/// Upserts bars (unique keys) with two statements for any count: the new ones inserted, then
/// the stored ones whose figures differ updated. A bar whose figures are unchanged is left
/// alone and counted neither inserted nor updated.
async fn upsert_bars(conn: &mut SqliteConnection, bars: &[&PriceBar]) -> sqlx::Result<UpsertCount> {
    let rows = bar_rows(bars);
    // `WHERE true` tells the parser that ON CONFLICT is not a join constraint.
    let inserted = sqlx::query(concat!(
        "INSERT INTO security_prices (security_id, \"interval\", \"timestamp\", open, high, \
         low, close, adj_close, volume) SELECT * FROM (",
        bars_table!(),
        ") WHERE true ON CONFLICT DO NOTHING"
    ))
    .bind(&rows)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted == bars.len() as u64 {
        return Ok(UpsertCount {
            inserted,
            updated: 0,
        });
    }
    // Stored decimals are normalized text, so text inequality is value inequality. The bars
    // just inserted are equal to themselves, so they are not counted again.
    let updated = sqlx::query(concat!(
        "UPDATE security_prices AS p SET open = b.open, high = b.high, low = b.low, \
         close = b.close, adj_close = b.adj_close, volume = b.volume FROM (",
        bars_table!(),
        ") AS b WHERE p.security_id = b.security_id AND p.\"interval\" = b.\"interval\" \
         AND p.\"timestamp\" = b.\"timestamp\" \
         AND (p.open IS NOT b.open OR p.high IS NOT b.high OR p.low IS NOT b.low \
              OR p.close IS NOT b.close OR p.adj_close IS NOT b.adj_close \
              OR p.volume IS NOT b.volume)"
    ))
    .bind(&rows)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(UpsertCount { inserted, updated })
}

impl SqliteStore {
    pub(crate) async fn insert_security(&self, s: &Security) -> StoreResult<()> {
        bind_security(WRITE_SECURITY, s)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn security(&self, id: Uuid) -> StoreResult<Option<Security>> {
        sqlx::query(select_securities!("WHERE id = $1"))
            .bind(uid(&id))
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::security(&r))
            .transpose()
    }

    pub(crate) async fn security_by_symbol(
        &self,
        symbol: &Symbol,
    ) -> StoreResult<Option<Security>> {
        sqlx::query(select_securities!("WHERE symbol = $1"))
            .bind(symbol.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::security(&r))
            .transpose()
    }

    pub(crate) async fn securities_by_ids(&self, ids: &[Uuid]) -> StoreResult<Vec<Security>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query(select_securities!(
            "WHERE id IN (SELECT value FROM json_each($1)) ORDER BY symbol"
        ))
        .bind(id_list(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::security)
        .collect()
    }

    pub(crate) async fn securities(&self, page: PageRequest) -> StoreResult<Page<Security>> {
        let total: i64 = sqlx::query("SELECT count(*) FROM securities")
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(db_err)?;
        let items = sqlx::query(select_securities!("ORDER BY symbol LIMIT $1 OFFSET $2"))
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(rows::security)
            .collect::<StoreResult<_>>()?;
        Ok(Page {
            items,
            total: count(total)?,
        })
    }

    pub(crate) async fn search_securities(
        &self,
        query: &str,
        limit: u64,
    ) -> StoreResult<Vec<Security>> {
        let query = query.trim();
        sqlx::query(select_securities!(
            "WHERE lower(symbol) LIKE $1 ESCAPE '\\' OR lower(name) LIKE $1 ESCAPE '\\' "
            "ORDER BY CASE WHEN symbol = $2 THEN 0 ELSE 1 END, symbol LIMIT $3"
        ))
        .bind(contains_pattern(query))
        .bind(query.to_uppercase())
        .bind(sql_i64(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::security)
        .collect()
    }

    pub(crate) async fn update_security(&self, s: &Security) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE securities SET symbol = $2, name = $3, exchange = $4, currency = $5, \
             security_type = $6, sector = $7, industry = $8, market_cap = $9, \
             last_synced_at = $10, updated_at = $11 WHERE id = $1",
        )
        .bind(uid(&s.id))
        .bind(s.symbol.as_str())
        .bind(&s.name)
        .bind(&s.exchange)
        .bind(&s.currency)
        .bind(s.security_type.as_str())
        .bind(&s.sector)
        .bind(&s.industry)
        .bind(opt_dec(&s.market_cap))
        .bind(opt_ts(&s.last_synced_at))
        .bind(ts(&s.updated_at))
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    pub(crate) async fn save_sync(
        &self,
        security: &Security,
        bars: &[PriceBar],
    ) -> StoreResult<UpsertCount> {
        let written = self.write_sync(security, bars).await;
        match written {
            Ok(n) => Ok(n),
            Err(e) => {
                // A bar may name another security than the one synced; that one may be missing.
                let mut others: Vec<Uuid> = bars
                    .iter()
                    .map(|b| b.security_id)
                    .filter(|id| *id != security.id)
                    .collect();
                others.sort_unstable();
                others.dedup();
                let probes: Vec<Probe> = others
                    .iter()
                    .map(|id| Probe::Parent {
                        constraint: "fk_security_prices_security",
                        table: "securities",
                        column: "id",
                        value: Some(uid(id)),
                    })
                    .collect();
                Err(self.conflict(e, &probes).await)
            }
        }
    }

    async fn write_sync(
        &self,
        security: &Security,
        bars: &[PriceBar],
    ) -> sqlx::Result<UpsertCount> {
        // IMMEDIATE takes the write lock up front (waiting out the busy timeout), where a
        // deferred transaction could fail on upgrading its read lock.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        bind_security(UPSERT_SECURITY, security)
            .execute(&mut *tx)
            .await?;
        let bars = dedup_bars(bars);
        let mut total = UpsertCount::default();
        for chunk in bars.chunks(BARS_PER_STATEMENT) {
            let n = upsert_bars(&mut tx, chunk).await?;
            total.inserted += n.inserted;
            total.updated += n.updated;
        }
        tx.commit().await?;
        Ok(total)
    }

    pub(crate) async fn prices(
        &self,
        security_id: Uuid,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<PriceBar>> {
        sqlx::query(select_bars!(
            "WHERE security_id = $1 AND \"interval\" = $2 "
            "AND \"timestamp\" >= $3 AND \"timestamp\" <= $4 ORDER BY \"timestamp\""
        ))
        .bind(uid(&security_id))
        .bind(interval.as_str())
        .bind(opt_ts(&start).unwrap_or_default())
        .bind(opt_ts(&end).unwrap_or_else(|| "~".into()))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::price_bar)
        .collect()
    }

    pub(crate) async fn count_prices(
        &self,
        security_id: Uuid,
        interval: Interval,
    ) -> StoreResult<u64> {
        let n: i64 = sqlx::query(
            "SELECT count(*) FROM security_prices WHERE security_id = $1 AND \"interval\" = $2",
        )
        .bind(uid(&security_id))
        .bind(interval.as_str())
        .fetch_one(&self.pool)
        .await
        .and_then(|r| r.try_get(0))
        .map_err(db_err)?;
        count(n)
    }

    pub(crate) async fn latest_price(
        &self,
        security_id: Uuid,
        interval: Interval,
    ) -> StoreResult<Option<PriceBar>> {
        sqlx::query(select_bars!(
            "WHERE security_id = $1 AND \"interval\" = $2 ORDER BY \"timestamp\" DESC LIMIT 1"
        ))
        .bind(uid(&security_id))
        .bind(interval.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .map(|r| rows::price_bar(&r))
        .transpose()
    }

    /// The `n` newest daily closes of each security, newest first.
    pub(crate) async fn newest_closes(
        &self,
        ids: &[Uuid],
        n: i64,
    ) -> StoreResult<Vec<LatestClose>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // Each id once: the join yields a security's closes once per occurrence.
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        sqlx::query(
            "SELECT p.security_id, p.\"timestamp\", p.close \
             FROM json_each($1) AS ids \
             JOIN security_prices AS p ON p.security_id = ids.value AND p.\"interval\" = '1d' \
             AND p.\"timestamp\" IN (SELECT \"timestamp\" FROM security_prices \
                 WHERE security_id = ids.value AND \"interval\" = '1d' \
                 ORDER BY \"timestamp\" DESC LIMIT $2) \
             ORDER BY p.security_id, p.\"timestamp\" DESC",
        )
        .bind(id_list(&ids))
        .bind(n)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::latest_close)
        .collect()
    }
}
