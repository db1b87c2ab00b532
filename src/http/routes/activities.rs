//! `/api/v1/accounts/{account_id}/activities`: an account's ledger. Every change goes through
//! the activity service, which replays the account before storing anything, so a change that
//! would sell more than is then held is 422 and changes nothing.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use uuid::Uuid;

use crate::domain::ledger::{Activity, ActivityType};
use crate::domain::{ActivityFilter, Symbol};
use crate::http::auth::CurrentUser;
use crate::http::conditional::{list_response, Conditional, IfNoneMatch};
use crate::http::dto::activities::{
    ActivitiesQuery, ActivityBody, ActivityIn, ActivityOut, ActivityUpdateIn,
};
use crate::http::error::{ApiError, ApiResult, ErrorBody, ValidationBody};
use crate::http::extract::{Json, JsonList, Path, Query};
use crate::http::pagination::{PageParams, Paged};
use crate::http::state::AppState;
use crate::service::ServiceError;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(list).post(create))
        .route("/batch", post(create_batch))
        .route(
            "/{activity_id}",
            get(get_one).put(update).patch(update).delete(delete),
        )
}

/// Oldest first, optionally within dates, of one type, or of one stored security.
#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/activities", tag = "activities",
    security(("bearer" = [])), params(("account_id" = Uuid, Path), ActivitiesQuery, IfNoneMatch),
    responses((status = 200, body = Vec<ActivityOut>, headers(("X-Total-Count" = u64), ("ETag" = String))),
        (status = 304, description = "Unchanged since the `If-None-Match` version"),
        (status = 404, body = ErrorBody), (status = 422, body = ValidationBody)))]
pub async fn list(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(account_id): Path<Uuid>,
    Query(q): Query<ActivitiesQuery>,
    request: Conditional,
) -> ApiResult<Response> {
    let page = PageParams {
        skip: q.skip,
        limit: q.limit,
    }
    .request()?;
    let query_error =
        |e: crate::domain::ValidationError| ApiError::field("query", e.field, e.message);
    let filter = ActivityFilter {
        start: q.start,
        end: q.end,
        activity_type: q
            .activity_type
            .as_deref()
            .map(str::parse::<ActivityType>)
            .transpose()
            .map_err(query_error)?,
        security_id: None,
    };
    let symbol = q
        .symbol
        .as_deref()
        .map(Symbol::parse)
        .transpose()
        .map_err(|e| ApiError::field("query", "symbol", e.message))?;
    list_response(&state, &user, request, || async {
        let activities = &state.services.activities;
        let found = match &symbol {
            Some(symbol) => {
                activities
                    .list_of_symbol(&user, account_id, &filter, symbol, page)
                    .await?
            }
            None => activities.list(&user, account_id, &filter, page).await?,
        };
        let out = with_securities(&state, found.items).await?;
        Ok(Paged(out, found.total))
    })
    .await
}

/// Records one activity; `security_id` is a UUID or a symbol (an unknown symbol is looked up
/// on Yahoo and stored). With an `external_id` the account already has, the stored activity
/// is answered with 200 and nothing is added.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/activities", tag = "activities",
    security(("bearer" = [])), params(("account_id" = Uuid, Path)), request_body = ActivityBody,
    responses((status = 201, body = ActivityOut),
        (status = 200, body = ActivityOut, description = "Already recorded under its `external_id`"),
        (status = 404, body = ErrorBody, description = "Unknown account or security"),
        (status = 409, body = ErrorBody),
        (status = 422, body = ValidationBody, description = "A field the type needs or refuses, a date after today, or a sale of more than is then held"),
        (status = 503, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(account_id): Path<Uuid>,
    Json(input): Json<ActivityIn>,
) -> ApiResult<(StatusCode, axum::Json<ActivityOut>)> {
    let draft = input.draft()?;
    let recorded = state
        .services
        .activities
        .create(&user, account_id, draft)
        .await?;
    let status = if recorded.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    let out = one_with_security(&state, recorded.activity).await?;
    Ok((status, axum::Json(out)))
}

/// Records every activity of the array or none. A bad item fails the whole batch with 422
/// naming each bad item's index and field; items whose `external_id` the account already has
/// are answered as stored and not added again.
#[utoipa::path(post, path = "/api/v1/accounts/{account_id}/activities/batch", tag = "activities",
    security(("bearer" = [])), params(("account_id" = Uuid, Path)), request_body = Vec<ActivityBody>,
    responses((status = 201, body = Vec<ActivityOut>),
        (status = 404, body = ErrorBody, description = "Unknown account or security"),
        (status = 409, body = ErrorBody),
        (status = 422, body = ValidationBody, description = "Every bad item, as `[\"body\", index, field]`; nothing is stored"),
        (status = 503, body = ErrorBody)))]
pub async fn create_batch(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path(account_id): Path<Uuid>,
    JsonList(input): JsonList<ActivityIn>,
) -> ApiResult<(StatusCode, axum::Json<Vec<ActivityOut>>)> {
    let mut drafts = Vec::with_capacity(input.len());
    let mut errors = Vec::new();
    for (index, item) in input.into_iter().enumerate() {
        match item.draft() {
            Ok(draft) => drafts.push(draft),
            Err(e) => errors.push((index, e)),
        }
    }
    if !errors.is_empty() {
        return Err(ServiceError::InvalidItems(errors).into());
    }
    let recorded = state
        .services
        .activities
        .create_batch(&user, account_id, drafts)
        .await?;
    let activities = recorded.into_iter().map(|r| r.activity).collect();
    Ok((
        StatusCode::CREATED,
        axum::Json(with_securities(&state, activities).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/accounts/{account_id}/activities/{activity_id}",
    tag = "activities", security(("bearer" = [])),
    params(("account_id" = Uuid, Path), ("activity_id" = Uuid, Path)),
    responses((status = 200, body = ActivityOut), (status = 404, body = ErrorBody)))]
pub async fn get_one(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<axum::Json<ActivityOut>> {
    let activity = state.services.activities.get(&user, account_id, id).await?;
    Ok(axum::Json(one_with_security(&state, activity).await?))
}

/// Partial update (`PUT` and `PATCH` alike): absent fields stay, `null` clears one. The
/// result must be a valid activity of its type, and the account's ledger must still replay.
#[utoipa::path(put, path = "/api/v1/accounts/{account_id}/activities/{activity_id}",
    tag = "activities", security(("bearer" = [])),
    params(("account_id" = Uuid, Path), ("activity_id" = Uuid, Path)),
    request_body = ActivityUpdateIn,
    responses((status = 200, body = ActivityOut), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody),
        (status = 422, body = ValidationBody, description = "An invalid result, or a ledger that would sell more than is then held"),
        (status = 503, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
    Json(input): Json<ActivityUpdateIn>,
) -> ApiResult<axum::Json<ActivityOut>> {
    let change = input.change()?;
    let activity = state
        .services
        .activities
        .update(&user, account_id, id, change)
        .await?;
    Ok(axum::Json(one_with_security(&state, activity).await?))
}

/// Deletes the activity, unless the ledger without it would sell more than is then held
/// (422, nothing deleted).
#[utoipa::path(delete, path = "/api/v1/accounts/{account_id}/activities/{activity_id}",
    tag = "activities", security(("bearer" = [])),
    params(("account_id" = Uuid, Path), ("activity_id" = Uuid, Path)),
    responses((status = 204), (status = 404, body = ErrorBody),
        (status = 422, body = ValidationBody, description = "The ledger without it would sell more than is then held")))]
pub async fn delete(
    State(state): State<AppState>,
    CurrentUser(user): CurrentUser,
    Path((account_id, id)): Path<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    state
        .services
        .activities
        .delete(&user, account_id, id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(crate) async fn one_with_security(
    state: &AppState,
    activity: Activity,
) -> ApiResult<ActivityOut> {
    let mut out = with_securities(state, vec![activity]).await?;
    Ok(out.remove(0))
}

/// The activities on the wire, their securities read in one query.
async fn with_securities(
    state: &AppState,
    activities: Vec<Activity>,
) -> ApiResult<Vec<ActivityOut>> {
    let securities = state.services.activities.securities_of(&activities).await?;
    Ok(activities
        .into_iter()
        .map(|a| {
            let security = a.security_id.and_then(|id| securities.get(&id).cloned());
            ActivityOut::new(a, security)
        })
        .collect())
}
