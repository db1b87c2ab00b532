//! Connections handed from one statement to the next without a round trip in between.
//!
//! sqlx's pool tests every connection on its way back with a round trip of its own (it sends
//! `Sync` and waits for the answer), so a statement run on the pool costs PostgreSQL and this
//! process two round trips, and the second is pure overhead on a hot path of one-statement
//! reads. Here a connection taken from the pool is kept, once its statement is done, for the
//! next one. A broken connection is noticed by the statement that runs on it (as with the
//! pool's `test_before_acquire(false)`) and goes back to the pool, which closes it; one that
//! was left mid-statement (its request cancelled) is drained by sqlx before its next statement.
//!
//! At most as many connections are out as the pool holds, so taking one from the pool never
//! waits on a connection kept here.

use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnection, PgPool};
use sqlx::Postgres;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::rows::db_err;
use super::CONNECT_TIMEOUT;
use crate::store::{StoreError, StoreResult};

/// The pool and the connections kept out of it between statements.
pub(super) struct Connections {
    pool: PgPool,
    kept: Mutex<Vec<PoolConnection<Postgres>>>,
    /// One per connection the pool may hold: a statement waits here, not in the pool.
    permits: Arc<Semaphore>,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections")
            .field("pool", &self.pool)
            .field("available", &self.permits.available_permits())
            .finish()
    }
}

impl Connections {
    pub(super) fn new(pool: PgPool) -> Self {
        let size = pool.options().get_max_connections().max(1) as usize;
        Self {
            pool,
            kept: Mutex::new(Vec::with_capacity(size)),
            permits: Arc::new(Semaphore::new(size)),
        }
    }

    pub(super) fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// A connection for the caller alone until the [`Held`] is dropped or settled.
    pub(super) async fn get(self: &Arc<Self>) -> StoreResult<Held> {
        let permit = tokio::time::timeout(CONNECT_TIMEOUT, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| {
                StoreError::Unavailable(format!(
                    "no database connection free within {} s",
                    CONNECT_TIMEOUT.as_secs()
                ))
            })?
            .map_err(|_| StoreError::Unavailable("the connection pool is closed".into()))?;
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match kept {
            Some(conn) => conn,
            None => self.pool.acquire().await.map_err(db_err)?,
        };
        Ok(Held {
            conn: Some(conn),
            home: self.clone(),
            _permit: permit,
        })
    }
}

/// A connection taken for one statement or transaction: kept for the next when dropped.
pub(super) struct Held {
    conn: Option<PoolConnection<Postgres>>,
    home: Arc<Connections>,
    // Released after `drop` has put the connection back.
    _permit: OwnedSemaphorePermit,
}

impl Held {
    /// A statement's outcome as the store reports it; a connection the failure broke goes
    /// back to the pool, which closes it, instead of being kept.
    pub(super) fn settle<T>(mut self, outcome: sqlx::Result<T>) -> StoreResult<T> {
        if let Err(e) = &outcome {
            if breaks_connection(e) {
                drop(self.conn.take());
            }
        }
        outcome.map_err(db_err)
    }
}

/// Failures after which the connection cannot be trusted: its stream broke, or the server
/// said it is ending it (connection exceptions, `08`; shutdown or termination, `57P`).
fn breaks_connection(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) | sqlx::Error::Tls(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || c.starts_with("57P")),
        _ => false,
    }
}

impl Deref for Held {
    type Target = PgConnection;

    fn deref(&self) -> &PgConnection {
        self.conn.as_ref().expect("a held connection until dropped")
    }
}

impl DerefMut for Held {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("a held connection until dropped")
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            self.home
                .kept
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(conn);
        }
    }
}
