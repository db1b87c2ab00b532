//! `finances serve` as a process of its own: the built binary on a free port with the default
//! configuration, a fresh data directory, Yahoo at a stand-in, and whatever environment a test
//! adds; killed and cleaned up when dropped.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use super::yahoo::FakeYahoo;

pub struct Served {
    pub child: Child,
    pub base: String,
    pub dir: PathBuf,
}

impl Served {
    /// Starts the binary with `env` set (on SQLite in its data directory unless `env` names a
    /// database) and waits for its startup line, which names its address.
    pub fn start(yahoo: &FakeYahoo, env: &[(&str, &str)]) -> Self {
        let dir = std::env::temp_dir().join(format!("finances-serve-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let config = dir.join("config.toml");
        std::fs::write(&config, "").unwrap();
        let log = std::fs::File::create(dir.join("stderr.log")).unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_finances"));
        command
            .arg("--config")
            .arg(&config)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("FINANCES_DATA_DIR", &dir)
            .env("FINANCES_YAHOO_BASE_URL", yahoo.url.as_str())
            .env_remove("FINANCES_DATABASE_URL")
            .env_remove("FINANCES_REDIS_URL")
            .env_remove("FINANCES_BIND")
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log);
        let mut child = command.spawn().unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines
            .next()
            .expect("a startup line")
            .expect("readable stdout");
        let base = first
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {first:?}"))
            .to_string();
        // Keep reading so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Self { child, base, dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// What the server wrote to stderr.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("stderr.log")).unwrap_or_default()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
