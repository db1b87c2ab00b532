//! Choosing a backend from a database URL, and keeping passwords out of messages.

use std::sync::Arc;

use super::{PgStore, SqliteStore, Store, StoreError, StoreResult};
use crate::secret::redact_url;

/// Opens the store a URL names: `postgres://` or `postgresql://` for PostgreSQL (fails within
/// about 5 s when the server cannot be reached), `sqlite://path` or `sqlite:path` for a SQLite
/// file (created with its parent folders when missing). Does not migrate: call
/// [`Store::migrate`].
pub async fn open(database_url: &str) -> StoreResult<Arc<dyn Store>> {
    let url = database_url.trim();
    match scheme(url).as_deref() {
        Some("postgres" | "postgresql") => Ok(Arc::new(PgStore::connect(url).await?)),
        Some("sqlite") => Ok(Arc::new(SqliteStore::connect(url).await?)),
        _ => Err(unknown_scheme(url)),
    }
}

/// [`open`] with a pool of at most `max_connections` (at least 1).
pub async fn open_with(database_url: &str, max_connections: u32) -> StoreResult<Arc<dyn Store>> {
    let url = database_url.trim();
    match scheme(url).as_deref() {
        Some("postgres" | "postgresql") => {
            Ok(Arc::new(PgStore::connect_with(url, max_connections).await?))
        }
        Some("sqlite") => Ok(Arc::new(
            SqliteStore::connect_with(url, max_connections).await?,
        )),
        _ => Err(unknown_scheme(url)),
    }
}

fn scheme(url: &str) -> Option<String> {
    url.split_once(':').map(|(s, _)| s.to_ascii_lowercase())
}

fn unknown_scheme(url: &str) -> StoreError {
    StoreError::InvalidUrl(format!(
        "'{}' is neither postgres://... nor sqlite:...",
        redact_url(url)
    ))
}

/// A driver's message on one line, for `Unavailable` reasons.
pub(crate) fn one_line(msg: impl std::fmt::Display) -> String {
    msg.to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unknown_schemes_are_invalid_urls() {
        let err = open("mysql://root:hunter2@db/app").await.err();
        match err {
            Some(StoreError::InvalidUrl(msg)) => assert!(!msg.contains("hunter2"), "{msg}"),
            other => panic!("expected InvalidUrl, got {other:?}"),
        }
    }
}
