//! Drawing of the activities screen: the table, fitted to the window by column priority, and
//! its title with the filter and the keys.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;
use rust_decimal::Decimal;

use crate::tui::app::{App, Mode};
use crate::tui::widgets::columns::{self, ColumnFit};
use crate::tui::widgets::format;

use super::{ActivityColumn, ActivityRow};

/// What a table column shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Sortable(ActivityColumn),
    Quantity,
    Price,
    Fee,
    Currency,
    FxRate,
    Ratio,
    Notes,
}

/// The columns in screen order, each with the priority it keeps its place by (lower stays
/// longer when the window narrows).
const COLUMNS: [(Shown, u8); 11] = [
    (Shown::Sortable(ActivityColumn::Date), 0),
    (Shown::Sortable(ActivityColumn::Type), 1),
    (Shown::Sortable(ActivityColumn::Symbol), 2),
    (Shown::Quantity, 3),
    (Shown::Price, 4),
    (Shown::Sortable(ActivityColumn::Amount), 5),
    (Shown::Fee, 6),
    (Shown::Currency, 7),
    (Shown::FxRate, 9),
    (Shown::Ratio, 8),
    (Shown::Notes, 10),
];

fn title(shown: Shown) -> &'static str {
    match shown {
        Shown::Sortable(ActivityColumn::Date) => "Date",
        Shown::Sortable(ActivityColumn::Type) => "Type",
        Shown::Sortable(ActivityColumn::Symbol) => "Symbol",
        Shown::Sortable(ActivityColumn::Amount) => "Amount",
        Shown::Quantity => "Quantity",
        Shown::Price => "Price",
        Shown::Fee => "Fee",
        Shown::Currency => "Ccy",
        Shown::FxRate => "FX rate",
        Shown::Ratio => "Ratio",
        Shown::Notes => "Notes",
    }
}

/// One cell's text and style, and whether it is a number (right-aligned).
fn cell_text(app: &App, r: &ActivityRow, shown: Shown) -> (String, Style, bool) {
    let theme = &app.theme;
    let private = app.privacy;
    let a = &r.activity;
    let blank = |v: Option<String>| v.unwrap_or_default();
    let money = |v: Option<Decimal>| blank(v.map(|v| format::money(v, private)));
    match shown {
        Shown::Sortable(ActivityColumn::Date) => (a.date.to_string(), theme.text(), false),
        Shown::Sortable(ActivityColumn::Type) => {
            (a.activity_type.to_string(), theme.accent(), false)
        }
        Shown::Sortable(ActivityColumn::Symbol) => (
            blank(r.symbol.as_ref().map(ToString::to_string)),
            theme.text(),
            false,
        ),
        Shown::Sortable(ActivityColumn::Amount) => (money(a.amount), theme.text(), true),
        Shown::Quantity => (
            blank(a.quantity.map(|q| format::shares(q, private))),
            theme.text(),
            true,
        ),
        Shown::Price => (blank(a.unit_price.map(format::price)), theme.text(), true),
        Shown::Fee => (money(a.fee), theme.text(), true),
        Shown::Currency => (a.currency.clone(), theme.muted(), false),
        Shown::FxRate => (
            blank(a.fx_rate.map(|r| r.normalize().to_string())),
            theme.muted(),
            true,
        ),
        Shown::Ratio => (
            blank(a.split_ratio.as_ref().map(ToString::to_string)),
            theme.text(),
            false,
        ),
        Shown::Notes => (blank(a.notes.clone()), theme.muted(), false),
    }
}

fn header_text(app: &App, shown: Shown) -> String {
    let mark = match (shown, app.activities.sort) {
        (Shown::Sortable(c), (s, true)) if s == c => " ▼",
        (Shown::Sortable(c), (s, false)) if s == c => " ▲",
        _ => "",
    };
    format!("{}{mark}", title(shown))
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let a = &app.activities;
    let [title_area, table_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);

    let account = a
        .account
        .and_then(|id| app.all_accounts().find(|s| s.account.id == id));
    let name = account.map_or("account", |s| s.account.name.as_str());
    let mut spans = vec![Span::styled(
        format!(" Activities · {name} "),
        theme.title(),
    )];
    if let Some(s) = account {
        spans.push(Span::styled(
            format!("{} · {} ", s.account.currency, s.account.cost_basis_method),
            theme.muted(),
        ));
    }
    spans.push(Span::styled(
        format!("{} of {} ", a.order.len(), a.rows.len()),
        theme.muted(),
    ));
    if !a.filter.is_empty() || (app.mode == Mode::Filter) {
        spans.push(Span::styled(
            format!(" filter: {} ", a.filter),
            theme.warning(),
        ));
    }

    let texts: Vec<Vec<(String, Style, bool)>> = a
        .order
        .iter()
        .map(|i| {
            COLUMNS
                .iter()
                .map(|(s, _)| cell_text(app, &a.rows[*i], *s))
                .collect()
        })
        .collect();
    let headers: Vec<String> = COLUMNS.iter().map(|(s, _)| header_text(app, *s)).collect();
    let fits: Vec<ColumnFit> = COLUMNS
        .iter()
        .enumerate()
        .map(|(k, (shown, priority))| {
            let width = columns::widest(
                std::iter::once(headers[k].as_str())
                    .chain(texts.iter().map(|row| row[k].0.as_str())),
            );
            match shown {
                Shown::Notes => ColumnFit::text(width, *priority, 8),
                _ => ColumnFit::number(width, *priority),
            }
        })
        .collect();
    let fitted = columns::fit(&fits, table_area.width, 1);
    if fitted.hidden > 0 {
        let (long, short) = columns::hidden_note(fitted.hidden);
        let used: usize = spans.iter().map(|s| s.width()).sum();
        spans.push(
            if used + long.chars().count() <= title_area.width as usize {
                Span::styled(long, theme.warning())
            } else {
                Span::styled(short, theme.warning())
            },
        );
    }
    spans.push(Span::styled("  n new  e edit  d delete", theme.muted()));
    spans.push(Span::styled(
        "  / filter  < > sort  [ ] account",
        theme.muted(),
    ));
    frame.render_widget(
        Paragraph::new(columns::whole_spans(spans, title_area.width)),
        title_area,
    );

    let header: Vec<Cell> = fitted
        .shown
        .iter()
        .map(|(k, _)| {
            let text = headers[*k].clone();
            if texts.first().is_some_and(|row| row[*k].2) {
                Cell::from(Line::from(text).right_aligned())
            } else {
                Cell::from(text)
            }
        })
        .collect();
    let visible = table_area.height.saturating_sub(2) as usize;
    let rows = columns::visible_rows(&texts, &fitted, a.selected, visible, theme.selected());
    let empty = rows.is_empty();
    frame.render_widget(
        Table::new(rows, fitted.constraints())
            .header(Row::new(header).style(theme.muted().add_modifier(Modifier::BOLD)))
            .column_spacing(1)
            .block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border()),
            ),
        table_area,
    );
    if empty {
        let msg = if a.loading {
            "Loading activities…".to_string()
        } else if let Some(e) = &a.error {
            e.clone()
        } else if a.rows.is_empty() {
            "No activities yet. n records one; or :buy, :sell, :div, :dep".to_string()
        } else {
            "Nothing matches the filter (esc clears it).".to_string()
        };
        frame.render_widget(
            Paragraph::new(Span::styled(msg, theme.muted())),
            Rect {
                y: table_area.y + 2,
                height: 1,
                ..table_area
            },
        );
    }
}
