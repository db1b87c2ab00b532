//! The screens. Each is one module holding its state, its keys and its drawing, and the one
//! file to open to change it:
//!
//! - [`accounts`] (`screens/accounts/mod.rs`): institutions with their accounts, and the
//!   balances of one account;
//! - [`holdings`] (`screens/holdings/mod.rs`): the positions of one account or all, and the
//!   open lots of one;
//! - [`activities`] (`screens/activities/mod.rs`): one investment account's ledger;
//! - [`security`] (`screens/security/mod.rs`): one security's chart, figures and position;
//! - [`search`] (`screens/search.rs`): stored and Yahoo's matches of a query;
//! - [`performance`] (`screens/performance/mod.rs`): the portfolio's returns over a range,
//!   each account's beside them, and what they are computed from;
//! - [`help`] (`screens/help.rs`): the `?` overlay.
//!
//! Each has `handle_intent` for the keys the keymap reads on it (plus `handle_key` where text is
//! typed), `update` for the replies to what it asked for, and `draw`, a pure function of the
//! state. A new key is an `Intent` bound in `keymap.rs` (whose table also writes its line of
//! help) and handled in the screen's `handle_intent`; the forms a screen opens are in `form/`.
//! Here: the frame around the screens (tabs, status bar, overlays), switching between them, and
//! what their lists share.

pub mod accounts;
pub mod activities;
pub mod help;
pub mod holdings;
pub mod import;
pub mod performance;
pub mod search;
pub mod security;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::domain::valuation::describe_missing;

use super::action::Command;
use super::app::{App, Mode, Screen};
use super::keymap::Intent;
use super::widgets::{form, format, popup, status_bar};

/// Shows `screen`. The security screen with nothing open opens the holding under the cursor,
/// if any, rather than an empty screen; the performance screen asks for its figures the first
/// time.
pub fn show(app: &mut App, screen: Screen) -> Vec<Command> {
    app.screen = screen;
    app.mode = Mode::Normal;
    if screen == Screen::Performance {
        return performance::on_show(app);
    }
    if screen == Screen::Security && app.security.symbol.is_none() {
        if let Some(symbol) = app.selected_holding().map(|r| r.symbol.clone()) {
            return security::open(app, symbol);
        }
    }
    Vec::new()
}

/// The rows a movement key moves the cursor by, with `page` rows to a page.
pub fn movement(intent: Intent, page: usize) -> Option<isize> {
    let page = page.max(1) as isize;
    Some(match intent {
        Intent::Up => -1,
        Intent::Down => 1,
        Intent::PageUp => -page,
        Intent::PageDown => page,
        Intent::Top => isize::MIN / 2,
        Intent::Bottom => isize::MAX / 2,
        _ => return None,
    })
}

/// Row `current` of `len` moved by `delta`, within the rows.
pub fn step(current: usize, len: usize, delta: isize) -> usize {
    if len == 0 {
        return 0;
    }
    (current as isize + delta).clamp(0, len as isize - 1) as usize
}

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let [top, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(status_bar::height(app, area.width)),
    ])
    .areas(area);
    tabs(frame, top, app);
    if app.user.is_some() {
        match app.screen {
            Screen::Accounts => accounts::draw(frame, body, app),
            Screen::Holdings => holdings::draw(frame, body, app),
            Screen::Activities => activities::draw(frame, body, app),
            Screen::Security => security::draw(frame, body, app),
            Screen::Search => search::draw(frame, body, app),
            Screen::Performance => performance::draw(frame, body, app),
        }
    }
    status_bar::draw(frame, status, app);
    if let Mode::Help { scroll } = &app.mode {
        help::draw(frame, body, app, *scroll);
    }
    if let Mode::Confirm { prompt, .. } = &app.mode {
        popup::confirm(frame, body, prompt, &app.theme);
    }
    if app.mode == Mode::Import {
        import::draw(frame, body, app);
    }
    if let Some(f) = &app.form {
        form::draw(frame, body, f, &app.theme);
    }
}

/// The tab line with the net worth on the right. When the window is narrow the tabs shrink to
/// their numbers (the current one keeps its title) before the net worth gives up its note, and
/// the net worth is left off only when even its bare figure does not fit.
fn tabs(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let tab_line = |compact: bool| {
        let mut spans = vec![Span::styled(" finances ", theme.title())];
        for (i, s) in Screen::ALL.iter().enumerate() {
            if *s == app.screen.tab() {
                // The screen shown, which may be one under this tab.
                spans.push(Span::styled(
                    format!(" {} {} ", i + 1, app.screen.title()),
                    theme.selected(),
                ));
            } else if compact {
                spans.push(Span::styled(format!(" {} ", i + 1), theme.muted()));
            } else {
                spans.push(Span::styled(
                    format!(" {} {} ", i + 1, s.title()),
                    theme.muted(),
                ));
            }
        }
        Line::from(spans)
    };
    let worth: Vec<String> = match &app.portfolio {
        Some(p) => {
            let figure = format!(
                "{} {}",
                format::money(p.overview.net_worth.net(), app.privacy),
                p.overview.base_currency
            );
            let mut texts = Vec::new();
            if !p.overview.missing.is_empty() {
                texts.push(format!(
                    "net worth {figure} · {} ",
                    describe_missing(&p.overview.missing)
                ));
                texts.push(format!(
                    "net worth {figure} · {} left out ",
                    p.overview.missing.len()
                ));
            } else {
                texts.push(format!("net worth {figure} "));
            }
            // The bare figure keeps a mark while something is left out of it.
            let mark = if p.overview.missing.is_empty() {
                ""
            } else {
                "*"
            };
            texts.push(format!("{figure}{mark} "));
            texts
        }
        None => Vec::new(),
    };
    // The first that fits: full tabs with the longest net worth text, ..., compact tabs with
    // the bare figure, then the tabs alone (compact when the full ones do not fit).
    let full_fits = tab_line(false).width() <= area.width as usize;
    let mut chosen = (tab_line(!full_fits), None);
    'search: for compact in [false, true] {
        let line = tab_line(compact);
        let used = line.width();
        for text in &worth {
            if used + text.chars().count() + 2 <= area.width as usize {
                chosen = (line, Some(text.clone()));
                break 'search;
            }
        }
    }
    let (line, worth) = chosen;
    frame.render_widget(Paragraph::new(line), area);
    if let Some(text) = worth {
        let w = text.chars().count() as u16;
        let style = match &app.portfolio {
            Some(p) if !p.overview.missing.is_empty() => theme.warning(),
            _ => theme.title(),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(text, style)),
            Rect {
                x: area.x + area.width - w,
                width: w,
                ..area
            },
        );
    }
}

/// The first row to show so that `selected` is visible in `rows` lines.
pub fn scroll_offset(selected: usize, rows: usize) -> usize {
    if rows == 0 {
        0
    } else {
        selected.saturating_sub(rows - 1)
    }
}
