//! A sparkline as text (`▁▂▄▆█`), so it fits in a table cell.

const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The values resampled to `width` cells (the last value of each bucket), scaled between
/// their minimum and maximum.
pub fn spark(values: &[f64], width: usize) -> String {
    if values.is_empty() || width == 0 {
        return String::new();
    }
    let cells = width.min(values.len());
    let sampled: Vec<f64> = (0..cells)
        .map(|i| {
            let end = ((i + 1) * values.len()).div_ceil(cells);
            values[end.clamp(1, values.len()) - 1]
        })
        .collect();
    let (lo, hi) = sampled
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        });
    let span = hi - lo;
    sampled
        .iter()
        .map(|v| {
            if span <= f64::EPSILON {
                LEVELS[3]
            } else {
                let level = ((v - lo) / span * 7.0).round() as usize;
                LEVELS[level.min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_resamples() {
        assert_eq!(
            spark(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], 8),
            "▁▂▃▄▅▆▇█"
        );
        assert_eq!(spark(&[5.0, 5.0], 4), "▄▄");
        assert_eq!(
            spark(&(0..100).map(f64::from).collect::<Vec<_>>(), 4)
                .chars()
                .count(),
            4
        );
        assert_eq!(spark(&[3.0, 1.0], 10), "█▁");
        assert_eq!(spark(&[], 10), "");
    }
}
