//! The terminal UI's performance screen on the 100,000-activity store, driven as the
//! interactive loop drives it: the key handled and the frame drawn on the caller's task, the
//! load the key asks for spawned onto the runtime, its answer applied when it arrives.
//!
//! From pressing `5` on the accounts screen (the UI started and settled, so the services hold
//! the user's rows as after any start), each iteration times:
//!
//! - the first frame: the key handled and the screen drawn with its range and "loading";
//! - the figures: the frame that shows the portfolio's value, returns and accounts for the
//!   range (target for both: 300 ms from the key);
//! - while the figures load, a thread of its own presses a key (`j`, `k` in turn) every 5 ms;
//!   each is timed from its press to its frame drawn, so a loop kept waiting on the load would
//!   show here.
//!
//! `tui_performance_1y` is the screen's default range, `tui_performance_max` the ten years;
//! `tui_performance_1y_after_activity_write` presses `5` after an activity of an account of
//! 20,000 was saved (before the key, outside the time), so the load reads that account again.
//! Criterion reports the time to the figures; the first frames and the keys are printed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use criterion::Criterion;
use crossterm::event::KeyCode;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;

use finances::demo;
use finances::tui::app::{App, Screen};
use finances::tui::driver::{key, start};
use finances::tui::screens::performance::{PerfRange, PerformanceState};
use finances::tui::worker::Worker;
use finances::tui::{build_app, screens, update, TuiSettings};

use super::Fixture;

/// How often a key is pressed while the figures load.
const KEY_EVERY: Duration = Duration::from_millis(5);

/// Keys pressed from a thread of their own, as the terminal's input reaches the loop: each
/// wakes the loop through the channel, whatever the runtime's threads are busy with.
struct Keys {
    pressed: mpsc::UnboundedReceiver<Instant>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Keys {
    fn start() -> Self {
        let (tx, pressed) = mpsc::unbounded_channel();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(KEY_EVERY);
                if tx.send(Instant::now()).is_err() {
                    break;
                }
            }
        });
        Self {
            pressed,
            stop,
            thread: Some(thread),
        }
    }

    fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            thread.join().unwrap();
        }
    }
}

#[derive(Default)]
struct Timings {
    first_frames: Vec<Duration>,
    figures: Vec<Duration>,
    keys: usize,
    slowest_key: Duration,
}

impl Timings {
    fn report(&self, name: &str, case: &str) {
        let median = |v: &[Duration]| {
            let mut v = v.to_vec();
            v.sort();
            v[v.len() / 2]
        };
        eprintln!(
            "{name}/{case}: over {} presses of `5`: first frame median {:.2?} (slowest {:.2?}), \
             figures median {:.1?} (slowest {:.1?}); {} keys pressed while the figures loaded, \
             the slowest drawn {:.2?} after it was pressed",
            self.figures.len(),
            median(&self.first_frames),
            self.first_frames.iter().max().unwrap(),
            median(&self.figures),
            self.figures.iter().max().unwrap(),
            self.keys,
            self.slowest_key,
        );
    }
}

fn draw(terminal: &mut Terminal<TestBackend>, app: &App) {
    terminal.draw(|f| screens::draw(f, app)).unwrap();
}

/// From the accounts screen with no answer held, presses `5` and runs the loop until the
/// figures are drawn. Returns the time to the figures.
async fn press_five(
    app: &mut App,
    worker: &Worker,
    terminal: &mut Terminal<TestBackend>,
    range: PerfRange,
    timings: &mut Timings,
) -> Duration {
    update::update(app, key(KeyCode::Char('1')));
    app.performance = PerformanceState {
        range,
        ..PerformanceState::default()
    };
    let (tx, mut rx) = mpsc::unbounded_channel();

    let pressed = Instant::now();
    let commands = update::update(app, key(KeyCode::Char('5')));
    draw(terminal, app);
    timings.first_frames.push(pressed.elapsed());
    assert!(app.screen == Screen::Performance && app.performance.loading);

    for command in commands {
        let (worker, tx) = (worker.clone(), tx.clone());
        tokio::spawn(async move { worker.run(command, &tx).await });
    }
    let mut keys = Keys::start();
    let mut down = true;
    loop {
        tokio::select! {
            biased;
            answer = rx.recv() => {
                let more = update::update(app, answer.expect("the worker answers"));
                assert!(more.is_empty(), "the answer asks for nothing more");
                break;
            }
            Some(sent) = keys.pressed.recv() => {
                update::update(app, key(KeyCode::Char(if down { 'j' } else { 'k' })));
                draw(terminal, app);
                timings.slowest_key = timings.slowest_key.max(sent.elapsed());
                timings.keys += 1;
                down = !down;
            }
        }
    }
    keys.stop();
    draw(terminal, app);
    let figures = pressed.elapsed();
    let p = &app.performance;
    assert!(
        !p.loading && p.error.is_none() && p.data.as_ref().is_some_and(|d| !d.accounts.is_empty()),
        "the figures are shown: {:?}",
        p.error
    );
    timings.figures.push(figures);
    figures
}

pub fn bench(c: &mut Criterion, name: &str, f: &Fixture, rt: &tokio::runtime::Runtime) {
    let now = Utc.from_utc_datetime(&demo::reference_today().and_hms_opt(22, 0, 0).unwrap());
    let mut app = build_app(&TuiSettings::default(), false, now).unwrap();
    app.user = Some(f.user.clone());
    let worker = Worker::new(f.services.clone(), Some(f.user.clone()));
    rt.block_on(start(&mut app, &worker, 120, 40, now));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();

    let mut group = c.benchmark_group(format!("ledger_store/{name}"));
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(10));
    for (case, range, write) in [
        ("tui_performance_1y", PerfRange::Y1, false),
        ("tui_performance_max", PerfRange::Max, false),
        (
            "tui_performance_1y_after_activity_write",
            PerfRange::Y1,
            true,
        ),
    ] {
        let mut timings = Timings::default();
        group.bench_function(case, |b| {
            b.iter_custom(|iters| {
                rt.block_on(async {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        if write {
                            f.write_activity().await;
                        }
                        total +=
                            press_five(&mut app, &worker, &mut terminal, range, &mut timings).await;
                    }
                    total
                })
            })
        });
        if !timings.figures.is_empty() {
            timings.report(name, case);
        }
    }
    group.finish();
}
