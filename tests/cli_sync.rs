//! `finances sync`, `search` and `quote` as a user runs them, against a local fake Yahoo.

mod support;

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use support::yahoo::{asset, FakeYahoo, Reply};

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
        let dir = std::env::temp_dir().join(format!("finances-sync-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), "[yahoo]\nmax_retries = 0\n").unwrap();
        Self {
            dir,
            yahoo_url: yahoo.settings().base_url.unwrap().to_string(),
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
    });
    let Ok(out) = out else {
        assert!(std::env::var("CI").is_err(), "`script` is needed in CI");
        eprintln!("skipping: `script` (util-linux) is not installed");
        return;
    };
    let all = text(&out.stdout);
    assert!(out.status.success(), "{all}");
    assert!(all.contains("0/1"), "no progress bar drawn: {all:?}");
    assert!(all.contains("1 synced, 0 failed"), "{all}");
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
    assert!(text(&out.stdout).contains("TEST"), "{}", text(&out.stdout));
    let out = tokio::task::block_in_place(|| run.finances(&["quote", "NOPE"]));
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.to_lowercase().contains("not found") || err.contains("NOPE"),
        "{err}"
    );
}
