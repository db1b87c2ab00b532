//! Which of the tests' optional resources this machine offers: a PostgreSQL server, a Redis,
//! the recorded Yahoo responses, tmux and `script`. Each one found becomes a cfg; a test that
//! needs a missing one is marked ignored with what would enable it, so `cargo test` counts it
//! as ignored instead of passing it without running it. Under `CI=true` every cfg is set: a
//! missing resource there fails its tests.
//!
//! The cfgs are decided when the crate is built, so changing one of these variables rebuilds
//! the crate once.

use std::env;
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    // The migrations are compiled in (`sqlx::migrate!`): a new file must rebuild the crate.
    println!("cargo::rerun-if-changed=migrations");
    for var in [
        "CI",
        "FINANCES_TEST_DATABASE_URL",
        "FINANCES_TEST_REDIS_URL",
        "FINANCES_YAHOO_FIXTURES",
        "PATH",
    ] {
        println!("cargo::rerun-if-env-changed={var}");
    }
    let ci = env::var("CI").is_ok_and(|v| v.eq_ignore_ascii_case("true") || v == "1");
    let offer = |cfg: &str, present: bool| {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if ci || present {
            println!("cargo::rustc-cfg={cfg}");
        }
    };
    offer(
        "finances_test_postgres",
        is_set("FINANCES_TEST_DATABASE_URL"),
    );
    offer("finances_test_redis", is_set("FINANCES_TEST_REDIS_URL"));
    offer("finances_test_yahoo_fixtures", yahoo_fixtures().is_some());
    offer("finances_test_tmux", on_path("tmux"));
    offer("finances_test_script", on_path("script"));
}

fn is_set(var: &str) -> bool {
    env::var(var).is_ok_and(|v| !v.trim().is_empty())
}

/// The folder `tests/support/yahoo.rs` reads: `FINANCES_YAHOO_FIXTURES`, else
/// `../shared/fixtures/yahoo` beside the project; it counts when it holds `SOURCES.md`.
fn yahoo_fixtures() -> Option<PathBuf> {
    let dir = match env::var_os("FINANCES_YAHOO_FIXTURES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(&env::var_os("CARGO_MANIFEST_DIR")?).join("../shared/fixtures/yahoo"),
    };
    let sources = dir.join("SOURCES.md");
    if !sources.is_file() {
        return None;
    }
    // Watched only when present: cargo reruns a build script at every build while a file it
    // watches is missing.
    println!("cargo::rerun-if-changed={}", sources.display());
    Some(dir)
}

fn on_path(program: &str) -> bool {
    env::var_os("PATH")
        .is_some_and(|path| env::split_paths(&path).any(|dir| is_executable(&dir.join(program))))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.with_extension("exe").is_file()
}
