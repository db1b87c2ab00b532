use sqlx::Row;
use uuid::Uuid;

use super::codec::{ts, uid};
use super::errors::{db_err, Probe};
use super::SqliteStore;
use crate::domain::{Page, PageRequest, User};
use crate::store::rows::{self, count, sql_i64};
use crate::store::{StoreError, StoreResult};

macro_rules! select_users {
    ($($tail:literal)*) => {
        concat!(
            "SELECT id, email, username, password_hash, is_active, is_superuser, base_currency, \
             created_at, updated_at FROM users ",
            $($tail),*
        )
    };
}

fn currency_probe(user: &User) -> [Probe; 1] {
    [Probe::Parent {
        constraint: "fk_users_base_currency",
        table: "currencies",
        column: "code",
        value: Some(user.base_currency.to_string()),
    }]
}

impl SqliteStore {
    pub(crate) async fn insert_user(&self, user: &User) -> StoreResult<()> {
        let done = sqlx::query(
            "INSERT INTO users (id, email, username, password_hash, is_active, is_superuser, \
             base_currency, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
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
        match done {
            Ok(_) => Ok(()),
            Err(e) => Err(self.conflict(e, &currency_probe(user)).await),
        }
    }

    async fn user_where(&self, sql: &'static str, key: String) -> StoreResult<Option<User>> {
        sqlx::query(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::user(&r))
            .transpose()
    }

    pub(crate) async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
        self.user_where(select_users!("WHERE id = $1"), uid(&id))
            .await
    }

    pub(crate) async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
        // Emails are stored lower-case.
        self.user_where(
            select_users!("WHERE email = $1"),
            email.trim().to_lowercase(),
        )
        .await
    }

    pub(crate) async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
        self.user_where(
            select_users!("WHERE username = $1"),
            username.trim().to_string(),
        )
        .await
    }

    pub(crate) async fn users(&self, page: PageRequest) -> StoreResult<Page<User>> {
        let total: i64 = sqlx::query("SELECT count(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .and_then(|r| r.try_get(0))
            .map_err(db_err)?;
        let items = sqlx::query(select_users!("ORDER BY created_at, id LIMIT $1 OFFSET $2"))
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(rows::user)
            .collect::<StoreResult<_>>()?;
        Ok(Page {
            items,
            total: count(total)?,
        })
    }

    pub(crate) async fn update_user(&self, user: &User) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE users SET email = $2, username = $3, password_hash = $4, is_active = $5, \
             is_superuser = $6, base_currency = $7, updated_at = $8 WHERE id = $1",
        )
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
        match done {
            Ok(r) if r.rows_affected() == 0 => Err(StoreError::NotFound),
            Ok(_) => Ok(()),
            Err(e) => Err(self.conflict(e, &currency_probe(user)).await),
        }
    }

    pub(crate) async fn delete_user(&self, id: Uuid) -> StoreResult<()> {
        // Institutions, accounts (with their values and holdings) and tokens go by cascade.
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(uid(&id))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
