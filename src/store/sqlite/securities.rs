use async_trait::async_trait;
use uuid::Uuid;

use super::codec::{id_list, opt_dec, opt_ts, ts, uid};
use super::errors::db_err;
use super::{SqliteQuery, SqliteStore};
use crate::domain::{Page, PageRequest, Security, Symbol};
use crate::store::rows::{self, affected_one, contains_pattern, sql_i64};
use crate::store::sql::securities::{self as sql, search_where, security_columns};
use crate::store::{SecurityStore, StoreResult};

/// `sql::INSERT` or `sql::UPSERT` with the security's columns bound.
pub(super) fn bind_security<'q>(sql: &'q str, s: &'q Security) -> SqliteQuery<'q> {
    sqlx::query(sql)
        .bind(uid(&s.id))
        .bind(s.symbol.as_str())
        .bind(&s.name)
        .bind(&s.exchange)
        .bind(&s.currency)
        .bind(s.security_type.as_str())
        .bind(&s.sector)
        .bind(&s.industry)
        .bind(opt_dec(&s.market_cap))
        .bind(opt_ts(&s.last_synced_at))
        .bind(ts(&s.created_at))
        .bind(ts(&s.updated_at))
}

impl SqliteStore {
    async fn security_where(
        &self,
        sql: &'static str,
        key: String,
    ) -> StoreResult<Option<Security>> {
        sqlx::query(sql)
            .bind(key)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_err)?
            .map(|r| rows::security(&r))
            .transpose()
    }
}

#[async_trait]
impl SecurityStore for SqliteStore {
    async fn insert_security(&self, s: &Security) -> StoreResult<()> {
        bind_security(sql::INSERT, s)
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        Ok(())
    }

    async fn security(&self, id: Uuid) -> StoreResult<Option<Security>> {
        self.security_where(sql::BY_ID, uid(&id)).await
    }

    async fn security_by_symbol(&self, symbol: &Symbol) -> StoreResult<Option<Security>> {
        self.security_where(sql::BY_SYMBOL, symbol.as_str().to_string())
            .await
    }

    async fn securities_by_ids(&self, ids: &[Uuid]) -> StoreResult<Vec<Security>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        sqlx::query(concat!(
            "SELECT ",
            security_columns!(),
            " FROM securities WHERE id IN (SELECT value FROM json_each($1)) ORDER BY symbol"
        ))
        .bind(id_list(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::security)
        .collect()
    }

    async fn securities(&self, page: PageRequest) -> StoreResult<Page<Security>> {
        let total = self.fetch_count(sqlx::query(sql::COUNT)).await?;
        let items = sqlx::query(concat!(
            "SELECT ",
            security_columns!(),
            " FROM securities ORDER BY symbol LIMIT $1 OFFSET $2"
        ))
        .bind(sql_i64(page.limit))
        .bind(sql_i64(page.skip))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::security)
        .collect::<StoreResult<_>>()?;
        Ok(Page { items, total })
    }

    async fn search_securities(&self, query: &str, limit: u64) -> StoreResult<Vec<Security>> {
        let query = query.trim();
        sqlx::query(concat!(
            "SELECT ",
            security_columns!(),
            " FROM securities ",
            search_where!(),
            "ORDER BY CASE WHEN symbol = $2 THEN 0 ELSE 1 END, symbol LIMIT $3"
        ))
        .bind(contains_pattern(query))
        .bind(query.to_uppercase())
        .bind(sql_i64(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_err)?
        .iter()
        .map(rows::security)
        .collect()
    }

    async fn update_security(&self, s: &Security) -> StoreResult<()> {
        let done = sqlx::query(sql::UPDATE)
            .bind(uid(&s.id))
            .bind(s.symbol.as_str())
            .bind(&s.name)
            .bind(&s.exchange)
            .bind(&s.currency)
            .bind(s.security_type.as_str())
            .bind(&s.sector)
            .bind(&s.industry)
            .bind(opt_dec(&s.market_cap))
            .bind(opt_ts(&s.last_synced_at))
            .bind(ts(&s.updated_at))
            .execute(&self.pool)
            .await
            .map_err(db_err)?;
        affected_one(done.rows_affected())
    }
}
