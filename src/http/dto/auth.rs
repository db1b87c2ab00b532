use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::service::auth::TokenPair;

#[derive(Debug, Serialize, ToSchema)]
pub struct TokensOut {
    pub access_token: String,
    pub refresh_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: i64,
}

impl From<TokenPair> for TokensOut {
    fn from(p: TokenPair) -> Self {
        Self {
            access_token: p.access_token,
            refresh_token: p.refresh_token,
            token_type: "bearer",
            expires_in: p.expires_in,
        }
    }
}

/// JSON `{email or username, password}`, or a form with `username` (a username or an email)
/// and `password`.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginIn {
    pub username: Option<String>,
    pub email: Option<String>,
    pub password: String,
}

impl LoginIn {
    pub fn login(&self) -> Option<&str> {
        self.email
            .as_deref()
            .or(self.username.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshIn {
    pub refresh_token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPasswordIn {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetPasswordIn {
    pub token: String,
    /// 8 to 128 characters.
    pub new_password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageOut {
    pub message: String,
}
