//! Current positions of one account or all: sortable columns, a filter, totals in the base
//! currency.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;

use crate::tui::app::{App, Column, HoldingRow, Mode};
use crate::tui::widgets::format;

use super::scroll_offset;

/// The columns that fit a width, each with its own width.
fn columns(width: u16, all_accounts: bool) -> Vec<(Column, u16)> {
    use Column::*;
    let mut cols = vec![(Symbol, 8)];
    if width >= 110 {
        cols.push((Name, 0));
    }
    cols.extend([(Shares, 9)]);
    if width >= 100 {
        cols.push((AvgCost, 10));
    }
    cols.extend([(Price, 10), (Value, 15)]);
    if width >= 100 {
        cols.push((Gain, 11));
    }
    cols.extend([(GainPct, 8), (DayChange, 8), (Weight, 7)]);
    if width < 100 && !all_accounts {
        cols.insert(1, (Name, 0));
    }
    cols
}

fn cell(app: &App, r: &HoldingRow, c: Column) -> Cell<'static> {
    let theme = &app.theme;
    let private = app.privacy;
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let signed = |s: String, v: Option<rust_decimal::Decimal>| {
        Cell::from(
            Line::from(Span::styled(
                s,
                theme.signed(v.map(|v| v.cmp(&rust_decimal::Decimal::ZERO))),
            ))
            .right_aligned(),
        )
    };
    match c {
        Column::Symbol => Cell::from(Span::styled(r.symbol.to_string(), theme.accent())),
        Column::Name => Cell::from(r.name.clone()),
        Column::Shares => right(format::shares(r.shares, private)),
        Column::AvgCost => right(format::price(r.avg_cost)),
        Column::Price => right(format!(
            "{}{}",
            format::price_opt(r.price),
            if r.quote == "GBp" { "p" } else { "" }
        )),
        Column::Value => right(format!(
            "{} {}",
            format::money_opt(r.value, private),
            r.currency.as_str()
        )),
        Column::Gain => signed(format::signed_opt(r.gain, private), r.gain),
        Column::GainPct => signed(format::percent_opt(r.gain_pct), r.gain_pct),
        Column::DayChange => signed(format::percent_opt(r.day_change_pct), r.day_change_pct),
        Column::Weight => right(format::weight(r.weight)),
    }
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let h = &app.holdings;
    let [title_area, table_area, totals_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);

    let account = match h.account {
        Some(id) => app.account_name(id).unwrap_or("account").to_string(),
        None => "All accounts".to_string(),
    };
    let mut title = vec![
        Span::styled(format!(" Holdings · {account} "), theme.title()),
        Span::styled(
            format!("{} of {} ", h.order.len(), h.rows.len()),
            theme.muted(),
        ),
    ];
    if !h.filter.is_empty() || app.mode == Mode::Filter {
        title.push(Span::styled(
            format!(" filter: {} ", h.filter),
            theme.warning(),
        ));
    }
    title.push(Span::styled(
        "  [ ] account  < > sort  / filter",
        theme.muted(),
    ));
    frame.render_widget(Paragraph::new(Line::from(title)), title_area);

    if app.portfolio.is_none() {
        frame.render_widget(
            Paragraph::new(Span::styled("Loading holdings…", theme.muted())),
            table_area,
        );
        return;
    }
    let cols = columns(area.width, h.account.is_none());
    let header: Vec<Cell> = cols
        .iter()
        .map(|(c, _)| {
            let mark = match h.sort {
                Some((s, true)) if s == *c => " ▼",
                Some((s, false)) if s == *c => " ▲",
                _ => "",
            };
            let text = format!("{}{mark}", c.title());
            match c {
                Column::Symbol | Column::Name => Cell::from(text),
                _ => Cell::from(Line::from(text).right_aligned()),
            }
        })
        .collect();
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|(_, w)| {
            if *w == 0 {
                Constraint::Min(10)
            } else {
                Constraint::Length(*w)
            }
        })
        .collect();
    let visible = table_area.height.saturating_sub(2) as usize;
    let offset = scroll_offset(h.selected, visible);
    let rows: Vec<Row> = h
        .order
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, idx)| {
            let r = &h.rows[*idx];
            let row = Row::new(
                cols.iter()
                    .map(|(c, _)| cell(app, r, *c))
                    .collect::<Vec<_>>(),
            );
            if i == h.selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let empty = rows.is_empty();
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.muted().add_modifier(Modifier::BOLD)))
        .column_spacing(1)
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border()),
        );
    frame.render_widget(table, table_area);
    if empty {
        let msg = if h.rows.is_empty() {
            "No holdings here. n adds one; on Search, a adds the security found."
        } else {
            "Nothing matches the filter (esc clears it)."
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

    let base = app.base_currency();
    let pct = h
        .total_gain
        .zip(h.total_cost)
        .filter(|(_, c)| !c.is_zero())
        .map(|(g, c)| (g / c * rust_decimal::Decimal::ONE_HUNDRED).round_dp(2));
    let sign = |v: Option<rust_decimal::Decimal>| {
        theme.signed(v.map(|v| v.cmp(&rust_decimal::Decimal::ZERO)))
    };
    let mut line = vec![
        Span::styled(format!("Total {base}  "), theme.title()),
        Span::styled(
            format!("value {}  ", format::money_opt(h.total_value, app.privacy)),
            theme.text(),
        ),
        Span::styled(
            format!(
                "gain {} ({})  ",
                format::signed_opt(h.total_gain, app.privacy),
                format::percent_opt(pct)
            ),
            sign(h.total_gain),
        ),
        Span::styled(
            format!("day {}", format::signed_opt(h.total_day, app.privacy)),
            sign(h.total_day),
        ),
    ];
    if let Some(r) = app.selected_holding() {
        if area.width >= 110 {
            line.push(Span::styled(
                format!("   {} · {}", r.name, r.account_name),
                theme.muted(),
            ));
        }
    }
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(
                "─".repeat(area.width as usize),
                theme.border(),
            )),
            Line::from(line),
        ]),
        totals_area,
    );
}
