//! Drawing of the performance screen: the range line, the figures of the range, the chart of
//! the value against the money put in, the accounts table, and what is left out.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Table};
use ratatui::Frame;
use rust_decimal::Decimal;

use crate::domain::valuation::describe_missing;
use crate::service::performance::{AccountReturns, Performance};
use crate::tui::app::App;
use crate::tui::widgets::columns::{self, ColumnFit};
use crate::tui::widgets::format;

use super::{chart, explain, proposals, AccountColumn, PerfRange};

/// A rate as a percentage (`0.1234` is `+12.34%`), `n/a` where there is none.
pub(super) fn rate(value: Option<Decimal>) -> String {
    value.map_or_else(
        || "n/a".to_string(),
        |r| format::percent(r * Decimal::ONE_HUNDRED),
    )
}

/// The chart keeps at least this many rows before the accounts table gives up rows.
const CHART_ROWS: u16 = 7;

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let s = &app.performance;
    let notes = s
        .data
        .as_ref()
        .map_or_else(Vec::new, |p| notes(p, app, area.width));
    let accounts = s.data.as_ref().map_or(0, |p| p.accounts.len()) as u16;
    // The table's border and header, then as many rows as leave the chart its least.
    let room = area
        .height
        .saturating_sub(1 + 4 + CHART_ROWS + notes.len() as u16);
    let table_rows = if accounts == 0 {
        0
    } else {
        (accounts + 2).min(room.max(3))
    };
    let [title_area, figures_area, chart_area, table_area, notes_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(4),
        Constraint::Min(1),
        Constraint::Length(table_rows),
        Constraint::Length(notes.len() as u16),
    ])
    .areas(area);

    title(frame, title_area, app);
    let Some(p) = &s.data else {
        let (text, style) = match (&s.error, s.loading) {
            (Some(e), _) => (e.clone(), theme.error()),
            (None, true) => ("Computing the performance…".to_string(), theme.muted()),
            (None, false) => (String::new(), theme.muted()),
        };
        frame.render_widget(
            Paragraph::new(Span::styled(format!(" {text}"), style)).block(
                Block::default()
                    .borders(Borders::TOP)
                    .border_style(theme.border()),
            ),
            figures_area,
        );
        proposals::draw(frame, area, app);
        return;
    };
    figures(frame, figures_area, app, p);
    chart::draw(frame, chart_area, &p.returns.series, app.privacy, theme);
    table(frame, table_area, app, p);
    frame.render_widget(Paragraph::new(notes), notes_area);
    if s.explain.is_some() {
        explain::draw(frame, area, app, p);
    }
    proposals::draw(frame, area, app);
}

/// ` Performance · USD  1M 3M YTD 1Y 3Y 5Y MAX  loading…  [ ] range  x explain`.
fn title(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let s = &app.performance;
    let currency = s
        .data
        .as_ref()
        .map_or_else(|| app.base_currency(), |p| p.currency.clone());
    let mut spans = vec![Span::styled(
        format!(" Performance · {currency} "),
        theme.title(),
    )];
    for r in PerfRange::PRESETS {
        let label = format!(" {} ", r.label());
        spans.push(if r == s.range {
            Span::styled(label, theme.selected())
        } else {
            Span::styled(label, theme.muted())
        });
    }
    if let PerfRange::Custom { .. } = s.range {
        spans.push(Span::styled(
            format!(" {} ", s.range.label()),
            theme.selected(),
        ));
    }
    if s.loading {
        spans.push(Span::styled("  loading…", theme.accent()));
    }
    spans.push(Span::styled("  [ ] range  x explain", theme.muted()));
    // Dropped first where the line is short: the help lists it too.
    spans.push(Span::styled("  P proposals", theme.muted()));
    frame.render_widget(
        Paragraph::new(columns::whole_spans(spans, area.width)),
        area,
    );
}

/// The figures of the range in three columns of three, under a line naming the days.
fn figures(frame: &mut Frame, area: Rect, app: &App, p: &Performance) {
    let theme = &app.theme;
    let r = &p.returns;
    let private = app.privacy;
    let money = |v: Decimal| format::money(v, private);
    let signed = |v: Decimal| format::signed(v, private);
    let sign = |v: Option<Decimal>| theme.signed(v.map(|v| v.cmp(&Decimal::ZERO)));
    let plain = theme.text();
    let groups: [[(&str, String, Style); 3]; 3] = [
        [
            ("TWR", rate(Some(r.twr)), sign(Some(r.twr))),
            ("TWR p.a.", rate(r.twr_annualized), sign(r.twr_annualized)),
            ("MWR p.a.", rate(r.mwr), sign(r.mwr)),
        ],
        [
            ("Start value", money(r.start_value), plain),
            ("End value", money(r.end_value), plain),
            ("Gain", signed(r.gain), sign(Some(r.gain))),
        ],
        [
            ("Income", money(p.income), plain),
            ("Fees", money(p.fees), plain),
            ("Taxes", money(p.taxes), plain),
        ],
    ];
    let widths: Vec<(usize, usize)> = groups
        .iter()
        .map(|g| {
            let label = g.iter().map(|(l, _, _)| l.len()).max().unwrap_or(0);
            let value = g
                .iter()
                .map(|(_, v, _)| v.chars().count())
                .max()
                .unwrap_or(0);
            (label, value)
        })
        .collect();
    let lines: Vec<Line> = (0..3)
        .map(|row| {
            let mut spans = Vec::new();
            for (g, (lw, vw)) in groups.iter().zip(&widths) {
                let (label, value, style) = &g[row];
                // A column whole, with the gap before it: never a figure without its label.
                spans.push(Span::styled(format!(" {label:<lw$} "), theme.muted()));
                spans.push(Span::styled(format!("{value:>vw$}  "), *style));
            }
            let mut kept = columns::whole_spans(spans, area.width).spans;
            if kept.len() % 2 == 1 {
                kept.pop();
            }
            Line::from(kept)
        })
        .collect();
    let mut heading = format!(
        " {} to {} · {} days · {} ",
        r.start,
        r.end,
        (r.end - r.start).num_days() + 1,
        p.currency
    );
    let mut style = theme.title();
    if !p.complete() {
        heading.push_str("· incomplete* ");
        style = theme.warning();
    }
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(theme.border())
        .title(Span::styled(heading, style));
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// One cell's text and style; numbers are right-aligned.
fn cell(app: &App, a: &AccountReturns, column: AccountColumn) -> (String, Style, bool) {
    let theme = &app.theme;
    let r = &a.returns;
    let sign = |v: Option<Decimal>| theme.signed(v.map(|v| v.cmp(&Decimal::ZERO)));
    match column {
        AccountColumn::Account => {
            // As the net worth marks a total that leaves something out.
            let mark = if a.complete { "" } else { "*" };
            (format!("{}{mark}", a.name), theme.text(), false)
        }
        AccountColumn::Currency => (a.currency.to_string(), theme.muted(), false),
        AccountColumn::Twr => (rate(Some(r.twr)), sign(Some(r.twr)), true),
        AccountColumn::TwrAnnualized => (rate(r.twr_annualized), sign(r.twr_annualized), true),
        AccountColumn::Mwr => (rate(r.mwr), sign(r.mwr), true),
        AccountColumn::Gain => (
            format::signed(r.gain, app.privacy),
            sign(Some(r.gain)),
            true,
        ),
    }
}

/// The priority a column keeps its place by when the window narrows (lower stays longer).
fn priority(column: AccountColumn) -> u8 {
    match column {
        AccountColumn::Account => 0,
        AccountColumn::Twr => 1,
        AccountColumn::Gain => 2,
        AccountColumn::Mwr => 3,
        AccountColumn::TwrAnnualized => 4,
        AccountColumn::Currency => 5,
    }
}

fn table(frame: &mut Frame, area: Rect, app: &App, p: &Performance) {
    if area.height == 0 {
        return;
    }
    let theme = &app.theme;
    let s = &app.performance;
    let cols = AccountColumn::ALL;
    let texts: Vec<Vec<(String, Style, bool)>> = s
        .order
        .iter()
        .map(|i| {
            cols.iter()
                .map(|c| cell(app, &p.accounts[*i], *c))
                .collect()
        })
        .collect();
    let headers: Vec<String> = cols
        .iter()
        .map(|c| {
            let mark = match s.sort {
                (sorted, true) if sorted == *c => " ▼",
                (sorted, false) if sorted == *c => " ▲",
                _ => "",
            };
            format!("{}{mark}", c.title())
        })
        .collect();
    let fits: Vec<ColumnFit> = cols
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let width = columns::widest(
                std::iter::once(headers[k].as_str()).chain(texts.iter().map(|r| r[k].0.as_str())),
            );
            match c {
                AccountColumn::Account => ColumnFit::name(width, priority(*c), 10),
                _ => ColumnFit::number(width, priority(*c)),
            }
        })
        .collect();
    let fitted = columns::fit(&fits, area.width, 2);
    let header: Vec<Cell> = fitted
        .shown
        .iter()
        .map(|(k, _)| {
            let text = headers[*k].clone();
            if texts.first().is_some_and(|r| r[*k].2) {
                Cell::from(Line::from(text).right_aligned())
            } else {
                Cell::from(text)
            }
        })
        .collect();
    let visible = area.height.saturating_sub(2) as usize;
    let rows = columns::visible_rows(&texts, &fitted, s.selected, visible, theme.selected());
    let mut heading = vec![Span::styled(" Accounts ", theme.title())];
    if fitted.hidden > 0 {
        heading.push(Span::styled(
            columns::hidden_note(fitted.hidden).0,
            theme.warning(),
        ));
    }
    heading.push(Span::styled(" < > sort ", theme.muted()));
    let table = Table::new(rows, fitted.constraints())
        .header(Row::new(header).style(theme.muted().add_modifier(Modifier::BOLD)))
        .column_spacing(2)
        .block(
            Block::default()
                .borders(Borders::TOP)
                .border_style(theme.border())
                .title(Line::from(heading)),
        );
    frame.render_widget(table, area);
}

/// `prefix` and as many of `names` as fit `width` whole, then how many more there are.
fn names_that_fit(prefix: &str, names: &[String], width: u16) -> String {
    let width = width as usize;
    let mut line = prefix.to_string();
    for (i, name) in names.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let rest = names.len() - i - 1;
        let more = if rest == 0 {
            String::new()
        } else {
            format!(", +{rest} more")
        };
        if (line.clone() + sep + name + &more).chars().count() > width {
            line.push_str(&format!("{sep}+{} more", names.len() - i));
            return line;
        }
        line.push_str(sep);
        line.push_str(name);
    }
    line
}

/// What the figures leave out: what could not be valued on some days, and the accounts with
/// nothing to compute from.
fn notes(p: &Performance, app: &App, width: u16) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let mut out = Vec::new();
    if !p.complete() {
        let missing: Vec<String> = describe_missing(p.missing.iter().map(|m| &m.missing))
            .split(", ")
            .map(str::to_string)
            .collect();
        out.push(Line::from(Span::styled(
            names_that_fit(" * left out on the days it is missing: ", &missing, width),
            theme.warning(),
        )));
    }
    if !p.excluded.is_empty() {
        let names: Vec<String> = p.excluded.iter().map(|e| e.name.clone()).collect();
        out.push(Line::from(Span::styled(
            names_that_fit(" Not counted, no activities or holdings: ", &names, width),
            theme.muted(),
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_listed_whole_then_counted() {
        let names: Vec<String> = ["Checking", "Savings", "Mortgage"]
            .map(String::from)
            .to_vec();
        assert_eq!(
            names_that_fit("Out: ", &names, 40),
            "Out: Checking, Savings, Mortgage"
        );
        assert_eq!(
            names_that_fit("Out: ", &names, 30),
            "Out: Checking, +2 more"
        );
        assert_eq!(names_that_fit("Out: ", &names, 10), "Out: +3 more");
    }
}
