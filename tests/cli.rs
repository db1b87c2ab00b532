//! The binary as a user runs it: migrations, user administration, and clear one-line errors.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use finances::store::testing;

struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("finances-cli-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("config.toml"), "").unwrap();
        Self { dir }
    }

    /// Runs the binary with a private data directory and config file, so nothing of the
    /// machine it runs on leaks in.
    fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_finances"));
        if !args.contains(&"--config") {
            cmd.args(["--config", self.dir.join("config.toml").to_str().unwrap()]);
        }
        cmd.args(args)
            .env("FINANCES_DATA_DIR", &self.dir)
            .env_remove("FINANCES_DATABASE_URL")
            .env_remove("FINANCES_REDIS_URL")
            .stdin(if stdin.is_some() {
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

    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure a user can read: non-zero exit, one line naming `culprit`, no panic.
fn assert_clear_failure(o: &Output, culprit: &str) {
    let err = stderr(o);
    assert!(!o.status.success(), "expected failure, got success: {err}");
    assert!(!err.contains("panicked"), "panicked: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one line, got: {err}");
    assert!(
        lines[0].contains(culprit),
        "'{culprit}' not named in: {err}"
    );
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
async fn postgres_migrate_is_idempotent_and_users_can_be_added_and_listed() {
    use sqlx::Connection;
    let Some(admin_url) = testing::postgres_admin_url() else {
        return;
    };
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
