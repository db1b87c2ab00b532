//! What the market layer returns: Yahoo's answers in domain terms, prices as `Decimal`.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{MarketError, MarketResult};
use crate::domain::{Interval, QuoteUnit, SecurityType, Symbol};

/// One of the ranges Yahoo's chart endpoint accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChartRange {
    D1,
    D5,
    Mo1,
    Mo3,
    Mo6,
    Y1,
    Y2,
    Y5,
    Y10,
    Ytd,
    Max,
}

impl ChartRange {
    pub const ALL: [ChartRange; 11] = [
        Self::D1,
        Self::D5,
        Self::Mo1,
        Self::Mo3,
        Self::Mo6,
        Self::Y1,
        Self::Y2,
        Self::Y5,
        Self::Y10,
        Self::Ytd,
        Self::Max,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::D1 => "1d",
            Self::D5 => "5d",
            Self::Mo1 => "1mo",
            Self::Mo3 => "3mo",
            Self::Mo6 => "6mo",
            Self::Y1 => "1y",
            Self::Y2 => "2y",
            Self::Y5 => "5y",
            Self::Y10 => "10y",
            Self::Ytd => "ytd",
            Self::Max => "max",
        }
    }

    /// The longest stretch of time the range can cover (`None` for `max`).
    pub fn approx_length(self) -> Option<chrono::Duration> {
        let days = match self {
            Self::D1 => 1,
            Self::D5 => 5,
            Self::Mo1 => 31,
            Self::Mo3 => 92,
            Self::Mo6 => 183,
            Self::Y1 | Self::Ytd => 366,
            Self::Y2 => 731,
            Self::Y5 => 1827,
            Self::Y10 => 3653,
            Self::Max => return None,
        };
        Some(chrono::Duration::days(days))
    }
}

impl FromStr for ChartRange {
    type Err = MarketError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == wanted)
            .ok_or_else(|| {
                MarketError::BadRequest(format!(
                    "'{s}' is not a chart range; use one of {}",
                    Self::ALL.map(|r| r.as_str()).join(", ")
                ))
            })
    }
}

impl fmt::Display for ChartRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which stretch of time a chart covers: a named range ending now, or `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ChartSpan {
    Range(ChartRange),
    Period {
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    },
}

/// A request for bars of one symbol.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChartRequest {
    pub symbol: Symbol,
    pub interval: Interval,
    pub span: ChartSpan,
}

impl ChartRequest {
    pub fn range(symbol: Symbol, interval: Interval, range: ChartRange) -> Self {
        Self {
            symbol,
            interval,
            span: ChartSpan::Range(range),
        }
    }

    pub fn period(
        symbol: Symbol,
        interval: Interval,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> Self {
        Self {
            symbol,
            interval,
            span: ChartSpan::Period { start, end },
        }
    }

    /// Refuses what Yahoo would refuse: an empty period, or intraday bars further back or over a
    /// longer stretch than Yahoo serves them (`Interval::max_history`).
    pub fn validate(&self, now: DateTime<Utc>) -> MarketResult<()> {
        let limit = self.interval.max_history();
        match self.span {
            ChartSpan::Period { start, end } => {
                if start >= end {
                    return Err(MarketError::BadRequest(format!(
                        "the chart period must start before it ends ({start} >= {end})"
                    )));
                }
                if let Some(limit) = limit {
                    if end - start > limit {
                        return Err(MarketError::BadRequest(format!(
                            "{} bars are served for at most {} days per request",
                            self.interval,
                            limit.num_days()
                        )));
                    }
                    // Yahoo keeps 1m bars for 30 days, other sub-hour sizes for 60, 1h for 730.
                    let kept = match self.interval {
                        Interval::M1 => chrono::Duration::days(30),
                        _ => limit.max(chrono::Duration::days(60)),
                    };
                    if start < now - kept {
                        return Err(MarketError::BadRequest(format!(
                            "{} bars are only available for the last {} days",
                            self.interval,
                            kept.num_days()
                        )));
                    }
                }
            }
            ChartSpan::Range(range) => {
                if let Some(limit) = limit {
                    let too_long = range.approx_length().is_none_or(|len| len > limit);
                    if too_long {
                        return Err(MarketError::BadRequest(format!(
                            "range {range} is too long for {} bars (at most {} days)",
                            self.interval,
                            limit.num_days()
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}

/// One OHLCV bar as Yahoo served it, in the instrument's quote unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bar {
    /// Bar start. Daily and longer bars are set to midnight UTC of the exchange's local date, so
    /// that the same day always has the same timestamp, whenever it was fetched.
    pub timestamp: DateTime<Utc>,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub adj_close: Option<Decimal>,
    pub volume: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dividend {
    /// The ex-dividend date.
    pub date: DateTime<Utc>,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Split {
    pub date: DateTime<Utc>,
    pub numerator: Decimal,
    pub denominator: Decimal,
}

impl Split {
    /// New shares per old share (4 for a 4:1 split).
    pub fn ratio(&self) -> Decimal {
        if self.denominator.is_zero() {
            Decimal::ZERO
        } else {
            self.numerator / self.denominator
        }
    }
}

/// What a chart says about its instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChartMeta {
    pub symbol: Symbol,
    /// The quote unit as Yahoo spells it (`USD`, `GBp`), absent when Yahoo sends null.
    pub currency: Option<String>,
    pub exchange: Option<String>,
    pub full_exchange_name: Option<String>,
    pub security_type: SecurityType,
    pub name: Option<String>,
    pub timezone: Option<String>,
    /// Seconds east of UTC of the exchange's local time.
    pub gmt_offset: i32,
    pub regular_market_price: Option<Decimal>,
    pub regular_market_time: Option<DateTime<Utc>>,
    pub previous_close: Option<Decimal>,
    pub day_high: Option<Decimal>,
    pub day_low: Option<Decimal>,
    pub fifty_two_week_high: Option<Decimal>,
    pub fifty_two_week_low: Option<Decimal>,
    pub volume: Option<i64>,
}

impl ChartMeta {
    pub fn quote_unit(&self) -> Option<QuoteUnit> {
        self.currency
            .as_deref()
            .and_then(|c| QuoteUnit::parse(c).ok())
    }
}

/// Bars and corporate actions of one symbol, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub meta: ChartMeta,
    pub interval: Interval,
    pub bars: Vec<Bar>,
    pub dividends: Vec<Dividend>,
    pub splits: Vec<Split>,
}

/// Why the quote service gave no quote, when figures come from the chart instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteRefusal {
    /// 429 Too Many Requests (for the crumb or the quote).
    RateLimited,
    /// The cookie and crumb session was refused (401/403).
    SessionRefused,
    /// Unreachable, timed out or 5xx.
    Unavailable,
    /// An answer this client cannot read.
    UnreadableAnswer,
}

impl QuoteRefusal {
    /// The refusal a quote error stands for; `None` for errors about the symbol or the request
    /// itself (not found, bad request), which the chart would not get past either.
    pub fn of(error: &MarketError) -> Option<Self> {
        match error {
            MarketError::RateLimited { .. } => Some(Self::RateLimited),
            MarketError::SessionRefused(_) => Some(Self::SessionRefused),
            MarketError::Unavailable(_) => Some(Self::Unavailable),
            MarketError::InvalidResponse(_) => Some(Self::UnreadableAnswer),
            // Offline: the chart cannot be reached either.
            MarketError::NotFound(_) | MarketError::BadRequest(_) | MarketError::Offline(_) => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::RateLimited => "rate limited",
            Self::SessionRefused => "session refused",
            Self::Unavailable => "unavailable",
            Self::UnreadableAnswer => "unreadable answer",
        }
    }
}

impl fmt::Display for QuoteRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a quote's figures come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteSource {
    /// Yahoo's quote service: every figure it has.
    #[default]
    QuoteService,
    /// The daily chart, because the quote service refused: partial figures (no market cap, the
    /// previous close is the previous daily bar's).
    Chart(QuoteRefusal),
    /// The stored daily bars, because Yahoo could not be reached at all: the figures as of the
    /// newest stored bar.
    Stored,
}

impl QuoteSource {
    pub fn is_partial(self) -> bool {
        matches!(self, Self::Chart(_) | Self::Stored)
    }

    /// Whether the figures are the stored prices' rather than Yahoo's.
    pub fn is_stored(self) -> bool {
        matches!(self, Self::Stored)
    }

    /// Why the figures are partial (`quote service refused: rate limited; figures from the
    /// chart`), or `None` when they are complete.
    pub fn partial_reason(self) -> Option<String> {
        match self {
            Self::QuoteService => None,
            Self::Chart(why) => Some(format!(
                "quote service refused: {why}; figures from the chart"
            )),
            Self::Stored => {
                Some("Yahoo Finance cannot be reached; figures from the stored prices".into())
            }
        }
    }

    /// Why the market cap is blank, when the source cannot give it.
    pub fn market_cap_missing_reason(self) -> Option<&'static str> {
        match self {
            Self::QuoteService => None,
            Self::Chart(_) => Some("not in the chart; only the quote service gives it"),
            Self::Stored => Some("not stored; only the quote service gives it"),
        }
    }
}

/// A latest quote (`/v7/finance/quote`), or one made from a daily chart when the quote
/// service refuses (see `source`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub symbol: Symbol,
    pub source: QuoteSource,
    pub name: Option<String>,
    pub security_type: SecurityType,
    /// The quote unit as Yahoo spells it (`GBp` for London in pence).
    pub currency: Option<String>,
    pub exchange: Option<String>,
    pub full_exchange_name: Option<String>,
    pub price: Option<Decimal>,
    pub change: Option<Decimal>,
    /// In percent: `-2.03` means -2.03%.
    pub change_percent: Option<Decimal>,
    pub previous_close: Option<Decimal>,
    pub open: Option<Decimal>,
    pub day_high: Option<Decimal>,
    pub day_low: Option<Decimal>,
    pub fifty_two_week_high: Option<Decimal>,
    pub fifty_two_week_low: Option<Decimal>,
    pub volume: Option<i64>,
    /// In the major currency (Yahoo reports market cap in it even for minor-unit quotes).
    pub market_cap: Option<Decimal>,
    pub market_time: Option<DateTime<Utc>>,
    pub market_state: Option<String>,
}

impl Quote {
    pub fn quote_unit(&self) -> Option<QuoteUnit> {
        self.currency
            .as_deref()
            .and_then(|c| QuoteUnit::parse(c).ok())
    }

    /// The price in the major currency (pence become pounds).
    pub fn price_in_major(&self) -> Option<Decimal> {
        Some(self.quote_unit()?.to_major(self.price?))
    }

    /// The figures a daily chart gives, for when the quote service refused with `why`. The
    /// price is the chart's latest; the previous close is the close of the last daily bar
    /// before the price's trading day (never `chartPreviousClose`, which is the close before
    /// the chart's whole range); the change is between the two. No market cap: charts lack it.
    pub fn from_chart(chart: &Chart, why: QuoteRefusal) -> Self {
        let m = &chart.meta;
        let last = chart.bars.last();
        let price = m.regular_market_price.or(last.map(|b| b.close));
        // The trading day of the price, in the exchange's local date, which is how daily bars
        // are stamped (midnight UTC of that date).
        let offset = chrono::Duration::seconds(i64::from(m.gmt_offset));
        let day = m
            .regular_market_time
            .map(|t| (t + offset).date_naive())
            .or(last.map(|b| b.timestamp.date_naive()));
        let daily = !chart.interval.is_intraday();
        let previous_close = day.filter(|_| daily).and_then(|day| {
            chart
                .bars
                .iter()
                .rev()
                .find(|b| b.timestamp.date_naive() < day)
                .map(|b| b.close)
        });
        let open = day.filter(|_| daily).and_then(|day| {
            last.filter(|b| b.timestamp.date_naive() == day)
                .map(|b| b.open)
        });
        let change = price.zip(previous_close).map(|(p, c)| p - c);
        let change_percent = change
            .zip(previous_close.filter(|c| !c.is_zero()))
            .map(|(d, c)| (d / c * Decimal::ONE_HUNDRED).round_dp(4));
        Self {
            symbol: m.symbol.clone(),
            source: QuoteSource::Chart(why),
            name: m.name.clone(),
            security_type: m.security_type,
            currency: m.currency.clone(),
            exchange: m.exchange.clone(),
            full_exchange_name: m.full_exchange_name.clone(),
            price,
            change,
            change_percent,
            previous_close,
            open,
            day_high: m.day_high,
            day_low: m.day_low,
            fifty_two_week_high: m.fifty_two_week_high,
            fifty_two_week_low: m.fifty_two_week_low,
            volume: m.volume,
            market_cap: None,
            market_time: m.regular_market_time,
            market_state: None,
        }
    }
}

/// Descriptive data of a security (`/v10/finance/quoteSummary`, modules price, summaryDetail
/// and assetProfile); any module may be missing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub symbol: Symbol,
    pub name: Option<String>,
    pub security_type: Option<SecurityType>,
    pub currency: Option<String>,
    pub exchange: Option<String>,
    pub exchange_name: Option<String>,
    pub sector: Option<String>,
    pub industry: Option<String>,
    pub country: Option<String>,
    pub website: Option<String>,
    pub summary: Option<String>,
    pub market_cap: Option<Decimal>,
    pub price: Option<Decimal>,
    pub previous_close: Option<Decimal>,
    pub fifty_two_week_high: Option<Decimal>,
    pub fifty_two_week_low: Option<Decimal>,
    pub dividend_yield: Option<Decimal>,
    pub trailing_pe: Option<Decimal>,
    pub beta: Option<Decimal>,
}

/// One Yahoo search result that is a tradable instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    pub symbol: Symbol,
    pub name: Option<String>,
    pub exchange: Option<String>,
    pub exchange_display: Option<String>,
    pub security_type: SecurityType,
    pub sector: Option<String>,
    pub industry: Option<String>,
}
