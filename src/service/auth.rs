//! Tokens: JWT access and refresh tokens (HS256) with refresh rotation and reuse detection,
//! and password reset through the mailer.
//!
//! Every login starts a token family. Refreshing spends the presented refresh token and
//! issues a new pair in the same family; presenting a spent token again means it was stolen
//! (or replayed), so the whole family is revoked.

use std::sync::Arc;

use base64::Engine as _;
use chrono::{Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::{
    self, DataVersion, Email, Password, PasswordResetToken, RefreshTokenRecord, User,
};
use crate::mail::{Mail, Mailer};
use crate::secret::Secret;
use crate::store::Store;

use super::users::UserService;
use super::{ServiceError, ServiceResult, Upstream};

pub const INVALID_TOKEN: &str = "Could not validate credentials";
pub const INVALID_RESET_TOKEN: &str = "Invalid or expired reset token";

/// Lifetimes and secrets of tokens.
#[derive(Clone)]
pub struct AuthSettings {
    /// Signs and checks JWTs (HS256).
    pub jwt_secret: Secret,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
    pub reset_ttl: Duration,
    /// The link sent in reset mails; `{token}` is replaced by the token.
    pub reset_url: String,
}

impl AuthSettings {
    /// The contract's lifetimes (30 minutes, 7 days, 30 minutes) with the given secret.
    pub fn with_secret(jwt_secret: Secret) -> Self {
        Self {
            jwt_secret,
            access_ttl: Duration::minutes(30),
            refresh_ttl: Duration::days(7),
            reset_ttl: Duration::minutes(30),
            reset_url: "http://localhost:3000/reset-password?token={token}".into(),
        }
    }
}

impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("access_ttl", &self.access_ttl)
            .field("refresh_ttl", &self.refresh_ttl)
            .field("reset_ttl", &self.reset_ttl)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    Access,
    Refresh,
}

/// The claims of both kinds of token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    #[serde(rename = "type")]
    pub kind: TokenKind,
}

/// A new access and refresh token.
#[derive(Debug, Clone)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds the access token lives.
    pub expires_in: i64,
}

#[derive(Clone)]
pub struct AuthService {
    store: Arc<dyn Store>,
    users: UserService,
    mailer: Arc<dyn Mailer>,
    settings: Arc<AuthSettings>,
    keys: Arc<Keys>,
}

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

fn unauthorized() -> ServiceError {
    ServiceError::Unauthorized(INVALID_TOKEN.into())
}

impl AuthService {
    pub fn new(
        store: Arc<dyn Store>,
        users: UserService,
        mailer: Arc<dyn Mailer>,
        settings: AuthSettings,
    ) -> Self {
        let secret = settings.jwt_secret.expose().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub", "iat"]);
        let keys = Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        };
        Self {
            store,
            users,
            mailer,
            settings: Arc::new(settings),
            keys: Arc::new(keys),
        }
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    /// Checks a login (username or email) and password and starts a token family.
    #[tracing::instrument(skip_all)]
    pub async fn login(&self, login: &str, password: &str) -> ServiceResult<(User, TokenPair)> {
        let user = self.users.authenticate(login, password).await?;
        let pair = self.issue(&user, Uuid::new_v4()).await?;
        Ok((user, pair))
    }

    /// Signs a token of `kind` for `user_id`.
    pub fn sign(&self, user_id: Uuid, kind: TokenKind, jti: Uuid) -> ServiceResult<String> {
        let now = Utc::now();
        let ttl = match kind {
            TokenKind::Access => self.settings.access_ttl,
            TokenKind::Refresh => self.settings.refresh_ttl,
        };
        let claims = Claims {
            sub: user_id.to_string(),
            iat: now.timestamp(),
            exp: (now + ttl).timestamp(),
            jti: jti.to_string(),
            kind,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.keys.encoding)
            .map_err(ServiceError::internal)
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    async fn issue(&self, user: &User, family_id: Uuid) -> ServiceResult<TokenPair> {
        let jti = Uuid::new_v4();
        let now = domain::now();
        let access_token = self.sign(user.id, TokenKind::Access, Uuid::new_v4())?;
        let refresh_token = self.sign(user.id, TokenKind::Refresh, jti)?;
        self.store
            .insert_refresh_token(&RefreshTokenRecord {
                jti,
                user_id: user.id,
                family_id,
                expires_at: now + self.settings.refresh_ttl,
                spent_at: None,
                revoked: false,
                created_at: now,
            })
            .await?;
        Ok(TokenPair {
            access_token,
            refresh_token,
            expires_in: self.settings.access_ttl.num_seconds(),
        })
    }

    /// The claims of a well-signed, unexpired token of the expected kind.
    pub fn decode(&self, token: &str, kind: TokenKind) -> ServiceResult<Claims> {
        let data =
            jsonwebtoken::decode::<Claims>(token, &self.keys.decoding, &self.keys.validation)
                .map_err(|_| unauthorized())?;
        if data.claims.kind != kind {
            return Err(unauthorized());
        }
        Ok(data.claims)
    }

    /// The active user an access token names; 401 for any bad token or an inactive user.
    ///
    /// The user is read from the store on every call, never from a copy in this process:
    /// a deactivation or deletion made by any process sharing the store (another server, the
    /// command line) refuses the very next request everywhere.
    ///
    /// The user's data version comes with it, read in the same round trip: a list answer is
    /// labelled with it, and reading it here saves every such request a second query.
    #[tracing::instrument(skip_all)]
    pub async fn user_from_access_token(&self, token: &str) -> ServiceResult<(User, DataVersion)> {
        let claims = self.decode(token, TokenKind::Access)?;
        let id = Uuid::parse_str(&claims.sub).map_err(|_| unauthorized())?;
        match self.store.user_with_version(id).await? {
            Some((user, version)) if user.is_active => Ok((user, version)),
            _ => Err(unauthorized()),
        }
    }

    /// Spends a refresh token and issues a new pair in its family. A spent token presented
    /// again revokes the family.
    #[tracing::instrument(skip_all)]
    pub async fn refresh(&self, refresh_token: &str) -> ServiceResult<(User, TokenPair)> {
        let record = self.refresh_record(refresh_token).await?;
        let now = domain::now();
        if record.revoked || record.expires_at <= now {
            return Err(unauthorized());
        }
        if !self.store.spend_refresh_token(record.jti, now).await? {
            let revoked = self.store.revoke_token_family(record.family_id).await?;
            tracing::warn!(
                user_id = %record.user_id,
                family_id = %record.family_id,
                revoked,
                "a spent refresh token was presented again; its family is revoked"
            );
            return Err(unauthorized());
        }
        let user = match self.store.user(record.user_id).await? {
            Some(user) if user.is_active => user,
            _ => return Err(unauthorized()),
        };
        let pair = self.issue(&user, record.family_id).await?;
        Ok((user, pair))
    }

    /// Revokes every refresh token of the login the token belongs to.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, refresh_token: &str) -> ServiceResult<()> {
        let record = self.refresh_record(refresh_token).await?;
        self.store.revoke_token_family(record.family_id).await?;
        Ok(())
    }

    #[tracing::instrument(skip_all)]
    async fn refresh_record(&self, refresh_token: &str) -> ServiceResult<RefreshTokenRecord> {
        let claims = self.decode(refresh_token, TokenKind::Refresh)?;
        let jti = Uuid::parse_str(&claims.jti).map_err(|_| unauthorized())?;
        let record = self
            .store
            .refresh_token(jti)
            .await?
            .ok_or_else(unauthorized)?;
        if record.user_id.to_string() != claims.sub {
            return Err(unauthorized());
        }
        Ok(record)
    }

    /// Mails a reset token to the user with this email, if there is one. Answers the same,
    /// in about the same time, whether or not there is: the token is stored and mailed in the
    /// background.
    #[tracing::instrument(skip_all)]
    pub async fn forgot_password(&self, email: &Email) {
        let user = match self.store.user_by_email(email.as_str()).await {
            Ok(user) => user,
            Err(e) => {
                tracing::error!(error = %e, "password reset: user lookup failed");
                None
            }
        };
        let secret = new_reset_secret();
        let Some(user) = user.filter(|u| u.is_active) else {
            return;
        };
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(e) = this.send_reset(&user, &secret).await {
                tracing::error!(user_id = %user.id, error = %e, "password reset mail not sent");
            }
        });
    }

    #[tracing::instrument(skip_all, fields(user_id = %user.id))]
    async fn send_reset(&self, user: &User, secret: &str) -> ServiceResult<()> {
        let now = domain::now();
        self.store
            .insert_reset_token(&PasswordResetToken {
                id: Uuid::new_v4(),
                user_id: user.id,
                token_hash: hash_reset_secret(secret),
                expires_at: now + self.settings.reset_ttl,
                used: false,
                created_at: now,
            })
            .await?;
        let link = self.settings.reset_url.replace("{token}", secret);
        let minutes = self.settings.reset_ttl.num_minutes();
        let body = format!(
            "Hello {},\r\n\r\nSomeone asked to reset the password of your finances account.\r\n\
             Open this link within {minutes} minutes to choose a new one:\r\n\r\n{link}\r\n\r\n\
             Reset token: {secret}\r\n\r\nIf it was not you, ignore this message.\r\n",
            user.username.as_str()
        );
        self.mailer
            .send(&Mail {
                to: user.email.as_str().to_string(),
                subject: "Reset your finances password".into(),
                body,
            })
            .await
            .map_err(|e| ServiceError::unavailable(Upstream::Mail, e))
    }

    /// Sets a new password with a reset token; the token works once, and every refresh token
    /// of the user is revoked.
    #[tracing::instrument(skip_all)]
    pub async fn reset_password(&self, token: &str, password: Password) -> ServiceResult<User> {
        let invalid = || ServiceError::bad_request("token", INVALID_RESET_TOKEN);
        if token.trim().is_empty() {
            return Err(invalid());
        }
        let taken = self
            .store
            .take_reset_token(&hash_reset_secret(token.trim()), domain::now())
            .await?
            .ok_or_else(invalid)?;
        self.users.set_password(taken.user_id, password).await
    }
}

/// 32 random bytes, base64url without padding.
fn new_reset_secret() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What is stored of a reset token: its SHA-256, hex.
fn hash_reset_secret(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_secrets_are_long_random_and_hashed() {
        let a = new_reset_secret();
        assert!(a.len() >= 43);
        assert_ne!(a, new_reset_secret());
        assert_eq!(hash_reset_secret(&a).len(), 64);
        assert_ne!(hash_reset_secret(&a), a);
    }
}
