//! The price chart: a line (Braille) or candlesticks, volume bars under it, price labels on
//! the left, dates under it, and a crosshair on one bar.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::Span;
use ratatui::widgets::canvas::{Canvas, Line as CanvasLine};
use ratatui::widgets::Widget;
use ratatui::Frame;

use crate::tui::action::{ChartData, Ohlc};
use crate::tui::settings::ChartStyle;
use crate::tui::theme::Theme;

use super::candles;
use super::format;

/// Width of the price labels on the left.
const GUTTER: u16 = 11;

/// Where bar `i` of `n` falls among `width` columns.
pub fn column_of(i: usize, n: usize, width: u16) -> u16 {
    if n <= 1 || width == 0 {
        return 0;
    }
    ((i as f64) * f64::from(width - 1) / ((n - 1) as f64)).round() as u16
}

/// The lowest low and highest high, padded a little so lines do not touch the frame.
pub fn price_bounds(points: &[Ohlc]) -> (f64, f64) {
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.low), hi.max(p.high))
        });
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    let pad = ((hi - lo) * 0.03).max(hi.abs() * 0.001).max(1e-9);
    (lo - pad, hi + pad)
}

pub fn draw(
    frame: &mut Frame,
    area: Rect,
    data: &ChartData,
    style: ChartStyle,
    crosshair: Option<usize>,
    theme: &Theme,
) {
    let points = &data.points;
    if points.is_empty() || area.width <= GUTTER + 2 || area.height < 6 {
        return;
    }
    let volume_rows = (area.height / 5).clamp(2, 6);
    let price_rows = area.height - volume_rows - 1;
    let plot = Rect {
        x: area.x + GUTTER,
        y: area.y,
        width: area.width - GUTTER,
        height: price_rows,
    };
    let volume_area = Rect {
        y: area.y + price_rows,
        height: volume_rows,
        ..plot
    };
    let dates_area = Rect {
        y: area.y + price_rows + volume_rows,
        height: 1,
        ..plot
    };
    let (lo, hi) = price_bounds(points);
    let up = points.last().map(|p| p.close) >= points.first().map(|p| p.open);
    let line_style = theme.signed(Some(if up {
        std::cmp::Ordering::Greater
    } else {
        std::cmp::Ordering::Less
    }));

    // Price labels: top, middle, bottom.
    let buf = frame.buffer_mut();
    for (row, value) in [
        (plot.y, hi),
        (plot.y + plot.height / 2, (hi + lo) / 2.0),
        (plot.y + plot.height.saturating_sub(1), lo),
    ] {
        let label = format!(
            "{:>width$} ┤",
            short_price(value),
            width = (GUTTER - 2) as usize
        );
        buf.set_string(area.x, row, label, theme.muted());
    }

    match style {
        ChartStyle::Line => {
            let n = points.len();
            let closes: Vec<(f64, f64)> = points
                .iter()
                .enumerate()
                .map(|(i, p)| (i as f64, p.close))
                .collect();
            let cross = crosshair.filter(|c| *c < n);
            let cross_style = theme.accent();
            let canvas = Canvas::default()
                .marker(Marker::Braille)
                .x_bounds([0.0, (n.max(2) - 1) as f64])
                .y_bounds([lo, hi])
                .paint(move |ctx| {
                    for w in closes.windows(2) {
                        ctx.draw(&CanvasLine {
                            x1: w[0].0,
                            y1: w[0].1,
                            x2: w[1].0,
                            y2: w[1].1,
                            color: line_style.fg.unwrap_or_default(),
                        });
                    }
                    if closes.len() == 1 {
                        ctx.print(0.0, closes[0].1, Span::raw("•"));
                    }
                    if let Some(c) = cross {
                        ctx.layer();
                        ctx.draw(&CanvasLine {
                            x1: c as f64,
                            y1: lo,
                            x2: c as f64,
                            y2: hi,
                            color: cross_style.fg.unwrap_or_default(),
                        });
                    }
                });
            frame.render_widget(canvas, plot);
        }
        ChartStyle::Candles => {
            candles::Candles {
                points,
                bounds: (lo, hi),
                crosshair,
                theme,
            }
            .render(plot, frame.buffer_mut());
        }
    }
    volume(frame.buffer_mut(), volume_area, points, crosshair, theme);
    dates(frame.buffer_mut(), dates_area, data, theme);
    let buf = frame.buffer_mut();
    buf.set_string(
        area.x,
        volume_area.y + volume_rows - 1,
        format!("{:>width$} ┤", "vol", width = (GUTTER - 2) as usize),
        theme.muted(),
    );
}

fn short_price(v: f64) -> String {
    if v.abs() >= 100_000.0 {
        format::compact(rust_decimal::Decimal::from_f64_retain(v).unwrap_or_default())
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    }
}

const EIGHTHS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Volume bars: the largest volume of the bars in each column fills the area.
fn volume(buf: &mut Buffer, area: Rect, points: &[Ohlc], crosshair: Option<usize>, theme: &Theme) {
    let w = area.width as usize;
    let mut cols = vec![0.0f64; w];
    let n = points.len();
    for (i, p) in points.iter().enumerate() {
        let c = column_of(i, n, area.width) as usize;
        if c < w {
            cols[c] = cols[c].max(p.volume);
        }
    }
    let max = cols.iter().copied().fold(0.0, f64::max);
    if max <= 0.0 {
        return;
    }
    let cross_col = crosshair.map(|c| column_of(c, n, area.width) as usize);
    let total = f64::from(area.height) * 8.0;
    for (x, v) in cols.iter().enumerate() {
        let mut eighths = (v / max * total).round() as usize;
        let style = if Some(x) == cross_col {
            theme.accent().add_modifier(Modifier::BOLD)
        } else {
            theme.muted()
        };
        for row in (0..area.height).rev() {
            if eighths == 0 {
                break;
            }
            let ch = EIGHTHS[eighths.min(8) - 1];
            buf[(area.x + x as u16, area.y + row)]
                .set_char(ch)
                .set_style(style);
            eighths = eighths.saturating_sub(8);
        }
    }
}

/// Dates at the ends and the middle of the time axis.
fn dates(buf: &mut Buffer, area: Rect, data: &ChartData, theme: &Theme) {
    let bars = &data.series.bars;
    if bars.is_empty() || area.width < 12 {
        return;
    }
    let fmt = if data.series.interval.is_intraday() {
        "%m-%d %H:%M"
    } else {
        "%Y-%m-%d"
    };
    let label = |i: usize| bars[i].timestamp.format(fmt).to_string();
    let first = label(0);
    let last = label(bars.len() - 1);
    buf.set_string(area.x, area.y, &first, theme.muted());
    let lw = last.chars().count() as u16;
    if area.width > lw + first.len() as u16 + 2 {
        buf.set_string(area.x + area.width - lw, area.y, &last, theme.muted());
    }
    let mid = label(bars.len() / 2);
    let mw = mid.chars().count() as u16;
    if area.width > 3 * mw + 6 {
        buf.set_string(area.x + (area.width - mw) / 2, area.y, &mid, theme.muted());
    }
    let _ = Style::default();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_span_the_width() {
        assert_eq!(column_of(0, 10, 100), 0);
        assert_eq!(column_of(9, 10, 100), 99);
        assert_eq!(column_of(0, 1, 100), 0);
        let p = |l: f64, h: f64| Ohlc {
            open: l,
            high: h,
            low: l,
            close: h,
            volume: 1.0,
        };
        let (lo, hi) = price_bounds(&[p(10.0, 20.0), p(5.0, 12.0)]);
        assert!(lo < 5.0 && hi > 20.0);
    }
}
