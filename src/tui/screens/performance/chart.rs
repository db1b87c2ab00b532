//! The chart of the performance screen: the portfolio's value on every day of the range, and
//! the money put in (the start value plus the flows since) as a second line, so that the gap
//! between them is the gain. The amounts become `f64` here and only as coordinates; the labels
//! are formatted from the decimals.

use ratatui::layout::Rect;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::domain::performance::{contributions, SeriesPoint};
use crate::tui::theme::Theme;
use crate::tui::widgets::format;

/// Width of the value labels on the left.
const GUTTER: u16 = 12;

pub fn draw(frame: &mut Frame, area: Rect, series: &[SeriesPoint], private: bool, theme: &Theme) {
    if series.is_empty() || area.width <= GUTTER + 4 || area.height < 4 {
        return;
    }
    let put_in = contributions(series);
    let values: Vec<Decimal> = series.iter().map(|p| p.value).collect();
    let lo = values
        .iter()
        .chain(&put_in)
        .min()
        .copied()
        .unwrap_or_default();
    let hi = values
        .iter()
        .chain(&put_in)
        .max()
        .copied()
        .unwrap_or_default();

    let legend = area;
    let plot = Rect {
        x: area.x + GUTTER,
        y: area.y + 1,
        width: area.width - GUTTER,
        height: area.height - 2,
    };
    let dates = Rect {
        y: area.y + area.height - 1,
        height: 1,
        ..plot
    };
    let value_style = theme.accent();
    let put_in_style = theme.muted();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::raw(" ".repeat(GUTTER as usize)),
            Span::styled("── value", value_style),
            Span::styled("   ── money put in (start value + flows)", put_in_style),
        ])),
        Rect {
            height: 1,
            ..legend
        },
    );

    let label = |v: Decimal| {
        let text = if private {
            format::MASK.to_string()
        } else {
            format::amount(v, 0)
        };
        format!("{text:>width$} ┤", width = (GUTTER - 2) as usize)
    };
    let buf = frame.buffer_mut();
    let mid = (lo + hi) / Decimal::TWO;
    for (row, value) in [
        (plot.y, hi),
        (plot.y + plot.height / 2, mid),
        (plot.y + plot.height.saturating_sub(1), lo),
    ] {
        buf.set_string(area.x, row, label(value), theme.muted());
    }
    let first = series[0].date.to_string();
    let last = series[series.len() - 1].date.to_string();
    buf.set_string(dates.x, dates.y, &first, theme.muted());
    if dates.width as usize > first.len() + last.len() + 2 {
        let x = dates.x + dates.width - last.len() as u16;
        buf.set_string(x, dates.y, &last, theme.muted());
    }

    let f = |d: Decimal| d.to_f64().unwrap_or(0.0);
    let (mut lo, mut hi) = (f(lo), f(hi));
    if hi - lo < 1e-9 {
        // A flat line drawn across the middle.
        lo -= 1.0;
        hi += 1.0;
    }
    let coords = |ds: &[Decimal]| -> Vec<(f64, f64)> {
        ds.iter()
            .enumerate()
            .map(|(i, d)| (i as f64, f(*d)))
            .collect()
    };
    let (value_line, put_in_line) = (coords(&values), coords(&put_in));
    let n = series.len();
    let colour = |s: ratatui::style::Style| s.fg.unwrap_or_default();
    let (value_colour, put_in_colour) = (colour(value_style), colour(put_in_style));
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .x_bounds([0.0, (n.max(2) - 1) as f64])
        .y_bounds([lo, hi])
        .paint(move |ctx| {
            // The money put in under the value, which is drawn over it where they meet.
            for (points, colour) in [(&put_in_line, put_in_colour), (&value_line, value_colour)] {
                for w in points.windows(2) {
                    ctx.draw(&CanvasLine {
                        x1: w[0].0,
                        y1: w[0].1,
                        x2: w[1].0,
                        y2: w[1].1,
                        color: colour,
                    });
                }
                if points.len() == 1 {
                    ctx.print(0.0, points[0].1, Span::raw("•"));
                }
                ctx.layer();
            }
        });
    frame.render_widget(canvas, plot);
}
