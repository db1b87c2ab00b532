//! Drawing: a pure function of the state.

pub mod accounts;
pub mod help;
pub mod holdings;
pub mod search;
pub mod security;

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::app::{App, Mode, Screen};
use super::widgets::{form, format, popup, status_bar};

pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let [top, body, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    tabs(frame, top, app);
    if app.user.is_some() {
        match app.screen {
            Screen::Accounts => accounts::draw(frame, body, app),
            Screen::Holdings => holdings::draw(frame, body, app),
            Screen::Security => security::draw(frame, body, app),
            Screen::Search => search::draw(frame, body, app),
        }
    }
    status_bar::draw(frame, status, app);
    if let Mode::Help { scroll } = &app.mode {
        help::draw(frame, body, app, *scroll);
    }
    if let Mode::Confirm { prompt, .. } = &app.mode {
        popup::confirm(frame, body, prompt, &app.theme);
    }
    if let Some(f) = &app.form {
        form::draw(frame, body, f, &app.theme);
    }
}

fn tabs(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let mut spans = vec![Span::styled(" finances ", theme.title())];
    for (i, s) in Screen::ALL.iter().enumerate() {
        let label = format!(" {} {} ", i + 1, s.title());
        spans.push(if *s == app.screen {
            Span::styled(label, theme.selected())
        } else {
            Span::styled(label, theme.muted())
        });
    }
    let used = Line::from(spans.clone()).width() as u16;
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(p) = &app.portfolio {
        let nw = &p.overview.net_worth;
        let text = format!(
            "net worth {} {} ",
            format::money(nw.net(), app.privacy),
            p.overview.base_currency
        );
        let w = text.chars().count() as u16;
        if used + w + 2 <= area.width {
            frame.render_widget(
                Paragraph::new(Span::styled(text, theme.title())),
                Rect {
                    x: area.x + area.width - w,
                    width: w,
                    ..area
                },
            );
        }
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
