//! `/api/v1/securities`: the stored catalogue, search (stored and Yahoo), lookup, price sync
//! and price history.

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::domain::{ChartRange, Interval, Security, Symbol};
use crate::http::auth::CurrentUser;
use crate::http::dto::securities::{PricesOut, PricesQuery, SearchQuery, SecurityOut, SyncOut};
use crate::http::error::{ApiError, ApiResult, ErrorBody, RateLimitBody, ValidationBody};
use crate::http::extract::{Path, Query};
use crate::http::pagination::{PageParams, Paged};
use crate::http::state::AppState;
use crate::service::securities::FirstUse;
use crate::service::ServiceError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/search", get(search))
        .route("/{symbol}", get(get_one))
        .route("/{symbol}/sync", post(sync))
        .route("/{symbol}/prices", get(prices))
}

/// A symbol as the document states it: exactly, with no space around it.
fn symbol(raw: &str) -> Result<Symbol, ApiError> {
    if raw.trim() != raw {
        return Err(ApiError::field(
            "path",
            "symbol",
            "must not have spaces around it",
        ));
    }
    Symbol::parse(raw).map_err(|e| ApiError::field("path", "symbol", e.message))
}

async fn present(state: &AppState, securities: Vec<Security>) -> ApiResult<Vec<SecurityOut>> {
    let ids: Vec<_> = securities.iter().map(|s| s.id).collect();
    let last = state.services.securities.last_prices(&ids).await?;
    Ok(securities
        .into_iter()
        .map(|s| {
            let syncing = state.services.securities.is_syncing(&s.symbol);
            let price = last.get(&s.id).copied();
            SecurityOut::new(s, price, syncing)
        })
        .collect())
}

/// Stored securities, by symbol.
#[utoipa::path(get, path = "/api/v1/securities", tag = "securities", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Vec<SecurityOut>, headers(("X-Total-Count" = u64)))))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(_caller): CurrentUser,
    Query(page): Query<PageParams>,
) -> ApiResult<Paged<SecurityOut>> {
    let page = state.services.securities_page(page.request()?).await?;
    let total = page.total;
    Ok(Paged(present(&state, page.items).await?, total))
}

/// Stored matches (symbol or name), then Yahoo's results not stored yet
/// (`in_database: false`). A Yahoo failure still returns the stored matches.
#[utoipa::path(get, path = "/api/v1/securities/search", tag = "securities",
    security(("bearer" = [])), params(SearchQuery),
    responses((status = 200, body = Vec<SecurityOut>), (status = 422, body = ValidationBody),
        (status = 429, body = RateLimitBody)))]
pub async fn search(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Query(q): Query<SearchQuery>,
) -> ApiResult<axum::Json<Vec<SecurityOut>>> {
    let query = q
        .query
        .or(q.q)
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::field("query", "query", "Field required"))?;
    let limit = q.limit.unwrap_or(20);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::field(
            "query",
            "limit",
            "must be between 1 and 50",
        ));
    }
    let found = state
        .securities_for(&caller)
        .search(&query, limit as usize)
        .await?;
    let ids: Vec<_> = found
        .results
        .iter()
        .filter_map(|r| r.security.as_ref().map(|s| s.id))
        .collect();
    let last = state.services.securities.last_prices(&ids).await?;
    Ok(axum::Json(
        found
            .results
            .into_iter()
            .map(|r| {
                let price = r.security.as_ref().and_then(|s| last.get(&s.id).copied());
                let syncing = state.services.securities.is_syncing(&r.symbol);
                SecurityOut::from_search(r, price, syncing)
            })
            .collect(),
    ))
}

/// A security; one unknown here is fetched from Yahoo and stored first.
#[utoipa::path(get, path = "/api/v1/securities/{symbol}", tag = "securities",
    security(("bearer" = [])), params(("symbol" = String, Path)),
    responses((status = 200, body = SecurityOut), (status = 404, body = ErrorBody),
        (status = 429, body = RateLimitBody), (status = 503, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(raw): Path<String>,
) -> ApiResult<axum::Json<SecurityOut>> {
    let symbol = symbol(&raw)?;
    let security = state
        .securities_for(&caller)
        .obtain(&symbol, FirstUse::SyncInBackground)
        .await?;
    let mut out = present(&state, vec![security]).await?;
    Ok(axum::Json(out.remove(0)))
}

/// Fetches the security's daily prices from Yahoo and stores them (no duplicates).
#[utoipa::path(post, path = "/api/v1/securities/{symbol}/sync", tag = "securities",
    security(("bearer" = [])), params(("symbol" = String, Path)),
    responses((status = 200, body = SyncOut), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 429, body = RateLimitBody),
        (status = 503, body = ErrorBody)))]
pub async fn sync(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(raw): Path<String>,
) -> ApiResult<axum::Json<SyncOut>> {
    let symbol = symbol(&raw)?;
    state
        .limit("sync", &user.id.to_string(), state.settings.sync_per_minute)
        .await?;
    let report = state.securities_for(&user).sync(&symbol).await?;
    let last = state
        .services
        .securities
        .last_prices(&[report.security.id])
        .await?
        .get(&report.security.id)
        .copied();
    Ok(axum::Json(SyncOut::new(report, last)))
}

/// A date is midnight UTC (the end of the window: the end of that day).
fn time_param(
    field: &str,
    raw: Option<&str>,
    end_of_day: bool,
) -> ApiResult<Option<DateTime<Utc>>> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if let Ok(t) = DateTime::parse_from_rfc3339(raw) {
        return Ok(Some(t.with_timezone(&Utc)));
    }
    if let Ok(d) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        let t = if end_of_day {
            d.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN))
        } else {
            d.and_time(NaiveTime::MIN)
        };
        return Ok(Some(t.and_utc()));
    }
    Err(ApiError::field(
        "query",
        field,
        "must be a date (YYYY-MM-DD) or an RFC 3339 time",
    ))
}

/// Stored bars within `start`..`end` with how complete they are. Without `start`, the window
/// is the last day of `1m` bars or 30 days of any other size, up to `end` (default now); both
/// ends are reported in `requested_start` and `requested_end`. With `range` instead, the bars
/// of that chart up to `end`, at the size the range is drawn at.
#[utoipa::path(get, path = "/api/v1/securities/{symbol}/prices", tag = "securities",
    security(("bearer" = [])), params(("symbol" = String, Path), PricesQuery),
    responses((status = 200, body = PricesOut), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationBody), (status = 429, body = RateLimitBody),
        (status = 503, body = ErrorBody)))]
pub async fn prices(
    State(state): State<AppState>,
    CurrentUser(caller): CurrentUser,
    Path(raw): Path<String>,
    Query(q): Query<PricesQuery>,
) -> ApiResult<axum::Json<PricesOut>> {
    let symbol = symbol(&raw)?;
    let interval = match q.interval.as_deref() {
        None | Some("") => None,
        Some(i) => Some(
            i.parse::<Interval>()
                .map_err(|e| ApiError::field("query", "interval", e.message))?,
        ),
    };
    let range = match q.range.as_deref() {
        None | Some("") => None,
        Some(r) => Some(
            r.parse::<ChartRange>()
                .map_err(|e| ApiError::field("query", "range", e.message))?,
        ),
    };
    let start = time_param("start", q.start.as_deref(), false)?;
    let end = time_param("end", q.end.as_deref(), true)?;
    let securities = state.securities_for(&caller);
    let series = match range {
        Some(_) if start.is_some() || interval.is_some() => {
            return Err(ServiceError::bad_request(
                "range",
                "range sets the start and the bar size: give it without start and interval",
            )
            .into())
        }
        Some(range) => {
            let now = end.unwrap_or_else(crate::domain::now);
            securities.chart(&symbol, range, now).await?.series
        }
        None => {
            let interval = interval.unwrap_or(Interval::D1);
            // No start: the contract's default window for the bar size, ending at `end` or now.
            let (start, end) = match start {
                Some(start) => (Some(start), end),
                None => {
                    let end = end.unwrap_or_else(crate::domain::now);
                    (end.checked_sub_signed(interval.default_window()), Some(end))
                }
            };
            securities.prices(&symbol, interval, start, end).await?
        }
    };
    let last = state
        .services
        .securities
        .last_prices(&[series.security.id])
        .await?
        .get(&series.security.id)
        .copied();
    let syncing = state.services.securities.is_syncing(&symbol);
    Ok(axum::Json(PricesOut::new(series, last, syncing)))
}
