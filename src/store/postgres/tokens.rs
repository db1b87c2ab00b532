//! Refresh and password-reset tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PgStore;
use crate::domain::{PasswordResetToken, RefreshTokenRecord};
use crate::store::sql::tokens as sql;
use crate::store::{rows, StoreResult, TokenStore};

#[async_trait]
impl TokenStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_refresh_token(&self, t: &RefreshTokenRecord) -> StoreResult<()> {
        let insert = sqlx::query(sql::INSERT_REFRESH)
            .bind(t.jti)
            .bind(t.user_id)
            .bind(t.family_id)
            .bind(t.expires_at)
            .bind(t.spent_at)
            .bind(t.revoked)
            .bind(t.created_at);
        self.execute(insert).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn refresh_token(&self, jti: Uuid) -> StoreResult<Option<RefreshTokenRecord>> {
        let query = sqlx::query(sql::REFRESH_BY_JTI).bind(jti);
        self.optional(query, rows::refresh_token).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn spend_refresh_token(&self, jti: Uuid, at: DateTime<Utc>) -> StoreResult<bool> {
        // A concurrent spend waits on the row lock, then re-checks the condition and finds
        // the token spent: exactly one wins.
        let spend = sqlx::query(
            "UPDATE refresh_tokens SET spent_at = $2 \
             WHERE jti = $1 AND spent_at IS NULL AND NOT revoked",
        )
        .bind(jti)
        .bind(at);
        Ok(self.execute(spend).await? == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn revoke_token_family(&self, family_id: Uuid) -> StoreResult<u64> {
        let revoke = sqlx::query(
            "UPDATE refresh_tokens SET revoked = true WHERE family_id = $1 AND NOT revoked",
        )
        .bind(family_id);
        self.execute(revoke).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn revoke_user_tokens(&self, user_id: Uuid) -> StoreResult<u64> {
        let revoke = sqlx::query(
            "UPDATE refresh_tokens SET revoked = true WHERE user_id = $1 AND NOT revoked",
        )
        .bind(user_id);
        self.execute(revoke).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_reset_token(&self, t: &PasswordResetToken) -> StoreResult<()> {
        let insert = sqlx::query(sql::INSERT_RESET)
            .bind(t.id)
            .bind(t.user_id)
            .bind(&t.token_hash)
            .bind(t.expires_at)
            .bind(t.used)
            .bind(t.created_at);
        self.execute(insert).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn take_reset_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<PasswordResetToken>> {
        // One statement marks and returns it, so a token works once even under races.
        let take = sqlx::query(
            "UPDATE password_reset_tokens SET used = true \
             WHERE token_hash = $1 AND NOT used AND expires_at > $2 \
             RETURNING id, user_id, token_hash, expires_at, used, created_at",
        )
        .bind(token_hash)
        .bind(now);
        self.optional(take, rows::reset_token).await
    }
}
