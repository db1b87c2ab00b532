//! `/api/v1/financial-institutions`: the caller's institutions.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use uuid::Uuid;

use crate::http::auth::CurrentUser;
use crate::http::conditional::{list_response, Conditional, IfNoneMatch};
use crate::http::dto::institutions::{InstitutionIn, InstitutionOut, InstitutionUpdateIn};
use crate::http::error::{ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::{Json, Path, Query};
use crate::http::pagination::{PageParams, Paged};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(list).post(create)).route(
        "/{id}",
        get(get_one).put(update).patch(update).delete(delete),
    )
}

/// The caller's institutions, by name.
#[utoipa::path(get, path = "/api/v1/financial-institutions", tag = "financial-institutions",
    security(("bearer" = [])), params(PageParams, IfNoneMatch),
    responses((status = 200, body = Vec<InstitutionOut>, headers(("X-Total-Count" = u64), ("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` version")))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(page): Query<PageParams>,
    request: Conditional,
) -> ApiResult<Response> {
    list_response(&state, &user, request, || async {
        let page = state
            .services
            .portfolio
            .institutions(&user, page.request()?)
            .await?;
        Ok(Paged::from_page(page, InstitutionOut::from))
    })
    .await
}

#[utoipa::path(post, path = "/api/v1/financial-institutions", tag = "financial-institutions",
    security(("bearer" = [])), request_body = InstitutionIn,
    responses((status = 201, body = InstitutionOut), (status = 422, body = ValidationBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Json(input): Json<InstitutionIn>,
) -> ApiResult<(StatusCode, axum::Json<InstitutionOut>)> {
    let new = input.parse()?;
    let inst = state
        .services
        .portfolio
        .create_institution(&user, new)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(inst.into())))
}

#[utoipa::path(get, path = "/api/v1/financial-institutions/{id}", tag = "financial-institutions",
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = InstitutionOut), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<InstitutionOut>> {
    Ok(axum::Json(
        state
            .services
            .portfolio
            .institution(&user, id)
            .await?
            .into(),
    ))
}

/// Partial update (`PUT` and `PATCH` alike).
#[utoipa::path(put, path = "/api/v1/financial-institutions/{id}", tag = "financial-institutions",
    security(("bearer" = [])), params(("id" = Uuid, Path)), request_body = InstitutionUpdateIn,
    responses((status = 200, body = InstitutionOut), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
    Json(input): Json<InstitutionUpdateIn>,
) -> ApiResult<axum::Json<InstitutionOut>> {
    let patch = input.parse()?;
    Ok(axum::Json(
        state
            .services
            .portfolio
            .update_institution(&user, id, patch)
            .await?
            .into(),
    ))
}

/// Deletes it; its accounts stay, with no institution.
#[utoipa::path(delete, path = "/api/v1/financial-institutions/{id}", tag = "financial-institutions",
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state
        .services
        .portfolio
        .delete_institution(&user, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
