//! The one task that owns the terminal: reads keys, applies actions, draws, and hands slow
//! work to spawned tasks. The terminal is restored on every way out: a normal exit, an error,
//! Ctrl-C (a key in raw mode), SIGTERM/SIGHUP, and a panic (through the panic hook).

use std::io::{self, Stdout};
use std::sync::Once;
use std::time::Duration;

use chrono::Utc;
use crossterm::event::{Event, EventStream};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use futures::StreamExt;
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use tokio::sync::mpsc;

use crate::domain::User;
use crate::service::Services;

use super::action::{Action, Command, Preparation};
use super::app::App;
use super::keymap::Keymap;
use super::settings::TuiSettings;
use super::theme::Theme;
use super::worker::Worker;
use super::{screens, update};

#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("{0}")]
    Settings(String),
    #[error("terminal: {0}")]
    Io(#[from] io::Error),
}

/// Who uses the UI.
#[derive(Debug)]
pub enum StartAs {
    /// A known user (the local owner of a personal store, the demo user).
    User(User),
    /// Ask for a login and password first (a shared PostgreSQL store).
    Login,
    /// The user of data still being prepared (the demo portfolio being generated): the UI is
    /// drawn at once with the progress reported here, and loads the data once it is ready.
    Preparing(mpsc::UnboundedReceiver<Preparation>),
}

/// Builds the initial state from the settings, with the clock at `now`.
pub fn build_app(
    settings: &TuiSettings,
    no_color_env: bool,
    now: chrono::DateTime<Utc>,
) -> Result<App, TuiError> {
    let theme = Theme::from_settings(settings, no_color_env).map_err(TuiError::Settings)?;
    let keymap = Keymap::from_settings(settings).map_err(TuiError::Settings)?;
    Ok(App::new(settings, theme, keymap, now))
}

/// Restores the terminal when dropped.
struct TerminalGuard;

fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

static HOOK: Once = Once::new();

/// Restores the terminal before the panic message is printed.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

fn setup() -> Result<(TerminalGuard, Terminal<CrosstermBackend<Stdout>>), TuiError> {
    install_panic_hook();
    enable_raw_mode()?;
    let guard = TerminalGuard;
    execute!(io::stdout(), EnterAlternateScreen, crossterm::cursor::Hide)?;
    let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    Ok((guard, terminal))
}

/// Gives the terminal back and stops the process as the shell's job control expects; when the
/// shell continues it (`fg`), takes the terminal again and redraws everything.
#[cfg(unix)]
fn suspend(terminal: &mut Terminal<CrosstermBackend<Stdout>>) -> Result<(), TuiError> {
    restore();
    // SAFETY: raising a signal on the calling process has no memory-safety preconditions;
    // SIGTSTP's default action stops the process until SIGCONT, then `raise` returns.
    unsafe {
        libc::raise(libc::SIGTSTP);
    }
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, crossterm::cursor::Hide)?;
    terminal.clear()?;
    Ok(())
}

#[cfg(not(unix))]
fn suspend(_terminal: &mut Terminal<CrosstermBackend<Stdout>>) -> Result<(), TuiError> {
    Ok(())
}

/// Runs the UI until the user quits.
pub async fn run(
    services: Services,
    start: StartAs,
    settings: TuiSettings,
) -> Result<(), TuiError> {
    let mut app = build_app(&settings, Theme::no_color_env(), Utc::now())?;
    let (user, preparing) = match start {
        StartAs::User(u) => (Some(u), None),
        StartAs::Login => (None, None),
        StartAs::Preparing(events) => (None, Some(events)),
    };
    app.user = user.clone();
    app.preparing = preparing.is_some();
    let worker = Worker::new(services, user);
    let (guard, mut terminal) = setup()?;
    let result = event_loop(&mut app, &worker, &mut terminal, preparing).await;
    drop(terminal);
    drop(guard);
    tracing::info!("terminal UI closed");
    result
}

/// The next report of the data being prepared; never, once there is none to wait for.
async fn next_preparation(
    events: &mut Option<mpsc::UnboundedReceiver<Preparation>>,
) -> Preparation {
    if let Some(rx) = events {
        if let Some(event) = rx.recv().await {
            return event;
        }
    }
    *events = None;
    std::future::pending().await
}

/// The action a preparation report stands for; the worker acts for the prepared user first.
fn prepared(worker: &Worker, event: Preparation) -> Action {
    if let Preparation::Ready(user) = &event {
        worker.sign_in(user.clone());
    }
    Action::Prepared(event)
}

async fn event_loop(
    app: &mut App,
    worker: &Worker,
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    mut preparing: Option<mpsc::UnboundedReceiver<Preparation>>,
) -> Result<(), TuiError> {
    let (tx, mut rx) = mpsc::unbounded_channel::<Action>();
    let spawn = |cmds: Vec<Command>| {
        for cmd in cmds {
            let worker = worker.clone();
            let tx = tx.clone();
            tokio::spawn(async move { worker.run(cmd, &tx).await });
        }
    };
    let size = terminal.size()?;
    update::update(app, Action::Resize(size.width, size.height));
    spawn(update::start(app));
    // What the preparation has said so far shows in the first frame.
    while let Some(event) = preparing.as_mut().and_then(|rx| rx.try_recv().ok()) {
        spawn(update::update(app, prepared(worker, event)));
    }

    let mut events = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_millis(250));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    #[cfg(unix)]
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    #[cfg(unix)]
    let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;

    terminal.draw(|f| screens::draw(f, app))?;
    loop {
        #[cfg(unix)]
        let signal = async {
            tokio::select! {
                _ = term.recv() => (),
                _ = hup.recv() => (),
            }
        };
        #[cfg(not(unix))]
        let signal = std::future::pending::<()>();
        let action = tokio::select! {
            event = events.next() => match event {
                Some(Ok(Event::Key(key))) => Some(Action::Key(key)),
                Some(Ok(Event::Resize(w, h))) => Some(Action::Resize(w, h)),
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(e.into()),
                None => break,
            },
            Some(action) = rx.recv() => Some(action),
            event = next_preparation(&mut preparing) => Some(prepared(worker, event)),
            _ = tick.tick() => {
                if app.sync.running() || app.loading_portfolio {
                    Some(Action::Tick(Utc::now()))
                } else {
                    app.now = Utc::now();
                    None
                }
            }
            _ = signal => {
                app.should_quit = true;
                None
            }
        };
        if let Some(action) = action {
            spawn(update::update(app, action));
            // Apply whatever else is waiting before drawing once.
            while let Ok(more) = rx.try_recv() {
                spawn(update::update(app, more));
            }
        }
        if app.should_quit {
            break;
        }
        if std::mem::take(&mut app.suspend_requested) {
            suspend(terminal)?;
        }
        terminal.draw(|f| screens::draw(f, app))?;
    }
    Ok(())
}
