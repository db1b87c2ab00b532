//! `/api/v1/accounts/{account_id}/holdings` and `/api/v1/holdings`: position snapshots with
//! market figures.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use uuid::Uuid;

use crate::http::auth::CurrentUser;
use crate::http::conditional::{list_response, Conditional, IfNoneMatch};
use crate::http::dto::holdings::{HoldingIn, HoldingOut, HoldingUpdateIn, HoldingsQuery};
use crate::http::error::{ApiError, ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::{Json, Path, Query};
use crate::http::pagination::{PageParams, Paged};
use crate::http::state::AppState;
use crate::service::portfolio::SecurityRef;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(list).post(create)).route(
        "/{holding_id}",
        get(get_one).put(update).patch(update).delete(delete),
    )
}

/// A security's id or symbol as the document states it: exactly, with no space around it.
fn security_ref(raw: &str) -> Result<SecurityRef, ApiError> {
    if raw.trim() != raw {
        return Err(ApiError::field(
            "body",
            "security_id",
            "must not have spaces around it",
        ));
    }
    SecurityRef::parse(raw).map_err(|e| ApiError::field("body", "security_id", e.message))
}

/// Newest first; `current=true` keeps the newest snapshot per security.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/holdings", tag = "holdings",
    security(("bearer" = [])), params(("account_id" = Uuid, Path), HoldingsQuery, IfNoneMatch),
    responses((status = 200, body = Vec<HoldingOut>, headers(("X-Total-Count" = u64), ("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` version"),
        (status = 404, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(account_id): Path<Uuid>,
    Query(q): Query<HoldingsQuery>,
    request: Conditional,
) -> ApiResult<Response> {
    list_response(&state, &user, request, || async {
        let page = PageParams {
            skip: q.skip,
            limit: q.limit,
        }
        .request()?;
        let views = state
            .services
            .portfolio
            .holdings(&user, account_id, q.current.unwrap_or(false), page)
            .await?;
        Ok(Paged::from_page(views, HoldingOut::from))
    })
    .await
}

/// Records a position; `security_id` is a UUID or a symbol (an unknown symbol is looked up
/// on Yahoo and stored).
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/holdings", tag = "holdings",
    security(("bearer" = [])), params(("account_id" = Uuid, Path)), request_body = HoldingIn,
    responses((status = 201, body = HoldingOut), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 422, body = ValidationBody), (status = 503, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(account_id): Path<Uuid>,
    Json(input): Json<HoldingIn>,
) -> ApiResult<(StatusCode, axum::Json<HoldingOut>)> {
    let security = security_ref(&input.security_id)?;
    let view = state
        .services
        .portfolio
        .create_holding(
            &user,
            account_id,
            security,
            input.shares,
            input.average_price_per_share,
            input.timestamp,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(view.into())))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/holdings/{holding_id}", tag = "holdings",
    security(("bearer" = [])), params(("account_id" = Uuid, Path), ("holding_id" = Uuid, Path)),
    responses((status = 200, body = HoldingOut), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<HoldingOut>> {
    Ok(axum::Json(
        state
            .services
            .portfolio
            .holding(&user, account_id, id)
            .await?
            .into(),
    ))
}

/// Partial update (`PUT` and `PATCH` alike); `security_id` again a UUID or a symbol.
#[utoipa::path(put, path = "/api/v1/accounts/{account_id}/holdings/{holding_id}", tag = "holdings",
    security(("bearer" = [])), params(("account_id" = Uuid, Path), ("holding_id" = Uuid, Path)),
    request_body = HoldingUpdateIn,
    responses((status = 200, body = HoldingOut), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ValidationBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
    Json(input): Json<HoldingUpdateIn>,
) -> ApiResult<axum::Json<HoldingOut>> {
    let security = input.security_id.as_deref().map(security_ref).transpose()?;
    Ok(axum::Json(
        state
            .services
            .portfolio
            .update_holding(&user, account_id, id, security, input.patch())
            .await?
            .into(),
    ))
}

#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/holdings/{holding_id}",
    tag = "holdings", security(("bearer" = [])),
    params(("account_id" = Uuid, Path), ("holding_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    state
        .services
        .portfolio
        .delete_holding(&user, account_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's current positions across all accounts.
#[utoipa::path(get, path = "/api/v1/holdings", tag = "holdings", security(("bearer" = [])),
    params(IfNoneMatch),
    responses((status = 200, body = Vec<HoldingOut>, headers(("X-Total-Count" = u64), ("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` version")))]
pub async fn positions(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    request: Conditional,
) -> ApiResult<Response> {
    list_response(&state, &user, request, || async {
        let views = state.services.portfolio.positions(&user).await?;
        let total = views.len() as u64;
        Ok(Paged(
            views.into_iter().map(HoldingOut::from).collect(),
            total,
        ))
    })
    .await
}
