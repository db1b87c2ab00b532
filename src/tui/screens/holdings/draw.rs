//! Drawing of the holdings screen: the table, fitted to the window by column priority, its
//! filter line and the totals.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;
use rust_decimal::Decimal;

use crate::tui::app::{App, Mode};
use crate::tui::widgets::columns::{self, ColumnFit};
use crate::tui::widgets::{format, popup};

use super::{Column, HoldingRow};

/// What a table column shows: a sortable column, or the native amount beside the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shown {
    Sortable(Column),
    /// The value in the security's currency where it is not the base currency.
    Native,
}

/// The candidate columns in screen order, each with the priority it keeps its place by
/// (lower stays longer when the window narrows).
fn candidates(all_accounts: bool, any_foreign: bool) -> Vec<(Shown, u8)> {
    use Column::*;
    let mut out = vec![(Shown::Sortable(Symbol), 0)];
    if all_accounts {
        out.push((Shown::Sortable(Account), 4));
    }
    out.extend([
        (Shown::Sortable(Name), 11),
        (Shown::Sortable(Shares), 3),
        (Shown::Sortable(AvgCost), 9),
        (Shown::Sortable(Price), 2),
        (Shown::Sortable(Value), 1),
    ]);
    if any_foreign {
        out.push((Shown::Native, 7));
    }
    out.extend([
        (Shown::Sortable(Gain), 8),
        (Shown::Sortable(GainPct), 5),
        (Shown::Sortable(DayChange), 6),
        (Shown::Sortable(Weight), 10),
        // The ledger's figures in the account's currency, left off first when narrow.
        (Shown::Sortable(MarketValue), 15),
        (Shown::Sortable(Unrealized), 14),
        (Shown::Sortable(Realized), 12),
        (Shown::Sortable(Income), 13),
    ]);
    out
}

/// An amount in the account's currency, its code after it where that is not the base
/// currency; "—" when unknown.
fn in_account(app: &App, r: &HoldingRow, value: Option<Decimal>, signed: bool) -> String {
    let Some(v) = value else {
        return "—".to_string();
    };
    let text = if signed {
        format::signed(v, app.privacy)
    } else {
        format::money(v, app.privacy)
    };
    if r.account_currency == app.base_currency() {
        text
    } else {
        format!("{text} {}", r.account_currency.as_str())
    }
}

/// `p` after a pence price, nothing after a missing one.
fn with_unit(text: Option<String>, r: &HoldingRow) -> String {
    match text {
        Some(t) if r.quote == "GBp" => format!("{t}p"),
        Some(t) => t,
        None => "—".to_string(),
    }
}

/// One cell's text and style; numbers are right-aligned.
fn cell_text(app: &App, r: &HoldingRow, shown: Shown) -> (String, Style, bool) {
    let theme = &app.theme;
    let private = app.privacy;
    let signed = |v: Option<Decimal>| theme.signed(v.map(|v| v.cmp(&Decimal::ZERO)));
    match shown {
        Shown::Native => {
            let text = if r.currency == app.base_currency() {
                String::new()
            } else if r.value.is_none() {
                "—".to_string()
            } else {
                format!(
                    "{} {}",
                    format::money_opt(r.value, private),
                    r.currency.as_str()
                )
            };
            (text, theme.muted(), true)
        }
        Shown::Sortable(c) => match c {
            Column::Symbol => (r.symbol.to_string(), theme.accent(), false),
            Column::Account => (r.account_name.clone(), theme.text(), false),
            Column::Name => (r.name.clone(), theme.text(), false),
            Column::Shares => (format::shares(r.shares, private), theme.text(), true),
            Column::AvgCost => {
                let text = r.avg_cost.map(format::price);
                let text = match text {
                    _ if r.avg_in_quote => with_unit(text, r),
                    // In the account's currency: named where the price is in another
                    // currency or unit (pence beside a cost in pounds).
                    Some(t) if r.quote != r.account_currency.as_str() => {
                        format!("{t} {}", r.account_currency.as_str())
                    }
                    Some(t) => t,
                    None => "—".to_string(),
                };
                (text, theme.text(), true)
            }
            Column::Price => (with_unit(r.price.map(format::price), r), theme.text(), true),
            Column::Value => (format::money_opt(r.value_base, private), theme.text(), true),
            Column::Gain => (
                format::signed_opt(r.gain_base, private),
                signed(r.gain_base),
                true,
            ),
            Column::GainPct => (format::percent_opt(r.gain_pct), signed(r.gain_pct), true),
            Column::DayChange => match (r.stale, r.price_as_of) {
                (true, Some(as_of)) => (format::stale_age(as_of, app.now), theme.warning(), true),
                _ => (
                    format::percent_opt(r.day_change_pct),
                    signed(r.day_change_pct),
                    true,
                ),
            },
            Column::Weight => (format::weight(r.weight), theme.text(), true),
            Column::MarketValue => (
                in_account(app, r, r.market_value, false),
                theme.text(),
                true,
            ),
            Column::Unrealized => (
                in_account(app, r, r.unrealized, true),
                signed(r.unrealized),
                true,
            ),
            Column::Realized => (
                in_account(app, r, r.realized, true),
                signed(r.realized),
                true,
            ),
            Column::Income => (in_account(app, r, r.income, false), theme.text(), true),
        },
    }
}

fn header_text(app: &App, shown: Shown) -> String {
    match shown {
        Shown::Native => "Native".to_string(),
        Shown::Sortable(c) => {
            let mark = match app.holdings.sort {
                Some((s, true)) if s == c => " ▼",
                Some((s, false)) if s == c => " ▲",
                _ => "",
            };
            let title = match c {
                Column::Value => format!("Value {}", app.base_currency()),
                c => c.title().to_string(),
            };
            format!("{title}{mark}")
        }
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

    if app.portfolio.is_none() {
        frame.render_widget(Paragraph::new(Line::from(title)), title_area);
        frame.render_widget(
            Paragraph::new(Span::styled("Loading holdings…", theme.muted())),
            table_area,
        );
        return;
    }

    let base = app.base_currency();
    let any_foreign = h.rows.iter().any(|r| r.currency != base);
    let cands = candidates(h.account.is_none(), any_foreign);
    // Widths from every row, not only the visible ones, so columns hold still while scrolling.
    let texts: Vec<Vec<(String, Style, bool)>> = h
        .order
        .iter()
        .map(|i| {
            cands
                .iter()
                .map(|(s, _)| cell_text(app, &h.rows[*i], *s))
                .collect()
        })
        .collect();
    let headers: Vec<String> = cands.iter().map(|(s, _)| header_text(app, *s)).collect();
    let fits: Vec<ColumnFit> = cands
        .iter()
        .enumerate()
        .map(|(k, (shown, priority))| {
            let width = columns::widest(
                std::iter::once(headers[k].as_str())
                    .chain(texts.iter().map(|row| row[k].0.as_str())),
            );
            match shown {
                // The ledger's columns, less important, give way before a name is cut.
                Shown::Sortable(Column::Name) => ColumnFit::name(width, *priority, 8),
                Shown::Sortable(Column::Account) => ColumnFit::text(width, *priority, 10),
                _ => ColumnFit::number(width, *priority),
            }
        })
        .collect();
    let fitted = columns::fit(&fits, table_area.width, 1);
    let hints = Span::styled("  [ ] account  < > sort  / filter", theme.muted());
    if fitted.hidden > 0 {
        // Said in full where it fits with the keys after it, else briefly, so that it is
        // never the part left off.
        let (long, short) = columns::hidden_note(fitted.hidden);
        let long = Span::styled(long, theme.warning());
        let short = Span::styled(short, theme.warning());
        let used: usize = title.iter().map(|s| s.width()).sum();
        let room = title_area.width as usize;
        title.push(
            if used + long.width() + hints.width() <= room
                || used + short.width() + hints.width() > room && used + long.width() <= room
            {
                long
            } else {
                short
            },
        );
    }
    title.push(hints);
    title.push(Span::styled("  enter lots  a activities", theme.muted()));
    frame.render_widget(
        Paragraph::new(columns::whole_spans(title, title_area.width)),
        title_area,
    );

    let header: Vec<Cell> = fitted
        .shown
        .iter()
        .map(|(k, _)| {
            let text = headers[*k].clone();
            if fits[*k].shrink_to.is_some() || cands[*k].0 == Shown::Sortable(Column::Symbol) {
                Cell::from(text)
            } else {
                Cell::from(Line::from(text).right_aligned())
            }
        })
        .collect();
    let visible = table_area.height.saturating_sub(2) as usize;
    let rows = columns::visible_rows(&texts, &fitted, h.selected, visible, theme.selected());
    let empty = rows.is_empty();
    let table = Table::new(rows, fitted.constraints())
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
    totals(frame, totals_area, app);
    if app.mode == Mode::Lots {
        lots(frame, area, app);
    }
}

/// The open lots of the position under the cursor, oldest first, in the account's currency.
fn lots(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let Some(r) = app.selected_holding() else {
        return;
    };
    let private = app.privacy;
    let cost =
        |v: Option<Decimal>| v.map_or_else(|| "—".to_string(), |v| format::money(v, private));
    let per_unit = |v: Option<Decimal>| v.map_or_else(|| "—".to_string(), format::price);
    let header = ["Opened", "Quantity", "Cost", "Cost/unit"];
    let cells: Vec<[String; 4]> = r
        .lots
        .iter()
        .map(|l| {
            [
                l.opened.format("%Y-%m-%d").to_string(),
                format::shares(l.quantity, private),
                cost(l.cost),
                per_unit(l.cost_per_unit),
            ]
        })
        .collect();
    let widths: Vec<u16> = (0..4)
        .map(|k| {
            columns::widest(std::iter::once(header[k]).chain(cells.iter().map(|c| c[k].as_str())))
        })
        .collect();
    let title = format!(
        "Lots of {} in {} · {}",
        r.symbol, r.account_name, r.account_currency
    );
    let inner_width = widths.iter().sum::<u16>() + 3 * 2;
    let width = (inner_width.max(title.chars().count() as u16 + 2) + 2).min(area.width);
    let height = (cells.len().max(1) as u16 + 5).min(area.height);
    let rect = popup::centered(area, width, height);
    let inner = popup::frame_box(frame, rect, &title, theme);
    let [table_area, hint_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let right = |t: &str, style: Style| {
        Cell::from(Line::from(Span::styled(t.to_string(), style)).right_aligned())
    };
    let rows: Vec<Row> = cells
        .iter()
        .map(|c| {
            Row::new(vec![
                Cell::from(Span::styled(c[0].clone(), theme.text())),
                right(&c[1], theme.text()),
                right(&c[2], theme.text()),
                right(&c[3], theme.text()),
            ])
        })
        .collect();
    let empty = rows.is_empty();
    let header = Row::new(vec![
        Cell::from(header[0]),
        right(header[1], theme.muted()),
        right(header[2], theme.muted()),
        right(header[3], theme.muted()),
    ])
    .style(theme.muted().add_modifier(Modifier::BOLD));
    let constraints: Vec<Constraint> = widths.iter().map(|w| Constraint::Length(*w)).collect();
    frame.render_widget(
        Table::new(rows, constraints)
            .header(header)
            .column_spacing(2),
        table_area,
    );
    if empty {
        frame.render_widget(
            Paragraph::new(Span::styled("No open lot known", theme.muted())),
            Rect {
                y: table_area.y + 1,
                height: 1,
                ..table_area
            },
        );
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            "l chart · esc close",
            theme.muted().add_modifier(Modifier::ITALIC),
        )),
        hint_area,
    );
}

/// `Total USD  value 2,000.00  gain +500.00 (+33.33%)  day +12.00 · MSFT unpriced`, each part
/// whole or left off.
fn totals(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let h = &app.holdings;
    let base = app.base_currency();
    let pct = h
        .total_gain
        .zip(h.total_cost)
        .filter(|(_, c)| !c.is_zero())
        .map(|(g, c)| (g / c * Decimal::ONE_HUNDRED).round_dp(2));
    let sign = |v: Option<Decimal>| theme.signed(v.map(|v| v.cmp(&Decimal::ZERO)));
    let mut line = vec![
        Span::styled(format!("Total {base}  "), theme.title()),
        Span::styled(
            format!("value {}  ", format::money_opt(h.total_value, app.privacy)),
            theme.text(),
        ),
    ];
    if !h.left_out.is_empty() {
        line.push(Span::styled(
            format!("· {}  ", h.left_out.join(", ")),
            theme.warning(),
        ));
    }
    line.extend([
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
    ]);
    if let Some(r) = app.selected_holding() {
        line.push(Span::styled(
            format!("   {} · {}", r.name, r.account_name),
            theme.muted(),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![
            Line::from(Span::styled(
                "─".repeat(area.width as usize),
                theme.border(),
            )),
            columns::whole_spans(line, area.width),
        ]),
        area,
    );
}
