//! Drawing a form: one line per field, its error under it in red.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::tui::form::{Form, Input};
use crate::tui::theme::Theme;

use super::popup;

const LABEL: usize = 12;

pub fn draw(frame: &mut Frame, area: Rect, form: &Form, theme: &Theme) {
    let errors = form.fields.iter().filter(|f| f.error.is_some()).count() as u16;
    let height = form.fields.len() as u16 + errors + 5 + u16::from(form.error.is_some());
    let rect = popup::centered(area, 64, height);
    let inner = popup::frame_box(frame, rect, &form.title, theme);
    let mut lines = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        let marker = if focused { "▸ " } else { "  " };
        let mut value = f.display();
        let value_style = if focused {
            theme.selected()
        } else {
            theme.text()
        };
        let shown = match &f.input {
            Input::Choice(_) => format!("‹ {value} ›"),
            Input::Flag => format!("[{}]", if f.value == "yes" { "x" } else { " " }),
            _ => {
                if focused {
                    value.push('▏');
                }
                value
            }
        };
        let mut spans = vec![
            Span::styled(marker, theme.accent()),
            Span::styled(format!("{:<LABEL$}", f.label), theme.text()),
            Span::styled(shown, value_style),
        ];
        if focused && f.error.is_none() && !f.hint.is_empty() {
            spans.push(Span::styled(format!("  {}", f.hint), theme.muted()));
        }
        lines.push(Line::from(spans));
        if let Some(e) = &f.error {
            lines.push(Line::from(Span::styled(
                format!("{}✗ {e}", " ".repeat(LABEL + 2)),
                theme.error(),
            )));
        }
    }
    lines.push(Line::default());
    if let Some(e) = &form.error {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), theme.error())));
    }
    let footer = if form.submitting {
        "saving…".to_string()
    } else {
        "enter: save   tab/↑↓: field   ←/→: choose   esc: cancel".to_string()
    };
    lines.push(Line::from(Span::styled(
        footer,
        theme.muted().add_modifier(Modifier::ITALIC),
    )));
    frame.render_widget(Paragraph::new(lines), inner);
}
