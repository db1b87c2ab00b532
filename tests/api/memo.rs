//! What a list answer's `ETag` stands for, and what the opt-in layer remembering rendered
//! bodies keeps: every table a remembered list reads raises the caller's data version when
//! written (checked against the triggers in the database's catalog on both stores), a change
//! of the caller's own row or of a currency moves the version, and bodies are kept only when
//! `response_cache_bytes` is above 0.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use finances::http::memo::REMEMBERED_ROUTES;
use finances::http::HttpSettings;
use serde_json::json;
use sqlx::{Connection, Row};
use support::http::{test_settings, Db, Res, Session, TestApp};
use uuid::Uuid;

on_both_stores!(
    every_table_a_remembered_list_reads_raises_the_data_version,
    a_base_currency_change_moves_the_callers_data_version,
    a_currency_change_moves_everyones_data_version,
    rendered_bodies_are_remembered_only_when_turned_on,
);

/// Room for every body these tests render.
const ON: u64 = 16 << 20;

fn remembering(response_cache_bytes: u64) -> HttpSettings {
    HttpSettings {
        response_cache_bytes,
        ..test_settings()
    }
}

/// The tables each remembered route reads. Every one is rendered for the caller's row of
/// `users`, which authentication reads on every request.
const READS: &[(&str, &[&str])] = &[
    (
        "/api/v1/financial-institutions",
        &["users", "financial_institutions"],
    ),
    ("/api/v1/accounts", &["users", "accounts"]),
    (
        "/api/v1/accounts/{account_id}/values",
        &["users", "accounts", "account_values"],
    ),
    (
        "/api/v1/accounts/{account_id}/holdings",
        &[
            "users",
            "accounts",
            "holdings",
            "activities",
            "securities",
            "security_prices",
            "exchange_rates",
        ],
    ),
    (
        "/api/v1/holdings",
        &[
            "users",
            "accounts",
            "holdings",
            "activities",
            "securities",
            "security_prices",
            "exchange_rates",
        ],
    ),
];

/// Tables whose rows no answer shows: bookkeeping, tokens, leases, the counters themselves,
/// and the column mappings an import reads (no route lists them). Every other table must raise a data version, read by a remembered list today
/// or not, so that a new table is classed here or given triggers.
const NOT_SHOWN: &[&str] = &[
    "_sqlx_migrations",
    "data_versions",
    "import_mappings",
    "leases",
    "password_reset_tokens",
    "refresh_tokens",
];

/// The writes that must raise the version of a table. A user's own row comes into being
/// before anything is rendered for them (their version starts at zero).
fn required_events(table: &str) -> &'static [&'static str] {
    if table == "users" {
        &["UPDATE", "DELETE"]
    } else {
        &["INSERT", "UPDATE", "DELETE"]
    }
}

/// A direct connection to the server's database, as psql would have.
enum Sql {
    Pg(sqlx::PgConnection),
    Lite(sqlx::SqliteConnection),
}

impl Sql {
    async fn open(app: &TestApp) -> Self {
        let url = app.store_url();
        match app.db {
            Db::Postgres => Self::Pg(sqlx::PgConnection::connect(url).await.unwrap()),
            Db::Sqlite => Self::Lite(sqlx::SqliteConnection::connect(url).await.unwrap()),
        }
    }

    async fn execute(&mut self, sql: &str) {
        match self {
            Self::Pg(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
            Self::Lite(c) => sqlx::raw_sql(sql).execute(c).await.map(|_| ()),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// The first column of each row, as text.
    async fn column(&mut self, sql: &str) -> Vec<String> {
        match self {
            Self::Pg(c) => sqlx::query(sql)
                .fetch_all(c)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect(),
            Self::Lite(c) => sqlx::query(sql)
                .fetch_all(c)
                .await
                .unwrap()
                .iter()
                .map(|r| r.get::<String, _>(0))
                .collect(),
        }
    }

    /// Every table, and the writes to each that a trigger raising a data version follows.
    async fn versioned_writes(&mut self) -> BTreeMap<String, BTreeSet<String>> {
        let mut writes: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let tables = match self {
            Self::Pg(_) => "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public'",
            Self::Lite(_) => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
        };
        for table in self.column(tables).await {
            writes.entry(table).or_default();
        }
        match self {
            Self::Pg(c) => {
                // `tgtype` bits: 4 insert, 8 delete, 16 update (PostgreSQL's pg_trigger.h).
                let rows = sqlx::query(
                    "SELECT c.relname::text, t.tgtype::int4 FROM pg_trigger AS t \
                     JOIN pg_class AS c ON c.oid = t.tgrelid \
                     JOIN pg_proc AS p ON p.oid = t.tgfoid \
                     WHERE NOT t.tgisinternal AND p.prosrc LIKE '%raise_data_version(%'",
                )
                .fetch_all(c)
                .await
                .unwrap();
                for row in rows {
                    let (table, kind): (String, i32) = (row.get(0), row.get(1));
                    let events = writes.entry(table).or_default();
                    for (bit, event) in [(4, "INSERT"), (8, "DELETE"), (16, "UPDATE")] {
                        if kind & bit != 0 {
                            events.insert(event.to_string());
                        }
                    }
                }
            }
            Self::Lite(c) => {
                let rows = sqlx::query(
                    "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger' \
                     AND sql LIKE '%INSERT INTO data_versions%'",
                )
                .fetch_all(c)
                .await
                .unwrap();
                for row in rows {
                    let (table, sql): (String, String) = (row.get(0), row.get(1));
                    // `CREATE TRIGGER name AFTER UPDATE ON table ...`
                    let words: Vec<String> =
                        sql.split_whitespace().map(str::to_uppercase).collect();
                    let event = words
                        .iter()
                        .position(|w| w == "AFTER")
                        .and_then(|i| words.get(i + 1))
                        .unwrap_or_else(|| panic!("a trigger of no write: {sql}"));
                    writes.entry(table).or_default().insert(event.clone());
                }
            }
        }
        writes
    }
}

async fn every_table_a_remembered_list_reads_raises_the_data_version(db: Db) {
    let routes: BTreeSet<&str> = READS.iter().map(|(route, _)| *route).collect();
    let remembered: BTreeSet<&str> = REMEMBERED_ROUTES.iter().copied().collect();
    assert_eq!(
        routes, remembered,
        "READS must say what every remembered route reads"
    );

    let app = TestApp::start(db).await;
    let writes = Sql::open(&app).await.versioned_writes().await;
    let mut missing = Vec::new();
    for (route, tables) in READS {
        for table in *tables {
            let raised = writes.get(*table).cloned().unwrap_or_default();
            for event in required_events(table) {
                if !raised.contains(*event) {
                    missing.push(format!("{route} reads {table}: no trigger on {event}"));
                }
            }
        }
    }
    for (table, raised) in &writes {
        if NOT_SHOWN.contains(&table.as_str()) {
            continue;
        }
        for event in required_events(table) {
            if !raised.contains(*event) {
                missing.push(format!("{table}: no trigger on {event}"));
            }
        }
    }
    assert!(missing.is_empty(), "{db:?}: {missing:#?}");
    for table in NOT_SHOWN {
        assert!(writes.contains_key(*table), "{db:?}: no table {table}");
    }
}

async fn conditional(app: &TestApp, path: &str, s: &Session, etag: &str) -> Res {
    app.send(
        app.request(reqwest::Method::GET, path, Some(&s.access))
            .header("If-None-Match", etag),
    )
    .await
}

/// Each list's answer to `s`: (path, ETag, body).
async fn answers(app: &TestApp, s: &Session, paths: &[String]) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for path in paths {
        let r = app.get(path, &s.access).await;
        r.expect(200);
        let etag = r.header("etag").expect("an ETag").to_string();
        out.push((path.clone(), etag, r.text));
    }
    out
}

fn lists(account: Uuid) -> Vec<String> {
    vec![
        "/api/v1/financial-institutions".to_string(),
        "/api/v1/accounts".to_string(),
        format!("/api/v1/accounts/{account}/values"),
        format!("/api/v1/accounts/{account}/holdings"),
        "/api/v1/holdings".to_string(),
    ]
}

/// The user's row is part of what every list is rendered for: changing it (here the base
/// currency) moves that user's version, and no one else's. No list shows base-currency
/// figures today; the version moving is what keeps one that does from being answered stale.
async fn a_base_currency_change_moves_the_callers_data_version(db: Db) {
    for cache in [0, ON] {
        let app = TestApp::start_with(db, remembering(cache)).await;
        let s = app.signup("ida").await;
        let other = app.signup("jon").await;
        let account = app.investment_account(&s, "Broker").await;
        let before = answers(&app, &s, &lists(account)).await;
        // Theirs: the two lists that need no account.
        let theirs = answers(&app, &other, &lists(Uuid::nil())[..2]).await;

        let r = app
            .patch(
                "/api/v1/users/me",
                &s.access,
                json!({"base_currency": "EUR"}),
            )
            .await;
        r.expect(200);
        assert_eq!(r.body["base_currency"], "EUR");

        for (path, etag, body) in &before {
            let r = conditional(&app, path, &s, etag).await;
            assert_eq!(r.status, 200, "{cache} {path}: {}", r.text);
            let now = r.header("etag").unwrap().to_string();
            assert_ne!(&now, etag, "{cache} {path}");
            assert_eq!(&r.text, body, "{cache} {path}");
            conditional(&app, path, &s, &now).await.expect(304);
        }
        for (path, etag, _) in &theirs {
            conditional(&app, path, &other, etag).await.expect(304);
        }
    }
}

/// Every list of `s` answered with `etags` is answered afresh now, with another `ETag`.
async fn assert_moved(app: &TestApp, s: &Session, etags: &[(String, String, String)], what: &str) {
    for (path, etag, _) in etags {
        let r = conditional(app, path, s, etag).await;
        assert_eq!(r.status, 200, "{what}: {path}: {}", r.text);
        assert_ne!(r.header("etag"), Some(etag.as_str()), "{what}: {path}");
    }
}

/// Currencies are market data: adding, renaming or deleting one moves every user's version.
async fn a_currency_change_moves_everyones_data_version(db: Db) {
    let app = TestApp::start_with(db, remembering(ON)).await;
    let admin = app.admin("root").await;
    let s = app.signup("kim").await;
    let other = app.signup("lou").await;
    let account = app.investment_account(&s, "Broker").await;

    let before = answers(&app, &s, &lists(account)).await;
    // Theirs: the two lists that need no account.
    let theirs = answers(&app, &other, &lists(Uuid::nil())[..2]).await;
    app.post(
        "/api/v1/currencies",
        &admin.access,
        json!({"code": "XTS", "name": "Test Units", "symbol": "T", "decimals": 2}),
    )
    .await
    .expect(201);
    assert_moved(&app, &s, &before, "a currency added").await;
    assert_moved(&app, &other, &theirs, "a currency added").await;

    let before = answers(&app, &s, &lists(account)).await;
    app.put(
        "/api/v1/currencies/XTS",
        &admin.access,
        json!({"name": "Testing Units"}),
    )
    .await
    .expect(200);
    assert_moved(&app, &s, &before, "a currency renamed").await;

    let before = answers(&app, &s, &lists(account)).await;
    app.delete("/api/v1/currencies/XTS", &admin.access)
        .await
        .expect(204);
    assert_moved(&app, &s, &before, "a currency deleted").await;
}

/// Changes the database as psql would, then sets the user's counter back: a change no
/// version shows, which only a body rendered afresh reveals.
async fn write_unversioned(sql: &mut Sql, user: Uuid, statements: &str) {
    let query = format!("SELECT CAST(version AS TEXT) FROM data_versions WHERE scope = '{user}'");
    let version = sql.column(&query).await.pop().expect("a counter");
    sql.execute(statements).await;
    sql.execute(&format!(
        "UPDATE data_versions SET version = {version} WHERE scope = '{user}'"
    ))
    .await;
    assert_eq!(sql.column(&query).await, [version]);
}

/// The remembered route whose rows are held by the services per data version, memo or not.
const HELD_ROUTE: &str = "/api/v1/accounts";

/// Off (the default), every answer is rendered; on, each route's answer is remembered per
/// user and URI and sent again while the version holds.
async fn rendered_bodies_are_remembered_only_when_turned_on(db: Db) {
    assert_eq!(HttpSettings::default().response_cache_bytes, 0);
    for cache in [0, ON] {
        let app = TestApp::start_with(db, remembering(cache)).await;
        let s = app.signup("lea").await;
        app.post(
            "/api/v1/financial-institutions",
            &s.access,
            json!({"name": "Bank"}),
        )
        .await
        .expect(201);
        let broker = app.investment_account(&s, "Broker").await;
        app.post(
            &format!("/api/v1/accounts/{broker}/values"),
            &s.access,
            json!({"balance": 100, "cash_balance": 10}),
        )
        .await
        .expect(201);
        app.post(
            &format!("/api/v1/accounts/{broker}/holdings"),
            &s.access,
            json!({"security_id": "TEST", "shares": 2, "average_price_per_share": 10}),
        )
        .await
        .expect(201);

        let (user, paths) = (s.id, lists(broker));
        let cases = [
            (
                REMEMBERED_ROUTES[0],
                format!(
                    "UPDATE financial_institutions SET name = 'Renamed' WHERE user_id = '{user}'"
                ),
            ),
            (
                REMEMBERED_ROUTES[1],
                format!("UPDATE accounts SET name = 'Renamed' WHERE user_id = '{user}'"),
            ),
            (
                REMEMBERED_ROUTES[2],
                format!("UPDATE account_values SET balance = '777' WHERE account_id = '{broker}'"),
            ),
            (
                REMEMBERED_ROUTES[3],
                format!("UPDATE holdings SET shares = '7' WHERE account_id = '{broker}'"),
            ),
            (
                REMEMBERED_ROUTES[4],
                format!("UPDATE holdings SET shares = '8' WHERE account_id = '{broker}'"),
            ),
        ];
        assert_eq!(cases.len(), REMEMBERED_ROUTES.len());
        let mut sql = Sql::open(&app).await;
        for ((route, statements), path) in cases.iter().zip(&paths) {
            let first = app.get(path, &s.access).await;
            first.expect(200);
            write_unversioned(&mut sql, user, statements).await;
            let again = app.get(path, &s.access).await;
            again.expect(200);
            assert_eq!(again.header("etag"), first.header("etag"), "{route}");
            assert_eq!(again.header("x-total-count"), first.header("x-total-count"));
            if cache == 0 && *route == HELD_ROUTE {
                // Rendered from the accounts the services hold per data version (as the
                // ledger views are): an unversioned write shows once the version moves.
                assert_eq!(again.text, first.text, "{route} is read from the held rows");
                let etag = first.header("etag").unwrap();
                conditional(&app, path, &s, etag).await.expect(304);
                sql.execute(&format!(
                    "UPDATE data_versions SET version = version + 1 WHERE scope = '{user}'"
                ))
                .await;
                let moved = app.get(path, &s.access).await;
                moved.expect(200);
                assert_ne!(moved.text, first.text, "{route} is read again");
                continue;
            }
            if cache == 0 {
                assert_ne!(again.text, first.text, "{route} is rendered afresh");
            } else {
                assert_eq!(again.text, first.text, "{route} is remembered");
                assert_eq!(again.header("content-type"), Some("application/json"));
            }
            // A current copy is 304 either way.
            let etag = first.header("etag").unwrap();
            conditional(&app, path, &s, etag).await.expect(304);
        }
    }
}
