use sqlx::Row;
use uuid::Uuid;

use super::rows::{affected_one, db_err, window_total};
use super::PgStore;
use crate::domain::{Holding, Page, PageRequest};
use crate::store::rows::{self, count, sql_i64, Columns};
use crate::store::StoreResult;

macro_rules! select_holdings {
    ($($tail:literal)*) => {
        concat!(
            "SELECT h.id, h.account_id, h.security_id, h.shares, h.average_price, h.\"timestamp\", \
             h.created_at, h.updated_at",
            $($tail),*
        )
    };
}

/// Keeps a snapshot only when no newer one of the same account and security exists; the
/// unique (account, security, timestamp) index answers it.
macro_rules! newest_only {
    () => {
        "NOT EXISTS (SELECT 1 FROM holdings AS n WHERE n.account_id = h.account_id \
         AND n.security_id = h.security_id AND n.\"timestamp\" > h.\"timestamp\")"
    };
}

impl PgStore {
    pub(crate) async fn insert_holding(&self, h: &Holding) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO holdings (id, account_id, security_id, shares, average_price, \
             \"timestamp\", created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(h.id)
        .bind(h.account_id)
        .bind(h.security_id)
        .bind(h.shares)
        .bind(h.average_price)
        .bind(h.timestamp)
        .bind(h.created_at)
        .bind(h.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        Ok(())
    }

    pub(crate) async fn holding(&self, id: Uuid) -> StoreResult<Option<Holding>> {
        sqlx::query(select_holdings!(" FROM holdings AS h WHERE h.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::holding(&r))
            .transpose()
    }

    pub(crate) async fn holdings(
        &self,
        account_id: Uuid,
        current_only: bool,
        page: PageRequest,
    ) -> StoreResult<Page<Holding>> {
        let (items_sql, count_sql) = if current_only {
            (
                concat!(
                    select_holdings!(
                        ", count(*) OVER () AS total FROM holdings AS h WHERE h.account_id = $1 AND "
                    ),
                    newest_only!(),
                    " ORDER BY h.\"timestamp\" DESC, h.id LIMIT $2 OFFSET $3"
                ),
                concat!(
                    "SELECT count(*) FROM holdings AS h WHERE h.account_id = $1 AND ",
                    newest_only!()
                ),
            )
        } else {
            (
                select_holdings!(
                    ", count(*) OVER () AS total FROM holdings AS h WHERE h.account_id = $1 "
                    "ORDER BY h.\"timestamp\" DESC, h.id LIMIT $2 OFFSET $3"
                ),
                "SELECT count(*) FROM holdings AS h WHERE h.account_id = $1",
            )
        };
        let found = sqlx::query(items_sql)
            .bind(account_id)
            .bind(sql_i64(page.limit))
            .bind(sql_i64(page.skip))
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?;
        let total = match window_total(&found)? {
            Some(n) => n,
            None if page.skip == 0 => 0,
            None => {
                let n: i64 = sqlx::query(count_sql)
                    .bind(account_id)
                    .fetch_one(&self.pool)
                    .await
                    .and_then(|r| r.try_get(0))
                    .map_err(db_err)?;
                count(n)?
            }
        };
        let items = found
            .iter()
            .map(rows::holding)
            .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    pub(crate) async fn current_holdings_of_user(
        &self,
        user_id: Uuid,
    ) -> StoreResult<Vec<Holding>> {
        sqlx::query(concat!(
            select_holdings!(
                " FROM holdings AS h JOIN accounts AS a ON a.id = h.account_id \
                 WHERE a.user_id = $1 AND "
            ),
            newest_only!(),
            " ORDER BY a.name, a.id, h.security_id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::holding)
        .collect()
    }

    pub(crate) async fn held_security_ids(&self) -> StoreResult<Vec<Uuid>> {
        sqlx::query("SELECT DISTINCT security_id FROM holdings ORDER BY security_id")
            .fetch_all(&self.pool)
            .await
            .map_err(db_err)?
            .iter()
            .map(|r| r.uuid("security_id"))
            .collect()
    }

    pub(crate) async fn update_holding(&self, h: &Holding) -> StoreResult<()> {
        let done = sqlx::query(
            "UPDATE holdings SET security_id = $2, shares = $3, average_price = $4, \
             \"timestamp\" = $5, updated_at = $6 WHERE id = $1",
        )
        .bind(h.id)
        .bind(h.security_id)
        .bind(h.shares)
        .bind(h.average_price)
        .bind(h.timestamp)
        .bind(h.updated_at)
        .execute(&self.pool)
        .await
        .map_err(db_err)?;
        affected_one(done)
    }

    pub(crate) async fn delete_holding(&self, id: Uuid) -> StoreResult<()> {
        let done = sqlx::query("DELETE FROM holdings WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done)
    }
}
