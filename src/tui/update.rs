//! The update step, `update(&mut App, Action) -> Vec<Command>`: a router. No I/O happens here;
//! slow work is returned as commands and its results come back as actions.
//!
//! Keys go, in order, to: what works everywhere (ctrl-c, ctrl-z), an open form, what has the
//! keyboard ([`Mode`]: the help, a confirmation, the `:` line, a filter or query being typed),
//! then the keymap of the screen in view. Keys that mean the same on every screen (quit, `?`,
//! tabs and screen numbers, `:`, `S` sync, privacy, reload) are handled here; every other is
//! handed to the screen in view (`screens::<name>::handle_intent`), and replies to what a
//! screen asked for to that screen (`screens::<name>::update`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::{Action, Command, FailureKind, Preparation, SyncEvent};
use super::app::{App, Mode, Screen};
use super::command_line;
use super::form::{Form, FormEvent, FormKey, FormKind};
use super::keymap::{Intent, Key};
use super::line_edit::LineKey;
use super::screens;

/// What to ask for when the UI starts: a sign-in form, or the portfolio.
pub fn start(app: &mut App) -> Vec<Command> {
    if app.preparing {
        // The portfolio is loaded once it is ready (`Action::Prepared`).
        app.loading_portfolio = true;
        return Vec::new();
    }
    if app.user.is_none() {
        app.form = Some(Form::login());
        app.info("Sign in to the shared database");
        return Vec::new();
    }
    app.reload()
}

pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    match action {
        Action::Key(key) => on_key(app, key),
        Action::Resize(_, height) => {
            app.page_rows = usize::from(height.saturating_sub(10)).max(1);
            Vec::new()
        }
        Action::Tick(now) => {
            app.now = now;
            app.ticks = app.ticks.wrapping_add(1);
            Vec::new()
        }
        Action::LoggedIn(result) => match result {
            Ok(user) => {
                app.info(format!("Signed in as {}", user.username.as_str()));
                app.user = Some(user);
                app.form = None;
                app.reload()
            }
            Err(f) => {
                if let Some(form) = &mut app.form {
                    form.submitting = false;
                    form.set_error(None, f.message.clone());
                }
                Vec::new()
            }
        },
        Action::PortfolioLoaded { gen, result } => {
            if gen != app.gens.portfolio {
                return Vec::new();
            }
            app.loading_portfolio = false;
            match result {
                Ok(p) => {
                    let accounts: Vec<_> = p
                        .overview
                        .groups
                        .iter()
                        .flat_map(|g| g.accounts.iter().map(|a| a.account.id))
                        .collect();
                    app.portfolio = Some(*p);
                    app.rebuild_accounts();
                    app.rebuild_holdings();
                    app.gens.histories += 1;
                    let mut cmds = vec![Command::LoadHistories {
                        gen: app.gens.histories,
                        accounts,
                    }];
                    if app.accounts.values_focus {
                        cmds.extend(screens::accounts::load_values(app));
                    }
                    cmds
                }
                Err(f) => {
                    app.error(f.summary());
                    Vec::new()
                }
            }
        }
        Action::HistoriesLoaded { .. } | Action::ValuesLoaded { .. } => {
            screens::accounts::update(app, action)
        }
        Action::ChartProgress { .. }
        | Action::ChartLoaded { .. }
        | Action::KeyFiguresLoaded { .. } => screens::security::update(app, action),
        Action::StoredMatches { .. } | Action::RemoteMatches { .. } => {
            screens::search::update(app, action)
        }
        Action::ActivitiesLoaded { .. } => screens::activities::update(app, action),
        Action::PerformanceLoaded { .. } | Action::ProposalsLoaded { .. } => {
            screens::performance::update(app, action)
        }
        Action::ProposalDecided { .. } => screens::performance::decided(app, action),
        Action::Imported { .. } => screens::import::update(app, action),
        Action::Saved { what, result } => match result {
            Ok(()) => {
                app.form = None;
                app.info(format!("Saved {what}"));
                let mut cmds = app.reload();
                // Adding a holding may have stored its security.
                cmds.extend(screens::search::refresh(app));
                cmds.extend(screens::activities::reload(app));
                cmds.extend(screens::performance::invalidate(app));
                cmds
            }
            Err(f) => {
                match &mut app.form {
                    // A ledger that would sell what it lacks is no one field's fault: the
                    // status line says so, and the form stays to be corrected.
                    Some(form)
                        if form.kind.is_activity()
                            && f.kind == FailureKind::Refused
                            && f.field.is_none() =>
                    {
                        form.submitting = false;
                        app.error(format!("{what}: {}", f.summary()));
                    }
                    Some(form) => {
                        form.submitting = false;
                        form.set_error(f.field, f.message.clone());
                    }
                    None => app.error(format!("{what}: {}", f.summary())),
                }
                Vec::new()
            }
        },
        Action::Deleted { what, result } => match result {
            Ok(()) => {
                app.info(format!("Deleted {what}"));
                let mut cmds = app.reload();
                cmds.extend(screens::activities::reload(app));
                cmds.extend(screens::performance::invalidate(app));
                cmds
            }
            Err(f) => {
                app.error(format!("cannot delete {what}: {}", f.summary()));
                Vec::new()
            }
        },
        Action::Sync(event) => on_sync(app, event),
        Action::Prepared(event) => on_prepared(app, event),
    }
}

fn on_prepared(app: &mut App, event: Preparation) -> Vec<Command> {
    match event {
        Preparation::Progress(text) => {
            app.info(text);
            Vec::new()
        }
        Preparation::Ready(user) => {
            app.preparing = false;
            app.user = Some(user);
            app.status = None;
            app.reload()
        }
        Preparation::Failed(message) => {
            app.preparing = false;
            app.loading_portfolio = false;
            app.error(message);
            Vec::new()
        }
    }
}

fn on_sync(app: &mut App, event: SyncEvent) -> Vec<Command> {
    match event {
        SyncEvent::Started { total } => {
            app.sync.total = total;
            app.sync.done = 0;
            app.sync.failed = 0;
            Vec::new()
        }
        SyncEvent::Finished { symbol, ok } => {
            app.sync.done += 1;
            if !ok {
                app.sync.failed += 1;
            }
            app.sync.current = Some(symbol.to_string());
            Vec::new()
        }
        SyncEvent::Done { symbol, message } => {
            match &symbol {
                Some(s) => app.sync.single.retain(|x| x != s),
                None => {
                    app.sync.all_running = false;
                    app.sync.current = None;
                }
            }
            match message {
                Ok(m) => app.info(m),
                Err(f) => app.error(match &symbol {
                    Some(s) => format!("sync {s}: {}", f.summary()),
                    None => format!("sync: {}", f.summary()),
                }),
            }
            let mut cmds = app.reload();
            cmds.extend(screens::search::refresh(app));
            cmds.extend(screens::performance::invalidate(app));
            if let Some(current) = app.security.symbol.clone() {
                if symbol.is_none() || symbol.as_ref() == Some(&current) {
                    cmds.extend(screens::security::load_chart(app));
                }
            }
            cmds
        }
    }
}

fn form_key(key: &KeyEvent) -> Option<FormKey> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if let Some(edit) = LineKey::from_event(key) {
        return Some(FormKey::Edit(edit));
    }
    Some(match key.code {
        KeyCode::Char('s') if ctrl => FormKey::Submit,
        KeyCode::Tab | KeyCode::Down => FormKey::Next,
        KeyCode::BackTab | KeyCode::Up => FormKey::Prev,
        KeyCode::Left => FormKey::Left,
        KeyCode::Right => FormKey::Right,
        KeyCode::Enter => FormKey::Submit,
        KeyCode::Esc => FormKey::Cancel,
        _ => return None,
    })
}

fn is_ctrl_c(key: &KeyEvent) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c')
}

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    if key.kind == crossterm::event::KeyEventKind::Release {
        return Vec::new();
    }
    if is_ctrl_c(&key) {
        app.should_quit = true;
        return Vec::new();
    }
    // As in every terminal program, and whatever has the keyboard: the event loop gives the
    // terminal back, stops the process, and takes the terminal again on `fg`.
    if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('z') {
        app.suspend_requested = true;
        return Vec::new();
    }
    if app.form.is_some() {
        return on_form_key(app, key);
    }
    match app.mode.clone() {
        Mode::Help { scroll } => {
            screens::help::handle_key(app, &key, scroll);
            Vec::new()
        }
        Mode::Confirm { what, deletion, .. } => match key.code {
            KeyCode::Char('y') | KeyCode::Char('Y') | KeyCode::Enter => {
                app.mode = Mode::Normal;
                app.info(format!("Deleting {what}..."));
                vec![Command::Delete { what, deletion }]
            }
            _ => {
                app.mode = Mode::Normal;
                app.info("Kept");
                Vec::new()
            }
        },
        Mode::CommandLine(mut line) => match key.code {
            KeyCode::Esc => {
                app.mode = Mode::Normal;
                Vec::new()
            }
            KeyCode::Enter => {
                app.mode = Mode::Normal;
                command_line::run(app, &line)
            }
            _ => {
                match LineKey::from_event(&key) {
                    // Backspace on an empty line leaves it, as in vim.
                    Some(LineKey::Backspace) if line.is_empty() => app.mode = Mode::Normal,
                    Some(edit) => {
                        edit.apply(&mut line);
                        app.mode = Mode::CommandLine(line);
                    }
                    None => {}
                }
                Vec::new()
            }
        },
        Mode::Filter => {
            if app.screen == Screen::Activities {
                screens::activities::handle_key(app, &key);
            } else {
                screens::holdings::handle_key(app, &key);
            }
            Vec::new()
        }
        Mode::Lots => screens::holdings::handle_lots_key(app, &key),
        Mode::Import => screens::import::handle_key(app, &key),
        Mode::SearchInput => screens::search::handle_key(app, &key),
        Mode::Normal => match app.keymap.intent(app.scope(), Key::from_event(&key)) {
            Some(intent) => on_intent(app, intent),
            None => Vec::new(),
        },
    }
}

fn on_form_key(app: &mut App, key: KeyEvent) -> Vec<Command> {
    let Some(fk) = form_key(&key) else {
        return Vec::new();
    };
    let Some(form) = app.form.as_mut() else {
        return Vec::new();
    };
    match form.handle(fk) {
        FormEvent::Edited => Vec::new(),
        FormEvent::Cancel => {
            if form.kind == FormKind::Login {
                app.should_quit = true;
            }
            app.form = None;
            Vec::new()
        }
        FormEvent::Submit => {
            if form.kind == FormKind::Login {
                let (login, password) = form.credentials();
                form.submitting = true;
                return vec![Command::Login { login, password }];
            }
            match form.submission() {
                Some(submission) => {
                    form.submitting = true;
                    let what = submission.what();
                    vec![Command::Submit { what, submission }]
                }
                None => Vec::new(),
            }
        }
    }
}

/// What a key means wherever it is pressed; the rest is the screen's in view.
fn on_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    use Intent::*;
    match intent {
        Quit => app.should_quit = true,
        Help => app.mode = Mode::Help { scroll: 0 },
        NextScreen => {
            let next = Screen::ALL[(app.screen.index() + 1) % Screen::ALL.len()];
            return screens::show(app, next);
        }
        PrevScreen => {
            let n = Screen::ALL.len();
            let prev = Screen::ALL[(app.screen.index() + n - 1) % n];
            return screens::show(app, prev);
        }
        GoAccounts => return screens::show(app, Screen::Accounts),
        GoHoldings => return screens::show(app, Screen::Holdings),
        GoSecurity => return screens::show(app, Screen::Security),
        GoSearch => return screens::show(app, Screen::Search),
        GoPerformance => return screens::show(app, Screen::Performance),
        CommandLine => app.mode = Mode::CommandLine(String::new()),
        Privacy => app.toggle_privacy(),
        Refresh => {
            let mut cmds = app.reload();
            match app.screen {
                Screen::Security => cmds.extend(screens::security::load_chart(app)),
                Screen::Performance => cmds.extend(screens::performance::load(app)),
                _ => {}
            }
            return cmds;
        }
        SyncAll => return app.sync_all(),
        _ => {
            return match app.screen {
                Screen::Accounts => screens::accounts::handle_intent(app, intent),
                Screen::Holdings => screens::holdings::handle_intent(app, intent),
                Screen::Activities => screens::activities::handle_intent(app, intent),
                Screen::Security => screens::security::handle_intent(app, intent),
                Screen::Search => screens::search::handle_intent(app, intent),
                Screen::Performance => screens::performance::handle_intent(app, intent),
            }
        }
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::{Deletion, Failure, FailureKind};
    use crate::tui::driver::{ctrl, key};
    use crate::tui::settings::TuiSettings;
    use chrono::TimeZone;

    fn app() -> App {
        let now = chrono::Utc.with_ymd_and_hms(2025, 6, 27, 22, 0, 0).unwrap();
        crate::tui::build_app(&TuiSettings::default(), false, now).unwrap()
    }

    fn press(app: &mut App, code: KeyCode) -> Vec<Command> {
        update(app, key(code))
    }

    #[test]
    fn screens_switch_by_number_and_tab() {
        let mut a = app();
        press(&mut a, KeyCode::Char('2'));
        assert_eq!(a.screen, Screen::Holdings);
        press(&mut a, KeyCode::Tab);
        assert_eq!(a.screen, Screen::Security);
        press(&mut a, KeyCode::Tab);
        assert_eq!(a.screen, Screen::Search);
        assert_eq!(a.mode, Mode::Normal, "the search opens without typing");
        press(&mut a, KeyCode::Char('/'));
        assert_eq!(a.mode, Mode::SearchInput);
        // Typing goes to the query, not to the keymap: '1' does not switch screens here.
        let cmds = press(&mut a, KeyCode::Char('1'));
        assert_eq!(a.search.query, "1");
        assert!(matches!(
            cmds.as_slice(),
            [Command::SearchStored { .. }, Command::SearchRemote { .. }]
        ));
        press(&mut a, KeyCode::Esc);
        press(&mut a, KeyCode::Char('1'));
        assert_eq!(a.screen, Screen::Accounts);
        press(&mut a, KeyCode::BackTab);
        assert_eq!(a.screen, Screen::Performance, "the last tab");
        press(&mut a, KeyCode::BackTab);
        assert_eq!(a.screen, Screen::Search);
        let cmds = press(&mut a, KeyCode::Char('5'));
        assert_eq!(a.screen, Screen::Performance);
        assert!(
            cmds.is_empty(),
            "asked for once, when first shown: {cmds:?}"
        );
    }

    #[test]
    fn quit_by_key_ctrl_c_and_command() {
        let mut a = app();
        press(&mut a, KeyCode::Char('q'));
        assert!(a.should_quit);
        let mut a = app();
        a.mode = Mode::SearchInput;
        update(&mut a, ctrl('c'));
        assert!(a.should_quit, "ctrl-c quits even while typing");
        let mut a = app();
        press(&mut a, KeyCode::Char(':'));
        for c in "q".chars() {
            press(&mut a, KeyCode::Char(c));
        }
        assert!(!a.should_quit);
        press(&mut a, KeyCode::Enter);
        assert!(a.should_quit);
    }

    #[test]
    fn a_bad_command_shows_why() {
        let mut a = app();
        press(&mut a, KeyCode::Char(':'));
        for c in "add AAPL ten".chars() {
            press(&mut a, KeyCode::Char(c));
        }
        press(&mut a, KeyCode::Enter);
        assert_eq!(a.mode, Mode::Normal);
        let s = a.status.clone().unwrap();
        assert_eq!(s.level, crate::tui::app::Level::Error);
        assert!(s.text.contains("'ten' is not a number"), "{}", s.text);
    }

    #[test]
    fn confirm_asks_before_deleting() {
        let mut a = app();
        a.mode = Mode::Confirm {
            prompt: "Delete x? y/n".into(),
            what: "x".into(),
            deletion: Deletion::Institution(uuid::Uuid::nil()),
        };
        assert!(press(&mut a, KeyCode::Char('n')).is_empty());
        assert_eq!(a.mode, Mode::Normal);
        a.mode = Mode::Confirm {
            prompt: "Delete x? y/n".into(),
            what: "x".into(),
            deletion: Deletion::Institution(uuid::Uuid::nil()),
        };
        let cmds = press(&mut a, KeyCode::Char('y'));
        assert!(matches!(
            cmds.as_slice(),
            [Command::Delete {
                deletion: Deletion::Institution(_),
                ..
            }]
        ));
    }

    #[test]
    fn forms_validate_before_sending_and_take_service_errors() {
        let mut a = app();
        a.form = Some(Form::new_institution());
        assert!(
            press(&mut a, KeyCode::Enter).is_empty(),
            "an empty name is not sent"
        );
        assert!(a.form.as_ref().unwrap().fields[0].error.is_some());
        for c in "Big Bank".chars() {
            press(&mut a, KeyCode::Char(c));
        }
        let cmds = press(&mut a, KeyCode::Enter);
        assert!(matches!(cmds.as_slice(), [Command::Submit { .. }]));
        assert!(a.form.as_ref().unwrap().submitting);
        update(
            &mut a,
            Action::Saved {
                what: "institution".into(),
                result: Err(Failure {
                    kind: FailureKind::Invalid,
                    message: "must be 1 to 255 characters".into(),
                    field: Some("name"),
                }),
            },
        );
        let f = a.form.as_ref().expect("the form stays open");
        assert!(!f.submitting);
        assert_eq!(
            f.fields[0].error.as_deref(),
            Some("must be 1 to 255 characters")
        );
        press(&mut a, KeyCode::Esc);
        assert!(a.form.is_none());
    }

    #[test]
    fn data_being_prepared_shows_its_progress_then_loads() {
        let mut a = app();
        a.preparing = true;
        assert!(start(&mut a).is_empty(), "nothing to load yet");
        assert!(a.form.is_none(), "no sign-in while preparing");
        assert!(a.loading_portfolio);
        update(
            &mut a,
            Action::Prepared(Preparation::Progress("prices of 3 of 23".into())),
        );
        assert_eq!(a.status.as_ref().unwrap().text, "prices of 3 of 23");
        let user = crate::domain::User {
            id: uuid::Uuid::nil(),
            email: crate::domain::Email::parse("demo@example.com").unwrap(),
            username: crate::domain::Username::parse("demo").unwrap(),
            password_hash: String::new(),
            is_superuser: true,
            is_active: true,
            base_currency: crate::domain::CurrencyCode::usd(),
            created_at: a.now,
            updated_at: a.now,
        };
        let cmds = update(&mut a, Action::Prepared(Preparation::Ready(user)));
        assert!(matches!(cmds.as_slice(), [Command::LoadPortfolio { .. }]));
        assert!(a.user.is_some() && !a.preparing && a.status.is_none());
    }

    #[test]
    fn privacy_toggles() {
        let mut a = app();
        press(&mut a, KeyCode::Char('p'));
        assert!(a.privacy);
        press(&mut a, KeyCode::Char('p'));
        assert!(!a.privacy);
    }
}
