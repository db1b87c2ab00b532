//! Candlesticks drawn cell by cell: a thin wick from low to high, a heavy body from open to
//! close, green when the close is at or above the open. With more bars than columns, the bars
//! of each column are merged into one candle.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::widgets::Widget;

use crate::tui::action::Ohlc;
use crate::tui::theme::Theme;

use super::price_chart::column_of;

pub struct Candles<'a> {
    pub points: &'a [Ohlc],
    pub bounds: (f64, f64),
    pub crosshair: Option<usize>,
    pub theme: &'a Theme,
}

/// Merges the bars that fall in each of `width` columns.
pub fn per_column(points: &[Ohlc], width: u16) -> Vec<Option<Ohlc>> {
    let mut cols: Vec<Option<Ohlc>> = vec![None; width as usize];
    let n = points.len();
    for (i, p) in points.iter().enumerate() {
        let c = column_of(i, n, width) as usize;
        if c >= cols.len() {
            continue;
        }
        cols[c] = Some(match cols[c] {
            None => *p,
            Some(m) => Ohlc {
                open: m.open,
                high: m.high.max(p.high),
                low: m.low.min(p.low),
                close: p.close,
                volume: m.volume + p.volume,
            },
        });
    }
    cols
}

impl Widget for Candles<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.height == 0 || area.width == 0 {
            return;
        }
        let (lo, hi) = self.bounds;
        let span = (hi - lo).max(f64::EPSILON);
        let rows = f64::from(area.height - 1);
        let row_of = |price: f64| -> u16 {
            let r = ((hi - price) / span * rows).round();
            r.clamp(0.0, rows) as u16
        };
        let n = self.points.len();
        let cross_col = self.crosshair.map(|c| column_of(c, n, area.width));
        for (x, candle) in per_column(self.points, area.width).into_iter().enumerate() {
            let x = x as u16;
            if cross_col == Some(x) {
                for y in 0..area.height {
                    buf[(area.x + x, area.y + y)]
                        .set_char('┊')
                        .set_style(self.theme.accent());
                }
            }
            let Some(c) = candle else { continue };
            let rising = c.close >= c.open;
            let mut style = self.theme.signed(Some(if rising {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Less
            }));
            if !self.theme.colored && !rising {
                style = style.add_modifier(Modifier::DIM);
            }
            if cross_col == Some(x) {
                style = style.add_modifier(Modifier::BOLD | Modifier::REVERSED);
            }
            let (top, bottom) = (row_of(c.high), row_of(c.low));
            let (body_top, body_bottom) =
                (row_of(c.open.max(c.close)), row_of(c.open.min(c.close)));
            for y in top..=bottom {
                let ch = if !(body_top..=body_bottom).contains(&y) {
                    '│'
                } else if self.theme.colored || rising {
                    '█'
                } else {
                    '░'
                };
                buf[(area.x + x, area.y + y)].set_char(ch).set_style(style);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_bars_into_columns() {
        let bar = |o: f64, c: f64| Ohlc {
            open: o,
            high: o.max(c) + 1.0,
            low: o.min(c) - 1.0,
            close: c,
            volume: 10.0,
        };
        let points = vec![
            bar(10.0, 11.0),
            bar(11.0, 12.0),
            bar(12.0, 9.0),
            bar(9.0, 10.0),
        ];
        let cols = per_column(&points, 2);
        let first = cols[0].unwrap();
        assert_eq!(
            (first.open, first.close, first.high, first.volume),
            (10.0, 12.0, 13.0, 20.0)
        );
        let second = cols[1].unwrap();
        assert_eq!((second.open, second.close, second.low), (12.0, 10.0, 8.0));
    }
}
