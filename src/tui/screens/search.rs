//! Search: stored matches at once, Yahoo's as they arrive.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::tui::app::{App, Mode};

use super::scroll_offset;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let s = &app.search;
    let [input, info, list] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(2),
    ])
    .areas(area);
    let typing = app.mode == Mode::SearchInput;
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" Search ", theme.title()),
            Span::styled(
                format!("{}{}", s.query, if typing { "▏" } else { "" }),
                if typing { theme.accent() } else { theme.text() },
            ),
        ])),
        input,
    );
    let yahoo = if s.query.trim().is_empty() {
        "type a name or ticker".to_string()
    } else if s.remote_pending {
        "Yahoo: searching…".to_string()
    } else if let Some(e) = &s.remote_error {
        format!("Yahoo: {e}")
    } else {
        format!("Yahoo: {} more", s.len() - s.stored.len())
    };
    let hint = if typing {
        "↑↓ choose  enter open  esc done typing"
    } else {
        "enter open  a add holding  / type"
    };
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!(" {} stored · {yahoo}   ", s.stored.len()),
                theme.muted(),
            ),
            Span::styled(hint, theme.muted()),
        ])),
        info,
    );
    let visible = list.height.saturating_sub(2) as usize;
    let offset = scroll_offset(s.selected, visible);
    let rows: Vec<Row> = s
        .results()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, r)| {
            let row = Row::new(vec![
                Cell::from(Span::styled(r.symbol.to_string(), theme.accent())),
                Cell::from(r.name.clone()),
                Cell::from(r.exchange.clone().unwrap_or_default()),
                Cell::from(r.security_type.as_str()),
                Cell::from(if r.in_database { "stored" } else { "Yahoo" }),
            ]);
            if i == s.selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(10),
            Constraint::Min(16),
            Constraint::Length(8),
            Constraint::Length(12),
            Constraint::Length(7),
        ],
    )
    .header(
        Row::new(vec!["Symbol", "Name", "Exchange", "Type", "Source"])
            .style(theme.muted().add_modifier(Modifier::BOLD)),
    )
    .block(
        Block::default()
            .borders(Borders::TOP)
            .border_style(theme.border()),
    );
    frame.render_widget(table, list);
}
