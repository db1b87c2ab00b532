//! The shared, multi-user store on PostgreSQL.

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::postgres::{PgArguments, PgConnectOptions, PgConnection, PgPool, PgPoolOptions, PgRow};
use sqlx::{Connection, Row};

use super::open::one_line;
use super::rows::count;
use super::{sql, Backend, DatabaseStore, StoreError, StoreResult};
use crate::domain::{Page, PageRequest};
use crate::secret::redact_url;
use connections::{Connections, Held};

/// A statement with its arguments bound, ready to run.
pub(super) type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, PgArguments>;

mod accounts;
mod activities;
mod backup;
mod connections;
mod currencies;
mod data_versions;
mod holdings;
mod import_mappings;
mod institutions;
mod leases;
mod prices;
mod proposals;
mod rows;
mod securities;
mod tokens;
mod users;

/// How long to wait for a connection: an unreachable server fails fast instead of hanging.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Connections per process by default: enough to keep both cores of a small server busy
/// while others wait on the network, few enough for PostgreSQL's default limit of 100.
pub const DEFAULT_MAX_CONNECTIONS: u32 = 16;

#[derive(Debug, Clone)]
pub struct PgStore {
    conns: Arc<Connections>,
}

impl PgStore {
    /// Connects to a `postgres://` URL with [`DEFAULT_MAX_CONNECTIONS`].
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(url, DEFAULT_MAX_CONNECTIONS).await
    }

    /// Connects with a pool of at most `max_connections`; fails within [`CONNECT_TIMEOUT`]
    /// when the server cannot be reached, with a one-line reason and no password.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn connect_with(url: &str, max_connections: u32) -> StoreResult<Self> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(one_line(format!("{}: {e}", redact_url(url)))))?
            .application_name("finances")
            // Every statement here is short and keyed by ids, so one plan per statement and
            // connection serves every execution. By default PostgreSQL plans a statement
            // again at each execution when it guesses the generic plan dearer (as for pages
            // bound by LIMIT and OFFSET), which was a quarter of its time on the list routes.
            .options([("plan_cache_mode", "force_generic_plan")]);
        // One direct connection first: it fails with the real reason (refused, unknown
        // host, bad password) where a pool would only report that it timed out.
        let unavailable = |why: String| {
            StoreError::Unavailable(one_line(format!(
                "cannot connect to {}: {why}",
                redact_url(url)
            )))
        };
        match tokio::time::timeout(CONNECT_TIMEOUT, PgConnection::connect_with(&options)).await {
            Ok(Ok(probe)) => {
                let _ = probe.close().await;
            }
            Ok(Err(e)) => return Err(unavailable(e.to_string())),
            Err(_) => {
                return Err(unavailable(format!(
                    "no answer within {} s",
                    CONNECT_TIMEOUT.as_secs()
                )))
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(CONNECT_TIMEOUT)
            // A ping before every query doubles the round trips on the hot paths; a broken
            // connection is noticed by the query itself and the pool replaces it. (The ping
            // after every query, on the way back to the pool, is avoided in `connections`.)
            .test_before_acquire(false)
            .connect_lazy_with(options);
        Ok(Self::from_pool(pool))
    }

    /// Wraps a pool the caller configured.
    pub fn from_pool(pool: PgPool) -> Self {
        Self {
            conns: Arc::new(Connections::new(pool)),
        }
    }

    pub fn pool(&self) -> &PgPool {
        self.conns.pool()
    }

    /// A connection for one statement or transaction (see [`connections`]).
    #[tracing::instrument(level = "debug", skip_all)]
    async fn conn(&self) -> StoreResult<Held> {
        self.conns.get().await
    }

    /// The row a query finds, if any, read by `map`.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn optional<T>(
        &self,
        query: PgQuery<'_>,
        map: impl Fn(&PgRow) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        let mut conn = self.conn().await?;
        let found = query.fetch_optional(&mut *conn).await;
        conn.settle(found)?.map(|r| map(&r)).transpose()
    }

    /// Every row a query finds, each read by `map`.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn list<T, C: FromIterator<T>>(
        &self,
        query: PgQuery<'_>,
        map: impl Fn(&PgRow) -> StoreResult<T>,
    ) -> StoreResult<C> {
        use futures::TryStreamExt;
        // Each row is mapped as it arrives, so that a long list never holds its driver rows
        // and its values at once.
        let mut conn = self.conn().await?;
        let mut out = Vec::new();
        let mut unmapped = None;
        let fetched = {
            let mut rows = query.fetch(&mut *conn);
            loop {
                match rows.try_next().await {
                    Ok(Some(row)) => match map(&row) {
                        Ok(item) => out.push(item),
                        Err(e) => {
                            unmapped = Some(e);
                            break Ok(());
                        }
                    },
                    Ok(None) => break Ok(()),
                    Err(e) => break Err(e),
                }
            }
        };
        conn.settle(fetched)?;
        match unmapped {
            Some(e) => Err(e),
            None => Ok(out.into_iter().collect()),
        }
    }

    /// Every row a query finds.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn rows(&self, query: PgQuery<'_>) -> StoreResult<Vec<PgRow>> {
        let mut conn = self.conn().await?;
        let found = query.fetch_all(&mut *conn).await;
        conn.settle(found)
    }

    /// Runs a write; the number of rows it touched.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn execute(&self, query: PgQuery<'_>) -> StoreResult<u64> {
        let mut conn = self.conn().await?;
        let done = query.execute(&mut *conn).await;
        Ok(conn.settle(done)?.rows_affected())
    }

    /// The single `count(*)` a query returns.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn fetch_count(&self, query: PgQuery<'_>) -> StoreResult<u64> {
        let mut conn = self.conn().await?;
        let found = query.fetch_one(&mut *conn).await;
        let n: i64 = conn.settle(found)?.try_get(0).map_err(rows::db_err)?;
        count(n)
    }

    /// A page read in one round trip by a query that selects `count(*) OVER () AS total`
    /// besides the columns `map` reads. A page past the end has no rows to tell the total:
    /// then `count` counts.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn page<T>(
        &self,
        query: PgQuery<'_>,
        count: PgQuery<'_>,
        page: PageRequest,
        map: impl Fn(&PgRow) -> StoreResult<T>,
    ) -> StoreResult<Page<T>> {
        let found = self.rows(query).await?;
        let total = match rows::window_total(&found)? {
            Some(n) => n,
            None if page.skip == 0 => 0,
            None => self.fetch_count(count).await?,
        };
        let items = found.iter().map(map).collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }
}

#[async_trait]
impl DatabaseStore for PgStore {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn ping(&self) -> StoreResult<()> {
        self.execute(sqlx::query(sql::PING)).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn migrate(&self) -> StoreResult<()> {
        let mut conn = self.conn().await?;
        // sqlx holds an advisory lock meanwhile, so concurrent starts migrate once.
        sqlx::migrate!("./migrations/postgres")
            .run_direct(&mut *conn)
            .await
            .map_err(|e| StoreError::Migration(one_line(e)))
    }
}
