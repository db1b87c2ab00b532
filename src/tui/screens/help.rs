//! The help screen: the `?` overlay over whatever screen is in view. It owns its state (the
//! scroll, kept in [`Mode::Help`]), its keys ([`handle_key`]: j/k and the page keys scroll, any
//! other key closes it) and its drawing, generated from the keymap in use (overrides included)
//! and the command list.

use std::collections::BTreeMap;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::tui::app::{App, Mode};
use crate::tui::command_line::COMMANDS;
use crate::tui::keymap::Scope;
use crate::tui::line_edit;
use crate::tui::widgets::popup;

/// A key while the help is open, scrolled `scroll` lines down.
pub fn handle_key(app: &mut App, key: &KeyEvent, scroll: u16) {
    app.mode = match key.code {
        KeyCode::Char('j') | KeyCode::Down => Mode::Help {
            scroll: scroll.saturating_add(1),
        },
        KeyCode::Char('k') | KeyCode::Up => Mode::Help {
            scroll: scroll.saturating_sub(1),
        },
        KeyCode::PageDown | KeyCode::Char(' ') => Mode::Help {
            scroll: scroll.saturating_add(10),
        },
        KeyCode::PageUp => Mode::Help {
            scroll: scroll.saturating_sub(10),
        },
        _ => Mode::Normal,
    };
}

/// A key or command and what it does; a description too long for `width` continues on
/// further lines under itself, never cut.
fn entry(
    label: String,
    label_width: usize,
    help: &str,
    width: usize,
    app: &App,
) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let label_width = label_width.max(label.chars().count() + 1);
    let room = width.saturating_sub(label_width).max(12);
    let mut rows: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in help.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > room {
            rows.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    rows.push(current);
    rows.into_iter()
        .enumerate()
        .map(|(i, text)| {
            let lead = if i == 0 {
                format!("{label:<label_width$}")
            } else {
                " ".repeat(label_width)
            };
            Line::from(vec![Span::styled(lead, theme.accent()), Span::raw(text)])
        })
        .collect()
}

/// The help text, one entry per binding, grouped by where it applies, wrapped at `width`.
pub fn lines(app: &App, width: u16) -> Vec<Line<'static>> {
    let width = width as usize;
    let theme = &app.theme;
    let mut by_scope: BTreeMap<Scope, Vec<(String, &'static str)>> = BTreeMap::new();
    for b in app.keymap.bindings() {
        let keys = b
            .keys
            .iter()
            .map(|k| k.to_string())
            .collect::<Vec<_>>()
            .join(" ");
        by_scope.entry(b.scope).or_default().push((keys, b.help));
    }
    let mut out = Vec::new();
    let current = app.scope();
    for (scope, items) in by_scope {
        let marker = if scope == current { " (here)" } else { "" };
        out.push(Line::from(Span::styled(
            format!("{}{marker}", scope.title()),
            theme.title(),
        )));
        for (keys, help) in items {
            out.extend(entry(format!("  {keys}"), 20, help, width, app));
        }
        out.push(Line::default());
    }
    out.push(Line::from(Span::styled("Commands", theme.title())));
    for (cmd, help) in COMMANDS {
        out.extend(entry(format!("  {cmd}"), 28, help, width, app));
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "Forms: tab/↑↓ field, ←/→ choose, enter save, esc cancel",
        theme.muted(),
    )));
    for line in line_edit::HELP {
        out.push(Line::from(Span::styled(line, theme.muted())));
    }
    out.push(Line::from(Span::styled(
        "ctrl-z suspends to the shell (fg resumes); ctrl-c quits from anywhere",
        theme.muted(),
    )));
    out
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: u16) {
    let rect = popup::centered(area, 78, area.height.saturating_sub(2));
    let inner = popup::frame_box(
        frame,
        rect,
        "Keys (j/k scroll, any other key closes)",
        &app.theme,
    );
    let text = lines(app, inner.width);
    let max = (text.len() as u16).saturating_sub(inner.height);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .scroll((scroll.min(max), 0)),
        inner,
    );
}
