//! The ledger's derived views: `/api/v1/accounts/{id}/positions`, `/api/v1/accounts/{id}/cash`,
//! `/api/v1/realized-gains` and `/api/v1/income`. The figures are the ledger service's; these
//! handlers only read the query and write the answer.

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use uuid::Uuid;

use crate::http::auth::CurrentUser;
use crate::http::dto::ledger::{
    gain_csv_row, AsOfQuery, CashOut, GainsQuery, IncomeGroupOut, IncomeQuery, PositionOut,
    RealizedGainOut, GAINS_CSV_COLUMNS,
};
use crate::http::dto::money;
use crate::http::error::{ApiError, ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::{Path, Query};
use crate::http::state::AppState;
use crate::service::ledger::{DateRange, IncomeGrouping, RealizedGains};

/// The sum of the listed gains in the caller's base currency, each converted at the rate of
/// its sale date; what cannot be converted is left out.
pub static TOTAL_GAIN: HeaderName = HeaderName::from_static("x-total-gain");
/// The currency of `X-Total-Gain`: the caller's base currency.
pub static TOTAL_GAIN_CURRENCY: HeaderName = HeaderName::from_static("x-total-gain-currency");
/// `false` when a gain is unknown or could not be converted and is left out of the total.
pub static TOTAL_GAIN_COMPLETE: HeaderName = HeaderName::from_static("x-total-gain-complete");

/// The securities the account holds at the end of `as_of`, by symbol, with their open lots
/// (oldest first) and market figures in the account's currency. Price fields are null when
/// no close on or before the day is stored or no rate converts it: never 0.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/positions", tag = "ledger",
    security(("bearer" = [])), params(("id" = Uuid, Path), AsOfQuery),
    responses((status = 200, body = Vec<PositionOut>),
        (status = 400, body = ErrorBody, description = "`as_of` is after today"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The account's holdings no longer replay with its activities"),
        (status = 422, body = ValidationBody)))]
pub async fn positions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<axum::Json<Vec<PositionOut>>> {
    let lines = state.services.ledger.positions(&user, id, q.as_of).await?;
    Ok(axum::Json(
        lines.into_iter().map(PositionOut::from).collect(),
    ))
}

/// The account's cash at the end of `as_of`, with the implicit deposits that covered the
/// outflows its own cash did not.
#[utoipa::path(get, path = "/api/v1/accounts/{id}/cash", tag = "ledger",
    security(("bearer" = [])), params(("id" = Uuid, Path), AsOfQuery),
    responses((status = 200, body = CashOut),
        (status = 400, body = ErrorBody, description = "`as_of` is after today"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The account's holdings no longer replay with its activities"),
        (status = 422, body = ValidationBody)))]
pub async fn cash(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
    Query(q): Query<AsOfQuery>,
) -> ApiResult<axum::Json<CashOut>> {
    let cash = state.services.ledger.cash(&user, id, q.as_of).await?;
    Ok(axum::Json(cash.into()))
}

/// Every sale dated from `start` to `end` across the caller's accounts (or one), by date,
/// with the lots each closed. The total is in the headers; `format=csv` gives the same rows
/// as `text/csv` with the columns `date, account_id, account, symbol, security, quantity,
/// proceeds, cost, gain, currency, opened, holding_days, activity_id` (`opened`: the oldest
/// lot closed; an unknown amount is empty).
#[utoipa::path(get, path = "/api/v1/realized-gains", tag = "ledger",
    security(("bearer" = [])), params(GainsQuery),
    responses((status = 200, description = "The sales, as JSON or (`format=csv`) as CSV",
            content((Vec<RealizedGainOut> = "application/json"), (String = "text/csv")),
            headers(("X-Total-Gain" = String), ("X-Total-Gain-Currency" = String),
                ("X-Total-Gain-Complete" = bool))),
        (status = 400, body = ErrorBody, description = "`start` is after `end`"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The account's holdings no longer replay with its activities"),
        (status = 422, body = ValidationBody)))]
pub async fn realized_gains(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<GainsQuery>,
) -> ApiResult<Response> {
    let csv = match q.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(ApiError::field(
                "query",
                "format",
                "must be one of json, csv",
            ))
        }
    };
    let range = DateRange {
        start: q.start,
        end: q.end,
    };
    let gains = state
        .services
        .ledger
        .realized_gains(&user, range, q.account_id)
        .await?;
    let headers = total_headers(&gains)?;
    if csv {
        let body = gains_csv(&gains)?;
        let content_type = (
            CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        let mut response = (headers, body).into_response();
        response
            .headers_mut()
            .insert(content_type.0, content_type.1);
        return Ok(response);
    }
    let rows: Vec<RealizedGainOut> = gains.rows.into_iter().map(RealizedGainOut::from).collect();
    Ok((headers, axum::Json(rows)).into_response())
}

fn total_headers(gains: &RealizedGains) -> ApiResult<[(HeaderName, HeaderValue); 3]> {
    let value = |text: String| {
        HeaderValue::from_str(&text)
            .map_err(|e| ApiError::from(crate::service::ServiceError::internal(e)))
    };
    Ok([
        (TOTAL_GAIN.clone(), value(money(gains.total).to_string())?),
        (
            TOTAL_GAIN_CURRENCY.clone(),
            value(gains.total_currency.to_string())?,
        ),
        (
            TOTAL_GAIN_COMPLETE.clone(),
            value(gains.total_complete.to_string())?,
        ),
    ])
}

fn gains_csv(gains: &RealizedGains) -> ApiResult<String> {
    let internal = |e: csv::Error| ApiError::from(crate::service::ServiceError::internal(e));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(GAINS_CSV_COLUMNS).map_err(internal)?;
    for row in &gains.rows {
        writer.write_record(gain_csv_row(row)).map_err(internal)?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|e| ApiError::from(crate::service::ServiceError::internal(e.to_string())))?;
    String::from_utf8(bytes).map_err(|e| ApiError::from(crate::service::ServiceError::internal(e)))
}

/// Dividends and interest paid from `start` to `end` across the caller's accounts (or one),
/// grouped by month (default), year or security, each group in one account currency: gross,
/// tax withheld at source, net.
#[utoipa::path(get, path = "/api/v1/income", tag = "ledger",
    security(("bearer" = [])), params(IncomeQuery),
    responses((status = 200, body = Vec<IncomeGroupOut>),
        (status = 400, body = ErrorBody, description = "`start` is after `end`"),
        (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "The account's holdings no longer replay with its activities"),
        (status = 422, body = ValidationBody)))]
pub async fn income(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<IncomeQuery>,
) -> ApiResult<axum::Json<Vec<IncomeGroupOut>>> {
    let grouping = match q.group.as_deref() {
        None | Some("month") => IncomeGrouping::Month,
        Some("year") => IncomeGrouping::Year,
        Some("security") => IncomeGrouping::Security,
        Some(_) => {
            return Err(ApiError::field(
                "query",
                "group",
                "must be one of month, year, security",
            ))
        }
    };
    let range = DateRange {
        start: q.start,
        end: q.end,
    };
    let groups = state
        .services
        .ledger
        .income(&user, range, q.account_id, grouping)
        .await?;
    Ok(axum::Json(
        groups.into_iter().map(IncomeGroupOut::from).collect(),
    ))
}
