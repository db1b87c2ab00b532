//! Yahoo's JSON as it arrives: every field optional, numbers as `f64`. `parse.rs` turns these
//! into the market types.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

/// A number that may arrive plain (`12.5`), wrapped (`{"raw": 12.5, "fmt": "12.50"}`), as an
/// empty object, or null.
#[derive(Debug, Default, Clone, Copy)]
pub struct Num(pub Option<f64>);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let number = match &value {
            serde_json::Value::Number(n) => n.as_f64(),
            serde_json::Value::Object(o) => o.get("raw").and_then(|r| r.as_f64()),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        };
        Ok(Self(number))
    }
}

/// Yahoo's error object: `{"code": "Not Found", "description": "No data found, ..."}`.
#[derive(Debug, Deserialize, Default)]
pub struct ApiError {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

// Chart (/v8/finance/chart/{symbol})

#[derive(Debug, Deserialize)]
pub struct ChartEnvelope {
    pub chart: ChartBody,
}

#[derive(Debug, Deserialize)]
pub struct ChartBody {
    #[serde(default)]
    pub result: Option<Vec<ChartResult>>,
    #[serde(default)]
    pub error: Option<ApiError>,
}

#[derive(Debug, Deserialize)]
pub struct ChartResult {
    pub meta: ChartMeta,
    #[serde(default)]
    pub timestamp: Option<Vec<Option<i64>>>,
    #[serde(default)]
    pub indicators: Option<Indicators>,
    #[serde(default)]
    pub events: Option<Events>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartMeta {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub exchange_name: Option<String>,
    #[serde(default)]
    pub full_exchange_name: Option<String>,
    #[serde(default)]
    pub instrument_type: Option<String>,
    #[serde(default)]
    pub long_name: Option<String>,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub exchange_timezone_name: Option<String>,
    #[serde(default)]
    pub gmtoffset: Option<i64>,
    #[serde(default)]
    pub regular_market_price: Num,
    #[serde(default)]
    pub regular_market_time: Option<i64>,
    #[serde(default)]
    pub chart_previous_close: Num,
    #[serde(default)]
    pub previous_close: Num,
    #[serde(default)]
    pub regular_market_day_high: Num,
    #[serde(default)]
    pub regular_market_day_low: Num,
    #[serde(default)]
    pub fifty_two_week_high: Num,
    #[serde(default)]
    pub fifty_two_week_low: Num,
    #[serde(default)]
    pub regular_market_volume: Num,
}

#[derive(Debug, Deserialize, Default)]
pub struct Indicators {
    #[serde(default)]
    pub quote: Vec<QuoteIndicator>,
    #[serde(default)]
    pub adjclose: Option<Vec<AdjCloseIndicator>>,
}

pub type Series = Option<Vec<Option<f64>>>;

#[derive(Debug, Deserialize, Default)]
pub struct QuoteIndicator {
    #[serde(default)]
    pub open: Series,
    #[serde(default)]
    pub high: Series,
    #[serde(default)]
    pub low: Series,
    #[serde(default)]
    pub close: Series,
    #[serde(default)]
    pub volume: Series,
}

#[derive(Debug, Deserialize, Default)]
pub struct AdjCloseIndicator {
    #[serde(default)]
    pub adjclose: Series,
}

/// Corporate actions keyed by a timestamp string (the bar's, for monthly bars).
#[derive(Debug, Deserialize, Default)]
pub struct Events {
    #[serde(default)]
    pub dividends: Option<BTreeMap<String, DividendEvent>>,
    #[serde(default)]
    pub splits: Option<BTreeMap<String, SplitEvent>>,
}

#[derive(Debug, Deserialize)]
pub struct DividendEvent {
    #[serde(default)]
    pub amount: Num,
    #[serde(default)]
    pub date: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SplitEvent {
    #[serde(default)]
    pub date: Option<i64>,
    #[serde(default)]
    pub numerator: Num,
    #[serde(default)]
    pub denominator: Num,
    #[serde(default)]
    pub split_ratio: Option<String>,
}

// Quote (/v7/finance/quote)

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteEnvelope {
    pub quote_response: QuoteBody,
}

#[derive(Debug, Deserialize)]
pub struct QuoteBody {
    #[serde(default)]
    pub result: Option<Vec<QuoteItem>>,
    #[serde(default)]
    pub error: Option<ApiError>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteItem {
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub long_name: Option<String>,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub quote_type: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub exchange: Option<String>,
    #[serde(default)]
    pub full_exchange_name: Option<String>,
    #[serde(default)]
    pub regular_market_price: Num,
    #[serde(default)]
    pub regular_market_change: Num,
    #[serde(default)]
    pub regular_market_change_percent: Num,
    #[serde(default)]
    pub regular_market_previous_close: Num,
    #[serde(default)]
    pub regular_market_open: Num,
    #[serde(default)]
    pub regular_market_day_high: Num,
    #[serde(default)]
    pub regular_market_day_low: Num,
    #[serde(default)]
    pub fifty_two_week_high: Num,
    #[serde(default)]
    pub fifty_two_week_low: Num,
    #[serde(default)]
    pub regular_market_volume: Num,
    #[serde(default)]
    pub market_cap: Num,
    #[serde(default)]
    pub regular_market_time: Option<i64>,
    #[serde(default)]
    pub market_state: Option<String>,
}

// Quote summary (/v10/finance/quoteSummary/{symbol})

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryEnvelope {
    pub quote_summary: SummaryBody,
}

#[derive(Debug, Deserialize)]
pub struct SummaryBody {
    #[serde(default)]
    pub result: Option<Vec<SummaryResult>>,
    #[serde(default)]
    pub error: Option<ApiError>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SummaryResult {
    #[serde(default)]
    pub price: Option<PriceModule>,
    #[serde(default)]
    pub summary_detail: Option<SummaryDetailModule>,
    #[serde(default)]
    pub asset_profile: Option<AssetProfileModule>,
    #[serde(default)]
    pub summary_profile: Option<AssetProfileModule>,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PriceModule {
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub long_name: Option<String>,
    #[serde(default)]
    pub short_name: Option<String>,
    #[serde(default)]
    pub quote_type: Option<String>,
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub exchange: Option<String>,
    #[serde(default)]
    pub exchange_name: Option<String>,
    #[serde(default)]
    pub regular_market_price: Num,
    #[serde(default)]
    pub regular_market_previous_close: Num,
    #[serde(default)]
    pub market_cap: Num,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SummaryDetailModule {
    #[serde(default)]
    pub currency: Option<String>,
    #[serde(default)]
    pub previous_close: Num,
    #[serde(default)]
    pub market_cap: Num,
    #[serde(default)]
    pub fifty_two_week_high: Num,
    #[serde(default)]
    pub fifty_two_week_low: Num,
    #[serde(default)]
    pub dividend_yield: Num,
    #[serde(default, rename = "trailingPE")]
    pub trailing_pe: Num,
    #[serde(default)]
    pub beta: Num,
}

#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AssetProfileModule {
    #[serde(default)]
    pub sector: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    #[serde(default)]
    pub long_business_summary: Option<String>,
}

// Search (/v1/finance/search)

#[derive(Debug, Deserialize)]
pub struct SearchEnvelope {
    #[serde(default)]
    pub quotes: Vec<SearchQuote>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchQuote {
    #[serde(default)]
    pub symbol: Option<String>,
    #[serde(default)]
    pub shortname: Option<String>,
    #[serde(default)]
    pub longname: Option<String>,
    #[serde(default)]
    pub exchange: Option<String>,
    #[serde(default)]
    pub exch_disp: Option<String>,
    #[serde(default)]
    pub quote_type: Option<String>,
    #[serde(default)]
    pub sector: Option<String>,
    #[serde(default)]
    pub industry: Option<String>,
    #[serde(default)]
    pub is_yahoo_finance: Option<bool>,
}
