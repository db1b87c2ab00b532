use async_trait::async_trait;
use uuid::Uuid;

use super::rows::db_err;
use super::PgStore;
use crate::domain::{Page, PageRequest, User};
use crate::store::rows::{self, affected_one, sql_i64};
use crate::store::sql::users::{self as sql, user_columns};
use crate::store::{StoreResult, UserStore};

impl PgStore {
    async fn user_by(&self, sql: &'static str, key: String) -> StoreResult<Option<User>> {
        sqlx::query(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::user(&r))
            .transpose()
    }
}

#[async_trait]
impl UserStore for PgStore {
    async fn insert_user(&self, user: &User) -> StoreResult<()> {
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
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
        sqlx::query(sql::BY_ID)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::user(&r))
            .transpose()
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.user_by(sql::BY_EMAIL, email.trim().to_lowercase())
            .await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        self.user_by(sql::BY_USERNAME, username.trim().to_string())
            .await
    }

    async fn users(&self, page: PageRequest) -> StoreResult<Page<User>> {
        let found = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            ", count(*) OVER () AS total FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2"
        ))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let total = self
            .page_total(&found, page, sqlx::query(sql::COUNT))
            .await?;
        let items = found.iter().map(rows::user).collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    async fn update_user(&self, user: &User) -> StoreResult<()> {
        let done = sqlx::query(sql::UPDATE)
            .bind(user.id)
            .bind(user.email.as_str())
            .bind(user.username.as_str())
            .bind(&user.password_hash)
            .bind(user.is_active)
            .bind(user.is_superuser)
            .bind(user.base_currency.as_str())
            .bind(user.updated_at)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }

    async fn delete_user(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query(sql::DELETE)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }
}
