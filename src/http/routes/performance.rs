//! `GET /api/v1/performance`. The figures are the performance service's; this handler only
//! reads the query and writes the answer.

use axum::extract::State;

use crate::http::auth::CurrentUser;
use crate::http::dto::performance::{PerformanceOut, PerformanceQuery};
use crate::http::error::{ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::Query;
use crate::http::state::AppState;
use crate::service::performance::PerformanceQuery as Range;

/// How the portfolio (in the base currency) or one account (in its currency) did from
/// `start` to `end`: time- and money-weighted returns, gain, income, fees and taxes, with the
/// value of every day and every external flow they were computed from. Accounts without
/// activities or statements are left out and named; what cannot be priced or converted is
/// left out and listed with the days it is missing, never counted as 0.
#[utoipa::path(get, path = "/api/v1/performance", tag = "ledger",
    security(("bearer" = [])), params(PerformanceQuery),
    responses((status = 200, body = PerformanceOut),
        (status = 400, body = ErrorBody, description = "`end` is after today, or `start` after `end`"),
        (status = 404, body = ErrorBody, description = "`account_id` is not one of the caller's accounts"),
        (status = 409, body = ErrorBody, description = "An account's holdings no longer replay with its activities"),
        (status = 422, body = ValidationBody)))]
pub async fn performance(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(q): Query<PerformanceQuery>,
) -> ApiResult<axum::Json<PerformanceOut>> {
    let range = Range {
        account_id: q.account_id,
        start: q.start,
        end: q.end,
    };
    let performance = state.services.performance.performance(&user, range).await?;
    Ok(axum::Json(performance.into()))
}
