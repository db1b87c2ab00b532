use async_trait::async_trait;
use uuid::Uuid;

use super::{PgQuery, PgStore};
use crate::domain::{DataVersion, Page, PageRequest, User};
use crate::store::rows::{self, affected_one, sql_i64};
use crate::store::sql::users::{self as sql, user_columns};
use crate::store::{StoreResult, UserStore};

/// `sql::INSERT` with the user's columns bound.
pub(super) fn bind_insert(user: &User) -> PgQuery<'_> {
    sqlx::query(sql::INSERT)
        .bind(user.id)
        .bind(user.email.as_str())
        .bind(user.username.as_str())
        .bind(&user.password_hash)
        .bind(user.is_active)
        .bind(user.is_superuser)
        .bind(user.base_currency.as_str())
        .bind(user.created_at)
        .bind(user.updated_at)
}

#[async_trait]
impl UserStore for PgStore {
    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user.id))]
    async fn insert_user(&self, user: &User) -> StoreResult<()> {
        self.execute(bind_insert(user)).await?;
        Ok(())
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
        self.optional(sqlx::query(sql::BY_ID).bind(id), rows::user)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn user_with_version(&self, id: Uuid) -> StoreResult<Option<(User, DataVersion)>> {
        let query = sqlx::query(sql::WITH_VERSION)
            .bind(id)
            .bind(DataVersion::MARKET_SCOPE);
        self.optional(query, rows::user_with_version).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        let query = sqlx::query(sql::BY_EMAIL).bind(email.trim().to_lowercase());
        self.optional(query, rows::user).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        let query = sqlx::query(sql::BY_USERNAME).bind(username.trim().to_string());
        self.optional(query, rows::user).await
    }

    #[tracing::instrument(level = "debug", skip_all)]
    async fn users(&self, page: PageRequest) -> StoreResult<Page<User>> {
        let query = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            ", count(*) OVER () AS total FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2"
        ))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip));
        self.page(query, sqlx::query(sql::COUNT), page, rows::user)
            .await
    }

    #[tracing::instrument(level = "debug", skip_all, fields(user_id = %user.id))]
    async fn update_user(&self, user: &User) -> StoreResult<()> {
        let update = sqlx::query(sql::UPDATE)
            .bind(user.id)
            .bind(user.email.as_str())
            .bind(user.username.as_str())
            .bind(&user.password_hash)
            .bind(user.is_active)
            .bind(user.is_superuser)
            .bind(user.base_currency.as_str())
            .bind(user.updated_at);
        affected_one(self.execute(update).await?)
    }

    #[tracing::instrument(level = "debug", skip_all, fields(id = %id))]
    async fn delete_user(&self, id: Uuid) -> StoreResult<()> {
        affected_one(self.execute(sqlx::query(sql::DELETE).bind(id)).await?)
    }
}
