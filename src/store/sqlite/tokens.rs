//! Refresh and password-reset tokens.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::codec::{opt_ts, ts, uid};
use super::errors::parent;
use super::SqliteStore;
use crate::domain::{PasswordResetToken, RefreshTokenRecord};
use crate::store::sql::tokens as sql;
use crate::store::{rows, StoreResult, TokenStore};

#[async_trait]
impl TokenStore for SqliteStore {
    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_refresh_token(&self, t: &RefreshTokenRecord) -> StoreResult<()> {
        let insert = sqlx::query(sql::INSERT_REFRESH)
            .bind(uid(&t.jti))
            .bind(uid(&t.user_id))
            .bind(uid(&t.family_id))
            .bind(ts(&t.expires_at))
            .bind(opt_ts(&t.spent_at))
            .bind(t.revoked)
            .bind(ts(&t.created_at));
        self.execute_probed(insert, || {
            [parent("fk_refresh_tokens_user", "users", Some(t.user_id))]
        })
        .await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn refresh_token(&self, jti: Uuid) -> StoreResult<Option<RefreshTokenRecord>> {
        let query = sqlx::query(sql::REFRESH_BY_JTI).bind(uid(&jti));
        self.optional(query, rows::refresh_token).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn spend_refresh_token(&self, jti: Uuid, at: DateTime<Utc>) -> StoreResult<bool> {
        // One statement: of two concurrent spends only one finds the row unspent.
        let spend = sqlx::query(
            "UPDATE refresh_tokens SET spent_at = $2 \
             WHERE jti = $1 AND spent_at IS NULL AND revoked = 0",
        )
        .bind(uid(&jti))
        .bind(ts(&at));
        Ok(self.execute(spend).await? == 1)
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn revoke_token_family(&self, family_id: Uuid) -> StoreResult<u64> {
        let revoke = sqlx::query(
            "UPDATE refresh_tokens SET revoked = 1 WHERE family_id = $1 AND revoked = 0",
        )
        .bind(uid(&family_id));
        self.execute(revoke).await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user_id))]
    async fn revoke_user_tokens(&self, user_id: Uuid) -> StoreResult<u64> {
        let revoke =
            sqlx::query("UPDATE refresh_tokens SET revoked = 1 WHERE user_id = $1 AND revoked = 0")
                .bind(uid(&user_id));
        self.execute(revoke).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn insert_reset_token(&self, t: &PasswordResetToken) -> StoreResult<()> {
        let insert = sqlx::query(sql::INSERT_RESET)
            .bind(uid(&t.id))
            .bind(uid(&t.user_id))
            .bind(&t.token_hash)
            .bind(ts(&t.expires_at))
            .bind(t.used)
            .bind(ts(&t.created_at));
        self.execute_probed(insert, || {
            [parent(
                "fk_password_reset_tokens_user",
                "users",
                Some(t.user_id),
            )]
        })
        .await?;
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
            "UPDATE password_reset_tokens SET used = 1 \
             WHERE token_hash = $1 AND used = 0 AND expires_at > $2 \
             RETURNING id, user_id, token_hash, expires_at, used, created_at",
        )
        .bind(token_hash)
        .bind(ts(&now));
        self.optional(take, rows::reset_token).await
    }
}
