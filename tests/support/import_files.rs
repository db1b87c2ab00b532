//! Broker and tracker export files recorded from public projects, kept beside the repository
//! (never in it): `$FINANCES_IMPORT_FIXTURES`, else `../shared/fixtures/import`. Where they
//! are absent the tests that replay them say so and pass; the small files written for the
//! tests run everywhere.

#![allow(dead_code)]

use std::path::PathBuf;

/// The folder of recorded export files, if present.
pub fn import_fixtures_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("FINANCES_IMPORT_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/import")
        });
    dir.join("SOURCES.md").is_file().then_some(dir)
}

/// The bytes of a recorded export file such as `ofx/invstmtrs.ofx`, or `None` (with a notice
/// on stderr) when the recordings are absent.
pub fn import_fixture(name: &str) -> Option<Vec<u8>> {
    let Some(dir) = import_fixtures_dir() else {
        eprintln!(
            "skipped: the recorded import files are absent (set FINANCES_IMPORT_FIXTURES) for {name}"
        );
        return None;
    };
    let path = dir.join(name);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
