use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::domain::{PriceBar, Security};
use crate::service::securities::{PriceSeries, SearchResult, SyncReport};

use super::{as_number, opt_as_number};
use crate::http::constraints;

/// A security. For a search result not stored yet, `id` is the id it will be stored under
/// (accepted as a holding's `security_id`) and the timestamps are null.
#[derive(Debug, Serialize, ToSchema)]
pub struct SecurityOut {
    pub id: Option<Uuid>,
    pub symbol: String,
    pub name: String,
    pub exchange: Option<String>,
    /// The quote unit (`USD`, `GBp`, ...).
    pub currency: Option<String>,
    pub security_type: String,
    pub sector: Option<String>,
    pub industry: Option<String>,
    /// A JSON number, as the original API sent it.
    #[serde(serialize_with = "opt_as_number")]
    #[schema(value_type = Option<f64>)]
    pub market_cap: Option<Decimal>,
    /// The newest stored daily close, a JSON number.
    #[serde(serialize_with = "opt_as_number")]
    #[schema(value_type = Option<f64>)]
    pub last_price: Option<Decimal>,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub is_syncing: bool,
    pub in_database: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

impl SecurityOut {
    pub fn new(s: Security, last_price: Option<Decimal>, is_syncing: bool) -> Self {
        Self {
            id: Some(s.id),
            symbol: s.symbol.to_string(),
            name: s.name,
            exchange: s.exchange,
            currency: Some(s.currency),
            security_type: s.security_type.as_str().to_string(),
            sector: s.sector,
            industry: s.industry,
            market_cap: s.market_cap.map(|m| m.normalize()),
            last_price,
            last_synced_at: s.last_synced_at,
            is_syncing,
            in_database: true,
            created_at: Some(s.created_at),
            updated_at: Some(s.updated_at),
        }
    }

    pub fn from_search(r: SearchResult, last_price: Option<Decimal>, is_syncing: bool) -> Self {
        match r.security {
            Some(s) => Self::new(s, last_price, is_syncing),
            None => Self {
                id: Some(r.id()),
                symbol: r.symbol.to_string(),
                name: r.name,
                exchange: r.exchange,
                currency: r.currency,
                security_type: r.security_type.as_str().to_string(),
                sector: r.sector,
                industry: r.industry,
                market_cap: None,
                last_price: None,
                last_synced_at: None,
                is_syncing,
                in_database: false,
                created_at: None,
                updated_at: None,
            },
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    /// Symbol or name, case-insensitive (also accepted as `q`).
    pub query: Option<String>,
    pub q: Option<String>,
    /// 1 to 50, default 20.
    pub limit: Option<i64>,
}

/// Written by hand for the words on `query` and `q`: one of them must be given, which a list of
/// separate parameters cannot state. (One object exploded into the query string could, but
/// clients and tools read such a parameter's values as typed JSON, not as the text they send.)
impl IntoParams for SearchQuery {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            constraints::query_param(
                "query",
                false,
                "Symbol or name, case-insensitive; not blank. This or `q` is required: a request \
                 with neither is refused (422).",
                constraints::not_blank().examples(["apple"]),
            ),
            constraints::query_param(
                "q",
                false,
                "The same as `query` (the web client's name), read only when `query` is absent; \
                 then it may not be blank.",
                ObjectBuilder::new().schema_type(Type::String),
            ),
            constraints::query_param(
                "limit",
                false,
                "Most results, 1 to 50; default 20.",
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
                    .minimum(Some(1))
                    .maximum(Some(50)),
            ),
        ]
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SyncOut {
    pub security: SecurityOut,
    pub prices_synced: u64,
    pub message: String,
}

impl SyncOut {
    pub fn new(r: SyncReport, last_price: Option<Decimal>) -> Self {
        Self {
            security: SecurityOut::new(r.security, last_price, false),
            prices_synced: r.prices_synced,
            message: r.message,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PricesQuery {
    /// A date (`YYYY-MM-DD`, from its midnight UTC) or an RFC 3339 time. Default: the
    /// window's length before `end` (one day of `1m` bars, 30 days of others).
    #[param(schema_with = crate::http::constraints::date_or_timestamp)]
    pub start: Option<String>,
    /// A date (to its end, 23:59:59 UTC) or an RFC 3339 time. Default: now when `start` is not
    /// given either, else open-ended.
    #[param(schema_with = crate::http::constraints::date_or_timestamp)]
    pub end: Option<String>,
    /// `1m 5m 15m 30m 1h 1d 1wk 1mo` (`60m` is `1h`), default `1d`.
    #[param(schema_with = crate::http::constraints::interval)]
    pub interval: Option<String>,
    /// A chart's range up to `end` (default now): `1d 5d 1mo 3mo 6mo ytd 1y 5y max`. The
    /// range picks the bar size, and the bars are those the terminal UI charts for it:
    /// intraday for up to 3 months (daily when Yahoo has none), daily up to a year, then
    /// weeks and months merged from the stored daily bars. Not with `start` or `interval`
    /// (400).
    #[param(schema_with = crate::http::constraints::chart_range)]
    pub range: Option<String>,
}

/// One bar; prices are JSON numbers.
#[derive(Debug, Serialize, ToSchema)]
pub struct PriceOut {
    pub timestamp: DateTime<Utc>,
    #[serde(serialize_with = "as_number")]
    #[schema(value_type = f64)]
    pub open: Decimal,
    #[serde(serialize_with = "as_number")]
    #[schema(value_type = f64)]
    pub high: Decimal,
    #[serde(serialize_with = "as_number")]
    #[schema(value_type = f64)]
    pub low: Decimal,
    #[serde(serialize_with = "as_number")]
    #[schema(value_type = f64)]
    pub close: Decimal,
    #[serde(serialize_with = "opt_as_number")]
    #[schema(value_type = Option<f64>)]
    pub adj_close: Option<Decimal>,
    pub volume: i64,
}

impl From<PriceBar> for PriceOut {
    fn from(b: PriceBar) -> Self {
        Self {
            timestamp: b.timestamp,
            open: b.open,
            high: b.high,
            low: b.low,
            close: b.close,
            adj_close: b.adj_close,
            volume: b.volume,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PricesOut {
    pub security: SecurityOut,
    pub prices: Vec<PriceOut>,
    pub interval_type: String,
    pub count: usize,
    pub requested_start: Option<DateTime<Utc>>,
    pub requested_end: Option<DateTime<Utc>>,
    pub actual_start: Option<DateTime<Utc>>,
    pub actual_end: Option<DateTime<Utc>>,
    /// `complete`, `partial`, `sparse` or `empty`.
    pub data_completeness: String,
}

impl PricesOut {
    pub fn new(series: PriceSeries, last_price: Option<Decimal>, is_syncing: bool) -> Self {
        let prices: Vec<PriceOut> = series.bars.into_iter().map(PriceOut::from).collect();
        Self {
            security: SecurityOut::new(series.security, last_price, is_syncing),
            count: prices.len(),
            prices,
            interval_type: series.interval.as_str().to_string(),
            requested_start: series.requested_start,
            requested_end: series.requested_end,
            actual_start: series.actual_start,
            actual_end: series.actual_end,
            data_completeness: series.completeness.as_str().to_string(),
        }
    }
}
