//! Importing a broker's history: a generic CSV of 100,000 activities (buys, sales, dividends
//! and deposits over 50 securities and ten years) read, resolved, checked against the
//! account's ledger and stored in one transaction, through `ImportService::import`, on
//! SQLite and on PostgreSQL (target: 10 s each).
//!
//! The 50 securities are stored beforehand, as after a first import or a sync, so no lookup
//! goes upstream. Each measured import goes into a new, empty account, deleted afterwards
//! (outside the time).
//!
//! `cargo bench --bench import`; PostgreSQL is measured when `FINANCES_TEST_DATABASE_URL` is
//! set, and left out with a notice otherwise.

use std::fmt::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate};
use criterion::{criterion_group, Criterion};
use uuid::Uuid;

use finances::domain::{
    AccountType, CurrencyCode, Email, NewAccount, NewSecurity, Password, SecurityType, Symbol,
    User, Username,
};
use finances::market::OfflineMarket;
use finances::service::import::ImportRequest;
use finances::service::Services;
use finances::store::testing::{self, TestStore, TEST_DATABASE_URL_VAR};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ROWS: usize = 100_000;
const SECURITIES: usize = 50;

fn symbol(i: usize) -> String {
    format!("SEC{i:02}")
}

/// The file: row by row, a security in turn; of each security's rows, one in ten sells a
/// share (after eight buys of one to four), one in ten is a dividend, and every 97th row of
/// the file is a deposit.
fn csv() -> String {
    let start = NaiveDate::from_ymd_opt(2015, 1, 2).unwrap();
    let mut out = String::with_capacity(ROWS * 60);
    out.push_str("Date,Type,Symbol,Quantity,Price,Amount,Fee,Currency\n");
    for i in 0..ROWS {
        let date = start + Days::days((i / 28) as i64);
        let sec = symbol(i % SECURITIES);
        let nth = i / SECURITIES;
        let price = 100 + (i % 37);
        let _ = match nth % 10 {
            _ if i % 97 == 0 => writeln!(out, "{date},Deposit,,,,{},,USD", 1000 + i % 13),
            9 => writeln!(out, "{date},Sell,{sec},1,{price}.5,,0.99,USD"),
            4 => writeln!(out, "{date},Dividend,{sec},,,{}.25,,USD", 3 + i % 7),
            _ => writeln!(out, "{date},Buy,{sec},{},{price}.10,,1.00,USD", 1 + nth % 4),
        };
    }
    out
}

struct Fixture {
    _store: TestStore,
    services: Services,
    user: User,
}

async fn fixture(store: TestStore) -> Fixture {
    let services = Services::new(store.store(), Arc::new(OfflineMarket));
    let user = services
        .users
        .register(
            Email::parse("bench@example.com").unwrap(),
            Username::parse("bench").unwrap(),
            Password::parse("long enough password").unwrap(),
            false,
        )
        .await
        .unwrap();
    for i in 0..SECURITIES {
        let security = NewSecurity {
            symbol: Symbol::parse(&symbol(i)).unwrap(),
            name: format!("Security {i}"),
            exchange: None,
            currency: "USD".into(),
            security_type: SecurityType::Equity,
            sector: None,
            industry: None,
            market_cap: None,
        }
        .into_security(Uuid::new_v4(), finances::domain::now());
        store.store().insert_security(&security).await.unwrap();
    }
    Fixture {
        _store: store,
        services,
        user,
    }
}

/// One import into a new account, timed; the account is deleted after.
async fn import_once(f: &Fixture, file: &[u8]) -> Duration {
    let new = NewAccount::new(
        &format!("Broker {}", Uuid::new_v4().simple()),
        AccountType::Brokerage,
        CurrencyCode::parse("USD").unwrap(),
        None,
        true,
        None,
    )
    .unwrap();
    let account = f
        .services
        .portfolio
        .create_account(&f.user, new)
        .await
        .unwrap();
    let t = Instant::now();
    let report = f
        .services
        .imports
        .import(&f.user, account.id, file, ImportRequest::default())
        .await
        .unwrap();
    let took = t.elapsed();
    assert!(
        report.errors.is_empty(),
        "{:?}",
        &report.errors[..3.min(report.errors.len())]
    );
    assert_eq!(report.added(), ROWS);
    f.services
        .portfolio
        .delete_account(&f.user, account.id)
        .await
        .unwrap();
    took
}

fn bench_store(
    c: &mut Criterion,
    name: &str,
    f: &Fixture,
    file: &[u8],
    rt: &tokio::runtime::Runtime,
) {
    let mut group = c.benchmark_group(format!("import/{name}"));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(60));
    group.bench_function("csv_100k", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                total += rt.block_on(import_once(f, file));
            }
            total
        })
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let file = csv();
    let sqlite = rt.block_on(async { fixture(testing::sqlite().await).await });
    bench_store(c, "sqlite", &sqlite, file.as_bytes(), &rt);
    rt.block_on(async move { drop(sqlite) });
    if std::env::var(TEST_DATABASE_URL_VAR).is_err() {
        eprintln!("{TEST_DATABASE_URL_VAR} is not set: the PostgreSQL import is left out");
        return;
    }
    let pg = rt.block_on(async { fixture(testing::postgres().await).await });
    bench_store(c, "postgres", &pg, file.as_bytes(), &rt);
    rt.block_on(async move { drop(pg) });
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
}
