//! Drawing a form: one line per field, its error under it in red, wrapped so that every
//! message is shown whole; the box grows to fit.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::form::{Form, Input};
use crate::tui::theme::Theme;

use super::popup;
use super::wrap::{head, tail, width, wrap};

const LABEL: usize = 12;
/// The marker column before each label.
const MARKER: usize = 2;
/// The box's width, borders included.
const WIDTH: u16 = 64;

pub fn draw(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let inner_width = usize::from(WIDTH.min(area.width).saturating_sub(2));
    let lines = lines(form, theme, inner_width);
    // Borders, and a blank line under the footer.
    let height = lines.len() as u16 + 3;
    let rect = popup::centered(area, WIDTH, height);
    let inner = popup::frame_box(frame, rect, &form.title, theme);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The form's lines at `columns` wide.
fn lines(form: &Form, theme: &Theme, columns: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let value_room = columns.saturating_sub(MARKER + LABEL);
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "▸ " } else { "  " };
        let value = f.display();
        let value_style = if focused {
            theme.selected()
        } else {
            theme.text()
        };
        let shown = match &f.input {
            Input::Choice(_) => format!("‹ {} ›", head(&value, value_room.saturating_sub(4))),
            Input::Flag => format!("[{}]", if f.value == "yes" { "x" } else { " " }),
            // The end stays in view while typing: that is where the typing goes.
            _ if focused => format!("{}▏", tail(&value, value_room.saturating_sub(1))),
            _ => head(&value, value_room),
        };
        let used = MARKER + LABEL + width(&shown);
        let mut spans = vec![
            Span::styled(marker, theme.accent()),
            Span::styled(format!("{:<LABEL$}", f.label), theme.text()),
            Span::styled(shown, value_style),
        ];
        let hint = format!("  {}", f.hint);
        // A hint is shown whole or not at all.
        if focused && f.error.is_none() && !f.hint.is_empty() && used + width(&hint) <= columns {
            spans.push(Span::styled(hint, theme.muted()));
        }
        lines.push(Line::from(spans));
        if let Some(e) = &f.error {
            lines.extend(message(e, MARKER + LABEL, columns, theme.error()));
        }
    }
    lines.push(Line::default());
    if let Some(e) = &form.error {
        lines.extend(message(e, 0, columns, theme.error()));
    }
    let footer = if form.submitting {
        "saving…"
    } else {
        "enter: save   tab/↑↓: field   ←/→: choose   esc: cancel"
    };
    lines.push(Line::from(Span::styled(
        footer,
        theme.muted().add_modifier(Modifier::ITALIC),
    )));
    lines
}

/// `✗ message`, indented, wrapped in `columns`, continuation lines aligned under the text.
fn message(text: &str, indent: usize, columns: usize, style: Style) -> Vec<Line<'static>> {
    let pad = " ".repeat(indent);
    wrap(text, columns.saturating_sub(indent + 2))
        .into_iter()
        .enumerate()
        .map(|(i, part)| {
            let mark = if i == 0 { "✗ " } else { "  " };
            Line::from(Span::styled(format!("{pad}{mark}{part}"), style))
        })
        .collect()
}
