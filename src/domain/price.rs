use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ValidationError;

/// Bar sizes Yahoo serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Interval {
    #[serde(rename = "1m")]
    M1,
    #[serde(rename = "5m")]
    M5,
    #[serde(rename = "15m")]
    M15,
    #[serde(rename = "30m")]
    M30,
    #[serde(rename = "1h")]
    H1,
    #[serde(rename = "1d")]
    D1,
    #[serde(rename = "1wk")]
    W1,
    #[serde(rename = "1mo")]
    Mo1,
}

impl Interval {
    pub const ALL: [Interval; 8] = [
        Self::M1,
        Self::M5,
        Self::M15,
        Self::M30,
        Self::H1,
        Self::D1,
        Self::W1,
        Self::Mo1,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::M1 => "1m",
            Self::M5 => "5m",
            Self::M15 => "15m",
            Self::M30 => "30m",
            Self::H1 => "1h",
            Self::D1 => "1d",
            Self::W1 => "1wk",
            Self::Mo1 => "1mo",
        }
    }

    pub fn is_intraday(self) -> bool {
        self < Self::D1
    }

    /// The nominal length of one bar.
    pub fn duration(self) -> Duration {
        match self {
            Self::M1 => Duration::minutes(1),
            Self::M5 => Duration::minutes(5),
            Self::M15 => Duration::minutes(15),
            Self::M30 => Duration::minutes(30),
            Self::H1 => Duration::hours(1),
            Self::D1 => Duration::days(1),
            Self::W1 => Duration::weeks(1),
            Self::Mo1 => Duration::days(30),
        }
    }

    /// The stretch of time a price query covers when it names no start: the last day of 1m
    /// bars, 30 days of any other size (the API contract's default).
    pub fn default_window(self) -> Duration {
        match self {
            Self::M1 => Duration::days(1),
            _ => Duration::days(30),
        }
    }

    /// How far back Yahoo serves bars of this size (1m: 7 days per request within the last 30;
    /// other intraday sizes: 60 days; 1h: 730 days), or `None` when unlimited.
    pub fn max_history(self) -> Option<Duration> {
        match self {
            Self::M1 => Some(Duration::days(7)),
            Self::M5 | Self::M15 | Self::M30 => Some(Duration::days(60)),
            Self::H1 => Some(Duration::days(730)),
            _ => None,
        }
    }
}

impl FromStr for Interval {
    type Err = ValidationError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        let wanted = if wanted == "60m" { "1h" } else { wanted };
        Self::ALL
            .into_iter()
            .find(|i| i.as_str() == wanted)
            .ok_or_else(|| {
                ValidationError::new(
                    "interval",
                    format!(
                        "'{s}' is not one of {}",
                        Self::ALL.map(|i| i.as_str()).join(", ")
                    ),
                )
            })
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One OHLCV bar. Prices are in the security's quote unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceBar {
    pub security_id: Uuid,
    pub interval: Interval,
    pub timestamp: DateTime<Utc>,
    pub open: Decimal,
    pub high: Decimal,
    pub low: Decimal,
    pub close: Decimal,
    pub adj_close: Option<Decimal>,
    pub volume: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!("60m".parse::<Interval>().unwrap(), Interval::H1);
        assert!("2d".parse::<Interval>().is_err());
        assert!(Interval::M30.is_intraday());
        assert!(!Interval::D1.is_intraday());
        for i in Interval::ALL {
            assert_eq!(i.as_str().parse::<Interval>().unwrap(), i);
        }
    }
}
