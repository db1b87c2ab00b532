//! Choosing the table columns that fit a width. A number is shown whole or not at all: a
//! column is as wide as its widest cell (header included), and when the columns do not fit,
//! whole columns are dropped, least important first, instead of letting the table cut cells.

use ratatui::layout::Constraint;
use ratatui::text::{Line, Span};

/// One candidate column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnFit {
    /// The widest cell, header included.
    pub width: u16,
    /// Lower is kept longer; the first column dropped is the highest.
    pub priority: u8,
    /// Text (a name) that may be cut to `min` with an ellipsis instead of being dropped.
    pub shrink_to: Option<u16>,
    /// Less important numbers give way before this text is cut.
    pub prefer_whole: bool,
}

impl ColumnFit {
    pub fn number(width: u16, priority: u8) -> Self {
        Self {
            width,
            priority,
            shrink_to: None,
            prefer_whole: false,
        }
    }

    pub fn text(width: u16, priority: u8, min: u16) -> Self {
        Self {
            width,
            priority,
            shrink_to: Some(min.min(width)),
            prefer_whole: false,
        }
    }

    /// Text that is cut only when every less important column is already gone.
    pub fn name(width: u16, priority: u8, min: u16) -> Self {
        Self {
            prefer_whole: true,
            ..Self::text(width, priority, min)
        }
    }

    fn least(&self) -> u16 {
        self.shrink_to.unwrap_or(self.width)
    }
}

/// The columns shown, in their original order, and the width each is drawn at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fitted {
    pub shown: Vec<(usize, u16)>,
    pub hidden: usize,
}

impl Fitted {
    pub fn constraints(&self) -> Vec<Constraint> {
        self.shown
            .iter()
            .map(|(_, w)| Constraint::Length(*w))
            .collect()
    }

    pub fn indexes(&self) -> impl Iterator<Item = usize> + '_ {
        self.shown.iter().map(|(i, _)| *i)
    }
}

/// Keeps the most important columns that fit in `width` with `spacing` between them. Shrinkable
/// columns give up their spare width before any column is dropped, and take back what is left
/// over at the end.
pub fn fit(columns: &[ColumnFit], width: u16, spacing: u16) -> Fitted {
    let mut keep: Vec<usize> = (0..columns.len()).collect();
    let need = |keep: &[usize]| -> u32 {
        let cells: u32 = keep.iter().map(|i| columns[*i].least() as u32).sum();
        cells + spacing as u32 * keep.len().saturating_sub(1) as u32
    };
    while !keep.is_empty() && need(&keep) > width as u32 {
        // Among equals, the rightmost goes first.
        let (pos, _) = keep
            .iter()
            .enumerate()
            .max_by_key(|(pos, i)| (columns[**i].priority, *pos))
            .expect("not empty");
        keep.remove(pos);
    }
    // A name that would be cut takes the room of less important columns first.
    let full = |keep: &[usize]| -> u32 {
        let cells: u32 = keep.iter().map(|i| columns[*i].width as u32).sum();
        cells + spacing as u32 * keep.len().saturating_sub(1) as u32
    };
    while full(&keep) > width as u32 {
        let Some(name) = keep
            .iter()
            .filter(|i| columns[**i].prefer_whole)
            .map(|i| columns[*i].priority)
            .min()
        else {
            break;
        };
        let victim = keep
            .iter()
            .enumerate()
            .filter(|(_, i)| columns[**i].priority > name && columns[**i].shrink_to.is_none())
            .max_by_key(|(pos, i)| (columns[**i].priority, *pos))
            .map(|(pos, _)| pos);
        match victim {
            Some(pos) => {
                keep.remove(pos);
            }
            None => break,
        }
    }
    let mut spare = (width as u32).saturating_sub(need(&keep));
    let shown = keep
        .iter()
        .map(|i| {
            let c = columns[*i];
            let w = match c.shrink_to {
                Some(min) => {
                    let grow = ((c.width - min) as u32).min(spare);
                    spare -= grow;
                    min + grow as u16
                }
                None => c.width,
            };
            (*i, w)
        })
        .collect();
    Fitted {
        shown,
        hidden: columns.len() - keep.len(),
    }
}

/// The spans that fit `width` whole, in order; the first that does not fit and every one after
/// it are left off, so a figure is never cut.
pub fn whole_spans(spans: Vec<Span<'_>>, width: u16) -> Line<'_> {
    let mut used = 0usize;
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        used += span.width();
        if used > width as usize {
            break;
        }
        out.push(span);
    }
    Line::from(out)
}

/// `· 3 columns hidden `, and `+3 cols` where room is short.
pub fn hidden_note(hidden: usize) -> (String, String) {
    let plural = if hidden == 1 { "" } else { "s" };
    (
        format!("· {hidden} column{plural} hidden "),
        format!("+{hidden} cols"),
    )
}

/// The width of the widest of `cells`, in terminal columns.
pub fn widest<'a>(cells: impl IntoIterator<Item = &'a str>) -> u16 {
    cells
        .into_iter()
        .map(|c| Span::raw(c).width() as u16)
        .max()
        .unwrap_or(0)
}

/// The rows of a table in view: `visible` of `texts` from the one that keeps `selected` on
/// screen, each showing the `fitted` columns (text, style, right-aligned), the selected one
/// highlighted with `selected_style`.
pub fn visible_rows(
    texts: &[Vec<(String, ratatui::style::Style, bool)>],
    fitted: &Fitted,
    selected: usize,
    visible: usize,
    selected_style: ratatui::style::Style,
) -> Vec<ratatui::widgets::Row<'static>> {
    use ratatui::widgets::{Cell, Row};
    let offset = crate::tui::screens::scroll_offset(selected, visible);
    texts
        .iter()
        .enumerate()
        .skip(offset)
        .take(visible)
        .map(|(i, row)| {
            let cells: Vec<Cell> = fitted
                .shown
                .iter()
                .map(|(k, w)| {
                    let (text, style, right) = &row[*k];
                    if *right {
                        Cell::from(Line::from(Span::styled(text.clone(), *style)).right_aligned())
                    } else {
                        Cell::from(Span::styled(
                            crate::tui::widgets::format::fit(text, *w as usize),
                            *style,
                        ))
                    }
                })
                .collect();
            let row = Row::new(cells);
            if i == selected {
                row.style(selected_style)
            } else {
                row
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_fits_when_wide() {
        let cols = [ColumnFit::number(6, 0), ColumnFit::text(20, 5, 8)];
        // 6 + 1 + 20 = 27 columns needed.
        let f = fit(&cols, 40, 1);
        assert_eq!(f.shown, vec![(0, 6), (1, 20)]);
        assert_eq!(f.hidden, 0);
    }

    #[test]
    fn text_shrinks_before_numbers_drop() {
        let cols = [ColumnFit::number(6, 0), ColumnFit::text(20, 5, 8)];
        // 6 + 1 + 8 = 15 needed at least; 18 leaves 3 more for the text: 11.
        assert_eq!(fit(&cols, 18, 1).shown, vec![(0, 6), (1, 11)]);
    }

    #[test]
    fn a_name_takes_the_room_of_less_important_numbers() {
        let cols = [
            ColumnFit::name(20, 0, 8),
            ColumnFit::number(10, 1),
            ColumnFit::number(10, 2),
        ];
        // 20 + 10 + 10 + 2 = 42 > 35: the name would be cut to 13, so the priority-2 number
        // goes and the name keeps its 20 (20 + 1 + 10 = 31).
        assert_eq!(fit(&cols, 35, 1).shown, vec![(0, 20), (1, 10)]);
        // A plain text column is cut instead.
        let cols = [
            ColumnFit::text(20, 0, 8),
            ColumnFit::number(10, 1),
            ColumnFit::number(10, 2),
        ];
        assert_eq!(fit(&cols, 35, 1).shown, vec![(0, 13), (1, 10), (2, 10)]);
    }

    #[test]
    fn least_important_goes_first_and_is_counted() {
        let cols = [
            ColumnFit::number(8, 0),
            ColumnFit::number(10, 3),
            ColumnFit::number(9, 1),
            ColumnFit::number(7, 2),
        ];
        // All: 8+10+9+7 + 3 = 37. At 30: drop priority 3 (10 wide) -> 8+9+7+2 = 26.
        let f = fit(&cols, 30, 1);
        assert_eq!(f.shown, vec![(0, 8), (2, 9), (3, 7)]);
        assert_eq!(f.hidden, 1);
        // At 17: 8+9+1 = 18 is too wide too, so only the first stays.
        let f = fit(&cols, 17, 1);
        assert_eq!(f.shown, vec![(0, 8)]);
        assert_eq!(f.hidden, 3);
    }

    #[test]
    fn spans_are_kept_whole_or_left_off() {
        let spans = vec![Span::raw("value 1,234.00  "), Span::raw("day +5.00")];
        // 16 + 9 = 25 columns: at 20 the day change is left off, not cut to "day +".
        assert_eq!(
            whole_spans(spans.clone(), 20).to_string(),
            "value 1,234.00  "
        );
        assert_eq!(
            whole_spans(spans, 25).to_string(),
            "value 1,234.00  day +5.00"
        );
    }

    #[test]
    fn nothing_is_cut_when_nothing_fits() {
        let f = fit(&[ColumnFit::number(12, 0)], 10, 1);
        assert!(f.shown.is_empty());
        assert_eq!(f.hidden, 1);
    }
}
