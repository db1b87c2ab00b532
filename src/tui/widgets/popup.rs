//! Centred boxes over the screen: forms, confirmations, help.

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::tui::theme::Theme;

/// A rectangle of at most `width` x `height` in the middle of `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Clears the area and draws a titled box; returns the inside.
pub fn frame_box(frame: &mut Frame, area: Rect, title: &str, theme: &Theme) -> Rect {
    frame.render_widget(Clear, area);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.accent())
        .title(Span::styled(format!(" {title} "), theme.title()));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// A yes/no question.
pub fn confirm(frame: &mut Frame, area: Rect, prompt: &str, theme: &Theme) {
    let width = (prompt.chars().count() as u16 + 6).clamp(30, area.width.saturating_sub(4).max(30));
    let rect = centered(area, width, 5);
    let inner = frame_box(frame, rect, "Confirm", theme);
    let text = vec![
        Line::from(Span::styled(prompt.to_string(), Style::default())),
        Line::from(Span::styled("y: delete   n/esc: keep", theme.muted())),
    ];
    frame.render_widget(Paragraph::new(text).wrap(Wrap { trim: true }), inner);
}
