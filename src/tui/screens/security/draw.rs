//! Drawing of the security screen: the price chart over the chosen range, the crosshair's
//! reading, key figures and the user's position in the security.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use rust_decimal::Decimal;

use crate::domain::{QuoteUnit, Security};
use crate::service::securities::FirstUseStep;
use crate::tui::app::{App, Range};
use crate::tui::widgets::{format, price_chart};

pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let theme = &app.theme;
    let s = &app.security;
    let Some(symbol) = &s.symbol else {
        frame.render_widget(
            Paragraph::new(vec![
                Line::default(),
                Line::from(Span::styled(
                    "  No security open: press Enter on a holding (2) or a search result (4), or type :open SYMBOL",
                    theme.muted(),
                )),
            ]),
            area,
        );
        return;
    };
    let security: Option<&Security> = s.chart.as_ref().map(|c| &c.series.security);
    let side = area.width >= 110;
    let [main, panel] = if side {
        Layout::horizontal([Constraint::Min(40), Constraint::Length(34)]).areas(area)
    } else {
        Layout::vertical([Constraint::Min(8), Constraint::Length(4)]).areas(area)
    };
    let [head, ranges, reading, chart_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(4),
    ])
    .areas(main);

    let name = security.map_or(String::new(), |x| x.name.clone());
    let mut header = vec![
        Span::styled(format!(" {symbol} "), theme.title()),
        Span::styled(name, theme.text()),
    ];
    if let Some(x) = security {
        header.push(Span::styled(
            format!(
                "  {} · {} · {}",
                x.exchange.as_deref().unwrap_or("?"),
                x.currency,
                x.security_type
            ),
            theme.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(header)), head);

    let mut spans = vec![Span::raw(" ")];
    for r in Range::ALL {
        let label = format!(" {} ", r.label());
        spans.push(if r == s.range {
            Span::styled(label, theme.selected())
        } else {
            Span::styled(label, theme.muted())
        });
    }
    let interval = s.chart.as_ref().map_or_else(
        || s.range.interval(app.now).as_str(),
        |c| c.series.interval.as_str(),
    );
    spans.push(Span::styled(format!("  bars {interval}"), theme.muted()));
    spans.push(Span::styled(
        format!(
            "  {}",
            match s.style {
                crate::tui::settings::ChartStyle::Line => "line",
                crate::tui::settings::ChartStyle::Candles => "candles",
            }
        ),
        theme.muted(),
    ));
    if s.loading {
        spans.push(Span::styled("  loading…", theme.accent()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), ranges);

    match &s.chart {
        Some(data) if !data.points.is_empty() => {
            let i = s.crosshair.unwrap_or(data.points.len() - 1);
            let bar = &data.series.bars[i.min(data.series.bars.len() - 1)];
            let fmt = if data.series.interval.is_intraday() {
                "%Y-%m-%d %H:%M"
            } else {
                "%Y-%m-%d"
            };
            let mut text = vec![
                Span::styled(
                    format!(
                        " {} {}",
                        if s.crosshair.is_some() { "▸" } else { " " },
                        bar.timestamp.format(fmt)
                    ),
                    theme.accent(),
                ),
                Span::raw(format!(
                    "  O {}  H {}  L {}  C {}  V {}",
                    format::price(bar.open),
                    format::price(bar.high),
                    format::price(bar.low),
                    format::price(bar.close),
                    format::compact(Decimal::from(bar.volume))
                )),
            ];
            if let Some(note) = &data.note {
                text.push(Span::styled(format!("  {note}"), theme.warning()));
            }
            frame.render_widget(Paragraph::new(Line::from(text)), reading);
            price_chart::draw(frame, chart_area, data, s.style, s.crosshair, theme);
        }
        Some(_) => frame.render_widget(
            Paragraph::new(Span::styled(
                " No prices stored for this range: s syncs this security",
                theme.muted(),
            )),
            reading,
        ),
        None => {
            let msg = s.error.clone().unwrap_or_else(|| match s.fetching {
                Some(FirstUseStep::Describing) => {
                    format!("{symbol} is not stored: looking it up on Yahoo Finance…")
                }
                Some(FirstUseStep::FetchingHistory) => {
                    format!("{symbol} is not stored: fetching its price history…")
                }
                None => "Loading prices…".into(),
            });
            let style = if s.error.is_some() {
                theme.error()
            } else {
                theme.muted()
            };
            frame.render_widget(
                Paragraph::new(Span::styled(format!(" {msg}"), style)),
                reading,
            );
        }
    }
    details(frame, panel, app, security, side);
}

/// Key figures and position, from stored data, with the live quote when there is one.
fn details(frame: &mut Frame, area: Rect, app: &App, security: Option<&Security>, side: bool) {
    let theme = &app.theme;
    let s = &app.security;
    let mut figures: Vec<(String, String)> = Vec::new();
    let points = s.chart.as_ref().map(|c| &c.series.bars);
    let last = points.and_then(|b| b.last());
    let price = s
        .figures
        .as_ref()
        .and_then(|f| f.price)
        .or(last.map(|b| b.close));
    figures.push(("Price".into(), format::price_opt(price)));
    if let Some(f) = &s.figures {
        figures.push((
            "Day".into(),
            format!(
                "{} ({})",
                format::signed_opt(f.day_change, false),
                format::percent_opt(f.day_change_percent)
            ),
        ));
    }
    // The service's figure (Yahoo's, or a year of stored daily bars), whatever the range shown.
    let (lo52, hi52) = s.figures.as_ref().map_or((None, None), |f| {
        (f.fifty_two_week_low, f.fifty_two_week_high)
    });
    figures.push((
        "52 weeks".into(),
        format!("{} – {}", format::price_opt(lo52), format::price_opt(hi52)),
    ));
    let cap = s
        .figures
        .as_ref()
        .and_then(|f| f.market_cap)
        .or(security.and_then(|x| x.market_cap));
    figures.push(("Market cap".into(), cap.map_or("—".into(), format::compact)));
    if let Some(x) = security {
        figures.push(("Currency".into(), x.currency.clone()));
        figures.push((
            "Exchange".into(),
            x.exchange.clone().unwrap_or_else(|| "—".into()),
        ));
        if let Some(sector) = &x.sector {
            figures.push(("Sector".into(), sector.clone()));
        }
        figures.push((
            "Prices".into(),
            match last {
                Some(b) => format!("as of {}", b.timestamp.format("%Y-%m-%d")),
                None => "none stored".into(),
            },
        ));
        if let Some(t) = x.last_synced_at {
            figures.push(("Synced".into(), format::age(t, app.now)));
        }
    }
    if let Some(e) = &s.figures_error {
        figures.push(("Quote".into(), e.clone()));
    }
    match s.figures.as_ref().map(|f| f.source) {
        Some(source) if source.is_stored() => {
            figures.push(("Quote".into(), "offline (stored data)".into()));
        }
        Some(source) => {
            if let Some(why) = source.partial_reason() {
                figures.push(("Quote".into(), format!("partial: {why}")));
            }
        }
        None => {}
    }

    let symbol = s.symbol.clone();
    let positions = symbol
        .as_ref()
        .map(|sym| app.positions_in(sym))
        .unwrap_or_default();
    let mut pos_lines: Vec<Line> = Vec::new();
    let mut total_shares = Decimal::ZERO;
    for v in &positions {
        total_shares += v.holding.shares;
        let unit = QuoteUnit::parse(&v.security.currency).ok();
        let major = |d: Decimal| unit.as_ref().map_or(d, |u| u.to_major(d));
        pos_lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{} ",
                    format::fit(app.account_name(v.holding.account_id).unwrap_or("?"), 14)
                ),
                theme.muted(),
            ),
            Span::raw(format!(
                "{} sh ",
                format::shares(v.holding.shares, app.privacy)
            )),
            Span::styled(
                format::signed_opt(v.valuation.unrealized_gain.map(major), app.privacy),
                theme.signed(v.valuation.unrealized_gain.map(|g| g.cmp(&Decimal::ZERO))),
            ),
        ]));
    }

    if side {
        let mut lines: Vec<Line> = figures
            .iter()
            .map(|(k, v)| {
                Line::from(vec![
                    Span::styled(format!("{k:<11}"), theme.muted()),
                    Span::raw(v.clone()),
                ])
            })
            .collect();
        lines.push(Line::default());
        lines.push(Line::from(Span::styled("Your position", theme.title())));
        if positions.is_empty() {
            lines.push(Line::from(Span::styled("none (a adds one)", theme.muted())));
        } else {
            lines.extend(pos_lines);
            let value: Option<Decimal> = positions
                .iter()
                .map(|v| v.valuation.market_value)
                .sum::<Option<Decimal>>();
            let unit = positions
                .first()
                .and_then(|v| QuoteUnit::parse(&v.security.currency).ok());
            let value = value.map(|v| unit.as_ref().map_or(v, |u| u.to_major(v)));
            lines.push(Line::from(vec![
                Span::styled("Total      ", theme.muted()),
                Span::raw(format!(
                    "{} sh  {} {}",
                    format::shares(total_shares, app.privacy),
                    format::money_opt(value, app.privacy),
                    unit.map(|u| u.currency.to_string()).unwrap_or_default()
                )),
            ]));
        }
        let block = Block::default()
            .borders(Borders::LEFT)
            .border_style(theme.border())
            .title(Span::styled(" Key figures ", theme.title()));
        frame.render_widget(Paragraph::new(lines).block(block), area);
    } else {
        // Compact: figures on two lines, the position on the third.
        let join = |items: &[(String, String)]| {
            items
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(" · ")
        };
        let half = figures.len().div_ceil(2).min(3);
        let mut lines = vec![
            Line::from(Span::styled(
                format!(" {}", join(&figures[..half])),
                theme.text(),
            )),
            Line::from(Span::styled(
                format!(" {}", join(&figures[half..figures.len().min(half + 3)])),
                theme.muted(),
            )),
        ];
        lines.push(Line::from(if positions.is_empty() {
            Span::styled(" Position: none (a adds one)", theme.muted())
        } else {
            Span::raw(format!(
                " Position: {} shares in {} account{}",
                format::shares(total_shares, app.privacy),
                positions.len(),
                if positions.len() == 1 { "" } else { "s" }
            ))
        }));
        let block = Block::default()
            .borders(Borders::TOP)
            .border_style(theme.border());
        frame.render_widget(Paragraph::new(lines).block(block), area);
    }
}
