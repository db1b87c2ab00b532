//! The `?` overlay, generated from the keymap in use (overrides included) and the command list.

use std::collections::BTreeMap;

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::app::App;
use crate::tui::command_line::COMMANDS;
use crate::tui::keymap::Scope;
use crate::tui::line_edit;
use crate::tui::widgets::popup;

/// The help text, one line per binding, grouped by where it applies.
pub fn lines(app: &App) -> Vec<Line<'static>> {
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
            out.push(Line::from(vec![
                Span::styled(format!("  {keys:<18}"), theme.accent()),
                Span::raw(help),
            ]));
        }
        out.push(Line::default());
    }
    out.push(Line::from(Span::styled("Commands", theme.title())));
    for (cmd, help) in COMMANDS {
        out.push(Line::from(vec![
            Span::styled(format!("  {cmd:<26}"), theme.accent()),
            Span::raw(*help),
        ]));
    }
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        "Forms: tab/↑↓ field, ←/→ choose, enter save, esc cancel",
        theme.muted(),
    )));
    for line in line_edit::HELP {
        out.push(Line::from(Span::styled(line, theme.muted())));
    }
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
    let text = lines(app);
    let max = (text.len() as u16).saturating_sub(inner.height);
    frame.render_widget(Paragraph::new(text).scroll((scroll.min(max), 0)), inner);
}
