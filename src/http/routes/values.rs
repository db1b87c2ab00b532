//! `/api/v1/accounts/{account_id}/values`: balance snapshots of the caller's accounts.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, put};
use axum::Router;
use uuid::Uuid;

use crate::http::auth::CurrentUser;
use crate::http::conditional::{list_response, Conditional, IfNoneMatch};
use crate::http::dto::values::{
    AccountValueIn, AccountValueOut, AccountValueUpdateIn, ValuesQuery,
};
use crate::http::error::{ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::{Json, Path, Query};
use crate::http::pagination::{PageParams, Paged};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(list).post(create)).route(
        "/{value_id}",
        put(update).patch(update).delete(delete).get(get_one),
    )
}

/// Newest first, optionally within `start`..`end`.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/values", tag = "account-values",
    security(("bearer" = [])), params(("account_id" = Uuid, Path), ValuesQuery, IfNoneMatch),
    responses((status = 200, body = Vec<AccountValueOut>, headers(("X-Total-Count" = u64), ("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` version"),
        (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(account_id): Path<Uuid>,
    Query(q): Query<ValuesQuery>,
    request: Conditional,
) -> ApiResult<Response> {
    list_response(&state, &user, request, || async {
        let page = PageParams {
            skip: q.skip,
            limit: q.limit,
        }
        .request()?;
        let values = state
            .services
            .portfolio
            .values(&user, account_id, q.start, q.end, page)
            .await?;
        Ok(Paged::from_page(values, AccountValueOut::from))
    })
    .await
}

/// Records a balance; investment accounts must give `cash_balance` (400 otherwise).
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/values", tag = "account-values",
    security(("bearer" = [])), params(("account_id" = Uuid, Path)), request_body = AccountValueIn,
    responses((status = 201, body = AccountValueOut), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ValidationBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(account_id): Path<Uuid>,
    Json(input): Json<AccountValueIn>,
) -> ApiResult<(StatusCode, axum::Json<AccountValueOut>)> {
    let value = state
        .services
        .portfolio
        .create_value(
            &user,
            account_id,
            input.balance,
            input.cash_balance,
            input.timestamp,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(value.into())))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/values/{value_id}",
    tag = "account-values", security(("bearer" = [])),
    params(("account_id" = Uuid, Path), ("value_id" = Uuid, Path)),
    responses((status = 200, body = AccountValueOut), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<AccountValueOut>> {
    Ok(axum::Json(
        state
            .services
            .portfolio
            .value(&user, account_id, id)
            .await?
            .into(),
    ))
}

/// Partial update (`PUT` and `PATCH` alike).
#[utoipa::path(put, path = "/api/v1/accounts/{account_id}/values/{value_id}",
    tag = "account-values", security(("bearer" = [])),
    params(("account_id" = Uuid, Path), ("value_id" = Uuid, Path)),
    request_body = AccountValueUpdateIn,
    responses((status = 200, body = AccountValueOut), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ValidationBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
    Json(input): Json<AccountValueUpdateIn>,
) -> ApiResult<axum::Json<AccountValueOut>> {
    Ok(axum::Json(
        state
            .services
            .portfolio
            .update_value(&user, account_id, id, input.patch())
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/values/{value_id}",
    tag = "account-values", security(("bearer" = [])),
    params(("account_id" = Uuid, Path), ("value_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    state
        .services
        .portfolio
        .delete_value(&user, account_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
