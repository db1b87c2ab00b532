//! The real binary in a pseudo-terminal (tmux): `finances demo`, every screen, a chart and its
//! range, a holding added and deleted, the performance over a year, three years and typed
//! days, quit; then the terminal must be restored (alternate
//! screen left, cursor shown). `finances` on a kept demo store with a local stand-in for Yahoo:
//! a symbol not stored, found by search and opened; a holding added before it has a price.
//! Ignored when tmux was not on PATH when the tests were built, except under `CI=true`, where
//! it fails instead.

use crate::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

struct Session {
    name: String,
    dir: PathBuf,
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.name])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A folder of its own for a session, named after it.
fn session_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(name);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The environment that keeps the binary's files in `dir`.
fn isolated_env(dir: &Path) -> String {
    format!(
        "HOME={d} XDG_CONFIG_HOME={d}/config FINANCES_DATA_DIR={d}/data TERM=xterm-256color",
        d = dir.display()
    )
}

impl Session {
    fn start(tag: &str) -> Self {
        let name = format!("finances-e2e-{tag}-{}", std::process::id());
        let dir = session_dir(&name);
        Self::run(name, dir, "", "demo")
    }

    /// Runs `finances ARGS` with `env` added, in a new 120x40 session.
    fn run(name: String, dir: PathBuf, env: &str, args: &str) -> Self {
        let bin = env!("CARGO_BIN_EXE_finances");
        let script = format!(
            "env {} {env} {bin} {args}; echo EXITED:$?; sleep 60",
            isolated_env(&dir)
        );
        let out = Command::new("tmux")
            .args([
                "new-session",
                "-d",
                "-s",
                &name,
                "-x",
                "120",
                "-y",
                "40",
                &script,
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Self { name, dir }
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.name])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("'{text}' never appeared; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The screen once `done` holds of it.
    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if done(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("{what} never came; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The line starting with `start` once it holds `wanted` (rows are redrawn when the
    /// portfolio has been read again, a moment after the status line says a change is saved).
    fn wait_for_row(&self, start: &str, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if let Some(row) = screen.lines().find(|l| l.starts_with(start)) {
                if wanted(row) {
                    return row.to_string();
                }
            }
            if Instant::now() > deadline {
                panic!("no such '{start}' row appeared; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The first screen the UI draws (its tab bar names Accounts), caught as soon as it is
    /// there.
    fn first_frame(&self) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let screen = self.screen();
            if screen.contains("1 Accounts") {
                return screen;
            }
            if Instant::now() > deadline {
                panic!("the UI never drew; the screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = Command::new("tmux")
                .args(["send-keys", "-t", &self.name, k])
                .output()
                .unwrap();
            assert!(out.status.success());
            std::thread::sleep(Duration::from_millis(40));
        }
    }

    fn text(&self, text: &str) {
        let out = Command::new("tmux")
            .args(["send-keys", "-t", &self.name, "-l", text])
            .output()
            .unwrap();
        assert!(out.status.success());
        std::thread::sleep(Duration::from_millis(60));
    }

    fn flag(&self, format: &str) -> String {
        let out = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.name, format])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn assert_restored(&self) {
        self.wait_for("EXITED:0");
        assert_eq!(self.flag("#{alternate_on}"), "0", "alternate screen left");
        assert_eq!(self.flag("#{cursor_flag}"), "1", "cursor shown");
        // Raw mode is off: the shell echoes what is typed again.
        let _ = Path::new(&self.dir);
    }
}

#[test]
#[cfg_attr(not(finances_test_tmux), ignore = "needs tmux on PATH")]
fn demo_session_from_start_to_quit() {
    let s = Session::start("full");
    // Drawn at once: the first frame shows the generation under way, not its result.
    let first = s.first_frame();
    assert!(
        first.contains("Generating the demo portfolio"),
        "the first frame waited for the data:\n{first}"
    );
    assert!(!first.contains("Everyday Checking"), "{first}");
    s.wait_for("Everyday Checking");
    s.wait_for("Net worth");
    assert_eq!(s.flag("#{alternate_on}"), "1");

    s.keys(&["2"]);
    s.wait_for("Holdings · All accounts");
    s.keys(&["l"]);
    s.wait_for("Key figures");
    s.wait_for(" 1Y ");
    let before = s.screen();
    assert!(before.contains("bars 1d"), "{before}");
    s.keys(&["]"]);
    s.wait_for("bars 1wk");
    s.keys(&["c", "h", "h"]);
    s.wait_for("candles");

    s.keys(&["4", "/"]);
    s.text("VOO");
    s.wait_for("Vanguard S&P 500 ETF");
    s.keys(&["Escape", "a"]);
    s.wait_for("New holding");
    // The form starts on Roth IRA, the account holding VOO (kept by snapshots): a newer
    // snapshot of 5 shares there becomes its current holding.
    s.wait_for("Roth IRA ›");
    s.keys(&["Tab", "Tab"]);
    s.text("5");
    s.keys(&["Tab"]);
    s.text("400");
    s.keys(&["Enter"]);
    s.wait_for("Saved holding VOO");

    s.keys(&["2"]);
    s.keys(&[":"]);
    s.text("filter VOO");
    s.keys(&["Enter"]);
    s.wait_for("Holdings · All accounts 1 of");
    let added = s.wait_for_row("VOO", |row| row.contains(" 5 "));
    s.keys(&["d"]);
    s.wait_for("Delete holding VOO in Roth IRA");
    s.keys(&["y"]);
    s.wait_for("Deleted holding VOO");
    // The demo's own snapshot is the current one again.
    s.wait_for_row("VOO", |row| row != added);

    // Performance: a year's figures, then three years', then days typed.
    s.keys(&["5"]);
    let heading = |screen: &str| {
        screen
            .lines()
            .find(|l| l.contains(" days · USD"))
            .map(str::to_string)
    };
    let twr_line = |screen: &str| {
        screen
            .lines()
            .any(|l| l.trim_start().starts_with("TWR ") && l.contains('%'))
    };
    let year = s.wait_until("the year's figures", |screen| {
        twr_line(screen) && heading(screen).is_some()
    });
    let year = heading(&year).unwrap();
    s.keys(&["]"]);
    let longer = s.wait_until("the three years' figures", |screen| {
        heading(screen).is_some_and(|h| h != year) && !screen.contains("loading…")
    });
    assert!(twr_line(&longer), "{longer}");
    s.keys(&[":"]);
    s.text("range 2025-01-01..2025-03-31");
    s.keys(&["Enter"]);
    let typed = s.wait_for("2025-01-01 to 2025-03-31 · 90 days");
    assert!(twr_line(&typed), "{typed}");
    s.keys(&["x"]);
    s.wait_for("Start value  2025-01-01");
    s.keys(&["x"]);

    s.keys(&["1"]);
    s.wait_for("Everyday Checking");
    s.keys(&["q"]);
    s.assert_restored();
}

/// The demo's Roth IRA on last-in-first-out: a buy of 10 VTI at 100 and a sale of 5 at 180
/// from the command line; the sale closes 5 of the bought shares, so the holdings screen shows
/// a realized gain of 5 x (180 - 100) = 400 on VTI, and its activities list both.
#[test]
#[cfg_attr(not(finances_test_tmux), ignore = "needs tmux on PATH")]
fn a_buy_then_a_part_sale_shows_the_realized_gain() {
    let s = Session::start("ledger");
    s.wait_for("Everyday Checking");
    let command = |line: &str| {
        s.keys(&[":"]);
        s.text(line);
        s.keys(&["Enter"]);
    };
    command("acct roth");
    s.wait_for("Holdings · Roth IRA");
    // The account form's last field is its cost-basis method.
    s.keys(&["1", "e"]);
    s.wait_for("Edit Roth IRA");
    s.keys(&["Up"]);
    s.text("l");
    s.wait_for("‹ lifo ›");
    s.keys(&["Enter"]);
    s.wait_for("Saved account");

    s.keys(&["2"]);
    command("buy VTI 10 @ 100");
    s.wait_for("Saved buy VTI in Roth IRA");
    command("sell VTI 5 @ 180");
    s.wait_for("Saved sell VTI in Roth IRA");
    command("filter VTI");
    s.wait_for("Realized");
    s.wait_for_row("VTI", |row| row.contains("+400.00"));

    s.keys(&["a"]);
    let screen = s.wait_for("Activities · Roth IRA USD · lifo 2 of 2");
    assert!(
        screen
            .lines()
            .any(|l| l.contains("sell") && l.contains("VTI") && l.contains("180.00")),
        "{screen}"
    );
    s.keys(&["q"]);
    s.assert_restored();
}

#[test]
#[cfg_attr(not(finances_test_tmux), ignore = "needs tmux on PATH")]
fn ctrl_c_restores_the_terminal() {
    let s = Session::start("ctrlc");
    s.wait_for("Everyday Checking");
    s.keys(&["C-c"]);
    s.assert_restored();
}

/// A store the demo wrote, kept in `dir`, and a local stand-in for Yahoo that knows TEST (its
/// search, quote and profile; its chart only when `with_chart`).
fn kept_demo_and_yahoo(
    dir: &Path,
    with_chart: bool,
) -> (PathBuf, support::yahoo::FakeYahoo, tokio::runtime::Runtime) {
    use support::yahoo::{asset, chart_ending, FakeYahoo, Reply};
    let db = dir.join("demo.db");
    let kept = Command::new(env!("CARGO_BIN_EXE_finances"))
        .args(["demo", "--keep"])
        .arg(&db)
        .env("HOME", dir)
        .env("FINANCES_DATA_DIR", dir.join("data"))
        .output()
        .unwrap();
    assert!(
        kept.status.success(),
        "{}",
        String::from_utf8_lossy(&kept.stderr)
    );
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let yahoo = runtime.block_on(FakeYahoo::start());
    let today = chrono::Utc::now().date_naive();
    if with_chart {
        yahoo.route(
            "/v8/finance/chart/TEST",
            Reply::json(chart_ending("chart_TEST_1d_history.json", today)),
        );
    } else {
        yahoo.route(
            "/v8/finance/chart/TEST",
            Reply::json(r#"{"chart":{"result":null,"error":{"code":"Not Found","description":"No data found"}}}"#)
                .status(404),
        );
    }
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    yahoo.route("/v7/finance/quote", Reply::json(asset("quote_TEST.json")));
    yahoo.route("/v1/finance/search", Reply::json(asset("search_test.json")));
    (db, yahoo, runtime)
}

/// `finances` on a store the demo wrote: the search finds TEST on Yahoo, Enter fetches and
/// stores it and draws its chart.
#[test]
#[cfg_attr(not(finances_test_tmux), ignore = "needs tmux on PATH")]
fn a_symbol_not_stored_opens_from_search() {
    let name = format!("finances-e2e-search-{}", std::process::id());
    let dir = session_dir(&name);
    let (db, yahoo, _runtime) = kept_demo_and_yahoo(&dir, true);
    let s = Session::run(
        name,
        dir,
        &format!("FINANCES_YAHOO_BASE_URL={}", yahoo.url),
        &format!("--database-url sqlite://{}", db.display()),
    );
    s.wait_for("Everyday Checking");
    s.keys(&["4", "/"]);
    s.text("test");
    s.wait_for("Testa Motors");
    s.keys(&["Enter"]);
    let screen = s.wait_for("TEST Test Industries Inc.");
    assert!(!screen.contains("not found"), "{screen}");
    // The last bar's reading above the drawn chart, and the live quote beside it.
    let screen = s.wait_for("C 107.30");
    assert!(screen.contains("52 weeks   90.25 – 150.10"), "{screen}");
    s.keys(&["q"]);
    s.assert_restored();
}

/// A holding added before its security has any price (Yahoo has no chart for TEST): the net
/// worth stays what it was, and the header names TEST as left out of it.
#[test]
#[cfg_attr(not(finances_test_tmux), ignore = "needs tmux on PATH")]
fn a_holding_without_a_price_leaves_the_net_worth_and_is_named() {
    let name = format!("finances-e2e-unpriced-{}", std::process::id());
    let dir = session_dir(&name);
    let (db, yahoo, _runtime) = kept_demo_and_yahoo(&dir, false);
    let s = Session::run(
        name,
        dir,
        &format!("FINANCES_YAHOO_BASE_URL={}", yahoo.url),
        &format!("--database-url sqlite://{}", db.display()),
    );
    let before = s.wait_for("Everyday Checking");
    let header = before.lines().next().unwrap().to_string();
    let worth = header
        .split("net worth ")
        .nth(1)
        .map(|w| w.trim().to_string())
        .unwrap_or_else(|| panic!("no net worth in the header: {header}"));
    assert!(worth.ends_with(" USD"), "{header}");

    s.keys(&["4", "/"]);
    s.text("test");
    s.wait_for("Testa Motors");
    s.keys(&["Escape", "a"]);
    s.wait_for("New holding");
    // No account is in view: pick Brokerage, then 10 shares at 50.
    s.text("b");
    s.keys(&["Tab", "Tab"]);
    s.text("10");
    s.keys(&["Tab"]);
    s.text("50");
    s.keys(&["Enter"]);
    s.wait_for("Saved holding TEST");
    s.keys(&["1"]);
    let after = s.wait_for("TEST unpriced");
    let header = after.lines().next().unwrap();
    assert!(
        header.contains(&format!("net worth {worth} · TEST unpriced")),
        "the net worth moved or the holding is not named:\nbefore: {worth}\n{after}"
    );
    s.keys(&["q"]);
    s.assert_restored();
}
