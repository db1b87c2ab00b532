use async_trait::async_trait;
use uuid::Uuid;

use super::codec::{ts, uid};
use super::errors::{db_err, Probe};
use super::SqliteStore;
use crate::domain::{Page, PageRequest, User};
use crate::store::rows::{self, affected_one, sql_i64};
use crate::store::sql::users::{self as sql, user_columns};
use crate::store::{StoreResult, UserStore};

fn currency_probe(user: &User) -> [Probe; 1] {
    [Probe::Parent {
        constraint: "fk_users_base_currency",
        table: "currencies",
        column: "code",
        value: Some(user.base_currency.to_string()),
    }]
}

impl SqliteStore {
    async fn user_where(&self, sql: &'static str, key: String) -> StoreResult<Option<User>> {
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
impl UserStore for SqliteStore {
    async fn insert_user(&self, user: &User) -> StoreResult<()> {
        let done = sqlx::query(sql::INSERT)
            .bind(uid(&user.id))
            .bind(user.email.as_str())
            .bind(user.username.as_str())
            .bind(&user.password_hash)
            .bind(user.is_active)
            .bind(user.is_superuser)
            .bind(user.base_currency.as_str())
            .bind(ts(&user.created_at))
            .bind(ts(&user.updated_at))
            .execute(&self.pool)
            .await;
        self.written(done, || currency_probe(user)).await?;
        Ok(())
    }

    async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
        self.user_where(sql::BY_ID, uid(&id)).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        self.user_where(sql::BY_EMAIL, email.trim().to_lowercase())
            .await
    }

    async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        self.user_where(sql::BY_USERNAME, username.trim().to_string())
            .await
    }

    async fn users(&self, page: PageRequest) -> StoreResult<Page<User>> {
        let total = self.fetch_count(sqlx::query(sql::COUNT)).await?;
        let items = sqlx::query(concat!(
            "SELECT ",
            user_columns!(),
            " FROM users ORDER BY created_at, id LIMIT $1 OFFSET $2"
        ))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::user)
        .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    async fn update_user(&self, user: &User) -> StoreResult<()> {
        let done = sqlx::query(sql::UPDATE)
            .bind(uid(&user.id))
            .bind(user.email.as_str())
            .bind(user.username.as_str())
            .bind(&user.password_hash)
            .bind(user.is_active)
            .bind(user.is_superuser)
            .bind(user.base_currency.as_str())
            .bind(ts(&user.updated_at))
            .execute(&self.pool)
            .await;
        affected_one(self.written(done, || currency_probe(user)).await?)
    }

    async fn delete_user(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query(sql::DELETE)
            .bind(uid(&id))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }
}
