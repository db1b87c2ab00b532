//! `/api/v1/users`: the caller's profile; administration for superusers.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use uuid::Uuid;

use crate::http::auth::CurrentUser;
use crate::http::dto::users::{UserOut, UserUpdateIn};
use crate::http::error::{ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::{Json, Path, Query};
use crate::http::pagination::{PageParams, Paged};
use crate::http::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list))
        .route("/me", get(me).patch(update_me))
        .route("/{user_id}", get(get_one).patch(update).delete(delete))
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = UserOut), (status = 401, body = ErrorBody)))]
pub async fn me(CurrentUser(user): CurrentUser) -> axum::Json<UserOut> {
    axum::Json(user.into())
}

/// Changes the caller's email, username or password (with `current_password`).
#[utoipa::path(patch, path = "/api/v1/users/me", tag = "users", security(("bearer" = [])),
    request_body = UserUpdateIn,
    responses((status = 200, body = UserOut), (status = 400, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ValidationBody)))]
pub async fn update_me(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Json(input): Json<UserUpdateIn>,
) -> ApiResult<axum::Json<UserOut>> {
    let update = input.parse()?;
    let id = user.id;
    let updated = state.services.users.update(&user, id, update).await?;
    Ok(axum::Json(updated.into()))
}

/// Every user (superusers only).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = [])),
    params(PageParams),
    responses((status = 200, body = Vec<UserOut>, headers(("X-Total-Count" = u64))),
        (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Query(page): Query<PageParams>,
) -> ApiResult<Paged<UserOut>> {
    let page = state.services.users.list(&user, page.request()?).await?;
    Ok(Paged::from_page(page, UserOut::from))
}

/// A user: oneself, or anyone for a superuser (404 otherwise).
#[utoipa::path(get, path = "/api/v1/users/{user_id}", tag = "users", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 200, body = UserOut), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<axum::Json<UserOut>> {
    Ok(axum::Json(
        state.services.users.get_as(&user, id).await?.into(),
    ))
}

/// Updates a user; only superusers may set `is_active` and `is_superuser`.
#[utoipa::path(patch, path = "/api/v1/users/{user_id}", tag = "users", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)), request_body = UserUpdateIn,
    responses((status = 200, body = UserOut), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
    Json(input): Json<UserUpdateIn>,
) -> ApiResult<axum::Json<UserOut>> {
    // Someone else's id is 404 for a non-superuser, before any other rule.
    state.services.users.get_as(&user, id).await?;
    let update = input.parse()?;
    let updated = state.services.users.update(&user, id, update).await?;
    Ok(axum::Json(updated.into()))
}

/// Deletes a user and everything they own (superusers only).
#[utoipa::path(delete, path = "/api/v1/users/{user_id}", tag = "users", security(("bearer" = [])),
    params(("user_id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.services.users.delete(&user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
