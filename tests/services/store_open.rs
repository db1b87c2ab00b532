//! Opening stores from URLs: the right backend, fast and clear failures, no passwords shown.

use std::time::{Duration, Instant};

use finances::secret::redact_url;
use finances::store::{open, open_with, Backend, StoreError};

fn temp_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("finances-open-{}", uuid::Uuid::new_v4().simple()))
}

#[tokio::test]
async fn sqlite_urls_create_the_file_and_its_folders() {
    let dir = temp_dir();
    for (i, form) in ["sqlite://", "sqlite:"].iter().enumerate() {
        let path = dir.join(format!("nested/deeper/{i}/finances.db"));
        let store = open(&format!("{form}{}", path.display()))
            .await
            .expect("open sqlite");
        assert_eq!(store.backend(), Backend::Sqlite);
        store.migrate().await.expect("migrate");
        store.migrate().await.expect("migrate again");
        store.ping().await.expect("ping");
        assert!(path.exists(), "{} missing", path.display());
        assert!(store.currencies().await.expect("currencies").len() >= 30);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn in_memory_sqlite_keeps_its_data_across_connections() {
    let store = open("sqlite::memory:").await.expect("open in-memory");
    store.migrate().await.expect("migrate");
    let reads = (0..8).map(|_| store.currencies());
    for r in futures::future::join_all(reads).await {
        assert!(r.expect("currencies").len() >= 30);
    }
}

#[tokio::test]
async fn a_one_connection_pool_serves_concurrent_callers() {
    let dir = temp_dir();
    let url = format!("sqlite:{}", dir.join("one.db").display());
    let store = open_with(&url, 1).await.expect("open");
    store.migrate().await.expect("migrate");
    let reads = (0..8).map(|_| store.currencies());
    for r in futures::future::join_all(reads).await {
        assert!(r.expect("currencies").len() >= 30);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn unknown_schemes_are_invalid() {
    match open("mysql://root:hunter2@localhost/app").await {
        Err(StoreError::InvalidUrl(msg)) => assert!(!msg.contains("hunter2"), "{msg}"),
        Err(other) => panic!("expected InvalidUrl, got {other:?}"),
        Ok(_) => panic!("expected InvalidUrl, got a store"),
    }
}

#[tokio::test]
async fn refused_connections_are_unavailable_without_the_password() {
    // Port 1 on loopback: nothing listens there.
    let url = "postgres://ann:s3cret-pw@127.0.0.1:1/app?sslmode=disable";
    let started = Instant::now();
    match open(url).await {
        Err(StoreError::Unavailable(msg)) => {
            assert!(!msg.contains("s3cret-pw"), "{msg}");
            assert!(!msg.contains('\n'), "{msg}");
            assert!(msg.contains("127.0.0.1:1"), "{msg}");
            assert!(msg.contains("refused"), "{msg}");
        }
        Err(other) => panic!("expected Unavailable, got {other:?}"),
        Ok(_) => panic!("expected Unavailable, got a store"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn silent_servers_time_out_quickly() {
    // Accepts connections and never answers, as a server behind a dead link would.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let held = tokio::spawn(async move {
        let mut open_sockets = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open_sockets.push(socket);
        }
    });
    let url = format!("postgresql://ann:pw-never-shown@127.0.0.1:{port}/app?sslmode=disable");
    let started = Instant::now();
    match open(&url).await {
        Err(StoreError::Unavailable(msg)) => assert!(!msg.contains("pw-never-shown"), "{msg}"),
        Err(other) => panic!("expected Unavailable, got {other:?}"),
        Ok(_) => panic!("expected Unavailable, got a store"),
    }
    let took = started.elapsed();
    assert!(took < Duration::from_secs(8), "took {took:?}");
    held.abort();
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn postgres_urls_open_a_postgres_store() {
    let test = finances::store::testing::postgres().await;
    let store = open_with(test.url(), 2).await.expect("open postgres");
    assert_eq!(store.backend(), Backend::Postgres);
    store.migrate().await.expect("migrate again");
    store.ping().await.expect("ping");
    assert!(!redact_url(test.url()).is_empty());
}

/// A connection the server ended is noticed by the statement that runs on it and not used
/// again: with two connections ended, at most two statements fail before the store answers.
#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn postgres_connections_the_server_ended_are_replaced() {
    use sqlx::Connection;

    let t = finances::store::testing::postgres().await;
    let store = open_with(t.url(), 2).await.expect("open");
    let (a, b) = tokio::join!(store.currencies(), store.currencies());
    a.expect("a first connection");
    b.expect("a second connection");

    let mut admin = sqlx::PgConnection::connect(t.url()).await.expect("admin");
    let others = "FROM pg_stat_activity WHERE datname = current_database() \
                  AND pid <> pg_backend_pid()";
    sqlx::query(&format!("SELECT pg_terminate_backend(pid) {others}"))
        .execute(&mut admin)
        .await
        .expect("terminate");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: i64 = sqlx::query_scalar(&format!("SELECT count(*) {others}"))
            .fetch_one(&mut admin)
            .await
            .expect("count");
        if left == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "{left} connections outlived termination"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let mut failed = 0;
    while let Err(e) = store.ping().await {
        failed += 1;
        assert!(failed <= 2, "still failing after {failed} statements: {e}");
    }
    store.ping().await.expect("answers again");
}
