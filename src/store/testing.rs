//! Fresh, migrated stores for tests, each in its own database so that tests run in parallel.
//!
//! `sqlite()` always works. `postgres()` needs `FINANCES_TEST_DATABASE_URL` (a server URL whose
//! user may create databases); without it the test is skipped with a notice on stderr, except
//! under `CI=true`, where a skipped backend would hide failures and so it panics instead.

use std::path::PathBuf;
use std::sync::Arc;

use uuid::Uuid;

use super::{Backend, SqliteStore, Store};

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
        let Cleanup::Dir(dir) = &self.cleanup;
        let _ = std::fs::remove_dir_all(dir);
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

/// Whether this run is a CI run, where no test may be skipped.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1")
}

/// The server URL for PostgreSQL tests, or `None` (with a notice) when tests should skip.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var(TEST_DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => Some(url.trim().to_string()),
        _ if in_ci() => {
            panic!("{TEST_DATABASE_URL_VAR} must be set when CI=true: PostgreSQL tests may not be skipped in CI")
        }
        _ => {
            eprintln!("skipping PostgreSQL test: {TEST_DATABASE_URL_VAR} not set");
            None
        }
    }
}
