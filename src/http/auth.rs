//! The caller, from `Authorization: Bearer <access token>`.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;

use crate::domain::{DataVersion, User};
use crate::service::ServiceError;

use super::error::ApiError;
use super::state::AppState;

/// An authenticated, active user.
///
/// Extracting it also leaves the caller's [`VersionAtAuth`] in the request's extensions.
pub struct CurrentUser(pub User);

/// The caller's data version, read with the caller's row when the request was authenticated:
/// what a list answer is labelled with (see [`super::conditional`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionAtAuth(pub DataVersion);

/// The token of an `Authorization: Bearer` header, if any.
pub fn bearer(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token =
            bearer(parts).ok_or_else(|| ServiceError::Unauthorized("Not authenticated".into()))?;
        let (user, version) = state.auth.user_from_access_token(token).await?;
        parts.extensions.insert(VersionAtAuth(version));
        Ok(CurrentUser(user))
    }
}

/// The raw bearer token, when present (the refresh token of `/auth/refresh`).
pub struct BearerToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(BearerToken(bearer(parts).map(str::to_string)))
    }
}
