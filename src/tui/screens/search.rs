//! Search: stored matches at once, Yahoo's as they arrive. The screen opens without typing, so
//! that the keys of every screen work on it; `/` (or `i`) types the query and esc stops.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::tui::app::{App, Mode};
use crate::tui::keymap::Intent;
use crate::tui::widgets::wrap::width;

use super::scroll_offset;

/// The name column is never narrower than this; the exchange column goes first.
const MIN_NAME: u16 = 16;

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
    let query = Line::from(vec![
        Span::styled(" Search ", theme.title()),
        Span::styled(
            format!("{}{}", s.query, if typing { "▏" } else { "" }),
            if typing { theme.accent() } else { theme.text() },
        ),
    ]);
    let query_width = query.width();
    frame.render_widget(Paragraph::new(query), input);
    let type_key = app.keymap.key_of(Intent::Type);
    // The keys, right of the query: shown whole or not at all.
    let hint = if typing {
        "↑↓ choose  enter open  esc done typing ".to_string()
    } else {
        format!(
            "{} open  {} add holding  {type_key} type ",
            app.keymap.key_of(Intent::Open),
            app.keymap.key_of(Intent::AddHolding)
        )
    };
    let hint_width = width(&hint) as u16;
    if query_width as u16 + 2 + hint_width <= input.width {
        frame.render_widget(
            Paragraph::new(Span::styled(hint, theme.muted())),
            Rect {
                x: input.x + input.width - hint_width,
                width: hint_width,
                ..input
            },
        );
    }
    let status = if s.query.trim().is_empty() {
        if typing {
            " type a name or ticker".to_string()
        } else {
            format!(" {type_key} to type a name or ticker")
        }
    } else {
        let yahoo = if s.remote_pending {
            "Yahoo: searching…".to_string()
        } else if let Some(e) = &s.remote_error {
            format!("Yahoo: {e}")
        } else {
            format!("Yahoo: {} more", s.len() - s.stored.len())
        };
        format!(" {} stored · {yahoo}", s.stored.len())
    };
    frame.render_widget(Paragraph::new(Span::styled(status, theme.muted())), info);
    let visible = list.height.saturating_sub(2) as usize;
    let offset = scroll_offset(s.selected, visible);

    // Columns as wide as what they hold, so nothing is cut; the exchange is left out when
    // it would squeeze the name.
    let widest = |header: &str, cells: &mut dyn Iterator<Item = usize>| -> u16 {
        cells.chain([width(header)]).max().unwrap_or(0) as u16
    };
    let symbol_w = widest("Symbol", &mut s.results().map(|r| width(r.symbol.as_str()))).max(10);
    let exchange_w = widest(
        "Exchange",
        &mut s.results().map(|r| r.exchange.as_deref().map_or(0, width)),
    );
    let type_w = widest(
        "Type",
        &mut s.results().map(|r| width(r.security_type.as_str())),
    );
    let source_w = 6;
    let fixed = symbol_w + type_w + source_w + 3;
    let show_exchange = list.width >= fixed + exchange_w + 1 + MIN_NAME;

    let rows: Vec<Row> = s
        .results()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, r)| {
            let mut cells = vec![
                Cell::from(Span::styled(r.symbol.to_string(), theme.accent())),
                Cell::from(r.name.clone()),
            ];
            if show_exchange {
                cells.push(Cell::from(r.exchange.clone().unwrap_or_default()));
            }
            cells.push(Cell::from(r.security_type.as_str()));
            cells.push(Cell::from(if r.in_database { "stored" } else { "Yahoo" }));
            let row = Row::new(cells);
            if i == s.selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let mut widths = vec![Constraint::Length(symbol_w), Constraint::Min(MIN_NAME)];
    let mut header = vec!["Symbol", "Name"];
    if show_exchange {
        widths.push(Constraint::Length(exchange_w));
        header.push("Exchange");
    }
    widths.extend([Constraint::Length(type_w), Constraint::Length(source_w)]);
    header.extend(["Type", "Source"]);
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.muted().add_modifier(Modifier::BOLD)))
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border()),
        );
    frame.render_widget(table, list);
}
