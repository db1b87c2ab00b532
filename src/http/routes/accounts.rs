//! `/api/v1/accounts`: the caller's accounts, with balances and market values.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Extension;
use axum::Router;
use uuid::Uuid;

use crate::http::auth::{CurrentUser, VersionAtAuth};
use crate::http::conditional::{list_response, Conditional, IfNoneMatch};
use crate::http::dto::accounts::{AccountIn, AccountOut, AccountUpdateIn};
use crate::http::error::{ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::{Json, Path, Query};
use crate::http::pagination::{PageParams, Paged};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route(
            "/{id}",
            get(get_one).put(update).patch(update).delete(delete),
        )
        .nest("/{account_id}/values", super::values::router())
        .nest("/{account_id}/holdings", super::holdings::router())
        .nest("/{account_id}/activities", super::activities::router())
        .route("/{id}/positions", get(super::ledger::positions))
        .route("/{id}/cash", get(super::ledger::cash))
        .route("/{id}/import", super::imports::route())
}

/// The caller's accounts, by name.
#[utoipa::path(get, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])),
    params(PageParams, IfNoneMatch),
    responses((status = 200, body = Vec<AccountOut>, headers(("X-Total-Count" = u64), ("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` version")))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Extension(VersionAtAuth(version)): Extension<VersionAtAuth>,
    Query(page): Query<PageParams>,
    request: Conditional,
) -> ApiResult<Response> {
    list_response(&state, &user, request, || async {
        let page = state
            .services
            .portfolio
            .accounts_at(&user, page.request()?, version)
            .await?;
        Ok(Paged::from_page(page, AccountOut::from))
    })
    .await
}

/// Opens an account; the currency defaults to the user's base currency.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts", security(("bearer" = [])),
    request_body = AccountIn,
    responses((status = 201, body = AccountOut), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Json(input): Json<AccountIn>,
) -> ApiResult<(StatusCode, axum::Json<AccountOut>)> {
    let new = input.parse(&user.base_currency)?;
    let account = state.services.portfolio.create_account(&user, new).await?;
    Ok((StatusCode::CREATED, axum::Json(account.into())))
}

/// An account with its newest balance and the market value of its current holdings.
#[utoipa::path(get, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AccountOut), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Extension(VersionAtAuth(version)): Extension<VersionAtAuth>,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<AccountOut>> {
    Ok(axum::Json(
        state
            .services
            .portfolio
            .account_summary_at(&user, id, version)
            .await?
            .into(),
    ))
}

/// Partial update (`PUT` and `PATCH` alike).
#[utoipa::path(put, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = AccountUpdateIn,
    responses((status = 200, body = AccountOut), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
    Json(input): Json<AccountUpdateIn>,
) -> ApiResult<axum::Json<AccountOut>> {
    let patch = input.parse()?;
    state
        .services
        .portfolio
        .update_account(&user, id, patch)
        .await?;
    Ok(axum::Json(
        state
            .services
            .portfolio
            .account_summary(&user, id)
            .await?
            .into(),
    ))
}

/// Deletes the account with its values and holdings.
#[utoipa::path(delete, path = "/api/v1/accounts/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.services.portfolio.delete_account(&user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
