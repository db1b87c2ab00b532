//! The binary as a user runs it: migrations, user administration, clear one-line errors,
//! output for pipes, and a pipe closed early.

use crate::support;

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use finances::store::testing;
use serde_json::json;
use support::yahoo::{FakeYahoo, Reply};

pub(crate) struct Sandbox {
    dir: PathBuf,
    yahoo: Option<String>,
}

impl Sandbox {
    pub(crate) fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("finances-cli-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), "").unwrap();
        Self { dir, yahoo: None }
    }

    /// With Yahoo Finance replaced by `yahoo`.
    pub(crate) fn with_yahoo(yahoo: &FakeYahoo) -> Self {
        let mut sandbox = Self::new();
        sandbox.yahoo = Some(yahoo.url.to_string());
        sandbox
    }

    /// The binary with a private data directory and config file, so nothing of the machine
    /// it runs on leaks in.
    pub(crate) fn command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_finances"));
        if !args.contains(&"--config") {
            cmd.args(["--config", self.dir.join("config.toml").to_str().unwrap()]);
        }
        cmd.args(args)
            .env("FINANCES_DATA_DIR", &self.dir)
            .env_remove("FINANCES_DATABASE_URL")
            .env_remove("FINANCES_REDIS_URL")
            .env_remove("FINANCES_YAHOO_BASE_URL")
            .env_remove("FINANCES_BACKUP_PASSPHRASE");
        if let Some(url) = &self.yahoo {
            cmd.env("FINANCES_YAHOO_BASE_URL", url);
        }
        cmd
    }

    pub(crate) fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        self.run_with_env(args, &[], stdin)
    }

    /// [`Sandbox::run`] with `vars` set in the binary's environment.
    pub(crate) fn run_with_env(
        &self,
        args: &[&str],
        vars: &[(&str, &str)],
        stdin: Option<&str>,
    ) -> Output {
        let mut cmd = self.command(args);
        cmd.envs(vars.iter().copied());
        cmd.stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("the binary starts");
        if let Some(input) = stdin {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(input.as_bytes())
                .unwrap();
        }
        child.wait_with_output().unwrap()
    }

    pub(crate) fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure a user can read: non-zero exit, one line naming `culprit`, no panic, and no
/// cause said twice.
pub(crate) fn assert_clear_failure(o: &Output, culprit: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "expected failure, got success: {err}");
    assert!(!err.contains("panicked"), "panicked: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(
        lines[0].contains(culprit),
        "'{culprit}' not named in: {err}"
    );
    assert_said_once(lines[0]);
}

/// `error: a: b: a: b` repeats its cause: no tail after a `: ` may be already said before it.
fn assert_said_once(line: &str) {
    for (at, _) in line.match_indices(": ") {
        let (said, rest) = (&line[..at], &line[at + 2..]);
        assert!(!said.contains(rest), "said twice: {line}");
    }
}

fn migrate_twice_then_add_and_list(sandbox: &Sandbox, db_args: &[&str]) {
    for _ in 0..2 {
        let o = sandbox.run(&[db_args, &["migrate"]].concat(), None);
        assert!(o.status.success(), "migrate failed: {}", stderr(&o));
        assert!(stdout(&o).contains("migrations applied"));
    }
    let o = sandbox.run(
        &[
            db_args,
            &[
                "user",
                "add",
                "--email",
                "ann@example.com",
                "--username",
                "ann",
                "--admin",
            ],
        ]
        .concat(),
        Some("correct horse battery\n"),
    );
    assert!(o.status.success(), "user add failed: {}", stderr(&o));
    let o = sandbox.run(
        &[
            db_args,
            &[
                "user",
                "add",
                "--email",
                "bob@example.com",
                "--username",
                "bob",
                "--password",
                "another-password",
            ],
        ]
        .concat(),
        None,
    );
    assert!(o.status.success(), "user add failed: {}", stderr(&o));
    let o = sandbox.run(&[db_args, &["user", "list"]].concat(), None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("ann@example.com") && out.contains("bob@example.com"),
        "{out}"
    );
    assert!(out.contains("2 users"), "{out}");
    let dup = sandbox.run(
        &[
            db_args,
            &[
                "user",
                "add",
                "--email",
                "ann@example.com",
                "--username",
                "ann2",
                "--password",
                "another-password",
            ],
        ]
        .concat(),
        None,
    );
    assert_clear_failure(&dup, "Email already registered");
}

#[test]
fn sqlite_migrate_is_idempotent_and_users_can_be_added_and_listed() {
    let sandbox = Sandbox::new();
    let url = format!("sqlite://{}", sandbox.path("fresh.db").display());
    migrate_twice_then_add_and_list(&sandbox, &["--database-url", &url]);
}

#[test]
fn the_default_store_is_a_sqlite_file_in_the_data_directory() {
    let sandbox = Sandbox::new();
    let o = sandbox.run(&["migrate"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(sandbox.path("finances.db").exists());
    assert!(stdout(&o).contains("SQLite"));
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn postgres_migrate_is_idempotent_and_users_can_be_added_and_listed() {
    use sqlx::Connection;
    let admin_url = testing::postgres_admin_url();
    // An empty database, so that the binary's own migrations create everything.
    let name = format!("finances_cli_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut admin)
        .await
        .unwrap();
    let url = testing::with_database(&admin_url, &name).unwrap();
    let sandbox = Sandbox::new();
    let outcome = tokio::task::spawn_blocking(move || {
        migrate_twice_then_add_and_list(&sandbox, &["--database-url", &url]);
    })
    .await;
    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
    outcome.unwrap();
}

#[test]
fn an_invalid_database_url_is_named() {
    let sandbox = Sandbox::new();
    let o = sandbox.run(&["--database-url", "mysql://x/y", "migrate"], None);
    assert_clear_failure(&o, "mysql://x/y");
}

#[test]
fn an_unreachable_postgres_is_reported_with_the_password_hidden() {
    let sandbox = Sandbox::new();
    let o = sandbox.run(
        &[
            "--database-url",
            "postgres://ann:hunter2@127.0.0.1:1/db?sslmode=disable",
            "migrate",
        ],
        None,
    );
    assert_clear_failure(&o, "127.0.0.1:1");
    assert!(!stderr(&o).contains("hunter2"), "{}", stderr(&o));
}

#[test]
fn config_files_with_unknown_keys_or_wrong_types_are_refused() {
    let sandbox = Sandbox::new();
    let bad = sandbox.path("bad.toml");
    std::fs::write(&bad, "[server]\nbindd = \"127.0.0.1:1\"\n").unwrap();
    let o = sandbox.run(&["--config", bad.to_str().unwrap(), "migrate"], None);
    assert_clear_failure(&o, "bindd");
    std::fs::write(&bad, "[database]\nmax_connections = \"ten\"\n").unwrap();
    let o = sandbox.run(&["--config", bad.to_str().unwrap(), "migrate"], None);
    assert_clear_failure(&o, "max_connections");
}

#[test]
fn user_add_refuses_bad_emails_and_short_passwords() {
    let sandbox = Sandbox::new();
    let o = sandbox.run(
        &[
            "user",
            "add",
            "--email",
            "not-an-email",
            "--username",
            "ann",
            "--password",
            "long-enough-pw",
        ],
        None,
    );
    assert_clear_failure(&o, "not-an-email");
    let o = sandbox.run(
        &[
            "user",
            "add",
            "--email",
            "ann@example.com",
            "--username",
            "ann",
        ],
        Some("short\n"),
    );
    assert_clear_failure(&o, "password");
}

#[test]
fn bad_flags_exit_non_zero() {
    let sandbox = Sandbox::new();
    let o = sandbox.run(&["--no-such-flag"], None);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("--no-such-flag"));
}

#[test]
fn a_bad_username_is_reported_once() {
    let sandbox = Sandbox::new();
    let o = sandbox.run(
        &[
            "user",
            "add",
            "--email",
            "ann@example.com",
            "--username",
            "bad name!",
            "--password",
            "long-enough-pw",
        ],
        None,
    );
    assert_clear_failure(&o, "username");
}

/// Box-drawing characters (U+2500 to U+257F) or a colour escape.
fn drawn(text: &str) -> Option<char> {
    text.chars()
        .find(|c| ('\u{2500}'..='\u{257f}').contains(c) || *c == '\u{1b}')
}

#[test]
fn tables_are_plain_aligned_text_when_piped() {
    let sandbox = Sandbox::new();
    for (email, username) in [("ann@example.com", "ann"), ("bob@example.com", "bob")] {
        let o = sandbox.run(
            &[
                "user",
                "add",
                "--email",
                email,
                "--username",
                username,
                "--password",
                "long-enough-pw",
            ],
            None,
        );
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let o = sandbox.run(&["user", "list"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert_eq!(drawn(&out), None, "drawn table when piped:\n{out}");
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("username  email "), "{out}");
    // Each column starts where its header does.
    let email_at = lines[0].find("email").unwrap();
    for (line, email) in [(lines[1], "ann@example.com"), (lines[2], "bob@example.com")] {
        assert_eq!(line.find(email), Some(email_at), "not aligned:\n{out}");
        assert_eq!(line, line.trim_end(), "trailing spaces:\n{out}");
    }
    assert_eq!(lines[3], "2 users", "{out}");
}

/// What `finances ARGS | head -1` does to the binary: its standard output is a pipe of one
/// page, closed once the first line is read. The binary, having more to write than the pipe
/// holds, is still writing when its reader leaves, however fast it runs. Returns the line and
/// how the binary ended.
#[cfg(target_os = "linux")]
pub(crate) fn first_line_then_close(mut cmd: Command) -> (String, Output) {
    use std::io::Read;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe2` writes.
    assert_eq!(unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) }, 0);
    // SAFETY: both were just opened, and nothing else owns them.
    let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    let page = 4096;
    // SAFETY: an open descriptor and the integer argument F_SETPIPE_SZ takes.
    let size = unsafe { libc::fcntl(write.as_raw_fd(), libc::F_SETPIPE_SZ, page) };
    assert!(size >= page, "cannot size the pipe");
    cmd.stdin(Stdio::null())
        .stdout(Stdio::from(write))
        .stderr(Stdio::piped());
    let child = cmd.spawn().expect("the binary starts");
    // The command holds this side's copy of the write end.
    drop(cmd);
    let mut reader = std::fs::File::from(read);
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while reader.read(&mut byte).unwrap() == 1 {
        line.push(byte[0]);
        if byte[0] == b'\n' {
            break;
        }
    }
    drop(reader);
    let out = child.wait_with_output().unwrap();
    (String::from_utf8_lossy(&line).into_owned(), out)
}

/// Ended quietly and successfully, as `head` expects of the command before it.
#[cfg(target_os = "linux")]
pub(crate) fn assert_quiet_success(o: &Output, what: &str) {
    assert!(
        o.status.success(),
        "{what}: {:?}, stderr: {}",
        o.status,
        stderr(o)
    );
    assert_eq!(stderr(o), "", "{what}");
}

#[cfg(target_os = "linux")]
#[test]
fn completions_end_quietly_when_the_pipe_closes() {
    let sandbox = Sandbox::new();
    let (line, o) = first_line_then_close(sandbox.command(&["completions", "bash"]));
    assert_quiet_success(&o, "completions bash | head -1");
    assert!(line.contains("_finances"), "{line}");
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread")]
async fn search_ends_quietly_when_the_pipe_closes() {
    let yahoo = FakeYahoo::start().await;
    // Twenty long names: more than the pipe holds.
    let quotes: Vec<_> = (0..20)
        .map(|i| {
            json!({
                "symbol": format!("APL{i}"),
                "longname": format!("Apple Orchards {i} {}", "and Cider Presses ".repeat(12)),
                "exchange": "NMS",
                "quoteType": "EQUITY",
                "isYahooFinance": true,
            })
        })
        .collect();
    yahoo.route(
        "/v1/finance/search",
        Reply::json(json!({ "count": 20, "quotes": quotes, "news": [] }).to_string()),
    );
    let sandbox = Sandbox::with_yahoo(&yahoo);
    let (line, o) = tokio::task::block_in_place(|| {
        first_line_then_close(sandbox.command(&["search", "apple"]))
    });
    assert_quiet_success(&o, "search apple | head -1");
    assert!(line.starts_with("symbol"), "{line}");
}
