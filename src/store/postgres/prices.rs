use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgConnection;
use sqlx::{Connection, Row};
use uuid::Uuid;

use super::securities::bind_security;
use super::PgStore;
use crate::domain::security_event::SecurityEvent;
use crate::domain::{Interval, PriceBar, Security};
use crate::store::rows::{self, dedup_bars, distinct_ids};
use crate::store::sql::prices::{self as sql, bar_columns, event_columns};
use crate::store::sql::securities::{REFRESH_CLOSES, UPSERT as UPSERT_SECURITY};
use crate::store::{LatestClose, PriceStore, StoreResult, UpsertCount};

/// Bars per statement: each is one array element per column, so a long history is a few
/// round trips rather than one per bar.
const BARS_PER_STATEMENT: usize = 5_000;

/// Upserts bars (unique keys); a bar whose figures are unchanged is left alone and counted
/// neither inserted nor updated.
async fn upsert_bars(conn: &mut PgConnection, bars: &[&PriceBar]) -> sqlx::Result<UpsertCount> {
    let flags: Vec<bool> = sqlx::query(concat!(
        "INSERT INTO security_prices AS p (",
        bar_columns!(),
        ") SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::numeric[], \
             $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::int8[]) \
         ON CONFLICT (security_id, \"interval\", \"timestamp\") DO UPDATE SET \
             open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, \
             close = EXCLUDED.close, adj_close = EXCLUDED.adj_close, volume = EXCLUDED.volume \
         WHERE (p.open, p.high, p.low, p.close, p.adj_close, p.volume) IS DISTINCT FROM \
             (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.adj_close, \
              EXCLUDED.volume) \
         RETURNING (xmax = 0) AS inserted"
    ))
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

/// The metadata and every bar in one transaction.
async fn write_sync(
    conn: &mut PgConnection,
    security: &Security,
    bars: &[PriceBar],
) -> sqlx::Result<UpsertCount> {
    // Dropping the transaction on any error rolls back the metadata and every chunk.
    let mut tx = conn.begin().await?;
    bind_security(UPSERT_SECURITY, security)
        .execute(&mut *tx)
        .await?;
    let mut total = UpsertCount::default();
    for chunk in dedup_bars(bars).chunks(BARS_PER_STATEMENT) {
        let n = upsert_bars(&mut tx, chunk).await?;
        total.inserted += n.inserted;
        total.updated += n.updated;
    }
    for id in distinct_ids(&bars.iter().map(|b| b.security_id).collect::<Vec<_>>()) {
        sqlx::query(REFRESH_CLOSES)
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(total)
}

/// Every event in one transaction.
async fn write_events(conn: &mut PgConnection, events: &[SecurityEvent]) -> sqlx::Result<()> {
    let mut tx = conn.begin().await?;
    for e in events {
        let (numerator, denominator, amount, currency) = rows::event_figures(e);
        sqlx::query(sql::UPSERT_EVENT)
            .bind(e.security_id)
            .bind(e.kind())
            .bind(e.date)
            .bind(numerator)
            .bind(denominator)
            .bind(amount)
            .bind(currency)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await
}

#[async_trait]
impl PriceStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn save_sync(&self, security: &Security, bars: &[PriceBar]) -> StoreResult<UpsertCount> {
        let mut conn = self.conn().await?;
        let written = write_sync(&mut conn, security, bars).await;
        conn.settle(written)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(events = events.len()))]
    async fn save_events(&self, events: &[SecurityEvent]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn().await?;
        let written = write_events(&mut conn, events).await;
        conn.settle(written)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn security_events(&self, ids: &[Uuid]) -> StoreResult<Vec<SecurityEvent>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(concat!(
            "SELECT ",
            event_columns!(),
            " FROM security_events WHERE security_id = ANY($1) \
             ORDER BY security_id, \"date\", kind"
        ))
        .bind(distinct_ids(ids));
        self.list(query, rows::security_event).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(security_id = %security_id, interval = ?interval))]
    async fn prices(
        &self,
        security_id: Uuid,
        interval: Interval,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> StoreResult<Vec<PriceBar>> {
        // Open bounds become infinities, so the range stays one primary-key index scan.
        let query = sqlx::query(concat!(
            "SELECT ",
            bar_columns!(),
            " FROM security_prices WHERE security_id = $1 AND \"interval\" = $2 \
             AND \"timestamp\" >= coalesce($3, '-infinity') \
             AND \"timestamp\" <= coalesce($4, 'infinity') ORDER BY \"timestamp\""
        ))
        .bind(security_id)
        .bind(interval.as_str())
        .bind(start)
        .bind(end);
        self.list(query, rows::price_bar).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(security_id = %security_id, interval = ?interval))]
    async fn count_prices(&self, security_id: Uuid, interval: Interval) -> StoreResult<u64> {
        let count = sqlx::query(sql::COUNT)
            .bind(security_id)
            .bind(interval.as_str());
        self.fetch_count(count).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(security_id = %security_id, interval = ?interval))]
    async fn latest_price(
        &self,
        security_id: Uuid,
        interval: Interval,
    ) -> StoreResult<Option<PriceBar>> {
        let query = sqlx::query(sql::LATEST)
            .bind(security_id)
            .bind(interval.as_str());
        self.optional(query, rows::price_bar).await
    }

    /// One backward primary-key probe per security, however long its history.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn newest_closes(&self, ids: &[Uuid], n: i64) -> StoreResult<Vec<LatestClose>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(
            "SELECT p.security_id, p.\"timestamp\", p.close \
             FROM unnest($1::uuid[]) AS ids(id) \
             CROSS JOIN LATERAL (SELECT security_id, \"timestamp\", close FROM security_prices \
                 WHERE security_id = ids.id AND \"interval\" = '1d' \
                 ORDER BY \"timestamp\" DESC LIMIT $2) AS p \
             ORDER BY p.security_id, p.\"timestamp\" DESC",
        )
        .bind(distinct_ids(ids))
        .bind(n);
        self.list(query, rows::latest_close).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(start = %start, end = %end))]
    async fn daily_closes(
        &self,
        ids: &[Uuid],
        start: NaiveDate,
        end: NaiveDate,
    ) -> StoreResult<Vec<LatestClose>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(
            "SELECT security_id, \"timestamp\", close FROM security_prices \
             WHERE security_id = ANY($1) AND \"interval\" = '1d' \
             AND \"timestamp\" >= $2::date::timestamp AT TIME ZONE 'UTC' \
             AND \"timestamp\" < ($3::date + 1)::timestamp AT TIME ZONE 'UTC' \
             ORDER BY security_id, \"timestamp\"",
        )
        .bind(distinct_ids(ids))
        .bind(start)
        .bind(end);
        self.list(query, rows::latest_close).await
    }

    /// As [`PriceStore::newest_closes`], the probe starting at the end of the day (in UTC).
    #[tracing::instrument(level = "debug", skip_all, fields(on = %on))]
    async fn closes_on_or_before(
        &self,
        ids: &[Uuid],
        on: NaiveDate,
        n: i64,
    ) -> StoreResult<Vec<LatestClose>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(
            "SELECT p.security_id, p.\"timestamp\", p.close \
             FROM unnest($1::uuid[]) AS ids(id) \
             CROSS JOIN LATERAL (SELECT security_id, \"timestamp\", close FROM security_prices \
                 WHERE security_id = ids.id AND \"interval\" = '1d' \
                 AND \"timestamp\" < ($2::date + 1)::timestamp AT TIME ZONE 'UTC' \
                 ORDER BY \"timestamp\" DESC LIMIT $3) AS p \
             ORDER BY p.security_id, p.\"timestamp\" DESC",
        )
        .bind(distinct_ids(ids))
        .bind(on)
        .bind(n);
        self.list(query, rows::latest_close).await
    }
}
