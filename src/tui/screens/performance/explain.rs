//! The explain pane (`x` on the performance screen): the start and end values the figures are
//! computed from, how each figure is read from them, and every flow of the range, so that a
//! user can redo the figures by hand or in a spreadsheet.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::service::performance::Performance;
use crate::tui::app::App;
use crate::tui::widgets::{format, popup};

use super::draw::rate;

/// The widest the pane is drawn.
const WIDTH: u16 = 84;

/// The name of an account in the answer, else as the portfolio knows it.
fn account_name<'a>(p: &'a Performance, app: &'a App, id: Uuid) -> &'a str {
    p.accounts
        .iter()
        .find(|a| a.account_id == id)
        .map(|a| a.name.as_str())
        .or_else(|| app.account_name(id))
        .unwrap_or("?")
}

/// `implicit_deposit` as `implicit deposit`.
fn kind_text(kind: crate::domain::ledger::FlowKind) -> String {
    kind.as_str().replace('_', " ")
}

/// The pane's text, one line each, no line wider than the pane.
pub fn lines(p: &Performance, app: &App) -> Vec<Line<'static>> {
    let theme = &app.theme;
    let private = app.privacy;
    let r = &p.returns;
    let money = |v: Decimal| format::money(v, private);
    let signed = |v: Decimal| format::signed(v, private);
    let flows_counted = p.flows.iter().filter(|f| f.amount.is_some()).count();
    let amounts = [
        (
            "Start value",
            r.start.to_string(),
            money(r.start_value),
            "its day's flows inside it".to_string(),
        ),
        (
            "End value",
            r.end.to_string(),
            money(r.end_value),
            String::new(),
        ),
        (
            "Net flows",
            match p.flows.len() {
                1 if flows_counted == 1 => "1 flow".to_string(),
                n if n == flows_counted => format!("{n} flows"),
                // The flows not valued are left out of the sum.
                n => format!("{flows_counted} of {n} flows"),
            },
            signed(r.net_flows),
            "the flows listed below".into(),
        ),
        (
            "Gain",
            String::new(),
            signed(r.gain),
            "end value − start value − net flows".into(),
        ),
        (
            "Income",
            String::new(),
            money(p.income),
            "dividends and interest".into(),
        ),
        ("Fees", String::new(), money(p.fees), String::new()),
        ("Taxes", String::new(), money(p.taxes), String::new()),
    ];
    let width = amounts
        .iter()
        .map(|(_, _, a, _)| a.chars().count())
        .max()
        .unwrap_or(0);
    let when_width = amounts
        .iter()
        .map(|(_, w, _, _)| w.chars().count() + 2)
        .max()
        .unwrap_or(0);
    let mut out = vec![Line::from(Span::styled(
        format!(
            " The portfolio in {} from {} to {} ({} days)",
            p.currency,
            r.start,
            r.end,
            (r.end - r.start).num_days() + 1
        ),
        theme.title(),
    ))];
    out.push(Line::default());
    for (label, when, amount, note) in amounts {
        out.push(Line::from(vec![
            Span::styled(format!(" {label:<13}{when:<when_width$}"), theme.muted()),
            Span::styled(format!("{amount:>width$}"), theme.text()),
            Span::styled(format!("  {note}"), theme.muted()),
        ]));
    }
    out.push(Line::default());
    let rates = [
        (
            "TWR",
            rate(Some(r.twr)),
            "V(d) / (V(d−1) + F(d)) chained over the days, − 1",
        ),
        (
            "TWR p.a.",
            rate(r.twr_annualized),
            "(1 + TWR)^(365 / days) − 1, over 365 days or more",
        ),
        (
            "MWR p.a.",
            rate(r.mwr),
            "the XIRR of −start value, −each flow, +end value",
        ),
    ];
    let rate_width = rates
        .iter()
        .map(|(_, v, _)| v.chars().count())
        .max()
        .unwrap_or(0);
    for (label, value, how) in rates {
        out.push(Line::from(vec![
            Span::styled(format!(" {label:<13}"), theme.muted()),
            Span::styled(format!("{value:>rate_width$}"), theme.text()),
            Span::styled(format!("  {how}"), theme.muted()),
        ]));
    }
    out.push(Line::from(Span::styled(
        " The value of every day: finances perf --csv",
        theme.muted(),
    )));
    out.push(Line::default());

    out.push(Line::from(Span::styled(
        format!(" Flows ({})", p.flows.len()),
        theme.title(),
    )));
    if p.flows.is_empty() {
        out.push(Line::from(Span::styled(
            " none after the first day",
            theme.muted(),
        )));
        return out;
    }
    let cells: Vec<[String; 4]> = p
        .flows
        .iter()
        .map(|f| {
            [
                f.date.to_string(),
                format::fit(account_name(p, app, f.account_id), 22),
                kind_text(f.kind),
                f.amount.map_or_else(|| "not valued".into(), signed),
            ]
        })
        .collect();
    let header = ["Date", "Account", "Kind", "Amount"];
    let w: Vec<usize> = (0..4)
        .map(|k| {
            std::iter::once(header[k].chars().count())
                .chain(cells.iter().map(|c| c[k].chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let row = |c: [&str; 4]| {
        format!(
            " {:<w0$}  {:<w1$}  {:<w2$}  {:>w3$}",
            c[0],
            c[1],
            c[2],
            c[3],
            w0 = w[0],
            w1 = w[1],
            w2 = w[2],
            w3 = w[3]
        )
    };
    out.push(Line::from(Span::styled(
        row(header),
        theme.muted().add_modifier(Modifier::BOLD),
    )));
    for (c, f) in cells.iter().zip(&p.flows) {
        let style = match f.amount {
            Some(_) => theme.text(),
            None => theme.warning(),
        };
        out.push(Line::from(Span::styled(
            row([&c[0], &c[1], &c[2], &c[3]]),
            style,
        )));
    }
    out
}

/// How many lines the pane's text has, for scrolling.
pub fn line_count(p: &Performance, app: &App) -> usize {
    lines(p, app).len()
}

pub fn draw(frame: &mut Frame, area: Rect, app: &App, p: &Performance) {
    let theme = &app.theme;
    let rect = popup::centered(area, WIDTH, area.height);
    let inner = popup::frame_box(
        frame,
        rect,
        "Explain: what the figures are read from",
        theme,
    );
    let [text_area, hint_area] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let text = lines(p, app);
    let max = (text.len() as u16).saturating_sub(text_area.height);
    let scroll = app.performance.explain.unwrap_or(0).min(max);
    frame.render_widget(Paragraph::new(text).scroll((scroll, 0)), text_area);
    let below = max - scroll;
    let hint = match below {
        0 => " j/k scroll · x or esc close".to_string(),
        n => format!(" j/k scroll ({n} more lines) · x or esc close"),
    };
    frame.render_widget(
        Paragraph::new(Span::styled(
            hint,
            theme.muted().add_modifier(Modifier::ITALIC),
        )),
        hint_area,
    );
}
