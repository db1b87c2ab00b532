//! Responsiveness of the terminal UI on the demo portfolio and on the large store (1,000
//! securities with ten years of daily prices, 200 accounts, 5,000 holdings).
//!
//! - `startup/*`: from nothing to the first frame with data: build the state, load the
//!   portfolio (overview, positions, rates) from the store, draw 120x40.
//! - `key/*`: one key handled by the update step and the frame drawn again.
//! - `chart/*`: a chart range loaded from the store and drawn (runs in the background in the
//!   UI, listed for reference).
//! - `process/demo_*`: the `finances demo` binary (the release one under `cargo bench`) in a
//!   pseudo-terminal of 120x40 (util-linux `script`), from spawning the process to its first
//!   frame, and to the frame that shows the generated accounts.
//!
//! `cargo bench --bench tui`. The large store is generated once into
//! `target/bench-large-store.db` and reused.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use finances::context::open_store;
use finances::demo;
use finances::domain::User;
use finances::market::OfflineMarket;
use finances::service::Services;
use finances::tui::app::App;
use finances::tui::driver::{key, settle, start};
use finances::tui::worker::Worker;
use finances::tui::{build_app, screens, update, TuiSettings};

struct Fixture {
    services: Services,
    user: User,
    _dir: Option<PathBuf>,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
}

async fn demo_fixture() -> Fixture {
    let dir = std::env::temp_dir().join(format!("finances-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let store = open_store(&format!("sqlite://{}/demo.db", dir.display()), 4)
        .await
        .unwrap();
    let summary = demo::generate(&store, demo::DEFAULT_SEED, demo::reference_today())
        .await
        .unwrap();
    Fixture {
        services: Services::new(store, Arc::new(OfflineMarket)),
        user: summary.user,
        _dir: Some(dir),
    }
}

async fn large_fixture() -> Fixture {
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target");
    let path = target.join("bench-large-store.db");
    let done = target.join("bench-large-store.done");
    if !done.exists() {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
        eprintln!(
            "generating the large store once into {} ...",
            path.display()
        );
        let t = std::time::Instant::now();
        let store = open_store(&format!("sqlite://{}", path.display()), 4)
            .await
            .unwrap();
        let s = demo::generate_large(&store, 7, demo::reference_today())
            .await
            .unwrap();
        eprintln!(
            "large store: {} securities, {} prices, {} accounts, {} holdings in {:.0?}",
            s.securities,
            s.price_bars,
            s.accounts,
            s.holdings,
            t.elapsed()
        );
        std::fs::write(&done, "").unwrap();
    }
    let store = open_store(&format!("sqlite://{}", path.display()), 4)
        .await
        .unwrap();
    let services = Services::new(store, Arc::new(OfflineMarket));
    let user = services.users.local_owner().await.unwrap();
    Fixture {
        services,
        user,
        _dir: None,
    }
}

fn now() -> chrono::DateTime<Utc> {
    Utc.from_utc_datetime(&demo::reference_today().and_hms_opt(22, 0, 0).unwrap())
}

async fn loaded_app(f: &Fixture) -> (App, Worker) {
    let mut app = build_app(&TuiSettings::default(), false, now()).unwrap();
    app.user = Some(f.user.clone());
    let worker = Worker::new(f.services.clone(), Some(f.user.clone()));
    start(&mut app, &worker, 120, 40, now()).await;
    (app, worker)
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal.draw(|f| screens::draw(f, app)).unwrap();
}

fn bench_store(c: &mut Criterion, name: &str, fixture: &Fixture, rt: &tokio::runtime::Runtime) {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    // The first frame with accounts and holdings; the sparklines' histories arrive after it.
    group.bench_function("startup_to_first_frame", |b| {
        b.to_async(rt).iter(|| async {
            let mut app = build_app(&TuiSettings::default(), false, now()).unwrap();
            app.user = Some(fixture.user.clone());
            let worker = Worker::new(fixture.services.clone(), Some(fixture.user.clone()));
            update::update(&mut app, finances::tui::action::Action::Resize(120, 40));
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            for cmd in update::start(&mut app) {
                worker.run(cmd, &tx).await;
            }
            while let Ok(action) = rx.try_recv() {
                update::update(&mut app, action);
            }
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            draw(&mut terminal, &app);
            assert!(app.portfolio.is_some());
        })
    });
    group.bench_function("startup_with_sparklines", |b| {
        b.to_async(rt).iter(|| async {
            let (app, _w) = loaded_app(fixture).await;
            let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
            draw(&mut terminal, &app);
            assert!(!app.accounts.histories.is_empty());
        })
    });
    group.finish();

    let mut group = c.benchmark_group(name);
    group.sample_size(50);
    let (base_app, worker) = rt.block_on(loaded_app(fixture));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    // Each case: the screen it starts on and the key pressed.
    let cases: [(&str, char, KeyCode); 7] = [
        ("accounts_down", '1', KeyCode::Char('j')),
        ("holdings_down", '2', KeyCode::Char('j')),
        ("holdings_sort_next_column", '2', KeyCode::Char('>')),
        ("holdings_filter_char", '2', KeyCode::Char('/')),
        ("switch_screen", '1', KeyCode::Char('2')),
        ("help_overlay", '2', KeyCode::Char('?')),
        ("privacy_toggle", '2', KeyCode::Char('p')),
    ];
    let mut app = base_app;
    for (case, screen, code) in cases {
        update::update(&mut app, key(KeyCode::Esc));
        update::update(&mut app, key(KeyCode::Char(screen)));
        group.bench_function(format!("key_{case}"), |b| {
            b.iter(|| {
                let cmds = update::update(&mut app, key(code));
                draw(&mut terminal, &app);
                // Undo, so every iteration does the same work.
                update::update(&mut app, key(KeyCode::Esc));
                if code == KeyCode::Char('p') {
                    update::update(&mut app, key(KeyCode::Char('p')));
                }
                cmds
            })
        });
    }
    // The crosshair on a loaded chart.
    rt.block_on(async {
        update::update(&mut app, key(KeyCode::Char('2')));
        let cmds = update::update(&mut app, key(KeyCode::Char('l')));
        settle(&mut app, &worker, cmds).await;
    });
    for (case, style) in [("line", None), ("candles", Some('c'))] {
        if let Some(c) = style {
            update::update(&mut app, key(KeyCode::Char(c)));
        }
        group.bench_function(format!("key_crosshair_{case}"), |b| {
            b.iter_batched(
                || (),
                |_| {
                    update::update(&mut app, key(KeyCode::Char('h')));
                    draw(&mut terminal, &app);
                },
                BatchSize::SmallInput,
            )
        });
    }
    group.bench_function("chart_two_range_loads_and_draw", |b| {
        b.iter(|| {
            rt.block_on(async {
                let cmds = update::update(&mut app, key(KeyCode::Char(']')));
                settle(&mut app, &worker, cmds).await;
                let cmds = update::update(&mut app, key(KeyCode::Char('[')));
                settle(&mut app, &worker, cmds).await;
            });
            draw(&mut terminal, &app);
        })
    });
    group.finish();
}

/// What a `finances demo` process shows, and when.
struct DemoRun {
    first_frame: Duration,
    accounts: Option<Duration>,
}

/// Starts `finances demo` in a 120x40 pseudo-terminal and times its output from the spawn:
/// the first frame is the first drawing after the alternate screen is entered (the tab bar
/// names "Accounts"), the accounts are there when "Everyday Checking" is drawn. Then quits
/// it: at the first frame when `to_accounts` is false (the generation is cut short).
fn run_demo(to_accounts: bool) -> DemoRun {
    use std::io::{Read, Write};
    use std::process::{Command, Stdio};
    use std::time::Instant;

    let bin = env!("CARGO_BIN_EXE_finances");
    let home = std::env::temp_dir().join(format!("finances-bench-home-{}", std::process::id()));
    let started = Instant::now();
    let mut child = Command::new("script")
        .args([
            "-qfec",
            &format!("stty cols 120 rows 40; exec {bin} demo"),
            "/dev/null",
        ])
        .env("HOME", &home)
        .env("FINANCES_DATA_DIR", home.join("data"))
        .env("TERM", "xterm-256color")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("util-linux `script` runs the binary in a pseudo-terminal");
    let mut out = child.stdout.take().unwrap();
    let mut seen: Vec<u8> = Vec::new();
    let mut buf = [0u8; 65536];
    let (mut first_frame, mut accounts) = (None, None);
    let find = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).position(|w| w == needle);
    while accounts.is_none() && (to_accounts || first_frame.is_none()) {
        let n = out.read(&mut buf).expect("the demo's output");
        assert!(n > 0, "the demo ended before showing its accounts");
        seen.extend_from_slice(&buf[..n]);
        let Some(screen) = find(&seen, b"\x1b[?1049h") else {
            continue;
        };
        if first_frame.is_none() && find(&seen[screen..], b"Accounts").is_some() {
            first_frame = Some(started.elapsed());
        }
        if find(&seen[screen..], b"Everyday Checking").is_some() {
            accounts = Some(started.elapsed());
        }
    }
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all(b"q");
    drop(stdin);
    // Drain what is left so that the process is never blocked on a full pipe.
    while out.read(&mut buf).is_ok_and(|n| n > 0) {}
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&home);
    DemoRun {
        first_frame: first_frame.unwrap(),
        accounts,
    }
}

fn bench_process(c: &mut Criterion) {
    let mut group = c.benchmark_group("process");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    group.bench_function("demo_first_frame", |b| {
        b.iter_custom(|iters| (0..iters).map(|_| run_demo(false).first_frame).sum())
    });
    group.bench_function("demo_accounts_shown", |b| {
        b.iter_custom(|iters| (0..iters).filter_map(|_| run_demo(true).accounts).sum())
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_process(c);
    let rt = runtime();
    let demo = rt.block_on(demo_fixture());
    bench_store(c, "demo", &demo, &rt);
    let large = rt.block_on(large_fixture());
    bench_store(c, "large", &large, &rt);
}

criterion_group!(tui, benches);
criterion_main!(tui);
