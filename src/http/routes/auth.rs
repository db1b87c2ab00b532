//! `/api/v1/auth`: registration, login, token refresh and logout, password reset.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;

use crate::domain::Email;
use crate::service::ServiceError;

use super::super::auth::{BearerToken, CurrentUser};
use super::super::dto::auth::{
    ForgotPasswordIn, LoginIn, MessageOut, RefreshIn, ResetPasswordIn, TokensOut,
};
use super::super::dto::users::{RegisterIn, UserOut};
use super::super::error::{ApiError, ApiResult, ErrorBody, RateLimitBody, ValidationBody};
use super::super::extract::{ClientAddr, Json, JsonOrForm, OptionalJson};
use super::super::state::AppState;

pub const FORGOT_PASSWORD_MESSAGE: &str =
    "If the email exists, a password reset link has been sent.";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/register", post(register))
        .route("/login", post(login))
        .route("/login/tokens", post(login_tokens))
        .route("/refresh", post(refresh))
        .route("/logout", post(logout))
        .route("/me", get(me))
        .route("/test-token", post(test_token))
        .route("/forgot-password", post(forgot_password))
        .route("/reset-password", post(reset_password))
}

/// Creates a user.
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterIn,
    responses((status = 201, body = UserOut), (status = 409, body = ErrorBody),
        (status = 422, body = ValidationBody), (status = 429, body = RateLimitBody)))]
pub async fn register(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(input): Json<RegisterIn>,
) -> ApiResult<(StatusCode, axum::Json<UserOut>)> {
    state
        .limit("register", &client, state.settings.auth_per_minute)
        .await?;
    let (email, username, password) = input.parse()?;
    let user = state
        .services
        .users
        .register(email, username, password, false)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(user.into())))
}

async fn do_login(
    state: &AppState,
    bucket: &str,
    client: &str,
    input: LoginIn,
) -> ApiResult<TokensOut> {
    state
        .limit(bucket, client, state.settings.auth_per_minute)
        .await?;
    let Some(login) = input.login() else {
        return Err(ApiError::field(
            "body",
            "username",
            "Field required: give an email or a username",
        ));
    };
    let (_, pair) = state.auth.login(login, &input.password).await?;
    Ok(pair.into())
}

/// Logs in with JSON `{email or username, password}` or a form (`username`, `password`).
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth",
    request_body(content(
        (LoginIn = "application/json"),
        (LoginIn = "application/x-www-form-urlencoded"))),
    responses((status = 200, body = TokensOut), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ValidationBody),
        (status = 429, body = RateLimitBody)))]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    JsonOrForm(input): JsonOrForm<LoginIn>,
) -> ApiResult<axum::Json<TokensOut>> {
    do_login(&state, "login", &client, input)
        .await
        .map(axum::Json)
}

/// The same as `/login` (the path the web client uses).
#[utoipa::path(post, path = "/api/v1/auth/login/tokens", tag = "auth",
    request_body(content(
        (LoginIn = "application/json"),
        (LoginIn = "application/x-www-form-urlencoded"))),
    responses((status = 200, body = TokensOut), (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody), (status = 422, body = ValidationBody),
        (status = 429, body = RateLimitBody)))]
pub async fn login_tokens(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    JsonOrForm(input): JsonOrForm<LoginIn>,
) -> ApiResult<axum::Json<TokensOut>> {
    do_login(&state, "login_tokens", &client, input)
        .await
        .map(axum::Json)
}

fn presented_refresh_token(
    bearer: Option<String>,
    body: Option<RefreshIn>,
) -> Result<String, ApiError> {
    body.map(|b| b.refresh_token)
        .or(bearer)
        .ok_or_else(|| ServiceError::Unauthorized("Not authenticated".into()).into())
}

/// Spends a refresh token for a new pair. A spent token presented again revokes its login.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth",
    request_body(content = RefreshIn, description = "The refresh token here, or in `Authorization: Bearer <refresh token>`; the body wins when both are given."),
    security((), ("bearer" = [])),
    responses((status = 200, body = TokensOut), (status = 401, body = ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    BearerToken(bearer): BearerToken,
    OptionalJson(body): OptionalJson<RefreshIn>,
) -> ApiResult<axum::Json<TokensOut>> {
    let token = presented_refresh_token(bearer, body)?;
    let (_, pair) = state.auth.refresh(&token).await?;
    Ok(axum::Json(pair.into()))
}

/// Revokes the refresh tokens of this login.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    request_body(content = RefreshIn, description = "The refresh token here, or in `Authorization: Bearer <refresh token>`; the body wins when both are given."),
    security((), ("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn logout(
    State(state): State<AppState>,
    BearerToken(bearer): BearerToken,
    OptionalJson(body): OptionalJson<RefreshIn>,
) -> ApiResult<StatusCode> {
    let token = presented_refresh_token(bearer, body)?;
    state.auth.logout(&token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserOut), (status = 401, body = ErrorBody)))]
pub async fn me(CurrentUser(user): CurrentUser) -> axum::Json<UserOut> {
    axum::Json(user.into())
}

/// Checks an access token; answers its user.
#[utoipa::path(post, path = "/api/v1/auth/test-token", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserOut), (status = 401, body = ErrorBody)))]
pub async fn test_token(CurrentUser(user): CurrentUser) -> axum::Json<UserOut> {
    axum::Json(user.into())
}

/// Mails a reset token when the email is known; answers the same either way.
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth",
    request_body = ForgotPasswordIn,
    responses((status = 200, body = MessageOut), (status = 422, body = ValidationBody),
        (status = 429, body = RateLimitBody)))]
pub async fn forgot_password(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    Json(input): Json<ForgotPasswordIn>,
) -> ApiResult<impl IntoResponse> {
    state
        .limit("forgot_password", &client, state.settings.auth_per_minute)
        .await?;
    let email = Email::parse(&input.email)?;
    state.auth.forgot_password(&email).await;
    Ok(axum::Json(MessageOut {
        message: FORGOT_PASSWORD_MESSAGE.into(),
    }))
}

/// Sets a new password with a reset token (once); revokes every refresh token of the user.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "auth",
    request_body = ResetPasswordIn,
    responses((status = 200, body = MessageOut), (status = 400, body = ErrorBody),
        (status = 422, body = ValidationBody)))]
pub async fn reset_password(
    State(state): State<AppState>,
    Json(input): Json<ResetPasswordIn>,
) -> ApiResult<axum::Json<MessageOut>> {
    let password = crate::domain::Password::parse(&input.new_password)
        .map_err(|e| ApiError::field("body", "new_password", e.message))?;
    state.auth.reset_password(&input.token, password).await?;
    Ok(axum::Json(MessageOut {
        message: "Password has been reset successfully".into(),
    }))
}
