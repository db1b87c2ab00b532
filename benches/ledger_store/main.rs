//! The ledger through the services on a stored portfolio: 100,000 activities over 50
//! securities with ten years of daily prices and exchange rates, in five investment accounts
//! of one user (one on `average`, one in GBP and one in EUR) and a checking account
//! (`demo::generate_ledger_large`), on SQLite and on PostgreSQL.
//!
//! Each figure goes through the services. The services keep a user's ledger rows (accounts,
//! activities, holdings) as of the user's data version and replay them on every call, so each
//! is measured twice:
//!
//! - warm: the rows are held (the data version is read, the rows are not), the replay is done;
//! - `*_cold`: the first call after a write to the user's data (an account saved unchanged,
//!   which raises the user's data version, before each call and outside the time): the
//!   accounts read again (no account's own counter moved, so no activity is), then the replay;
//! - `*_after_activity_write`: the first call after one activity of an account of 20,000 is
//!   saved unchanged (raising that account's counter): the accounts and that account's
//!   activities and holdings read again, the other accounts' rows kept, then the replay;
//! - `*_first_read`: the first call of new services, holding nothing (as after a start): every
//!   row read, then the replay.
//!
//! The figures:
//!
//! - `*/portfolio`: `PortfolioService::valuation_and_positions`, the valuation and the
//!   positions of every account from one replay of each (target: 50 ms).
//! - `*/positions_and_valuation`: `LedgerService::positions` of every account, then
//!   `PortfolioService::valuation`: the same answers through the separate entry points, which
//!   replay the ledger twice.
//! - `*/realized_gains_year`: `LedgerService::realized_gains` of one calendar year across the
//!   accounts (target: 100 ms).
//! - `*/read_activities`, `*/positions_every_account`, `*/valuation`: the parts, to tell where
//!   the time goes (`read_activities` is the store's read alone, never held).
//!
//! - `backup/*/export`: `BackupService::export` of the user and the document's bytes, what
//!   `finances export --all` does before writing them out (target: 5 s);
//!   `backup/*/restore`: the document read back and restored into an empty store of the
//!   same kind (each iteration gets a new store, made outside the time). Before measuring, a
//!   restore into an empty store is exported again and must give the same bytes, and with
//!   PostgreSQL at hand the SQLite export is moved to PostgreSQL and checked the same way.
//!
//! - `*/tui_performance_*`: the terminal UI's performance screen from pressing `5` to its
//!   figures (`tui_performance.rs` says how; target: 300 ms).
//!
//! The peak memory of the process (VmHWM) is printed at the end (target: under 200 MB).
//!
//! `cargo bench --bench ledger_store` (`-- backup` for the backups alone, `-- tui` for the UI;
//! a filter that does not name them leaves the backup and UI groups and their set-up out,
//! `-- sqlite/` for instance). The SQLite store is generated once into
//! `target/bench-ledger-store-<generation>.db`; the PostgreSQL one into the database
//! `finances_bench_ledger_<generation>` on the server `FINANCES_TEST_DATABASE_URL` names (left
//! out, with a notice, when it is not set). Both are reused by later runs.

mod tui_performance;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{criterion_group, Criterion, SamplingMode};
use sqlx::Connection;
use uuid::Uuid;

use finances::context::open_store;
use finances::demo;
use finances::domain::ledger::Activity;
use finances::domain::Account;
use finances::domain::{PageRequest, User};
use finances::market::OfflineMarket;
use finances::service::backup::Backup;
use finances::service::ledger::DateRange;
use finances::service::performance::PerformanceQuery;
use finances::service::Services;
use finances::store::testing::{self, with_database, TestStore, TEST_DATABASE_URL_VAR};
use finances::store::Store;

// The allocator the binary ships with, so that row decoding costs what it costs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Raised when the generator changes, so that a stale store is not measured.
const GENERATION: u32 = 1;
const SEED: u64 = 12;
const POOL: u32 = 4;

struct Fixture {
    store: Arc<dyn Store>,
    services: Services,
    user: User,
    accounts: Vec<Uuid>,
    /// Saved unchanged to raise the user's data version, as any write does.
    touched: Account,
    /// An activity of an account kept by activities, saved unchanged to raise that account's
    /// own counter, as any write to its ledger does.
    written: Activity,
}

impl Fixture {
    /// A write to the user's data that changes nothing but the data version.
    async fn write(&self) {
        self.store.update_account(&self.touched).await.unwrap();
    }

    /// A write to one account's ledger that changes nothing but the counters.
    async fn write_activity(&self) {
        self.store.update_activity(&self.written).await.unwrap();
    }

    /// Services of their own over the same store, holding nothing yet.
    fn new_services(&self) -> Services {
        Services::new(self.store.clone(), Arc::new(OfflineMarket))
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn generate(url: &str) {
    let t = Instant::now();
    let store = open_store(url, POOL).await.unwrap();
    let s = demo::generate_ledger_large(&store, SEED, demo::reference_today())
        .await
        .unwrap();
    eprintln!(
        "generated: {} securities, {} prices, {} accounts, {} activities in {:.0?}",
        s.securities,
        s.price_bars,
        s.accounts,
        s.activities,
        t.elapsed()
    );
}

async fn fixture(url: &str) -> Fixture {
    let store = open_store(url, POOL).await.unwrap();
    let services = Services::new(store.clone(), Arc::new(OfflineMarket));
    let user = services.users.local_owner().await.unwrap();
    let listed = services
        .portfolio
        .accounts(&user, PageRequest::all())
        .await
        .unwrap()
        .items;
    let accounts: Vec<Uuid> = listed.iter().map(|a| a.id).collect();
    let touched = listed[0].clone();
    let activities = store.user_activities(user.id).await.unwrap().len();
    assert_eq!(activities, demo::LEDGER_LARGE_ACTIVITIES, "store at {url}");
    let kept = store.accounts_with_activities(user.id).await.unwrap()[0];
    let written = store.account_activities(kept).await.unwrap().remove(0);
    Fixture {
        store,
        services,
        user,
        accounts,
        touched,
        written,
    }
}

async fn sqlite_fixture() -> Fixture {
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    let path = target.join(format!("bench-ledger-store-{GENERATION}.db"));
    let done = target.join(format!("bench-ledger-store-{GENERATION}.done"));
    let url = format!("sqlite://{}", path.display());
    if !done.exists() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        eprintln!(
            "generating the SQLite ledger store once into {} ...",
            path.display()
        );
        generate(&url).await;
        std::fs::write(&done, "").unwrap();
    }
    fixture(&url).await
}

/// The benchmark's own database on the test server, generated under a temporary name and
/// renamed when complete, so that an interrupted generation is never measured.
async fn postgres_fixture() -> Option<Fixture> {
    let Ok(admin_url) = std::env::var(TEST_DATABASE_URL_VAR) else {
        eprintln!("{TEST_DATABASE_URL_VAR} is not set: the PostgreSQL benchmarks are left out");
        return None;
    };
    let name = format!("finances_bench_ledger_{GENERATION}");
    let partial = format!("{name}_partial");
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&name)
            .fetch_one(&mut admin)
            .await
            .unwrap();
    if !exists {
        eprintln!("generating the PostgreSQL ledger store once into database {name} ...");
        let drop_partial = format!("DROP DATABASE IF EXISTS \"{partial}\" WITH (FORCE)");
        sqlx::query(&drop_partial)
            .execute(&mut admin)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE \"{partial}\""))
            .execute(&mut admin)
            .await
            .unwrap();
        generate(&with_database(&admin_url, &partial).unwrap()).await;
        sqlx::query(&format!(
            "ALTER DATABASE \"{partial}\" RENAME TO \"{name}\""
        ))
        .execute(&mut admin)
        .await
        .unwrap();
    }
    let _ = admin.close().await;
    Some(fixture(&with_database(&admin_url, &name).unwrap()).await)
}

/// The time `call` takes over `iters` iterations, each after `before`, which is left out.
async fn timed_after(
    iters: u64,
    mut before: impl AsyncFnMut(),
    mut call: impl AsyncFnMut(),
) -> Duration {
    let mut spent = Duration::ZERO;
    for _ in 0..iters {
        before().await;
        let t = Instant::now();
        call().await;
        spent += t.elapsed();
    }
    spent
}

fn year(y: i32) -> DateRange {
    DateRange {
        start: NaiveDate::from_ymd_opt(y, 1, 1),
        end: NaiveDate::from_ymd_opt(y, 12, 31),
    }
}

fn bench_store(c: &mut Criterion, name: &str, f: &Fixture, rt: &tokio::runtime::Runtime) {
    let as_of = Some(demo::reference_today());
    let gains_year = year(2024);
    // What is measured, once, so that an empty answer cannot pass for a fast one.
    rt.block_on(async {
        let mut open = 0;
        for &id in &f.accounts {
            open += f
                .services
                .ledger
                .positions(&f.user, id, as_of)
                .await
                .unwrap()
                .len();
        }
        let v = f
            .services
            .portfolio
            .valuation(&f.user, as_of)
            .await
            .unwrap();
        let gains = f
            .services
            .ledger
            .realized_gains(&f.user, gains_year, None)
            .await
            .unwrap();
        eprintln!(
            "{name}: {} accounts, {open} open positions, net worth {} {}, {} sales in 2024 \
             with a gain of {} {}",
            f.accounts.len(),
            v.net_worth.assets - v.net_worth.liabilities,
            v.base_currency,
            gains.rows.len(),
            gains.total,
            gains.total_currency,
        );
        assert!(open > 0 && !gains.rows.is_empty());
        // The one replay answers what the separate entry points do.
        let both = f
            .services
            .portfolio
            .valuation_and_positions(&f.user, as_of)
            .await
            .unwrap();
        assert_eq!(both.valuation, v);
        for &id in &f.accounts {
            let alone = f
                .services
                .ledger
                .positions(&f.user, id, as_of)
                .await
                .unwrap();
            assert_eq!(both.positions_of(id), alone.as_slice());
        }
    });

    let mut group = c.benchmark_group(format!("ledger_store/{name}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("portfolio", |b| {
        b.to_async(rt).iter(|| async {
            f.services
                .portfolio
                .valuation_and_positions(&f.user, as_of)
                .await
                .unwrap()
        })
    });
    group.bench_function("portfolio_cold", |b| {
        b.to_async(rt).iter_custom(|iters| {
            timed_after(
                iters,
                async || f.write().await,
                async || {
                    f.services
                        .portfolio
                        .valuation_and_positions(&f.user, as_of)
                        .await
                        .unwrap();
                },
            )
        })
    });
    group.bench_function("portfolio_after_activity_write", |b| {
        b.to_async(rt).iter_custom(|iters| {
            timed_after(
                iters,
                async || f.write_activity().await,
                async || {
                    f.services
                        .portfolio
                        .valuation_and_positions(&f.user, as_of)
                        .await
                        .unwrap();
                },
            )
        })
    });
    group.bench_function("portfolio_first_read", |b| {
        b.to_async(rt).iter_custom(|iters| async move {
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                let services = f.new_services();
                let t = Instant::now();
                services
                    .portfolio
                    .valuation_and_positions(&f.user, as_of)
                    .await
                    .unwrap();
                spent += t.elapsed();
            }
            spent
        })
    });
    group.bench_function("positions_and_valuation_cold", |b| {
        b.to_async(rt).iter_custom(|iters| {
            timed_after(
                iters,
                async || f.write().await,
                async || {
                    for &id in &f.accounts {
                        f.services
                            .ledger
                            .positions(&f.user, id, as_of)
                            .await
                            .unwrap();
                    }
                    f.services
                        .portfolio
                        .valuation(&f.user, as_of)
                        .await
                        .unwrap();
                },
            )
        })
    });
    group.bench_function("realized_gains_year_cold", |b| {
        b.to_async(rt).iter_custom(|iters| {
            timed_after(
                iters,
                async || f.write().await,
                async || {
                    f.services
                        .ledger
                        .realized_gains(&f.user, gains_year, None)
                        .await
                        .unwrap();
                },
            )
        })
    });
    group.bench_function("realized_gains_year_after_activity_write", |b| {
        b.to_async(rt).iter_custom(|iters| {
            timed_after(
                iters,
                async || f.write_activity().await,
                async || {
                    f.services
                        .ledger
                        .realized_gains(&f.user, gains_year, None)
                        .await
                        .unwrap();
                },
            )
        })
    });
    group.bench_function("positions_and_valuation", |b| {
        b.to_async(rt).iter(|| async {
            for &id in &f.accounts {
                f.services
                    .ledger
                    .positions(&f.user, id, as_of)
                    .await
                    .unwrap();
            }
            f.services
                .portfolio
                .valuation(&f.user, as_of)
                .await
                .unwrap()
        })
    });
    group.bench_function("realized_gains_year", |b| {
        b.to_async(rt).iter(|| async {
            f.services
                .ledger
                .realized_gains(&f.user, gains_year, None)
                .await
                .unwrap()
        })
    });
    group.bench_function("read_activities", |b| {
        b.to_async(rt)
            .iter(|| async { f.store.user_activities(f.user.id).await.unwrap() })
    });
    group.bench_function("positions_every_account", |b| {
        b.to_async(rt).iter(|| async {
            for &id in &f.accounts {
                f.services
                    .ledger
                    .positions(&f.user, id, as_of)
                    .await
                    .unwrap();
            }
        })
    });
    group.bench_function("valuation", |b| {
        b.to_async(rt).iter(|| async {
            f.services
                .portfolio
                .valuation(&f.user, as_of)
                .await
                .unwrap()
        })
    });

    // Performance over the whole ten years: every day's value of every account, the flows,
    // TWR and MWR; for the portfolio in the base currency and for one account.
    let whole = |account_id| PerformanceQuery {
        account_id,
        start: None,
        end: as_of,
    };
    // An account kept by activities (every such account holds a fifth of them).
    let largest =
        rt.block_on(async { f.store.accounts_with_activities(f.user.id).await.unwrap()[0] });
    rt.block_on(async {
        for account in [None, Some(largest)] {
            let p = f
                .services
                .performance
                .performance(&f.user, whole(account))
                .await
                .unwrap();
            eprintln!(
                "{name}: performance of {} from {} to {} ({} days): twr {}, mwr {:?}, {} flows",
                account.map_or("the portfolio".to_string(), |a| a.to_string()),
                p.returns.start,
                p.returns.end,
                p.returns.series.len(),
                p.returns.twr,
                p.returns.mwr,
                p.flows.len(),
            );
            assert!(p.returns.series.len() > 3_000);
        }
    });
    group.bench_function("performance_portfolio_10y", |b| {
        b.to_async(rt).iter(|| async {
            f.services
                .performance
                .performance(&f.user, whole(None))
                .await
                .unwrap()
        })
    });
    group.bench_function("performance_account_10y", |b| {
        b.to_async(rt).iter(|| async {
            f.services
                .performance
                .performance(&f.user, whole(Some(largest)))
                .await
                .unwrap()
        })
    });
    group.finish();
}

async fn export(f: &Fixture) -> Vec<u8> {
    f.services.backup.export(&f.user).await.unwrap().to_json()
}

/// Restores `bytes` into `target` and exports the user from there.
async fn restore_and_export(target: &TestStore, bytes: &[u8], f: &Fixture) -> Vec<u8> {
    let services = Services::new(target.store(), Arc::new(OfflineMarket));
    let backup = Backup::from_json(bytes).unwrap();
    services.backup.restore(&backup).await.unwrap();
    services.backup.export(&f.user).await.unwrap().to_json()
}

async fn empty_store(kind: &str) -> TestStore {
    match kind {
        "sqlite" => testing::sqlite().await,
        _ => testing::postgres().await,
    }
}

fn bench_backup(c: &mut Criterion, name: &str, f: &Fixture, rt: &tokio::runtime::Runtime) {
    let kind = name.to_string();
    rt.block_on(async {
        let t = Instant::now();
        let bytes = export(f).await;
        let took = t.elapsed();
        let counts = Backup::from_json(&bytes).unwrap().counts();
        eprintln!(
            "{name}: export of {} bytes in {took:.2?}: {counts}",
            bytes.len()
        );
        assert_eq!(counts.activities, demo::LEDGER_LARGE_ACTIVITIES);
        let target = empty_store(&kind).await;
        let again = restore_and_export(&target, &bytes, f).await;
        assert!(
            again == bytes,
            "{name}: the restored store exports other bytes"
        );
        drop(target);
    });
    let mut group = c.benchmark_group(format!("backup/{name}"));
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    group.bench_function("export", |b| b.to_async(rt).iter(|| export(f)));
    let bytes = rt.block_on(export(f));
    group.bench_function("restore", |b| {
        b.to_async(rt).iter_custom(|iters| {
            let (bytes, kind) = (&bytes, &kind);
            async move {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let target = empty_store(kind).await;
                    let services = Services::new(target.store(), Arc::new(OfflineMarket));
                    let t = Instant::now();
                    let backup = Backup::from_json(bytes).unwrap();
                    services.backup.restore(&backup).await.unwrap();
                    spent += t.elapsed();
                }
                spent
            }
        })
    });
    group.finish();
}

/// Whether the backup groups run: with no filter, or a filter that names them. Their checks
/// before measuring restore whole stores, which outweighs the ledger figures' memory, so a
/// run filtered to the ledger leaves them out and its peak memory is the ledger's.
/// Whether the run measures a group named with `word`: with no filter, or a filter naming it.
/// The backup and UI groups build their state (stores restored, a UI started) before
/// criterion sees the filter, so a run filtered to other cases leaves them out.
fn asked(word: &str) -> bool {
    let filters: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    filters.is_empty() || filters.iter().any(|f| f.contains(word))
}

fn bench(c: &mut Criterion) {
    let rt = runtime();
    let backups = asked("backup");
    let tui = asked("tui");
    let sqlite = rt.block_on(sqlite_fixture());
    bench_store(c, "sqlite", &sqlite, &rt);
    if tui {
        tui_performance::bench(c, "sqlite", &sqlite, &rt);
    }
    if backups {
        bench_backup(c, "sqlite", &sqlite, &rt);
    }
    if let Some(pg) = rt.block_on(postgres_fixture()) {
        bench_store(c, "postgres", &pg, &rt);
        if tui {
            tui_performance::bench(c, "postgres", &pg, &rt);
        }
        if backups {
            bench_backup(c, "postgres", &pg, &rt);
        }
        // The 100,000-activity store moved from SQLite to PostgreSQL exports the same bytes.
        rt.block_on(async {
            if !backups {
                return;
            }
            let bytes = export(&sqlite).await;
            let target = testing::postgres().await;
            let again = restore_and_export(&target, &bytes, &sqlite).await;
            assert!(
                again == bytes,
                "moved to PostgreSQL, the store exports other bytes"
            );
            eprintln!(
                "sqlite -> postgres: the restored store exports the same {} bytes",
                bytes.len()
            );
        });
        rt.block_on(async move { drop(pg) });
    }
    // Pools hand their connections back from tasks of the runtime, so they close inside it.
    rt.block_on(async move { drop(sqlite) });
}

/// The process's peak resident memory, as the kernel counts it.
fn peak_memory() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    match peak_memory() {
        Some(peak) => println!("peak memory of the process (VmHWM): {peak}"),
        None => println!("peak memory of the process: not available on this system"),
    }
}
