//! `finances sync`, `search` and `quote` as a user runs them, against a local fake Yahoo.

use crate::support;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::yahoo::{asset, fixture, fixtures_dir, refusing_url, FakeYahoo, Reply};

const CHART: &str = "/v8/finance/chart/TEST";

async fn fake_yahoo() -> FakeYahoo {
    let yahoo = FakeYahoo::start().await;
    // Slow enough that a progress bar has time to draw.
    yahoo.route(
        CHART,
        Reply::json(asset("chart_TEST_1d_history.json")).delay(Duration::from_millis(400)),
    );
    yahoo.route(
        "/v10/finance/quoteSummary/TEST",
        Reply::json(asset("quoteSummary_TEST.json")),
    );
    yahoo.route("/v7/finance/quote", Reply::json(asset("quote_TEST.json")));
    yahoo.route("/v1/finance/search", Reply::json(asset("search_test.json")));
    yahoo
}

struct Run {
    dir: std::path::PathBuf,
    yahoo_url: String,
}

impl Run {
    fn new(yahoo: &FakeYahoo) -> Self {
        Self::with_config(
            yahoo.settings().base_url.unwrap().as_str(),
            "[yahoo]\nmax_retries = 0\n",
        )
    }

    /// Yahoo at `yahoo_url`, and `config` as the config file.
    fn with_config(yahoo_url: &str, config: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("finances-sync-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), config).unwrap();
        Self {
            dir,
            yahoo_url: yahoo_url.to_string(),
        }
    }

    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        cmd.env("FINANCES_DATA_DIR", &self.dir)
            .env("FINANCES_YAHOO_BASE_URL", &self.yahoo_url)
            .env_remove("FINANCES_DATABASE_URL")
            .env_remove("FINANCES_REDIS_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    fn finances(&self, args: &[&str]) -> Output {
        let config = self.dir.join("config.toml");
        self.command(env!("CARGO_BIN_EXE_finances"))
            .arg("--config")
            .arg(config)
            .args(args)
            .output()
            .unwrap()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn sync_prints_a_summary_and_its_exit_code_says_whether_all_succeeded() {
    let yahoo = fake_yahoo().await;
    let run = Run::new(&yahoo);
    let out = tokio::task::block_in_place(|| run.finances(&["sync", "TEST"]));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("TEST") && stdout.contains("ok"), "{stdout}");
    assert!(stdout.contains("1 synced, 0 failed"), "{stdout}");

    // An unknown symbol and a malformed one fail, each listed with its reason; TEST still syncs.
    let out = tokio::task::block_in_place(|| run.finances(&["sync", "TEST", "NOPE", "bad symbol"]));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("1 synced, 2 failed"), "{stdout}");
    let nope = stdout.lines().find(|l| l.contains("NOPE")).unwrap();
    assert!(
        nope.contains("FAILED") && nope.to_lowercase().contains("not found"),
        "{nope}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.contains("bad symbol") && l.contains("FAILED")),
        "{stdout}"
    );
}

#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(finances_test_script),
    ignore = "needs script (util-linux) on PATH"
)]
async fn sync_shows_progress_on_a_terminal() {
    let yahoo = fake_yahoo().await;
    let run = Run::new(&yahoo);
    let config = run.dir.join("config.toml");
    // `script` gives the command a pseudo-terminal, as a user's shell would.
    let line = format!(
        "{} --config {} sync TEST",
        env!("CARGO_BIN_EXE_finances"),
        config.display()
    );
    let out = tokio::task::block_in_place(|| {
        run.command("script")
            .args(["-qec", &line, "/dev/null"])
            .env("TERM", "xterm")
            .output()
            .expect("`script` runs")
    });
    let all = text(&out.stdout);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("0/1"), "no progress bar drawn: {all:?}");
    assert!(all.contains("1 synced, 0 failed"), "{all}");
    // On a terminal the summary is a drawn table.
    assert!(all.contains("│ security ┆ TEST"), "{all}");
}

#[tokio::test(flavor = "multi_thread")]
async fn search_and_quote() {
    let yahoo = fake_yahoo().await;
    let run = Run::new(&yahoo);
    let out = tokio::task::block_in_place(|| run.finances(&["search", "test"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("TEST"), "{}", text(&out.stdout));
    let out = tokio::task::block_in_place(|| run.finances(&["quote", "test"]));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let quote = text(&out.stdout);
    assert!(quote.contains("TEST"), "{quote}");
    // 1.1 (1.0357815%) and 12345678900, as the UI shows them.
    assert!(quote.contains("Change          +1.10 (+1.04%)"), "{quote}");
    assert!(quote.contains("Market cap      12.35B"), "{quote}");
    let out = tokio::task::block_in_place(|| run.finances(&["quote", "NOPE"]));
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.to_lowercase().contains("not found") || err.contains("NOPE"),
        "{err}"
    );
}

/// `finances quote AAPL` on Yahoo's recorded answer, whose figures are raw floats
/// (`"regularMarketChange": 3.0700073`, `"marketCap": 3674405863424`): they read as the UI's
/// security screen shows them, in plain columns since the output is a pipe.
#[tokio::test(flavor = "multi_thread")]
#[cfg_attr(
    not(finances_test_yahoo_fixtures),
    ignore = "needs the recorded Yahoo responses: set FINANCES_YAHOO_FIXTURES"
)]
async fn quote_figures_read_as_in_the_ui() {
    let dir = fixtures_dir();
    let yahoo = FakeYahoo::start().await;
    yahoo.route(
        "/v7/finance/quote",
        Reply::json(fixture(&dir, "quote_AAPL.json")),
    );
    let run = Run::new(&yahoo);
    let out = tokio::task::block_in_place(|| run.finances(&["quote", "AAPL"]));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "Symbol          AAPL",
            "Name            Apple Inc.",
            "Price           244.60 USD",
            // 3.0700073 and 1.2710667 (percent), signed as gains are.
            "Change          +3.07 (+1.27%)",
            "Previous close  241.53",
            "Day range       241.00 - 245.41",
            "52-week range   164.08 - 260.10",
            // 3,674,405,863,424 = 3.67 trillion.
            "Market cap      3.67T",
            // 40,896,227 shares.
            "Volume          40.90M",
            // regularMarketTime 1739566800.
            "As of           2025-02-14 21:00 UTC",
        ],
        "{stdout}"
    );
}

/// Runs `finances args` and says how long it took.
fn timed(run: &Run, args: &[&str]) -> (Output, Duration) {
    let started = Instant::now();
    let out = tokio::task::block_in_place(|| run.finances(args));
    (out, started.elapsed())
}

#[tokio::test(flavor = "multi_thread")]
async fn offline_sync_and_quote_fail_at_once_saying_offline() {
    // The default retries and backoff, as a user has them.
    let run = Run::with_config(refusing_url().as_str(), "");

    let (out, took) = timed(&run, &["sync", "AAA", "BBB", "CCC", "DDD"]);
    let stdout = text(&out.stdout);
    eprintln!("offline `finances sync` of 4 securities took {took:?}");
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("0 synced, 4 failed"), "{stdout}");
    for symbol in ["AAA", "BBB", "CCC", "DDD"] {
        let line = stdout.lines().find(|l| l.contains(symbol)).unwrap();
        assert!(
            line.contains("FAILED") && line.contains("offline"),
            "{line}"
        );
    }
    // Backoff before retrying alone would take several seconds per security.
    assert!(took < Duration::from_secs(5), "took {took:?}");

    let (out, took) = timed(&run, &["quote", "AAA"]);
    let stderr = text(&out.stderr);
    eprintln!("offline `finances quote` took {took:?}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("offline"), "{stderr}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hanging_yahoo_ends_sync_and_quote_at_their_deadlines() {
    let yahoo = FakeYahoo::start().await;
    for path in [
        "/v10/finance/quoteSummary/HANG",
        "/v8/finance/chart/HANG",
        "/v7/finance/quote",
    ] {
        yahoo.route(path, Reply::hang());
    }
    let run = Run::with_config(
        yahoo.settings().base_url.unwrap().as_str(),
        "[yahoo]\nrequest_deadline_secs = 2\nsync_deadline_secs = 3\n",
    );
    let slack = Duration::from_secs(5);

    let (out, took) = timed(&run, &["sync", "HANG", "TEST"]);
    let stdout = text(&out.stdout);
    eprintln!("`finances sync` with Yahoo hanging took {took:?}");
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    let hang = stdout.lines().find(|l| l.contains("HANG")).unwrap();
    assert!(
        hang.contains("FAILED") && hang.contains("did not answer within 3 s"),
        "{stdout}"
    );
    // Yahoo did not answer: the securities left are not tried.
    let test = stdout.lines().find(|l| l.contains("TEST")).unwrap();
    assert!(
        test.contains("FAILED") && test.contains("not tried"),
        "{stdout}"
    );
    assert!(took < Duration::from_secs(3) + slack, "took {took:?}");

    let (out, took) = timed(&run, &["quote", "HANG"]);
    let stderr = text(&out.stderr);
    eprintln!("`finances quote` with Yahoo hanging took {took:?}");
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("did not answer within 2 s"), "{stderr}");
    assert!(took < Duration::from_secs(2) + slack, "took {took:?}");
}
