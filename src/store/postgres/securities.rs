//! Securities and their price bars.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgConnection;
use sqlx::Row;
use uuid::Uuid;

use super::rows::{affected_one, db_err, distinct_ids, window_total};
use super::PgStore;
use crate::domain::{Interval, Page, PageRequest, PriceBar, Security, Symbol};
use crate::store::rows::{self, contains_pattern, count, dedup_bars, sql_i64};
use crate::store::{LatestClose, StoreResult, UpsertCount};

macro_rules! select_securities {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, symbol, name, exchange, currency, security_type, sector, industry, \
             market_cap, last_synced_at, created_at, updated_at",
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

const INSERT_SECURITY: &str = "INSERT INTO securities (id, symbol, name, exchange, currency, \
     security_type, sector, industry, market_cap, last_synced_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

const UPSERT_SECURITY: &str = "INSERT INTO securities (id, symbol, name, exchange, currency, \
     security_type, sector, industry, market_cap, last_synced_at, created_at, updated_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
     ON CONFLICT (id) DO UPDATE SET symbol = EXCLUDED.symbol, name = EXCLUDED.name, \
     exchange = EXCLUDED.exchange, currency = EXCLUDED.currency, \
     security_type = EXCLUDED.security_type, sector = EXCLUDED.sector, \
     industry = EXCLUDED.industry, market_cap = EXCLUDED.market_cap, \
     last_synced_at = EXCLUDED.last_synced_at, updated_at = EXCLUDED.updated_at";

/// Bars per statement: each is one array element per column, so a long history is a few
/// round trips rather than one per bar.
const BARS_PER_STATEMENT: usize = 5_000;

fn bind_security<'q>(
    sql: &'q str,
    s: &'q Security,
) -> sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments> {
    sqlx::query(sql)
        .bind(s.id)
        .bind(s.symbol.as_str())
        .bind(&s.name)
        .bind(&s.exchange)
        .bind(&s.currency)
        .bind(s.security_type.as_str())
        .bind(&s.sector)
        .bind(&s.industry)
        .bind(s.market_cap)
        .bind(s.last_synced_at)
        .bind(s.created_at)
        .bind(s.updated_at)
}

/// Upserts bars (unique keys); a bar whose figures are unchanged is left alone and counted
/// neither inserted nor updated.
async fn upsert_bars(conn: &mut PgConnection, bars: &[&PriceBar]) -> sqlx::Result<UpsertCount> {
    let flags: Vec<bool> = sqlx::query(
        "INSERT INTO security_prices AS p (security_id, \"interval\", \"timestamp\", open, high, \
         low, close, adj_close, volume) \
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::numeric[], \
             $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::int8[]) \
         ON CONFLICT (security_id, \"interval\", \"timestamp\") DO UPDATE SET \
             open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, \
             close = EXCLUDED.close, adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume \
         WHERE (p.open, p.high, p.low, p.close, p.adj_close, p.volume) IS DISTINCT FROM \
             (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.adj_close, \
              EXCLUDED.volume) \
         RETURNING (xmax = 0) AS inserted",
    )
    .bind(bars.iter().map(|b| b.security_id).collect::<Vec<_>>())
    .bind(bars.iter().map(|b| b.interval.as_str()).collect::<Vec<_>>())
    .bind(bars.iter().map(|b| b.timestamp).collect::<Vec<_>>())
    .bind(bars.iter().map(|b| b.open).collect::<Vec<_>>())
    .bind(bars.iter().map(|b| b.high).collect::<Vec<_>>())
    .bind(bars.iter().map(|b| b.low).collect::<Vec<_>>())
    .bind(bars.iter().map(|b| b.close).collect::<Vec<_>>())
    .bind(bars.iter().map(|b| b.adj_close).collect::<Vec<_>>())
    .bind(bars.iter().map(|b| b.volume).collect::<Vec<_>>())
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get::<bool, _>("inserted"))
    .collect::<sqlx::Result<_>>()?;
    let inserted = flags.iter().filter(|f| **f).count() as u64;
    Ok(UpsertCount {
        inserted,
        updated: flags.len() as u64 - inserted,
    })
}

impl PgStore {
    pub(crate) async fn insert_security(&self, s: &Security) -> StoreResult<()> {
        bind_security(INSERT_SECURITY, s)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn security(&self, id: Uuid) -> StoreResult<Option<Security>> {
        sqlx::query(select_securities!(" FROM securities WHERE id = $1"))
            .bind(id)
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
        sqlx::query(select_securities!(" FROM securities WHERE symbol = $1"))
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
            " FROM securities WHERE id = ANY($1) ORDER BY symbol"
        ))
        .bind(ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::security)
        .collect()
    }

    pub(crate) async fn securities(&self, page: PageRequest) -> StoreResult<Page<Security>> {
        let found = sqlx::query(select_securities!(
            ", count(*) OVER () AS total FROM securities ORDER BY symbol LIMIT $1 OFFSET $2"
        ))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let total = match window_total(&found)? {
            Some(n) => n,
            None if page.skip == 0 => 0,
            None => {
                let n: i64 = sqlx::query("SELECT count(*) FROM securities")
                    .fetch_one(&self.pool)
                    .await
                    .and_then(|r| r.try_get(0))
                    .map_err(db_err)?;
                count(n)?
            }
        };
        let items = found
            .iter()
            .map(rows::security)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn search_securities(
        &self,
        query: &str,
        limit: u64,
    ) -> StoreResult<Vec<Security>> {
        let query = query.trim();
        sqlx::query(select_securities!(
            " FROM securities "
            "WHERE lower(symbol) LIKE $1 ESCAPE '\\' OR lower(name) LIKE $1 ESCAPE '\\' "
            "ORDER BY symbol <> $2, symbol LIMIT $3"
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
        .bind(s.id)
        .bind(s.symbol.as_str())
        .bind(&s.name)
        .bind(&s.exchange)
        .bind(&s.currency)
        .bind(s.security_type.as_str())
        .bind(&s.sector)
        .bind(&s.industry)
        .bind(s.market_cap)
        .bind(s.last_synced_at)
        .bind(s.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn save_sync(
        &self,
        security: &Security,
        bars: &[PriceBar],
    ) -> StoreResult<UpsertCount> {
        self.write_sync(security, bars).await.map_err(db_err)
    }

    async fn write_sync(
        &self,
        security: &Security,
        bars: &[PriceBar],
    ) -> sqlx::Result<UpsertCount> {
        // Dropping the transaction on any error rolls back the metadata and every chunk.
        let mut tx = self.pool.begin().await?;
        bind_security(UPSERT_SECURITY, security)
            .execute(&mut *tx)
            .await?;
        let mut total = UpsertCount::default();
        for chunk in dedup_bars(bars).chunks(BARS_PER_STATEMENT) {
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
        // Open bounds become infinities, so the range stays one primary-key index scan.
        sqlx::query(select_bars!(
            "WHERE security_id = $1 AND \"interval\" = $2 "
            "AND \"timestamp\" >= coalesce($3, '-infinity') "
            "AND \"timestamp\" <= coalesce($4, 'infinity') ORDER BY \"timestamp\""
        ))
        .bind(security_id)
        .bind(interval.as_str())
        .bind(start)
        .bind(end)
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
        .bind(security_id)
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
        .bind(security_id)
        .bind(interval.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_err)?
        .map(|r| rows::price_bar(&r))
        .transpose()
    }

    /// The `n` newest daily closes of each security, newest first: one backward primary-key
    /// probe per security, however long its history.
    pub(crate) async fn newest_closes(
        &self,
        ids: &[Uuid],
        n: i64,
    ) -> StoreResult<Vec<LatestClose>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query(
            "SELECT p.security_id, p.\"timestamp\", p.close \
             FROM unnest($1::uuid[]) AS ids(id) \
             CROSS JOIN LATERAL (SELECT security_id, \"timestamp\", close FROM security_prices \
                 WHERE security_id = ids.id AND \"interval\" = '1d' \
                 ORDER BY \"timestamp\" DESC LIMIT $2) AS p \
             ORDER BY p.security_id, p.\"timestamp\" DESC",
        )
        .bind(distinct_ids(ids))
        .bind(n)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::latest_close)
        .collect()
    }
}
