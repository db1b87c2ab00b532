use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteConnection;
use uuid::Uuid;

use super::codec::{date, dec, end_of_day, id_list, opt_dec, opt_ts, ts, uid};
use super::errors::parent;
use super::securities::bind_security;
use super::SqliteStore;
use crate::domain::security_event::SecurityEvent;
use crate::domain::{Interval, PriceBar, Security};
use crate::store::rows::{self, dedup_bars, distinct_ids};
use crate::store::sql::prices::{self as sql, bar_columns, event_columns};
use crate::store::sql::securities::{REFRESH_CLOSES, UPSERT as UPSERT_SECURITY};
use crate::store::{LatestClose, PriceStore, StoreResult, UpsertCount};

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
    #[tracing::instrument(level = "debug", skip_all)]
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
        for id in distinct_ids(&bars.iter().map(|b| b.security_id).collect::<Vec<_>>()) {
            sqlx::query(REFRESH_CLOSES)
                .bind(uid(&id))
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(total)
    }
}

impl SqliteStore {
    /// Every event in one transaction.
    async fn write_events(&self, events: &[SecurityEvent]) -> sqlx::Result<()> {
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        for e in events {
            let (numerator, denominator, amount, currency) = rows::event_figures(e);
            sqlx::query(sql::UPSERT_EVENT)
                .bind(uid(&e.security_id))
                .bind(e.kind())
                .bind(date(&e.date))
                .bind(opt_dec(&numerator))
                .bind(opt_dec(&denominator))
                .bind(opt_dec(&amount))
                .bind(currency)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }
}

#[async_trait]
impl PriceStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all, fields(events = events.len()))]
    async fn save_events(&self, events: &[SecurityEvent]) -> StoreResult<()> {
        if events.is_empty() {
            return Ok(());
        }
        match self.write_events(events).await {
            Ok(()) => Ok(()),
            Err(e) => {
                let ids: Vec<Uuid> = events.iter().map(|e| e.security_id).collect();
                let probes: Vec<_> = distinct_ids(&ids)
                    .into_iter()
                    .map(|id| parent("fk_security_events_security", "securities", Some(id)))
                    .collect();
                Err(self.conflict(e, &probes).await)
            }
        }
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn security_events(&self, ids: &[Uuid]) -> StoreResult<Vec<SecurityEvent>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let query = sqlx::query(concat!(
            "SELECT ",
            event_columns!(),
            " FROM security_events WHERE security_id IN (SELECT value FROM json_each($1)) \
             ORDER BY security_id, \"date\", kind"
        ))
        .bind(id_list(&distinct_ids(ids)));
        self.list(query, rows::security_event).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
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

    #[tracing::instrument(level = "debug", skip_all, fields(security_id = %security_id, interval = ?interval))]
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

    #[tracing::instrument(level = "debug", skip_all, fields(security_id = %security_id, interval = ?interval))]
    async fn count_prices(&self, security_id: Uuid, interval: Interval) -> StoreResult<u64> {
        let count = sqlx::query(sql::COUNT)
            .bind(uid(&security_id))
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
            .bind(uid(&security_id))
            .bind(interval.as_str());
        self.optional(query, rows::price_bar).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
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
            "SELECT p.security_id, p.\"timestamp\", p.close FROM json_each($1) AS ids \
             JOIN security_prices AS p ON p.security_id = ids.value AND p.\"interval\" = '1d' \
             AND p.\"timestamp\" >= $2 AND p.\"timestamp\" < $3 \
             ORDER BY p.security_id, p.\"timestamp\"",
        )
        .bind(id_list(&distinct_ids(ids)))
        .bind(ts(&start.and_time(chrono::NaiveTime::MIN).and_utc()))
        .bind(end_of_day(&end));
        self.list(query, rows::latest_close).await
    }

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
             FROM json_each($1) AS ids \
             JOIN security_prices AS p ON p.security_id = ids.value AND p.\"interval\" = '1d' \
             AND p.\"timestamp\" IN (SELECT \"timestamp\" FROM security_prices \
                 WHERE security_id = ids.value AND \"interval\" = '1d' AND \"timestamp\" < $2 \
                 ORDER BY \"timestamp\" DESC LIMIT $3) \
             ORDER BY p.security_id, p.\"timestamp\" DESC",
        )
        .bind(id_list(&distinct_ids(ids)))
        .bind(end_of_day(&on))
        .bind(n);
        self.list(query, rows::latest_close).await
    }
}
