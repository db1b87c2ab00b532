//! Drawing of the accounts screen: institutions with their accounts (balance, market value,
//! worth in the base currency, a sparkline of the balance history), totals and net worth, and
//! the balance list of one account.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use rust_decimal::prelude::ToPrimitive;

use crate::domain::valuation::describe_missing;
use crate::tui::action::Portfolio;
use crate::tui::app::App;
use crate::tui::keymap::Intent;
use crate::tui::widgets::columns::{self, ColumnFit};
use crate::tui::widgets::{format, sparkline};

use super::super::scroll_offset;
use super::AccountLine;

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

    let base = &p.overview.base_currency;
    let spark_w: u16 = if area.width >= 110 { 20 } else { 10 };
    let headers = [
        "Account".to_string(),
        "Type".to_string(),
        "Cur".to_string(),
        "Balance".to_string(),
        "Market value".to_string(),
        format!("In {base}"),
        "History".to_string(),
    ];
    // Priorities: the name and the worth in the base currency stay longest; the market value
    // (also in the worth) goes first.
    let priorities = [0u8, 5, 4, 2, 6, 1, 3];
    let lines: Vec<Vec<(String, Style)>> = app
        .accounts
        .lines
        .iter()
        .map(|line| line_cells(app, p, *line, spark_w))
        .collect();
    let fits: Vec<ColumnFit> = (0..headers.len())
        .map(|k| {
            let width = columns::widest(
                std::iter::once(headers[k].as_str()).chain(lines.iter().map(|l| l[k].0.as_str())),
            );
            match k {
                0 => ColumnFit::name(width, priorities[k], 12),
                6 => ColumnFit::text(spark_w, priorities[k], spark_w),
                _ => ColumnFit::number(width, priorities[k]),
            }
        })
        .collect();
    let fitted = columns::fit(&fits, table_area.width, 1);
    let right = |k: usize| (3..=5).contains(&k);
    let header: Vec<Cell> = fitted
        .shown
        .iter()
        .map(|(k, _)| {
            if right(*k) {
                Cell::from(Line::from(headers[*k].clone()).right_aligned())
            } else {
                Cell::from(headers[*k].clone())
            }
        })
        .collect();

    let rows_visible = table_area.height.saturating_sub(2) as usize;
    let offset = scroll_offset(app.accounts.selected, rows_visible);
    let rows: Vec<Row> = lines
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_visible)
        .map(|(i, cells)| {
            let row = Row::new(
                fitted
                    .shown
                    .iter()
                    .map(|(k, w)| {
                        let (text, style) = &cells[*k];
                        if right(*k) {
                            Cell::from(
                                Line::from(Span::styled(text.clone(), *style)).right_aligned(),
                            )
                        } else {
                            Cell::from(Span::styled(format::fit(text, *w as usize), *style))
                        }
                    })
                    .collect::<Vec<_>>(),
            );
            if i == app.accounts.selected
                && matches!(app.accounts.lines[i], AccountLine::Account(..))
            {
                row.style(if app.accounts.values_focus {
                    theme.accent().add_modifier(Modifier::BOLD)
                } else {
                    theme.selected()
                })
            } else {
                row
            }
        })
        .collect();
    let mut block_title = vec![Span::styled(" Accounts ", theme.title())];
    if fitted.hidden > 0 {
        block_title.push(Span::styled(
            columns::hidden_note(fitted.hidden).0,
            theme.warning(),
        ));
    }
    let empty = rows.is_empty();
    let table = Table::new(rows, fitted.constraints())
        .header(Row::new(header).style(theme.muted().add_modifier(Modifier::BOLD)))
        .column_spacing(1)
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border())
                .title(Line::from(block_title)),
        );
    frame.render_widget(table, table_area);
    if empty {
        frame.render_widget(
            Paragraph::new(vec![
                Line::from(Span::styled("No accounts yet.", theme.title())),
                Line::from(Span::styled(
                    format!(
                        "Press {} to add an institution (your bank or broker), then {} to add \
                         an account. {} lists every key.",
                        app.keymap.key_of(Intent::NewInstitution),
                        app.keymap.key_of(Intent::New),
                        app.keymap.key_of(Intent::Help),
                    ),
                    theme.muted(),
                )),
            ])
            .wrap(Wrap { trim: true }),
            Rect {
                y: table_area.y + 2,
                height: table_area.height.saturating_sub(2),
                ..table_area
            },
        );
    }

    let nw = &p.overview.net_worth;
    let base = &p.overview.base_currency;
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
    if !p.overview.missing.is_empty() {
        totals.push(Span::styled(
            format!("  * without {}", describe_missing(&p.overview.missing)),
            theme.warning(),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(
                "─".repeat(area.width as usize),
                theme.border(),
            )),
            columns::whole_spans(totals, totals_area.width),
        ]),
        totals_area,
    );
    if app.accounts.values_focus {
        values(frame, values_area, app);
    }
}

/// The cells of one line of the table: an institution with its total, or an account.
fn line_cells(app: &App, p: &Portfolio, line: AccountLine, spark_w: u16) -> Vec<(String, Style)> {
    let theme = &app.theme;
    let blank = || (String::new(), theme.text());
    match line {
        AccountLine::Institution(g) => {
            let group = &p.overview.groups[g];
            let name = group
                .institution
                .as_ref()
                .map_or("No institution", |i| i.name.as_str());
            vec![
                (name.to_string(), theme.title()),
                blank(),
                blank(),
                blank(),
                blank(),
                (format::money(group.total_base, app.privacy), theme.title()),
                blank(),
            ]
        }
        AccountLine::Account(..) => {
            let Some(s) = app.account_summary(line) else {
                return vec![blank(); 7];
            };
            let a = &s.account;
            let in_base = p.overview.worth_base.get(&a.id).copied();
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
            let mv = if a.is_investment_account {
                // A partial sum is marked: the footer names what it leaves out.
                let mark = if s.missing.is_empty() { "" } else { "*" };
                format!("{}{mark}", format::money(s.market_value, app.privacy))
            } else {
                String::new()
            };
            let base_style = if a.is_asset() {
                theme.text()
            } else {
                theme.signed(Some(std::cmp::Ordering::Less))
            };
            let spark = if app.privacy {
                String::new()
            } else {
                sparkline::spark(&history, spark_w as usize)
            };
            vec![
                (format!("  {}", a.name), theme.text()),
                (a.account_type.as_str().replace('_', " "), theme.muted()),
                (a.currency.as_str().to_string(), theme.text()),
                (
                    format::money_opt(s.current_balance, app.privacy),
                    theme.text(),
                ),
                (mv, theme.text()),
                (format::money_opt(in_base, app.privacy), base_style),
                (spark, theme.signed(trend)),
            ]
        }
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
