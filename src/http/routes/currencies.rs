//! `/api/v1/currencies`: the catalogue, exchange rates and conversion. Reading them is open to
//! anyone, as in the original API (its web client fills the currency picker before signing in);
//! changing them and syncing rates needs a token.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;

use crate::domain::{Currency, CurrencyCode};
use crate::http::auth::CurrentUser;
use crate::http::dto::currencies::{
    ConversionOut, ConvertQuery, CurrencyIn, CurrencyOut, CurrencyUpdateIn, RatesOut, RatesQuery,
    SyncRatesOut, SyncRatesQuery,
};
use crate::http::error::{ApiError, ApiResult, ErrorBody, RateLimitBody, ValidationBody};
use crate::http::extract::{Json, Path, Query};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/convert", get(convert))
        .route("/sync-rates", post(sync_rates))
        .route(
            "/{code}",
            get(get_one).put(update).patch(update).delete(delete),
        )
        .route("/{code}/rates", get(rates))
}

fn code(field: &str, raw: &str) -> Result<CurrencyCode, ApiError> {
    CurrencyCode::parse(raw).map_err(|e| ApiError::field("query", field, e.message))
}

/// Every currency, ordered by code.
#[utoipa::path(get, path = "/api/v1/currencies", tag = "currencies",
    responses((status = 200, body = Vec<CurrencyOut>)))]
pub async fn list(State(state): State<AppState>) -> ApiResult<axum::Json<Vec<CurrencyOut>>> {
    let all = state.services.currencies.list().await?;
    Ok(axum::Json(all.into_iter().map(CurrencyOut::from).collect()))
}

/// One currency; the code is case-insensitive.
#[utoipa::path(get, path = "/api/v1/currencies/{code}", tag = "currencies",
    params(("code" = String, Path)),
    responses((status = 200, body = CurrencyOut), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> ApiResult<axum::Json<CurrencyOut>> {
    Ok(axum::Json(
        state.services.currencies.get(&code).await?.into(),
    ))
}

/// Adds a currency (superusers only).
#[utoipa::path(post, path = "/api/v1/currencies", tag = "currencies", security(("bearer" = [])),
    request_body = CurrencyIn,
    responses((status = 201, body = CurrencyOut), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ValidationBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Json(input): Json<CurrencyIn>,
) -> ApiResult<(StatusCode, axum::Json<CurrencyOut>)> {
    if !(input.code.len() == 3 && input.code.bytes().all(|b| b.is_ascii_uppercase())) {
        return Err(ApiError::field("body", "code", "must match ^[A-Z]{3}$"));
    }
    let currency = Currency::new(
        &input.code,
        &input.name,
        &input.symbol,
        input.decimals.unwrap_or(2),
    )?;
    let created = state.services.currencies.create(&user, currency).await?;
    Ok((StatusCode::CREATED, axum::Json(created.into())))
}

/// Renames a currency or changes its symbol (superusers only).
#[utoipa::path(put, path = "/api/v1/currencies/{code}", tag = "currencies",
    security(("bearer" = [])), params(("code" = String, Path)), request_body = CurrencyUpdateIn,
    responses((status = 200, body = CurrencyOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
    Json(input): Json<CurrencyUpdateIn>,
) -> ApiResult<axum::Json<CurrencyOut>> {
    let updated = state
        .services
        .currencies
        .update(&user, &code, input.name, input.symbol)
        .await?;
    Ok(axum::Json(updated.into()))
}

/// Removes a currency (superusers only); 409 while in use.
#[utoipa::path(delete, path = "/api/v1/currencies/{code}", tag = "currencies",
    security(("bearer" = [])), params(("code" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<StatusCode> {
    state.services.currencies.delete(&user, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// For each currency, the newest rate from this one on or before `rate_date`.
#[utoipa::path(get, path = "/api/v1/currencies/{code}/rates", tag = "currencies",
    params(("code" = String, Path), RatesQuery),
    responses((status = 200, body = RatesOut), (status = 404, body = ErrorBody)))]
pub async fn rates(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<RatesQuery>,
) -> ApiResult<axum::Json<RatesOut>> {
    let base = state.services.currencies.get(&code).await?.code;
    let table = state.services.fx.rates(&base, q.rate_date).await?;
    Ok(axum::Json(table.into()))
}

/// Fetches today's (or `sync_date`'s) rates from `base_currency` to every currency from
/// Yahoo; running it again updates, never duplicates.
#[utoipa::path(post, path = "/api/v1/currencies/sync-rates", tag = "currencies",
    security(("bearer" = [])), params(SyncRatesQuery),
    responses((status = 200, body = SyncRatesOut), (status = 404, body = ErrorBody),
        (status = 429, body = RateLimitBody), (status = 503, body = ErrorBody)))]
pub async fn sync_rates(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<SyncRatesQuery>,
) -> ApiResult<axum::Json<SyncRatesOut>> {
    state
        .limit("sync", &user.id.to_string(), state.settings.sync_per_minute)
        .await?;
    let base = match &q.base_currency {
        Some(raw) => code("base_currency", raw)?,
        None => CurrencyCode::usd(),
    };
    let base = state.services.currencies.get(base.as_str()).await?.code;
    let targets: Vec<CurrencyCode> = state
        .services
        .currencies
        .list()
        .await?
        .into_iter()
        .map(|c| c.code)
        .filter(|c| *c != base)
        .collect();
    let report = state
        .services
        .fx
        .sync_rates(&base, &targets, q.sync_date)
        .await?;
    Ok(axum::Json(report.into()))
}

/// Converts an amount with the rate in force on `date` (default today): direct, inverted,
/// or crossed through USD; 404 when there is none.
#[utoipa::path(get, path = "/api/v1/currencies/convert", tag = "currencies",
    params(ConvertQuery),
    responses((status = 200, body = ConversionOut), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationBody)))]
pub async fn convert(
    State(state): State<AppState>,
    Query(q): Query<ConvertQuery>,
) -> ApiResult<axum::Json<ConversionOut>> {
    let from = code("from", &q.from)?;
    let to = code("to", &q.to)?;
    let amount = crate::domain::money::check_amount("amount", q.amount)
        .map_err(|e| ApiError::field("query", "amount", e.message))?;
    let date = q.date.unwrap_or_else(|| Utc::now().date_naive());
    let conversion = state
        .services
        .fx
        .convert(&from, &to, amount, Some(date))
        .await?;
    Ok(axum::Json(conversion.into()))
}
