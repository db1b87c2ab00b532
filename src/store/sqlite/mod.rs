//! The embedded store: one SQLite file in WAL mode.

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use sqlx::sqlite::{
    SqliteArguments, SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
    SqliteRow, SqliteSynchronous,
};
use sqlx::Row;

use super::open::one_line;
use super::rows::count;
use super::{sql, Backend, DatabaseStore, StoreError, StoreResult};
use crate::domain::Page;
use crate::secret::redact_url;

mod accounts;
mod activities;
mod backup;
mod codec;
mod currencies;
mod data_versions;
mod errors;
mod holdings;
mod import_mappings;
mod institutions;
mod leases;
mod prices;
mod proposals;
mod securities;
mod tokens;
mod users;

/// A statement with its arguments bound, ready to run.
pub(super) type SqliteQuery<'q> = sqlx::query::Query<'q, sqlx::Sqlite, SqliteArguments<'q>>;

/// How long a statement waits for another connection's write lock before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Rows SQLite's thread may read ahead of the task mapping them. With sqlx's 50, a long read
/// (a ledger of 20,000 activities) stalls the thread on every row once the buffer fills, and
/// the two threads wake each other once per row; with room to read ahead, the task drains
/// the buffer in runs. At most this many rows wait in memory per query.
const ROW_BUFFER: usize = 4096;

pub const DEFAULT_MAX_CONNECTIONS: u32 = 8;

#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating when missing, with its parent folders) the file a `sqlite:` URL names.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn connect(url: &str) -> StoreResult<Self> {
        Self::connect_with(url, DEFAULT_MAX_CONNECTIONS).await
    }

    /// [`SqliteStore::connect`] with at most `max_connections` (at least 1): readers run in
    /// parallel under WAL, writers take turns.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn connect_with(url: &str, max_connections: u32) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|e| StoreError::InvalidUrl(one_line(format!("{}: {e}", redact_url(url)))))?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // Durable at each checkpoint; WAL keeps the file consistent after a crash.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            .row_buffer_size(ROW_BUFFER);
        let path = options.get_filename().to_path_buf();
        let in_memory = url.contains(":memory:") || url.contains("mode=memory");
        if !in_memory {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    StoreError::Unavailable(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
        }
        let mut pool = SqlitePoolOptions::new()
            .max_connections(max_connections.max(1))
            .acquire_timeout(BUSY_TIMEOUT);
        if in_memory {
            // An in-memory database lives only as long as one of its connections.
            pool = pool
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None);
        }
        let pool = pool.connect_with(options).await.map_err(|e| {
            StoreError::Unavailable(one_line(format!("cannot open {}: {e}", redact_url(url))))
        })?;
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The row a query finds, if any, read by `map`.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn optional<T>(
        &self,
        query: SqliteQuery<'_>,
        map: impl Fn(&SqliteRow) -> StoreResult<T>,
    ) -> StoreResult<Option<T>> {
        query
            .fetch_optional(&self.pool)
            .await
            .map_err(errors::db_err)?
            .map(|r| map(&r))
            .transpose()
    }

    /// Every row a query finds, each read by `map`.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn list<T, C: FromIterator<T>>(
        &self,
        query: SqliteQuery<'_>,
        map: impl Fn(&SqliteRow) -> StoreResult<T>,
    ) -> StoreResult<C> {
        use futures::TryStreamExt;
        // Each row is mapped as it arrives: a driver row holds a copy of every value, so
        // collecting them all first made a long list (a ledger's 100,000 activities) cost
        // several times its own size in memory.
        let mut rows = query.fetch(&self.pool);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await.map_err(errors::db_err)? {
            out.push(map(&row)?);
        }
        Ok(out.into_iter().collect())
    }

    /// Runs a write that breaks no foreign key; the number of rows it touched.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn execute(&self, query: SqliteQuery<'_>) -> StoreResult<u64> {
        let done = query.execute(&self.pool).await.map_err(errors::db_err)?;
        Ok(done.rows_affected())
    }

    /// The single `count(*)` a query returns.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn fetch_count(&self, query: SqliteQuery<'_>) -> StoreResult<u64> {
        let n: i64 = query
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(errors::db_err)?;
        count(n)
    }

    /// A page: `count` counts every row, then `query` reads the page's rows with `map`.
    #[tracing::instrument(level = "debug", skip_all)]
    async fn page<T>(
        &self,
        query: SqliteQuery<'_>,
        count: SqliteQuery<'_>,
        map: impl Fn(&SqliteRow) -> StoreResult<T>,
    ) -> StoreResult<Page<T>> {
        let total = self.fetch_count(count).await?;
        let items = self.list(query, map).await?;
        Ok(Page { items, total })
    }
}

#[async_trait]
impl DatabaseStore for SqliteStore {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query(sql::PING)
            .execute(&self.pool)
            .await
            .map_err(errors::db_err)?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Migration(one_line(e)))
    }
}
