//! The bars of a price chart over a range, as every front end draws them: the bar size the
//! range is drawn at (`ChartRange::interval`), weeks and months merged from the stored daily
//! bars, intraday bars fetched from Yahoo with the daily bars standing in when there are none.

use chrono::{DateTime, Duration, Utc};

use super::securities::{PriceSeries, SecurityService};
use super::{ServiceError, ServiceResult};
use crate::domain::chart::merge_bars;
use crate::domain::{ChartRange, Interval, Symbol};

/// Days of daily bars shown before a short range's start when they stand in for intraday
/// bars, so that a day or a week still shows a few bars.
const DAILY_LEAD: Duration = Duration::days(10);

/// A chart's bars, and why they are daily ones when the range asks for intraday bars.
#[derive(Debug)]
pub struct ChartBars {
    pub range: ChartRange,
    /// At `range.interval(now)`, or daily bars when `fallback` says why.
    pub series: PriceSeries,
    pub fallback: Option<ChartFallback>,
}

/// Why daily bars stand in for the intraday bars a range asks for.
#[derive(Debug)]
pub enum ChartFallback {
    /// Yahoo has no bars of this size for the window.
    NoBars(Interval),
    /// Bars of this size could not be fetched.
    Unavailable(Interval, ServiceError),
}

impl SecurityService {
    /// The bars of a stored security's chart over `range` up to `now`, at the bar size the
    /// range is drawn at. Daily, weekly and monthly bars come from the stored daily bars
    /// (weeks and months merged), so they work offline; intraday bars are fetched within
    /// Yahoo's limits, and when there are none or Yahoo fails, the daily bars from ten days
    /// before the start stand in. Not found when the security is not stored.
    #[tracing::instrument(skip_all, fields(symbol = %symbol))]
    pub async fn chart(
        &self,
        symbol: &Symbol,
        range: ChartRange,
        now: DateTime<Utc>,
    ) -> ServiceResult<ChartBars> {
        let interval = range.interval(now);
        let start = range.start(now);
        let end = Some(now);
        if interval.is_intraday() {
            let fallback = match self.prices(symbol, interval, start, end).await {
                Ok(series) if !series.bars.is_empty() => {
                    return Ok(ChartBars {
                        range,
                        series,
                        fallback: None,
                    })
                }
                Ok(_) => ChartFallback::NoBars(interval),
                Err(e @ ServiceError::NotFound { .. }) => return Err(e),
                Err(e) => ChartFallback::Unavailable(interval, e),
            };
            let from = start.map(|s| s - DAILY_LEAD);
            let series = self.prices(symbol, Interval::D1, from, end).await?;
            return Ok(ChartBars {
                range,
                series,
                fallback: Some(fallback),
            });
        }
        let mut series = self.prices(symbol, Interval::D1, start, end).await?;
        if interval != Interval::D1 {
            series.bars = merge_bars(std::mem::take(&mut series.bars), interval);
            series.interval = interval;
        }
        Ok(ChartBars {
            range,
            series,
            fallback: None,
        })
    }
}
