//! Drives the UI without a terminal: feeds actions, runs the commands they ask for to the end
//! (in order, on the caller's task) and feeds back their results, until nothing is pending.
//! Tests, benchmarks and snapshot generation use it; the interactive loop spawns instead.

use chrono::{DateTime, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tokio::sync::mpsc;

use super::action::{Action, Command};
use super::app::App;
use super::update;
use super::worker::Worker;

/// Runs `commands` and everything they lead to.
pub async fn settle(app: &mut App, worker: &Worker, commands: Vec<Command>) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut pending = commands;
    while !pending.is_empty() {
        for cmd in std::mem::take(&mut pending) {
            worker.run(cmd, &tx).await;
            while let Ok(action) = rx.try_recv() {
                pending.extend(update::update(app, action));
            }
        }
    }
}

/// Applies an action and settles what it asks for.
pub async fn act(app: &mut App, worker: &Worker, action: Action) {
    let cmds = update::update(app, action);
    settle(app, worker, cmds).await;
}

/// A key press as the terminal reports it.
pub fn key(code: KeyCode) -> Action {
    let mods = match code {
        KeyCode::Char(c) if c.is_ascii_uppercase() => KeyModifiers::SHIFT,
        _ => KeyModifiers::NONE,
    };
    Action::Key(KeyEvent::new(code, mods))
}

pub fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Presses each character of `text` in turn.
pub async fn type_text(app: &mut App, worker: &Worker, text: &str) {
    for c in text.chars() {
        act(app, worker, key(KeyCode::Char(c))).await;
    }
}

/// Starts the UI for `user` at the given size and clock, with everything loaded.
pub async fn start(app: &mut App, worker: &Worker, width: u16, height: u16, now: DateTime<Utc>) {
    app.now = now;
    update::update(app, Action::Resize(width, height));
    let cmds = update::start(app);
    settle(app, worker, cmds).await;
}
