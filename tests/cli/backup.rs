//! `finances export --all` and `finances restore` as a user runs them: moving a personal store
//! to another store and back with two commands, a passphrase from the environment, and clear
//! refusals with exit status 1.

use finances::demo;
use finances::store::testing::{self, TestStore};

use super::commands::{assert_clear_failure, stderr, stdout, Sandbox};

const PASSPHRASE: &str = "FINANCES_BACKUP_PASSPHRASE";

/// A migrated personal store holding the demo portfolio (its owner is the demo user).
async fn sandbox_with_portfolio() -> Sandbox {
    let sandbox = Sandbox::new();
    let o = sandbox.run(&["migrate"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let url = format!("sqlite://{}", sandbox.path("finances.db").display());
    let store = finances::store::open(&url).await.unwrap();
    demo::generate(&store, 11, demo::reference_today())
        .await
        .unwrap();
    sandbox
}

fn assert_exit_1(o: &std::process::Output) {
    assert_eq!(o.status.code(), Some(1), "{}", stderr(o));
}

/// Exported to a file, restored into `target` (empty), exported from there: the same bytes.
async fn moves_unchanged(target: TestStore) {
    let sandbox = sandbox_with_portfolio().await;
    let file = sandbox.path("backup.json");
    let file = file.to_str().unwrap();
    let o = sandbox.run(&["export", "--all", "--output", file], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("wrote the backup of demo"),
        "{}",
        stdout(&o)
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "a backup holds the password hash");
    }
    let written = std::fs::read(file).unwrap();

    let url = target.url();
    let o = sandbox.run(&["--database-url", url, "restore", file], None);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("restored demo"), "{}", stdout(&o));
    let o = sandbox.run(
        &["--database-url", url, "export", "--all", "--user", "demo"],
        None,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        o.stdout == written,
        "the second export differs from the first"
    );

    // Once there, the user is not restored over.
    let o = sandbox.run(&["--database-url", url, "restore", file], None);
    assert_clear_failure(&o, "already holds");
    assert_exit_1(&o);
}

#[tokio::test]
async fn a_personal_store_moves_to_another_file_unchanged() {
    moves_unchanged(testing::sqlite().await).await;
}

#[tokio::test]
#[cfg_attr(
    not(finances_test_postgres),
    ignore = "needs PostgreSQL: set FINANCES_TEST_DATABASE_URL"
)]
async fn a_personal_store_moves_to_postgres_unchanged() {
    moves_unchanged(testing::postgres().await).await;
}

#[tokio::test]
async fn export_says_what_it_needs() {
    let sandbox = sandbox_with_portfolio().await;
    let o = sandbox.run(&["export"], None);
    assert_clear_failure(&o, "--all");
    assert_exit_1(&o);
    let o = sandbox.run(&["export", "--all", "--user", "nobody"], None);
    assert_clear_failure(&o, "nobody");
    let o = sandbox.run(
        &[
            "restore",
            &sandbox.path("missing.json").display().to_string(),
        ],
        None,
    );
    assert_clear_failure(&o, "missing.json");
    assert_exit_1(&o);
}

#[tokio::test]
async fn an_encrypted_backup_goes_through_a_pipe() {
    let sandbox = sandbox_with_portfolio().await;
    let secret = [(PASSPHRASE, "correct horse battery staple")];
    let o = sandbox.run_with_env(&["export", "--all", "--encrypt"], &secret, None);
    assert!(o.status.success(), "{}", stderr(&o));
    let armored = stdout(&o);
    assert!(
        armored.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"),
        "{armored}"
    );
    assert!(!armored.contains("\"username\""));

    let target = testing::sqlite().await;
    let url = target.url();
    let wrong = [(PASSPHRASE, "incorrect horse")];
    let o = sandbox.run_with_env(
        &["--database-url", url, "restore", "-"],
        &wrong,
        Some(&armored),
    );
    assert_clear_failure(&o, "passphrase is wrong");
    assert_exit_1(&o);
    let o = sandbox.run(&["--database-url", url, "restore", "-"], Some(&armored));
    assert_clear_failure(&o, PASSPHRASE);
    assert_exit_1(&o);

    // A passphrase in a variable of the caller's choosing.
    let own = [("MY_SECRET", "correct horse battery staple")];
    let args = [
        "--database-url",
        url,
        "restore",
        "-",
        "--passphrase-from-env",
        "MY_SECRET",
    ];
    let o = sandbox.run_with_env(&args, &own, Some(&armored));
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("restored demo"), "{}", stdout(&o));
}

#[tokio::test]
async fn a_backup_of_another_version_is_refused() {
    let sandbox = sandbox_with_portfolio().await;
    let o = sandbox.run(&["export", "--all"], None);
    assert!(o.status.success(), "{}", stderr(&o));
    let newer = stdout(&o).replacen("\"version\":1,", "\"version\":7,", 1);
    let target = testing::sqlite().await;
    let o = sandbox.run(
        &["--database-url", target.url(), "restore", "-"],
        Some(&newer),
    );
    assert_clear_failure(&o, "version 7");
    assert_exit_1(&o);
    let o = sandbox.run(
        &["--database-url", target.url(), "restore", "-"],
        Some("id,date\n1,2024-01-01\n"),
    );
    assert_clear_failure(&o, "not a finances backup");
}
