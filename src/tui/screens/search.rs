//! The search screen: stored matches at once, Yahoo's as they arrive. The screen opens without
//! typing, so that the keys of every screen work on it; `/` (or `i`) types the query and esc
//! stops.
//!
//! This file owns the screen: its state ([`SearchState`]), its keys ([`handle_intent`], and
//! [`handle_key`] while the query is typed), the replies to what it asked ([`update`]) and its
//! drawing ([`draw`]).

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::service::securities::SearchResult;
use crate::tui::action::{Action, Command};
use crate::tui::app::{App, Mode, Screen};
use crate::tui::keymap::Intent;
use crate::tui::line_edit::LineKey;
use crate::tui::widgets::wrap::width;

use super::{holdings, movement, scroll_offset, security, step};

#[derive(Debug, Clone, Default)]
pub struct SearchState {
    pub query: String,
    pub stored: Vec<SearchResult>,
    pub remote: Vec<SearchResult>,
    pub remote_pending: bool,
    pub remote_error: Option<String>,
    pub selected: usize,
}

impl SearchState {
    /// Stored matches first, then Yahoo's that are not among them.
    pub fn results(&self) -> impl Iterator<Item = &SearchResult> {
        self.stored.iter().chain(
            self.remote
                .iter()
                .filter(|r| !self.stored.iter().any(|s| s.symbol == r.symbol)),
        )
    }

    pub fn len(&self) -> usize {
        self.results().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl App {
    pub fn selected_search(&self) -> Option<&SearchResult> {
        self.search.results().nth(self.search.selected)
    }
}

/// What a key means on the screen, as the keymap reads it.
pub fn handle_intent(app: &mut App, intent: Intent) -> Vec<Command> {
    if let Some(delta) = movement(intent, app.page_rows) {
        app.search.selected = step(app.search.selected, app.search.len(), delta);
        return Vec::new();
    }
    let selected = app.selected_search().map(|r| r.symbol.clone());
    match intent {
        Intent::Open => {
            if let Some(symbol) = selected {
                return security::open(app, symbol);
            }
        }
        Intent::AddHolding => {
            if let Some(symbol) = selected {
                holdings::add_holding_form(app, symbol.as_str(), "", "");
            }
        }
        Intent::SyncOne => {
            if let Some(symbol) = selected {
                return app.sync_one(symbol);
            }
        }
        Intent::Type => app.mode = Mode::SearchInput,
        _ => {}
    }
    Vec::new()
}

/// A key while the query is typed: typing searches again at once.
pub fn handle_key(app: &mut App, key: &KeyEvent) -> Vec<Command> {
    match key.code {
        KeyCode::Esc => {
            app.mode = Mode::Normal;
            Vec::new()
        }
        KeyCode::Enter => match app.selected_search().map(|r| r.symbol.clone()) {
            Some(symbol) => security::open(app, symbol),
            None => Vec::new(),
        },
        KeyCode::Down => {
            app.search.selected = step(app.search.selected, app.search.len(), 1);
            Vec::new()
        }
        KeyCode::Up => {
            app.search.selected = step(app.search.selected, app.search.len(), -1);
            Vec::new()
        }
        KeyCode::Tab => super::show(app, Screen::Accounts),
        _ => match LineKey::from_event(key) {
            Some(edit) if edit.apply(&mut app.search.query) => {
                app.search.selected = 0;
                run(app)
            }
            _ => Vec::new(),
        },
    }
}

/// The replies to the searches the screen asked for; an overtaken one is dropped.
pub fn update(app: &mut App, action: Action) -> Vec<Command> {
    match action {
        Action::StoredMatches { gen, result } if gen == app.gens.search => match result {
            Ok(found) => {
                app.search.stored = found.into_iter().map(SearchResult::from).collect();
                clamp(app);
            }
            Err(f) => app.error(f.summary()),
        },
        Action::RemoteMatches { gen, result } if gen == app.gens.search => {
            app.search.remote_pending = false;
            match result {
                Ok(r) => {
                    app.search.remote_error = r.yahoo_error.clone();
                    app.search.remote = r.results;
                }
                Err(f) => app.search.remote_error = Some(f.summary()),
            }
            clamp(app);
        }
        // Overtaken by a newer request, or not this screen's.
        _ => {}
    }
    Vec::new()
}

fn clamp(app: &mut App) {
    let n = app.search.len();
    if app.search.selected >= n {
        app.search.selected = n.saturating_sub(1);
    }
}

/// Searches for the query: what is stored, and Yahoo.
pub fn run(app: &mut App) -> Vec<Command> {
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
pub fn refresh(app: &mut App) -> Vec<Command> {
    let query = app.search.query.trim().to_string();
    if query.is_empty() {
        return Vec::new();
    }
    if app.search.remote_pending {
        return run(app);
    }
    app.gens.search += 1;
    vec![Command::SearchStored {
        gen: app.gens.search,
        query,
    }]
}

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
