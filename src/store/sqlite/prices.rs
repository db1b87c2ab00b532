use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteConnection;
use uuid::Uuid;

use super::codec::{dec, id_list, opt_dec, opt_ts, ts, uid};
use super::errors::parent;
use super::securities::bind_security;
use super::SqliteStore;
use crate::domain::{Interval, PriceBar, Security};
use crate::store::rows::{self, dedup_bars, distinct_ids};
use crate::store::sql::prices::{self as sql, bar_columns};
use crate::store::sql::securities::UPSERT as UPSERT_SECURITY;
use crate::store::{LatestClose, PriceStore, StoreResult, UpsertCount};

/// Inserts a bar that is new, or updates it when any of its figures changed; says which.
async fn upsert_bar(conn: &mut SqliteConnection, b: &PriceBar) -> sqlx::Result<UpsertCount> {
    let (open, high, low, close, adj) = (
        dec(&b.open),
        dec(&b.high),
        dec(&b.low),
        dec(&b.close),
        opt_dec(&b.adj_close),
    );
    let inserted = sqlx::query(concat!(
        "INSERT INTO security_prices (",
        bar_columns!(),
        ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING"
    ))
    .bind(uid(&b.security_id))
    .bind(b.interval.as_str())
    .bind(ts(&b.timestamp))
    .bind(&open)
    .bind(&high)
    .bind(&low)
    .bind(&close)
    .bind(&adj)
    .bind(b.volume)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    if inserted > 0 {
        return Ok(UpsertCount {
            inserted,
            updated: 0,
        });
    }
    // Stored decimals are normalized text, so text inequality is value inequality.
    let updated = sqlx::query(
        "UPDATE security_prices SET open = $4, high = $5, low = $6, close = $7, adj_close = $8, \
         volume = $9 WHERE security_id = $1 AND \"interval\" = $2 AND \"timestamp\" = $3 \
         AND (open IS NOT $4 OR high IS NOT $5 OR low IS NOT $6 OR close IS NOT $7 \
              OR adj_close IS NOT $8 OR volume IS NOT $9)",
    )
    .bind(uid(&b.security_id))
    .bind(b.interval.as_str())
    .bind(ts(&b.timestamp))
    .bind(&open)
    .bind(&high)
    .bind(&low)
    .bind(&close)
    .bind(&adj)
    .bind(b.volume)
    .execute(&mut *conn)
    .await?
    .rows_affected();
    Ok(UpsertCount {
        inserted: 0,
        updated,
    })
}

impl SqliteStore {
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
        let mut total = UpsertCount::default();
        for bar in dedup_bars(bars) {
            let n = upsert_bar(&mut tx, bar).await?;
            total.inserted += n.inserted;
            total.updated += n.updated;
        }
        tx.commit().await?;
        Ok(total)
    }
}

#[async_trait]
impl PriceStore for SqliteStore {
    async fn save_sync(&self, security: &Security, bars: &[PriceBar]) -> StoreResult<UpsertCount> {
        let written = self.write_sync(security, bars).await;
        match written {
            Ok(n) => Ok(n),
            Err(e) => {
                // A bar may name another security than the one synced; that one may be missing.
                let others = bars
                    .iter()
                    .map(|b| b.security_id)
                    .filter(|id| *id != security.id)
                    .collect::<Vec<_>>();
                let probes: Vec<_> = distinct_ids(&others)
                    .into_iter()
                    .map(|id| parent("fk_security_prices_security", "securities", Some(id)))
                    .collect();
                Err(self.conflict(e, &probes).await)
            }
        }
    }

    async fn prices(
        &self,
        security_id: Uuid,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<PriceBar>> {
        // Open bounds as the extreme strings: '' sorts before and '~' after every timestamp.
        let query = sqlx::query(concat!(
            "SELECT ",
            bar_columns!(),
            " FROM security_prices WHERE security_id = $1 AND \"interval\" = $2 \
             AND \"timestamp\" >= $3 AND \"timestamp\" <= $4 ORDER BY \"timestamp\""
        ))
        .bind(uid(&security_id))
        .bind(interval.as_str())
        .bind(opt_ts(&start).unwrap_or_default())
        .bind(opt_ts(&end).unwrap_or_else(|| "~".into()));
        self.list(query, rows::price_bar).await
    }

    async fn count_prices(&self, security_id: Uuid, interval: Interval) -> StoreResult<u64> {
        let count = sqlx::query(sql::COUNT)
            .bind(uid(&security_id))
            .bind(interval.as_str());
        self.fetch_count(count).await
    }

    async fn latest_price(
        &self,
        security_id: Uuid,
        interval: Interval,
    ) -> StoreResult<Option<PriceBar>> {
        let query = sqlx::query(sql::LATEST)
            .bind(uid(&security_id))
            .bind(interval.as_str());
        self.optional(query, rows::price_bar).await
    }

    async fn newest_closes(&self, ids: &[Uuid], n: i64) -> StoreResult<Vec<LatestClose>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(
            "SELECT p.security_id, p.\"timestamp\", p.close \
             FROM json_each($1) AS ids \
             JOIN security_prices AS p ON p.security_id = ids.value AND p.\"interval\" = '1d' \
             AND p.\"timestamp\" IN (SELECT \"timestamp\" FROM security_prices \
                 WHERE security_id = ids.value AND \"interval\" = '1d' \
                 ORDER BY \"timestamp\" DESC LIMIT $2) \
             ORDER BY p.security_id, p.\"timestamp\" DESC",
        )
        .bind(id_list(&distinct_ids(ids)))
        .bind(n);
        self.list(query, rows::latest_close).await
    }
}
