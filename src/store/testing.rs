//! Fresh, migrated stores for tests, each in its own database so that tests run in parallel.
//!
//! `sqlite()` always works. `postgres()` needs `FINANCES_TEST_DATABASE_URL` (a server URL whose
//! user may create databases). Tests that call it are marked
//! `#[cfg_attr(not(finances_test_postgres), ignore = "...")]`: the build script sets that cfg
//! when the variable is set, and always under `CI=true`, so without a server they are counted
//! as ignored, never as passed; a test that runs without the variable fails.

use std::path::PathBuf;
use std::sync::Arc;

use uuid::Uuid;

use super::{Backend, DatabaseStore, PgStore, SqliteStore, Store};
use crate::secret::redact_url;

/// The variable naming the PostgreSQL server tests may create databases on.
pub const TEST_DATABASE_URL_VAR: &str = "FINANCES_TEST_DATABASE_URL";

/// A store on a database of its own, removed when this value is dropped.
pub struct TestStore {
    store: Arc<dyn Store>,
    url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Dir(PathBuf),
    PgDatabase { admin_url: String, name: String },
}

impl TestStore {
    /// A handle for services and servers under test.
    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }

    /// The URL of this store's database, for running the binary or a server against it.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.store.backend()
    }
}

impl std::ops::Deref for TestStore {
    type Target = dyn Store;
    fn deref(&self) -> &Self::Target {
        self.store.as_ref()
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::Dir(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::PgDatabase { admin_url, name } => drop_pg_database(admin_url, name),
        }
    }
}

/// A migrated SQLite file in a new temporary folder.
pub async fn sqlite() -> TestStore {
    let dir = std::env::temp_dir().join(format!("finances-test-{}", Uuid::new_v4().simple()));
    let url = format!("sqlite://{}", dir.join("finances.db").display());
    let store = match SqliteStore::connect(&url).await {
        Ok(s) => s,
        Err(e) => panic!("cannot open test database {url}: {e}"),
    };
    if let Err(e) = store.migrate().await {
        panic!("cannot migrate test database {url}: {e}");
    }
    TestStore {
        store: Arc::new(store),
        url,
        cleanup: Cleanup::Dir(dir),
    }
}

/// The server URL for PostgreSQL tests. Panics when it is not set: a test that needs it is
/// ignored unless it is (or `CI=true`, where it may not be missing).
pub fn postgres_admin_url() -> String {
    match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => url.trim().to_string(),
        _ => panic!(
            "{TEST_DATABASE_URL_VAR} is not set: this test needs a PostgreSQL server whose user may create databases"
        ),
    }
}

/// Test databases are named `finances_test_<unix seconds>_<random>`: the time lets a later run
/// drop those a crashed run left behind, without touching those of runs still going.
const PG_PREFIX: &str = "finances_test_";
const STALE_AFTER_SECS: u64 = 2 * 60 * 60;

/// Test stores share a small pool each: many run at once against one server.
const PG_TEST_POOL_SIZE: u32 = 4;

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `admin_url` with its database replaced by `name`, keeping credentials and parameters.
pub fn with_database(admin_url: &str, name: &str) -> Result<String, String> {
    let mut url =
        url::Url::parse(admin_url).map_err(|e| format!("{}: {e}", redact_url(admin_url)))?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

async fn admin_connection(admin_url: &str) -> Result<sqlx::PgConnection, String> {
    use sqlx::Connection;
    let connect = sqlx::PgConnection::connect(admin_url);
    match tokio::time::timeout(super::postgres::CONNECT_TIMEOUT, connect).await {
        Ok(Ok(conn)) => Ok(conn),
        Ok(Err(e)) => Err(format!("cannot connect to {}: {e}", redact_url(admin_url))),
        Err(_) => Err(format!("timed out connecting to {}", redact_url(admin_url))),
    }
}

/// Drops test databases older than [`STALE_AFTER_SECS`], left by runs that did not finish.
async fn drop_stale_databases(conn: &mut sqlx::PgConnection) {
    use sqlx::Row;
    static ONCE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if ONCE.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    let Ok(rows) = sqlx::query("SELECT datname FROM pg_database WHERE starts_with(datname, $1)")
        .bind(PG_PREFIX)
        .fetch_all(&mut *conn)
        .await
    else {
        return;
    };
    let cutoff = unix_now().saturating_sub(STALE_AFTER_SECS);
    for row in rows {
        let Ok(name) = row.try_get::<String, _>(0) else {
            continue;
        };
        let created = name
            .strip_prefix(PG_PREFIX)
            .and_then(|rest| rest.split('_').next())
            .and_then(|secs| secs.parse::<u64>().ok());
        if created.is_some_and(|t| t < cutoff) {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut *conn)
                .await;
        }
    }
}

/// A migrated PostgreSQL database of its own on the server `FINANCES_TEST_DATABASE_URL`
/// names. Panics when the variable is unset or the server cannot be used: a test that asked
/// for it cannot run.
pub async fn postgres() -> TestStore {
    let admin_url = postgres_admin_url();
    let name = format!(
        "{PG_PREFIX}{}_{}",
        unix_now(),
        &Uuid::new_v4().simple().to_string()[..12]
    );
    let mut admin = admin_connection(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL test database: {e}"));
    drop_stale_databases(&mut admin).await;
    if let Err(e) = sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await
    {
        panic!("cannot create test database {name}: {e}");
    }
    let _ = sqlx::Connection::close(admin).await;
    let cleanup = Cleanup::PgDatabase {
        admin_url: admin_url.clone(),
        name: name.clone(),
    };
    let url = with_database(&admin_url, &name).unwrap_or_else(|e| panic!("bad test URL {e}"));
    // Built before connecting, so that the database is dropped even if what follows panics.
    let guard = DropGuard(Some(cleanup));
    let store = PgStore::connect_with(&url, PG_TEST_POOL_SIZE)
        .await
        .unwrap_or_else(|e| panic!("cannot open test database {name}: {e}"));
    if let Err(e) = store.migrate().await {
        panic!("cannot migrate test database {name}: {e}");
    }
    TestStore {
        store: Arc::new(store),
        url,
        cleanup: guard.disarm(),
    }
}

/// Cleans up unless handed over to a `TestStore`.
struct DropGuard(Option<Cleanup>);

impl DropGuard {
    fn disarm(mut self) -> Cleanup {
        match self.0.take() {
            Some(c) => c,
            None => unreachable!("a guard is disarmed once"),
        }
    }
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        if let Some(Cleanup::PgDatabase { admin_url, name }) = self.0.take() {
            drop_pg_database(&admin_url, &name);
        }
    }
}

/// Drops a test database from a thread of its own: `Drop` cannot await, and the test's
/// runtime may be single-threaded or already shutting down.
fn drop_pg_database(admin_url: &str, name: &str) {
    let admin_url = admin_url.to_string();
    let name = name.to_string();
    let worker = std::thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        rt.block_on(async {
            match admin_connection(&admin_url).await {
                Ok(mut conn) => {
                    // FORCE ends the pool's connections still open on it.
                    let sql = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
                    if let Err(e) = sqlx::query(&sql).execute(&mut conn).await {
                        eprintln!("could not drop test database {name}: {e}");
                    }
                }
                Err(e) => eprintln!("could not drop test database {name}: {e}"),
            }
        });
    });
    let _ = worker.join();
}
