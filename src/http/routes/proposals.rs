//! `/api/v1/proposals`: the activities the market data's splits and dividends suggest, with
//! accept and dismiss. The proposals are the proposal service's; these handlers translate.

use axum::extract::State;
use axum::http::StatusCode;
use uuid::Uuid;

use crate::http::auth::CurrentUser;
use crate::http::dto::activities::ActivityOut;
use crate::http::dto::proposals::ProposalOut;
use crate::http::error::{ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::Path;
use crate::http::routes::activities::one_with_security;
use crate::http::state::AppState;

/// The caller's proposals, by date, then account name and symbol. A sync stores the splits
/// and dividends Yahoo reports with a chart; an account that held the security on the day
/// before, with no matching activity (a split on the day, a dividend from a week before to
/// two months after), is offered one. Derived on each read: nothing is proposed twice.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "ledger",
    security(("bearer" = [])),
    responses((status = 200, body = Vec<ProposalOut>)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
) -> ApiResult<axum::Json<Vec<ProposalOut>>> {
    let proposals = state.services.proposals.list(&user).await?;
    Ok(axum::Json(
        proposals.into_iter().map(ProposalOut::from).collect(),
    ))
}

/// Records the proposal's activity in its account (`201`); the proposal is then no longer
/// offered, and accepting it again is `404`. Refused like any activity (`422`) when the
/// ledger could not take it.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/accept", tag = "ledger",
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 201, body = ActivityOut), (status = 200, body = ActivityOut),
        (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)))]
pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<(StatusCode, axum::Json<ActivityOut>)> {
    let recorded = state.services.proposals.accept(&user, id).await?;
    let status = if recorded.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let out = one_with_security(&state, recorded.activity).await?;
    Ok((status, axum::Json(out)))
}

/// Stops offering the proposal (`204`); one no longer offered is `404`.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/dismiss", tag = "ledger",
    security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)))]
pub async fn dismiss(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(id): Path<Uuid>,
) -> ApiResult<StatusCode> {
    state.services.proposals.dismiss(&user, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
