//! `/api/v1/portfolio`: net worth in the caller's base currency, per account, on a date.

use axum::extract::State;

use crate::http::auth::CurrentUser;
use crate::http::dto::portfolio::{PortfolioOut, PortfolioQuery};
use crate::http::error::{ApiResult, ErrorBody};
use crate::http::extract::Query;
use crate::http::state::AppState;

/// Net worth in the base currency as of `as_of` (default today): assets, liabilities, each
/// account's value, and what could not be priced or converted, left out of every figure and
/// listed. Liabilities are the accounts of type credit card, line of credit, payment plan,
/// mortgage and loan.
#[utoipa::path(get, path = "/api/v1/portfolio", tag = "portfolio", security(("bearer" = [])),
    params(PortfolioQuery),
    responses((status = 200, body = PortfolioOut),
        (status = 400, body = ErrorBody, description = "`as_of` is after today")))]
pub async fn valuation(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PortfolioQuery>,
) -> ApiResult<axum::Json<PortfolioOut>> {
    let valuation = state.services.portfolio.valuation(&user, q.as_of).await?;
    Ok(axum::Json(valuation.into()))
}
