//! Institutions with their accounts: balance, market value, worth in the base currency, a
//! sparkline of the balance history; totals and net worth; the balance list of one account.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;
use rust_decimal::prelude::ToPrimitive;

use crate::tui::app::{AccountLine, App};
use crate::tui::widgets::{format, sparkline};

use super::scroll_offset;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(p) = &app.portfolio else {
        let text = if app.loading_portfolio {
            "Loading accounts…"
        } else {
            "No data"
        };
        frame.render_widget(Paragraph::new(Span::styled(text, theme.muted())), area);
        return;
    };
    let values_height = if app.accounts.values_focus {
        (area.height / 3).max(6)
    } else {
        0
    };
    let [table_area, totals_area, values_area] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(2),
        Constraint::Length(values_height),
    ])
    .areas(area);

    let wide = area.width >= 110;
    let spark_w: u16 = if wide { 20 } else { 10 };
    let base = &p.overview.base_currency;
    let mut header = vec!["Account", "Type", "Cur", "Balance"];
    if wide {
        header.push("Market value");
    }
    let base_title = format!("In {base}");
    header.push(&base_title);
    header.push("History");
    let mut widths = vec![
        Constraint::Min(14),
        Constraint::Length(if wide { 14 } else { 11 }),
        Constraint::Length(3),
        Constraint::Length(13),
    ];
    if wide {
        widths.push(Constraint::Length(13));
    }
    widths.push(Constraint::Length(13));
    widths.push(Constraint::Length(spark_w));

    let rows_visible = table_area.height.saturating_sub(2) as usize;
    let offset = scroll_offset(app.accounts.selected, rows_visible);
    let mut rows = Vec::new();
    for (i, line) in app
        .accounts
        .lines
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_visible)
    {
        match *line {
            AccountLine::Institution(g) => {
                let group = &p.overview.groups[g];
                let name = group
                    .institution
                    .as_ref()
                    .map_or("No institution", |i| i.name.as_str());
                let total: Option<rust_decimal::Decimal> = group
                    .accounts
                    .iter()
                    .map(|a| {
                        let worth = App::account_worth(a);
                        let signed = if a.account.is_asset() { worth } else { -worth };
                        app.to_base(&a.account.currency).map(|r| signed * r)
                    })
                    .sum();
                let mut cells = vec![Cell::from(Span::styled(name.to_string(), theme.title()))];
                cells.extend((0..(if wide { 4 } else { 3 })).map(|_| Cell::from("")));
                cells.push(Cell::from(
                    Line::from(Span::styled(
                        format::money_opt(total, app.privacy),
                        theme.title(),
                    ))
                    .right_aligned(),
                ));
                cells.push(Cell::from(""));
                rows.push(Row::new(cells));
            }
            AccountLine::Account(..) => {
                let Some(s) = app.account_summary(*line) else {
                    continue;
                };
                let a = &s.account;
                let worth = App::account_worth(s);
                let in_base = app.to_base(&a.currency).map(|r| {
                    let v = worth * r;
                    if a.is_asset() {
                        v
                    } else {
                        -v
                    }
                });
                let history: Vec<f64> = app
                    .accounts
                    .histories
                    .get(&a.id)
                    .map(|h| h.iter().map(|(_, v)| v.to_f64().unwrap_or(0.0)).collect())
                    .unwrap_or_default();
                let trend = history
                    .first()
                    .zip(history.last())
                    .map(|(f, l)| l.partial_cmp(f).unwrap_or(std::cmp::Ordering::Equal));
                let trend = if a.is_asset() {
                    trend
                } else {
                    trend.map(|o| o.reverse())
                };
                let balance = s.current_balance;
                let mut cells = vec![
                    Cell::from(format!("  {}", a.name)),
                    Cell::from(Span::styled(
                        a.account_type.as_str().replace('_', " "),
                        theme.muted(),
                    )),
                    Cell::from(a.currency.as_str().to_string()),
                    Cell::from(Line::from(format::money_opt(balance, app.privacy)).right_aligned()),
                ];
                if wide {
                    let mv = if a.is_investment_account {
                        format::money_opt(s.market_value, app.privacy)
                    } else {
                        String::new()
                    };
                    cells.push(Cell::from(Line::from(mv).right_aligned()));
                }
                let base_style = if a.is_asset() {
                    theme.text()
                } else {
                    theme.signed(Some(std::cmp::Ordering::Less))
                };
                cells.push(Cell::from(
                    Line::from(Span::styled(
                        format::money_opt(in_base, app.privacy),
                        base_style,
                    ))
                    .right_aligned(),
                ));
                let spark = if app.privacy {
                    String::new()
                } else {
                    sparkline::spark(&history, spark_w as usize)
                };
                cells.push(Cell::from(Span::styled(spark, theme.signed(trend))));
                let mut row = Row::new(cells);
                if i == app.accounts.selected {
                    row = row.style(if app.accounts.values_focus {
                        theme.accent().add_modifier(Modifier::BOLD)
                    } else {
                        theme.selected()
                    });
                }
                rows.push(row);
            }
        }
    }
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme.muted().add_modifier(Modifier::BOLD)))
        .column_spacing(1)
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border())
                .title(Span::styled(" Accounts ", theme.title())),
        );
    frame.render_widget(table, table_area);

    let nw = &p.overview.net_worth;
    let mut totals = vec![
        Span::styled(
            format!("Assets {} ", format::money(nw.assets, app.privacy)),
            theme.text(),
        ),
        Span::styled(
            format!(
                " Liabilities {} ",
                format::money(nw.liabilities, app.privacy)
            ),
            theme.signed(Some(std::cmp::Ordering::Less)),
        ),
        Span::styled(
            format!(" Net worth {} {base}", format::money(nw.net(), app.privacy)),
            theme.title(),
        ),
    ];
    if !p.overview.unconverted.is_empty() {
        totals.push(Span::styled(
            format!("  (without {})", p.overview.unconverted.join(", ")),
            theme.warning(),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(
                "─".repeat(area.width as usize),
                theme.border(),
            )),
            Line::from(totals),
        ]),
        totals_area,
    );
    if app.accounts.values_focus {
        values(frame, values_area, app);
    }
}

fn values(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let name = app
        .selected_account()
        .map(|a| a.account.name.clone())
        .unwrap_or_default();
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.accent())
        .title(Span::styled(
            format!(" Balances of {name} (n new, e edit, d delete, v back) "),
            theme.title(),
        ));
    let inner_rows = area.height.saturating_sub(2) as usize;
    let offset = scroll_offset(app.accounts.value_selected, inner_rows);
    let rows: Vec<Row> = app
        .accounts
        .values
        .iter()
        .enumerate()
        .skip(offset)
        .take(inner_rows)
        .map(|(i, v)| {
            let row = Row::new(vec![
                Cell::from(v.timestamp.format("%Y-%m-%d").to_string()),
                Cell::from(Line::from(format::money(v.balance, app.privacy)).right_aligned()),
                Cell::from(
                    Line::from(format::money_opt(v.cash_balance, app.privacy)).right_aligned(),
                ),
            ]);
            if i == app.accounts.value_selected {
                row.style(theme.selected())
            } else {
                row
            }
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(12),
            Constraint::Length(16),
            Constraint::Length(16),
        ],
    )
    .header(Row::new(vec!["Date", "Balance", "Cash"]).style(theme.muted()))
    .block(block);
    frame.render_widget(table, area);
}
