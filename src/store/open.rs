//! Choosing a backend from a database URL, and keeping passwords out of messages.

use std::sync::Arc;

use super::{PgStore, SqliteStore, Store, StoreError, StoreResult};

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

/// The URL with any password replaced by `***` (in the user-info part and in a `password=`
/// query parameter), for messages and logs.
pub fn redact_url(url: &str) -> String {
    let mut out = match url.split_once("://") {
        Some((scheme, rest)) => {
            // The user info ends at the last '@' before the query: an unencoded password may
            // hold '@' or '/'.
            let query_start = rest.find('?').unwrap_or(rest.len());
            match rest[..query_start].rfind('@') {
                Some(at) => {
                    let (userinfo, host_and_rest) = rest.split_at(at);
                    match userinfo.split_once(':') {
                        Some((user, _password)) => format!("{scheme}://{user}:***{host_and_rest}"),
                        None => url.to_string(),
                    }
                }
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    };
    if let Some(q) = out.find('?') {
        let (base, query) = out.split_at(q + 1);
        let redacted: Vec<String> = query
            .split('&')
            .map(|kv| match kv.split_once('=') {
                Some((k, _)) if k.eq_ignore_ascii_case("password") => format!("{k}=***"),
                _ => kv.to_string(),
            })
            .collect();
        out = format!("{base}{}", redacted.join("&"));
    }
    out
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

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact_url("postgres://ann:s3cr%2Ft@db.example:5432/app?sslmode=disable"),
            "postgres://ann:***@db.example:5432/app?sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://ann:p@ss@db/app"),
            "postgres://ann:***@db/app"
        );
        assert_eq!(
            redact_url("postgres://ann@db/app?password=x&sslmode=disable"),
            "postgres://ann@db/app?password=***&sslmode=disable"
        );
        assert_eq!(
            redact_url("postgres://db.example/app"),
            "postgres://db.example/app"
        );
        assert_eq!(redact_url("sqlite:data/f.db"), "sqlite:data/f.db");
    }

    #[tokio::test]
    async fn unknown_schemes_are_invalid_urls() {
        let err = open("mysql://root:hunter2@db/app").await.err();
        match err {
            Some(StoreError::InvalidUrl(msg)) => assert!(!msg.contains("hunter2"), "{msg}"),
            other => panic!("expected InvalidUrl, got {other:?}"),
        }
    }
}
