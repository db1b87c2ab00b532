use sqlx::Row;
use uuid::Uuid;

use super::rows::{affected_one, db_err, window_total};
use super::PgStore;
use crate::domain::{Page, PageRequest, User};
use crate::store::rows::{self, count, sql_i64};
use crate::store::StoreResult;

macro_rules! select_users {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, email, username, password_hash, is_active, is_superuser, base_currency, \
             created_at, updated_at FROM users ",
            $($tail),*
        )
    };
}

impl PgStore {
    pub(crate) async fn insert_user(&self, user: &User) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO users (id, email, username, password_hash, is_active, is_superuser, \
             base_currency, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
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

    pub(crate) async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
        sqlx::query(select_users!("WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::user(&r))
            .transpose()
    }

    async fn user_by(&self, sql: &'static str, key: String) -> StoreResult<Option<User>> {
        sqlx::query(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::user(&r))
            .transpose()
    }

    pub(crate) async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        // Emails are stored lower-case.
        self.user_by(
            select_users!("WHERE email = $1"),
            email.trim().to_lowercase(),
        )
        .await
    }

    pub(crate) async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        self.user_by(
            select_users!("WHERE username = $1"),
            username.trim().to_string(),
        )
        .await
    }

    pub(crate) async fn users(&self, page: PageRequest) -> StoreResult<Page<User>> {
        let found = sqlx::query(
            "SELECT id, email, username, password_hash, is_active, is_superuser, base_currency, \
             created_at, updated_at, count(*) OVER () AS total FROM users \
             ORDER BY created_at, id LIMIT $1 OFFSET $2",
        )
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?;
        let total = match window_total(&found)? {
            Some(n) => n,
            None if page.skip == 0 => 0,
            None => {
                let n: i64 = sqlx::query("SELECT count(*) FROM users")
                    .fetch_one(&self.pool)
                    .await
                    .and_then(|r| r.try_get(0))
                    .map_err(db_err)?;
                count(n)?
            }
        };
        let items = found.iter().map(rows::user).collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn update_user(&self, user: &User) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE users SET email = $2, username = $3, password_hash = $4, is_active = $5, \
             is_superuser = $6, base_currency = $7, updated_at = $8 WHERE id = $1",
        )
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
        affected_one(done)
    }

    pub(crate) async fn delete_user(&self, id: Uuid) -> StoreResult<()> {
        // Institutions, accounts (with their values and holdings) and tokens go by cascade.
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }
}
