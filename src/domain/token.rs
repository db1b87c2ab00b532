use chrono::{DateTime, Utc};
use uuid::Uuid;

/// One issued refresh token. Tokens from one login share a `family_id`; presenting a spent
/// token again revokes the whole family (reuse detection).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefreshTokenRecord {
    pub jti: Uuid,
    pub user_id: Uuid,
    pub family_id: Uuid,
    pub expires_at: DateTime<Utc>,
    pub spent_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub created_at: DateTime<Utc>,
}

/// A password-reset token, kept only as a hash of the secret sent to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordResetToken {
    pub id: Uuid,
    pub user_id: Uuid,
    pub token_hash: String,
    pub expires_at: DateTime<Utc>,
    pub used: bool,
    pub created_at: DateTime<Utc>,
}
