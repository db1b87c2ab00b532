//! The update step: `update(&mut App, Action) -> Vec<Command>`. No I/O happens here; slow work
//! is returned as commands and its results come back as actions.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::domain::Symbol;
use crate::service::portfolio::SecurityRef;

use super::action::{Action, Command, Deletion, Preparation, Submission, SyncEvent};
use super::app::{AccountLine, App, Column, Mode, Screen};
use super::command_line::{self, Cmd};
use super::form::{Form, FormEvent, FormKey, FormKind};
use super::keymap::{Intent, Key};
use super::line_edit::LineKey;

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
    reload(app)
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
                reload(app)
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
                        cmds.extend(load_values(app));
                    }
                    cmds
                }
                Err(f) => {
                    app.error(f.summary());
                    Vec::new()
                }
            }
        }
        Action::HistoriesLoaded { gen, result } => {
            if gen == app.gens.histories {
                match result {
                    Ok(h) => app.accounts.histories = h,
                    Err(f) => app.error(f.summary()),
                }
            }
            Vec::new()
        }
        Action::ValuesLoaded {
            gen,
            account,
            result,
        } => {
            if gen == app.gens.values {
                match result {
                    Ok(values) => {
                        app.accounts.values = values;
                        app.accounts.values_of = Some(account);
                        let n = app.accounts.values.len();
                        app.accounts.value_selected =
                            app.accounts.value_selected.min(n.saturating_sub(1));
                    }
                    Err(f) => app.error(f.summary()),
                }
            }
            Vec::new()
        }
        Action::ChartProgress { gen, step } => {
            if gen == app.gens.chart {
                app.security.fetching = Some(step);
            }
            Vec::new()
        }
        Action::ChartLoaded { gen, result } => {
            if gen == app.gens.chart {
                app.security.loading = false;
                app.security.fetching = None;
                match result {
                    Ok(data) => {
                        let n = data.series.bars.len();
                        app.security.crosshair =
                            app.security.crosshair.map(|c| c.min(n.saturating_sub(1)));
                        app.security.error = None;
                        app.security.chart = Some(*data);
                    }
                    Err(f) => {
                        app.security.chart = None;
                        app.security.error = Some(f.summary());
                    }
                }
            }
            Vec::new()
        }
        Action::KeyFiguresLoaded { gen, result } => {
            if gen == app.gens.figures {
                match result {
                    Ok(k) => {
                        app.security.figures = Some(k);
                        app.security.figures_error = None;
                    }
                    Err(f) => {
                        app.security.figures_error = Some(match f.kind {
                            // Stored prices would have given figures: there are none.
                            super::action::FailureKind::Offline => "offline, none stored".into(),
                            _ => f.summary(),
                        })
                    }
                }
            }
            Vec::new()
        }
        Action::StoredMatches { gen, result } => {
            if gen == app.gens.search {
                match result {
                    Ok(found) => {
                        app.search.stored = found
                            .into_iter()
                            .map(crate::service::securities::SearchResult::from)
                            .collect();
                        clamp_search(app);
                    }
                    Err(f) => app.error(f.summary()),
                }
            }
            Vec::new()
        }
        Action::RemoteMatches { gen, result } => {
            if gen == app.gens.search {
                app.search.remote_pending = false;
                match result {
                    Ok(r) => {
                        app.search.remote_error = r.yahoo_error.clone();
                        app.search.remote = r.results;
                    }
                    Err(f) => app.search.remote_error = Some(f.summary()),
                }
                clamp_search(app);
            }
            Vec::new()
        }
        Action::Saved { what, result } => match result {
            Ok(()) => {
                app.form = None;
                app.info(format!("Saved {what}"));
                let mut cmds = reload(app);
                // Adding a holding may have stored its security.
                cmds.extend(refresh_search(app));
                cmds
            }
            Err(f) => {
                match &mut app.form {
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
                reload(app)
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
            reload(app)
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
            let mut cmds = reload(app);
            cmds.extend(refresh_search(app));
            if let Some(current) = app.security.symbol.clone() {
                if symbol.is_none() || symbol.as_ref() == Some(&current) {
                    cmds.extend(load_chart(app));
                }
            }
            cmds
        }
    }
}

/// Asks for the portfolio again (after a write or a sync).
pub fn reload(app: &mut App) -> Vec<Command> {
    if app.user.is_none() {
        return Vec::new();
    }
    app.gens.portfolio += 1;
    app.loading_portfolio = true;
    vec![Command::LoadPortfolio {
        gen: app.gens.portfolio,
    }]
}

fn load_values(app: &mut App) -> Vec<Command> {
    let Some(account) = app.selected_account().map(|a| a.account.id) else {
        return Vec::new();
    };
    app.gens.values += 1;
    if app.accounts.values_of != Some(account) {
        app.accounts.values.clear();
        app.accounts.value_selected = 0;
    }
    vec![Command::LoadValues {
        gen: app.gens.values,
        account,
    }]
}

fn load_chart(app: &mut App) -> Vec<Command> {
    let Some(symbol) = app.security.symbol.clone() else {
        return Vec::new();
    };
    app.gens.chart += 1;
    app.security.loading = true;
    vec![Command::LoadChart {
        gen: app.gens.chart,
        symbol,
        range: app.security.range,
        today: app.now,
    }]
}

/// Shows a security's chart, figures and the user's position in it.
pub fn open_security(app: &mut App, symbol: Symbol) -> Vec<Command> {
    app.screen = Screen::Security;
    app.mode = Mode::Normal;
    if app.security.symbol.as_ref() != Some(&symbol) {
        app.security.chart = None;
        app.security.figures = None;
        app.security.figures_error = None;
        app.security.crosshair = None;
        app.security.error = None;
        app.security.fetching = None;
    }
    app.security.symbol = Some(symbol.clone());
    app.gens.figures += 1;
    let mut cmds = load_chart(app);
    cmds.push(Command::LoadKeyFigures {
        gen: app.gens.figures,
        symbol,
    });
    cmds
}

fn clamp_search(app: &mut App) {
    let n = app.search.len();
    if app.search.selected >= n {
        app.search.selected = n.saturating_sub(1);
    }
}

fn search(app: &mut App) -> Vec<Command> {
    app.gens.search += 1;
    let query = app.search.query.trim().to_string();
    if query.is_empty() {
        app.search.stored.clear();
        app.search.remote.clear();
        app.search.remote_pending = false;
        app.search.remote_error = None;
        return Vec::new();
    }
    app.search.remote_pending = true;
    app.search.remote_error = None;
    vec![
        Command::SearchStored {
            gen: app.gens.search,
            query: query.clone(),
        },
        Command::SearchRemote {
            gen: app.gens.search,
            query,
        },
    ]
}

/// Asks for the search results again when something may have changed what is stored (a sync,
/// a holding added). Only the stored matches can have changed; Yahoo is asked again only when
/// its answer to the query is still out, since the new generation drops that answer.
fn refresh_search(app: &mut App) -> Vec<Command> {
    let query = app.search.query.trim().to_string();
    if query.is_empty() {
        return Vec::new();
    }
    if app.search.remote_pending {
        return search(app);
    }
    app.gens.search += 1;
    vec![Command::SearchStored {
        gen: app.gens.search,
        query,
    }]
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
            match key.code {
                KeyCode::Char('j') | KeyCode::Down => {
                    app.mode = Mode::Help {
                        scroll: scroll.saturating_add(1),
                    }
                }
                KeyCode::Char('k') | KeyCode::Up => {
                    app.mode = Mode::Help {
                        scroll: scroll.saturating_sub(1),
                    }
                }
                KeyCode::PageDown | KeyCode::Char(' ') => {
                    app.mode = Mode::Help {
                        scroll: scroll.saturating_add(10),
                    }
                }
                KeyCode::PageUp => {
                    app.mode = Mode::Help {
                        scroll: scroll.saturating_sub(10),
                    }
                }
                _ => app.mode = Mode::Normal,
            }
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
                run_command_line(app, &line)
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
            match key.code {
                KeyCode::Esc => {
                    app.holdings.filter.clear();
                    app.mode = Mode::Normal;
                    app.reorder_holdings();
                }
                KeyCode::Enter => app.mode = Mode::Normal,
                KeyCode::Down => move_rows(app, 1),
                KeyCode::Up => move_rows(app, -1),
                _ => {
                    if let Some(edit) = LineKey::from_event(&key) {
                        if edit.apply(&mut app.holdings.filter) {
                            app.holdings.selected = 0;
                            app.reorder_holdings();
                        }
                    }
                }
            }
            Vec::new()
        }
        Mode::SearchInput => match key.code {
            KeyCode::Esc => {
                app.mode = Mode::Normal;
                Vec::new()
            }
            KeyCode::Enter => match app.selected_search().map(|r| r.symbol.clone()) {
                Some(symbol) => open_security(app, symbol),
                None => Vec::new(),
            },
            KeyCode::Down => {
                move_rows(app, 1);
                Vec::new()
            }
            KeyCode::Up => {
                move_rows(app, -1);
                Vec::new()
            }
            KeyCode::Tab => {
                app.mode = Mode::Normal;
                switch_screen(app, Screen::Accounts)
            }
            _ => match LineKey::from_event(&key) {
                Some(edit) if edit.apply(&mut app.search.query) => {
                    app.search.selected = 0;
                    search(app)
                }
                _ => Vec::new(),
            },
        },
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
                    let what = describe(&submission);
                    vec![Command::Submit { what, submission }]
                }
                None => Vec::new(),
            }
        }
    }
}

fn describe(s: &Submission) -> String {
    match s {
        Submission::CreateInstitution(n) => format!("institution {}", n.name),
        Submission::UpdateInstitution(..) => "institution".into(),
        Submission::CreateAccount(n) => format!("account {}", n.name),
        Submission::UpdateAccount(..) => "account".into(),
        Submission::CreateValue { .. } | Submission::UpdateValue { .. } => "balance".into(),
        Submission::CreateHolding { security, .. } => match security {
            SecurityRef::Symbol(s) => format!("holding {s}"),
            SecurityRef::Id(_) => "holding".into(),
        },
        Submission::UpdateHolding { .. } => "holding".into(),
    }
}

fn switch_screen(app: &mut App, screen: Screen) -> Vec<Command> {
    app.screen = screen;
    app.mode = Mode::Normal;
    match screen {
        Screen::Security if app.security.symbol.is_none() => {
            // Open the selected holding, if any, rather than an empty screen.
            if let Some(symbol) = app.selected_holding().map(|r| r.symbol.clone()) {
                return open_security(app, symbol);
            }
        }
        _ => {}
    }
    Vec::new()
}

fn move_rows(app: &mut App, delta: isize) {
    fn step(current: usize, len: usize, delta: isize) -> usize {
        if len == 0 {
            return 0;
        }
        (current as isize + delta).clamp(0, len as isize - 1) as usize
    }
    match app.screen {
        Screen::Accounts if app.accounts.values_focus => {
            let n = app.accounts.values.len();
            app.accounts.value_selected = step(app.accounts.value_selected, n, delta);
        }
        Screen::Accounts => {
            let lines = &app.accounts.lines;
            let accounts: Vec<usize> = (0..lines.len())
                .filter(|i| matches!(lines[*i], AccountLine::Account(..)))
                .collect();
            if accounts.is_empty() {
                return;
            }
            let at = accounts
                .iter()
                .position(|i| *i >= app.accounts.selected)
                .unwrap_or(0);
            app.accounts.selected = accounts[step(at, accounts.len(), delta)];
        }
        Screen::Holdings => {
            app.holdings.selected = step(app.holdings.selected, app.holdings.order.len(), delta);
        }
        Screen::Search => {
            app.search.selected = step(app.search.selected, app.search.len(), delta);
        }
        Screen::Security => {}
    }
}

fn confirm(app: &mut App, what: String, deletion: Deletion) {
    app.mode = Mode::Confirm {
        prompt: format!("Delete {what}? y/n"),
        what,
        deletion,
    };
}

fn institutions(app: &App) -> Vec<(uuid::Uuid, String)> {
    app.portfolio
        .iter()
        .flat_map(|p| p.overview.groups.iter())
        .filter_map(|g| g.institution.as_ref())
        .map(|i| (i.id, i.name.clone()))
        .collect()
}

fn selected_institution(app: &App) -> Option<crate::domain::Institution> {
    let line = app.accounts.lines.get(app.accounts.selected)?;
    let g = match line {
        AccountLine::Institution(g) | AccountLine::Account(g, _) => *g,
    };
    app.portfolio
        .as_ref()?
        .overview
        .groups
        .get(g)?
        .institution
        .clone()
}

fn new_holding_form(app: &mut App, symbol: &str, shares: &str, price: &str) {
    let accounts = app.investment_accounts();
    if accounts.is_empty() {
        app.error("no investment account: create one first (n on Accounts, Investment: yes)");
        return;
    }
    let account = app.default_holding_account(Symbol::parse(symbol).ok().as_ref());
    app.form = Some(Form::new_holding(
        &accounts,
        account,
        symbol,
        shares,
        price,
        app.now.date_naive(),
    ));
}

/// The one account `name` means: the account of that name (any case), else the only one whose
/// institution and name hold every word of it. When several match, the error names them so
/// that the user can say which.
fn find_account(app: &App, name: &str) -> Result<uuid::Uuid, String> {
    let needle = name.trim().to_lowercase();
    let accounts: Vec<(uuid::Uuid, &str, String)> = app
        .portfolio
        .iter()
        .flat_map(|p| p.overview.groups.iter())
        .flat_map(|g| {
            g.accounts.iter().map(move |a| {
                let name = a.account.name.as_str();
                let label = match &g.institution {
                    Some(i) => format!("{} {name}", i.name),
                    None => name.to_string(),
                };
                (a.account.id, name, label)
            })
        })
        .collect();
    let exact: Vec<_> = accounts
        .iter()
        .filter(|(_, n, l)| n.to_lowercase() == needle || l.to_lowercase() == needle)
        .collect();
    // Every word typed somewhere in the institution and name: `northwind roth`.
    let found = if exact.is_empty() {
        accounts
            .iter()
            .filter(|(_, _, l)| {
                let label = l.to_lowercase();
                needle.split_whitespace().all(|w| label.contains(w))
            })
            .collect()
    } else {
        exact
    };
    match found.as_slice() {
        [] => Err(format!("no account named '{name}'")),
        [(id, _, _)] => Ok(*id),
        several => {
            // Names alone, unless two are alike: then with their institutions.
            let alike = several
                .iter()
                .any(|(_, n, _)| several.iter().filter(|(_, m, _)| m == n).count() > 1);
            let names: Vec<&str> = several
                .iter()
                .map(|(_, n, l)| if alike { l.as_str() } else { *n })
                .collect();
            Err(format!(
                "'{name}' is {} accounts: {}; say which",
                several.len(),
                names.join(", ")
            ))
        }
    }
}

fn on_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    use Intent::*;
    let page = app.page_rows.max(1) as isize;
    match intent {
        Quit => app.should_quit = true,
        Help => app.mode = Mode::Help { scroll: 0 },
        NextScreen => {
            let next = Screen::ALL[(app.screen.index() + 1) % Screen::ALL.len()];
            return switch_screen(app, next);
        }
        PrevScreen => {
            let n = Screen::ALL.len();
            let prev = Screen::ALL[(app.screen.index() + n - 1) % n];
            return switch_screen(app, prev);
        }
        GoAccounts => return switch_screen(app, Screen::Accounts),
        GoHoldings => return switch_screen(app, Screen::Holdings),
        GoSecurity => return switch_screen(app, Screen::Security),
        GoSearch => return switch_screen(app, Screen::Search),
        Up => move_rows(app, -1),
        Down => move_rows(app, 1),
        PageUp => move_rows(app, -page),
        PageDown => move_rows(app, page),
        Top => move_rows(app, isize::MIN / 2),
        Bottom => move_rows(app, isize::MAX / 2),
        CommandLine => app.mode = Mode::CommandLine(String::new()),
        Privacy => {
            app.privacy = !app.privacy;
            app.info(if app.privacy {
                "Amounts masked"
            } else {
                "Amounts shown"
            });
        }
        Refresh => {
            let mut cmds = reload(app);
            if app.screen == Screen::Security {
                cmds.extend(load_chart(app));
            }
            return cmds;
        }
        SyncAll => {
            if app.sync.all_running {
                app.warn("a sync of everything is already running");
                return Vec::new();
            }
            app.sync.all_running = true;
            app.sync.total = 0;
            app.sync.done = 0;
            app.sync.failed = 0;
            app.info("Syncing every held security and exchange rate...");
            return vec![Command::SyncAll];
        }
        SyncOne => {
            let symbol = match app.screen {
                Screen::Security => app.security.symbol.clone(),
                Screen::Holdings => app.selected_holding().map(|r| r.symbol.clone()),
                Screen::Search => app.selected_search().map(|r| r.symbol.clone()),
                Screen::Accounts => None,
            };
            return match symbol {
                Some(s) => sync_one(app, s),
                None => Vec::new(),
            };
        }
        Back => match app.screen {
            Screen::Accounts => app.accounts.values_focus = false,
            Screen::Holdings => {
                if !app.holdings.filter.is_empty() {
                    app.holdings.filter.clear();
                    app.reorder_holdings();
                } else if app.holdings.account.is_some() {
                    app.holdings.account = None;
                    app.rebuild_holdings();
                }
            }
            Screen::Security => app.security.crosshair = None,
            Screen::Search => {}
        },
        Open => match app.screen {
            Screen::Accounts => {
                if let Some(id) = app.selected_account().map(|a| a.account.id) {
                    app.holdings.account = Some(id);
                    app.holdings.selected = 0;
                    app.holdings.filter.clear();
                    app.rebuild_holdings();
                    app.screen = Screen::Holdings;
                }
            }
            Screen::Holdings => {
                if let Some(symbol) = app.selected_holding().map(|r| r.symbol.clone()) {
                    return open_security(app, symbol);
                }
            }
            Screen::Search => {
                if let Some(symbol) = app.selected_search().map(|r| r.symbol.clone()) {
                    return open_security(app, symbol);
                }
            }
            Screen::Security => {}
        },
        Values => {
            app.accounts.values_focus = !app.accounts.values_focus;
            if app.accounts.values_focus {
                return load_values(app);
            }
        }
        New => match app.scope() {
            super::keymap::Scope::Values => {
                if let Some(a) = app.selected_account() {
                    app.form = Some(Form::new_value(a, app.now.date_naive()));
                }
            }
            super::keymap::Scope::Accounts => {
                let inst = selected_institution(app).map(|i| i.id);
                app.form = Some(Form::new_account(
                    &institutions(app),
                    inst,
                    &app.base_currency(),
                ));
            }
            super::keymap::Scope::Holdings => new_holding_form(app, "", "", ""),
            _ => {}
        },
        NewInstitution => app.form = Some(Form::new_institution()),
        Edit => match app.scope() {
            super::keymap::Scope::Values => {
                let name = app
                    .selected_account()
                    .map(|a| a.account.name.clone())
                    .unwrap_or_default();
                if let Some(v) = app.accounts.values.get(app.accounts.value_selected) {
                    app.form = Some(Form::edit_value(&name, v));
                }
            }
            super::keymap::Scope::Accounts => {
                if let Some(a) = app.selected_account() {
                    app.form = Some(Form::edit_account(&institutions(app), a));
                }
            }
            super::keymap::Scope::Holdings => {
                if let Some(r) = app.selected_holding() {
                    app.form = Some(Form::edit_holding(r));
                }
            }
            _ => {}
        },
        EditInstitution => {
            if let Some(i) = selected_institution(app) {
                app.form = Some(Form::edit_institution(&i));
            }
        }
        Delete => match app.scope() {
            super::keymap::Scope::Values => {
                if let Some(v) = app.accounts.values.get(app.accounts.value_selected) {
                    let what = format!("the balance of {}", v.timestamp.date_naive());
                    let deletion = Deletion::Value {
                        account: v.account_id,
                        id: v.id,
                    };
                    confirm(app, what, deletion);
                }
            }
            super::keymap::Scope::Accounts => {
                if let Some(a) = app.selected_account() {
                    let what = format!("account {} with its balances and holdings", a.account.name);
                    let deletion = Deletion::Account(a.account.id);
                    confirm(app, what, deletion);
                }
            }
            super::keymap::Scope::Holdings => {
                if let Some(r) = app.selected_holding() {
                    let what = format!("holding {} in {}", r.symbol, r.account_name);
                    let deletion = Deletion::Holding {
                        account: r.account_id,
                        id: r.holding_id,
                    };
                    confirm(app, what, deletion);
                }
            }
            _ => {}
        },
        DeleteInstitution => {
            if let Some(i) = selected_institution(app) {
                confirm(
                    app,
                    format!("institution {} (its accounts stay)", i.name),
                    Deletion::Institution(i.id),
                );
            }
        }
        NextAccount | PrevAccount => {
            let mut ids: Vec<Option<uuid::Uuid>> = vec![None];
            ids.extend(
                app.investment_accounts()
                    .into_iter()
                    .map(|(id, _)| Some(id)),
            );
            let at = ids
                .iter()
                .position(|i| *i == app.holdings.account)
                .unwrap_or(0);
            let n = ids.len();
            let next = if intent == NextAccount {
                (at + 1) % n
            } else {
                (at + n - 1) % n
            };
            app.holdings.account = ids[next];
            app.holdings.selected = 0;
            app.rebuild_holdings();
        }
        Filter => app.mode = Mode::Filter,
        SortNext | SortPrev => {
            let current = app.holdings.sort.map(|(c, _)| c);
            let i = current
                .and_then(|c| Column::ALL.iter().position(|x| *x == c))
                .map_or(0, |i| {
                    let n = Column::ALL.len();
                    if intent == SortNext {
                        (i + 1) % n
                    } else {
                        (i + n - 1) % n
                    }
                });
            let column = Column::ALL[i];
            let descending = !matches!(column, Column::Symbol | Column::Account | Column::Name);
            app.holdings.sort = Some((column, descending));
            app.reorder_holdings();
        }
        SortReverse => {
            if let Some((c, d)) = app.holdings.sort {
                app.holdings.sort = Some((c, !d));
                app.reorder_holdings();
            }
        }
        ChartStyle => {
            use super::settings::ChartStyle as S;
            app.security.style = match app.security.style {
                S::Line => S::Candles,
                S::Candles => S::Line,
            };
        }
        RangeNext | RangePrev => {
            let range = if intent == RangeNext {
                app.security.range.next()
            } else {
                app.security.range.prev()
            };
            if range != app.security.range {
                app.security.range = range;
                app.security.crosshair = None;
                return load_chart(app);
            }
        }
        CrosshairLeft | CrosshairRight | CrosshairFarLeft | CrosshairFarRight => {
            let n = app
                .security
                .chart
                .as_ref()
                .map_or(0, |c| c.series.bars.len());
            if n == 0 {
                return Vec::new();
            }
            let last = n - 1;
            let at = app.security.crosshair.unwrap_or(last);
            app.security.crosshair = Some(match intent {
                CrosshairLeft => at.saturating_sub(1),
                CrosshairRight => (at + 1).min(last),
                CrosshairFarLeft => at.saturating_sub((n / 10).max(1)),
                _ => (at + (n / 10).max(1)).min(last),
            });
        }
        CrosshairOff => app.security.crosshair = None,
        AddHolding => {
            let (symbol, price) = match app.screen {
                Screen::Security => (
                    app.security.symbol.clone(),
                    app.security
                        .chart
                        .as_ref()
                        .and_then(|c| c.series.bars.last())
                        .map(|b| b.close),
                ),
                Screen::Search => (app.selected_search().map(|r| r.symbol.clone()), None),
                _ => (None, None),
            };
            if let Some(symbol) = symbol {
                let price = price.map(|p| p.normalize().to_string()).unwrap_or_default();
                new_holding_form(app, symbol.as_str(), "", &price);
            }
        }
        Type => app.mode = Mode::SearchInput,
    }
    Vec::new()
}

fn sync_one(app: &mut App, symbol: Symbol) -> Vec<Command> {
    if app.sync.single.contains(&symbol) {
        app.warn(format!("{symbol} is already syncing"));
        return Vec::new();
    }
    app.sync.single.push(symbol.clone());
    app.info(format!("Syncing {symbol}..."));
    vec![Command::Sync(symbol)]
}

fn run_command_line(app: &mut App, line: &str) -> Vec<Command> {
    let cmd = match command_line::parse(line) {
        Ok(c) => c,
        Err(e) => {
            app.error(e);
            return Vec::new();
        }
    };
    match cmd {
        Cmd::Quit => app.should_quit = true,
        Cmd::Help => app.mode = Mode::Help { scroll: 0 },
        Cmd::Account(None) => {
            app.holdings.account = None;
            app.rebuild_holdings();
            app.screen = Screen::Holdings;
        }
        Cmd::Account(Some(name)) => match find_account(app, &name) {
            Ok(id) => {
                app.holdings.account = Some(id);
                app.holdings.selected = 0;
                app.rebuild_holdings();
                app.screen = Screen::Holdings;
                if let Some(i) = app
                    .accounts
                    .lines
                    .iter()
                    .position(|l| app.account_summary(*l).is_some_and(|s| s.account.id == id))
                {
                    app.accounts.selected = i;
                }
            }
            Err(why) => app.error(why),
        },
        Cmd::Add {
            symbol,
            shares,
            price,
        } => match (price, app.account_in_view()) {
            (Some(price), Some(account)) => {
                let what = format!(
                    "holding {symbol} in {}",
                    app.account_name(account).unwrap_or("the account")
                );
                if let Err(e) =
                    crate::domain::NewHolding::new(uuid::Uuid::nil(), shares, price, app.now)
                {
                    app.error(format!("{}: {}", e.field, e.message));
                    return Vec::new();
                }
                app.info(format!("Adding {what}..."));
                return vec![Command::Submit {
                    what,
                    submission: Submission::CreateHolding {
                        account,
                        security: SecurityRef::Symbol(symbol),
                        shares,
                        price,
                        timestamp: None,
                    },
                }];
            }
            // No price, or no one account in view: the form asks for what is missing.
            (price, _) => {
                let price = price.map(|p| p.to_string()).unwrap_or_default();
                new_holding_form(app, symbol.as_str(), &shares.to_string(), &price);
                // The cursor on the first thing to fill in: the account, else the price.
                if let Some(f) = &mut app.form {
                    if let Some(i) = f.fields.iter().position(|f| f.value.trim().is_empty()) {
                        f.focus = i;
                    }
                }
            }
        },
        Cmd::Open(symbol) => return open_security(app, symbol),
        Cmd::Search(q) => {
            app.screen = Screen::Search;
            app.mode = Mode::Normal;
            app.search.query = q;
            app.search.selected = 0;
            return search(app);
        }
        Cmd::Sync(None) => return on_intent(app, Intent::SyncAll),
        Cmd::Sync(Some(s)) => return sync_one(app, s),
        Cmd::Range(r) => {
            app.security.range = r;
            app.security.crosshair = None;
            if app.screen == Screen::Security {
                return load_chart(app);
            }
        }
        Cmd::Sort(c, dir) => {
            let descending = dir.unwrap_or(!matches!(
                c,
                Column::Symbol | Column::Account | Column::Name
            ));
            app.holdings.sort = Some((c, descending));
            app.reorder_holdings();
            app.screen = Screen::Holdings;
        }
        Cmd::Filter(f) => {
            app.holdings.filter = f;
            app.holdings.selected = 0;
            app.reorder_holdings();
            app.screen = Screen::Holdings;
        }
        Cmd::Privacy => return on_intent(app, Intent::Privacy),
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::action::{ChartData, Failure, FailureKind};
    use crate::tui::app::Range;
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
        assert_eq!(a.screen, Screen::Search);
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
    fn stale_replies_are_dropped() {
        let mut a = app();
        a.security.symbol = Some(Symbol::parse("AAPL").unwrap());
        let first = load_chart(&mut a);
        let second = load_chart(&mut a);
        let gen = |c: &[Command]| match c {
            [Command::LoadChart { gen, .. }] => *gen,
            other => panic!("{other:?}"),
        };
        let (old, new) = (gen(&first), gen(&second));
        assert!(new > old);
        let failure = Failure {
            kind: FailureKind::Offline,
            message: "old".into(),
            field: None,
        };
        update(
            &mut a,
            Action::ChartLoaded {
                gen: old,
                result: Err(failure.clone()),
            },
        );
        assert!(a.security.loading, "the old reply changes nothing");
        assert!(a.security.error.is_none());
        update(
            &mut a,
            Action::ChartLoaded {
                gen: new,
                result: Err(failure),
            },
        );
        assert!(!a.security.loading);
        assert_eq!(a.security.error.as_deref(), Some("offline: old"));
        let _ = std::mem::size_of::<ChartData>();
    }

    #[test]
    fn range_keys_reload_the_chart_and_stop_at_the_ends() {
        let mut a = app();
        a.screen = Screen::Security;
        a.security.symbol = Some(Symbol::parse("AAPL").unwrap());
        a.security.range = Range::Y5;
        let cmds = press(&mut a, KeyCode::Char(']'));
        assert_eq!(a.security.range, Range::Max);
        assert!(matches!(
            cmds.as_slice(),
            [Command::LoadChart {
                range: Range::Max,
                ..
            }]
        ));
        assert!(
            press(&mut a, KeyCode::Char(']')).is_empty(),
            "no range after MAX"
        );
        a.security.range = Range::D1;
        assert!(press(&mut a, KeyCode::Char('[')).is_empty());
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
