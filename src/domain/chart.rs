//! What a price chart of a range shows: the first moment, the bar size it is drawn at, and
//! daily bars merged into weeks or months. Every front end draws the bars the service gives
//! by these rules, so a range looks the same everywhere.

use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};

use super::error::ValidationError;
use super::price::{Interval, PriceBar};

/// A span of time a chart shows, counted back from now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartRange {
    D1,
    D5,
    M1,
    M3,
    M6,
    Ytd,
    Y1,
    Y5,
    Max,
}

/// The most bars a range is drawn with: about two terminal widths.
const MAX_BARS: f64 = 500.0;

/// How far back "everything" is taken to reach when picking its bar size.
const MAX_SPAN: Duration = Duration::days(365 * 30);

impl ChartRange {
    pub const ALL: [ChartRange; 9] = [
        Self::D1,
        Self::D5,
        Self::M1,
        Self::M3,
        Self::M6,
        Self::Ytd,
        Self::Y1,
        Self::Y5,
        Self::Max,
    ];

    /// The name a screen shows (`1M` is a month).
    pub fn label(self) -> &'static str {
        match self {
            Self::D1 => "1D",
            Self::D5 => "5D",
            Self::M1 => "1M",
            Self::M3 => "3M",
            Self::M6 => "6M",
            Self::Ytd => "YTD",
            Self::Y1 => "1Y",
            Self::Y5 => "5Y",
            Self::Max => "MAX",
        }
    }

    /// A range by its label, in any case (`1y`, `ytd`), as typed on a command line.
    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.label().eq_ignore_ascii_case(raw.trim()))
    }

    /// The name the API takes, spelled as Yahoo Finance spells its ranges (`1mo` is a month,
    /// as `1mo` is a month-long bar among intervals).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::D1 => "1d",
            Self::D5 => "5d",
            Self::M1 => "1mo",
            Self::M3 => "3mo",
            Self::M6 => "6mo",
            Self::Ytd => "ytd",
            Self::Y1 => "1y",
            Self::Y5 => "5y",
            Self::Max => "max",
        }
    }

    /// The first moment shown, or `None` for everything.
    pub fn start(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let days = match self {
            Self::D1 => 1,
            Self::D5 => 7,
            Self::M1 => 31,
            Self::M3 => 92,
            Self::M6 => 183,
            Self::Ytd => {
                let jan1 = NaiveDate::from_ymd_opt(now.year(), 1, 1)?;
                return Some(Utc.from_utc_datetime(&jan1.and_hms_opt(0, 0, 0)?));
            }
            Self::Y1 => 366,
            Self::Y5 => 365 * 5 + 2,
            Self::Max => return None,
        };
        Some(now - Duration::days(days))
    }

    fn span(self, now: DateTime<Utc>) -> Duration {
        match self.start(now) {
            Some(s) => now - s,
            None => MAX_SPAN,
        }
    }

    /// The smallest bar size Yahoo serves this far back (`Interval::max_history`) that draws
    /// the range in at most about 500 bars, counting 5 trading days a week of 390 minutes.
    pub fn interval(self, now: DateTime<Utc>) -> Interval {
        let span = self.span(now);
        let trading_days = (span.num_days().max(1) as f64) * 5.0 / 7.0;
        for interval in Interval::ALL {
            if interval.max_history().is_some_and(|limit| limit < span) {
                continue;
            }
            let per_day = match interval {
                Interval::D1 => 1.0,
                Interval::W1 => 0.2,
                Interval::Mo1 => 1.0 / 21.0,
                i => 390.0 / i.duration().num_minutes() as f64,
            };
            if trading_days.max(1.0) * per_day <= MAX_BARS {
                return interval;
            }
        }
        Interval::Mo1
    }

    /// The next longer range; the longest stays.
    pub fn next(self) -> Self {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[(i + 1).min(Self::ALL.len() - 1)]
    }

    /// The next shorter range; the shortest stays.
    pub fn prev(self) -> Self {
        let i = Self::ALL.iter().position(|r| *r == self).unwrap_or(0);
        Self::ALL[i.saturating_sub(1)]
    }
}

impl FromStr for ChartRange {
    type Err = ValidationError;

    /// The API's name (`1mo`), spaces around it ignored; labels in other cases are refused, so
    /// that `1m` (a minute among intervals) is never taken for a month.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| {
                ValidationError::new(
                    "range",
                    format!(
                        "'{s}' is not one of {}",
                        Self::ALL.map(|r| r.as_str()).join(", ")
                    ),
                )
            })
    }
}

/// Merges bars (oldest first) into bars of `interval`, ISO weeks for `1wk` and calendar months
/// for `1mo`: the first open, the highest high, the lowest low, the last close and adjusted
/// close, the summed volume, stamped with the first bar's time. Bars of other sizes come back
/// as they are.
pub fn merge_bars(bars: Vec<PriceBar>, interval: Interval) -> Vec<PriceBar> {
    let key: fn(&PriceBar) -> (i32, u32) = match interval {
        Interval::W1 => |b| {
            let w = b.timestamp.iso_week();
            (w.year(), w.week())
        },
        Interval::Mo1 => |b| (b.timestamp.year(), b.timestamp.month()),
        _ => return bars,
    };
    let mut out: Vec<PriceBar> = Vec::new();
    let mut current: Option<(i32, u32)> = None;
    for bar in bars {
        let k = key(&bar);
        match out.last_mut() {
            Some(last) if current == Some(k) => {
                last.high = last.high.max(bar.high);
                last.low = last.low.min(bar.low);
                last.close = bar.close;
                last.adj_close = bar.adj_close;
                last.volume += bar.volume;
            }
            _ => {
                current = Some(k);
                out.push(PriceBar { interval, ..bar });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    fn friday_evening() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 27, 22, 0, 0).unwrap()
    }

    /// Worked examples at Friday 2025-06-27 22:00, counting 5 trading days a week of 390
    /// minutes and at most 500 bars:
    /// - 1D: one trading day of 1m bars is 390.
    /// - 5D: 7 days, 5 trading days; 1m would be 1,950, 5m bars are 5 x 78 = 390.
    /// - 1M: 31 days, 22.1 trading days; 1m reaches back 7 days only; 5m would be 1,727,
    ///   15m 576, 30m bars are 22.1 x 13 = 288.
    /// - 3M: 92 days, past the 60 days of 5m to 30m bars; 1h bars are 65.7 x 6.5 = 427.
    /// - 6M: 183 days; 1h would be 850; daily bars are 131.
    /// - YTD: 177 days since 1 January, daily as 6M.
    /// - 1Y: 366 days, 261 daily bars.
    /// - 5Y: 1,827 days; daily would be 1,305; weekly bars are 261.
    /// - MAX: taken as 30 years; weekly would be 1,564; monthly bars are 372.
    #[test]
    fn ranges_pick_bars_within_yahoo_limits() {
        let now = friday_evening();
        use Interval as I;
        let picked: Vec<I> = ChartRange::ALL.iter().map(|r| r.interval(now)).collect();
        assert_eq!(
            picked,
            vec![
                I::M1,
                I::M5,
                I::M30,
                I::H1,
                I::D1,
                I::D1,
                I::D1,
                I::W1,
                I::Mo1
            ]
        );
        for r in ChartRange::ALL {
            let span = r.start(now).map(|s| now - s);
            if let (Some(limit), Some(span)) = (r.interval(now).max_history(), span) {
                assert!(span <= limit, "{r:?}");
            }
        }
    }

    #[test]
    fn ranges_start_back_from_now() {
        let now = friday_evening();
        let at = |y, m, d, h| Some(Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap());
        assert_eq!(ChartRange::D1.start(now), at(2025, 6, 26, 22));
        // 366 days back from 2025-06-27 (2024 was a leap year, but 29 February is before).
        assert_eq!(ChartRange::Y1.start(now), at(2024, 6, 26, 22));
        assert_eq!(ChartRange::Ytd.start(now), at(2025, 1, 1, 0));
        assert_eq!(ChartRange::Max.start(now), None);
    }

    #[test]
    fn names_of_ranges() {
        for r in ChartRange::ALL {
            assert_eq!(r.as_str().parse::<ChartRange>().unwrap(), r);
            assert_eq!(ChartRange::parse(&r.label().to_lowercase()), Some(r));
        }
        assert_eq!(" 1mo ".parse::<ChartRange>().unwrap(), ChartRange::M1);
        assert_eq!(ChartRange::parse("ytd"), Some(ChartRange::Ytd));
        for refused in ["1M", "1m", "1Y", "2y", ""] {
            let e = refused.parse::<ChartRange>().unwrap_err();
            assert_eq!(e.field, "range");
        }
        assert_eq!(ChartRange::Max.next(), ChartRange::Max);
        assert_eq!(ChartRange::D1.prev(), ChartRange::D1);
        assert_eq!(ChartRange::Ytd.next(), ChartRange::Y1);
    }

    fn bar(month: u32, day: u32, open: i64, close: i64) -> PriceBar {
        PriceBar {
            security_id: uuid::Uuid::nil(),
            interval: Interval::D1,
            timestamp: Utc.with_ymd_and_hms(2025, month, day, 21, 0, 0).unwrap(),
            open: Decimal::from(open),
            high: Decimal::from(open.max(close) + 1),
            low: Decimal::from(open.min(close) - 1),
            close: Decimal::from(close),
            adj_close: Some(Decimal::from(close)),
            volume: 10,
        }
    }

    fn ohlcv(b: &PriceBar) -> (Decimal, Decimal, Decimal, Decimal, i64) {
        (b.open, b.high, b.low, b.close, b.volume)
    }

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    /// Monday 2 to Friday 6 June 2025 is one ISO week: open 10 (Monday's), high 16 (Friday's
    /// 15 + 1), low 9 (Monday's 10 - 1), close 12 (Friday's), volume 3 x 10. Monday 9 June
    /// starts the next.
    #[test]
    fn weeks_merge_daily_bars() {
        let days = vec![
            bar(6, 2, 10, 11),
            bar(6, 4, 11, 15),
            bar(6, 6, 15, 12),
            bar(6, 9, 12, 13),
        ];
        let weeks = merge_bars(days, Interval::W1);
        assert_eq!(weeks.len(), 2);
        assert_eq!(ohlcv(&weeks[0]), (d(10), d(16), d(9), d(12), 30));
        assert_eq!(weeks[0].timestamp, bar(6, 2, 0, 0).timestamp);
        assert_eq!(weeks[0].adj_close, Some(d(12)));
        assert_eq!(ohlcv(&weeks[1]), (d(12), d(14), d(11), d(13), 10));
        assert!(weeks.iter().all(|b| b.interval == Interval::W1));
    }

    /// Monday 30 June and Tuesday 1 July 2025 share an ISO week but not a month. By months,
    /// June is Friday 27's open 20 to Monday 30's close 27 (high 28, low 19, two bars), July
    /// 27 -> 30 (high 31, low 26); by weeks, Friday 27 stands alone.
    #[test]
    fn months_merge_daily_bars() {
        let days = vec![bar(6, 27, 20, 25), bar(6, 30, 25, 27), bar(7, 1, 27, 30)];
        let months = merge_bars(days.clone(), Interval::Mo1);
        assert_eq!(months.len(), 2);
        assert_eq!(ohlcv(&months[0]), (d(20), d(28), d(19), d(27), 20));
        assert_eq!(ohlcv(&months[1]), (d(27), d(31), d(26), d(30), 10));
        let weeks = merge_bars(days.clone(), Interval::W1);
        assert_eq!(weeks.len(), 2);
        assert_eq!(ohlcv(&weeks[1]), (d(25), d(31), d(24), d(30), 20));
        assert_eq!(merge_bars(days.clone(), Interval::D1), days);
    }
}
